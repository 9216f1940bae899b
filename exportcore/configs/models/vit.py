from ...registry import register
from ..modality import VisionOnnxConfig


@register("vit", "feature-extraction", "image-classification", "masked-im")
class ViTOnnxConfig(VisionOnnxConfig):
    ATOL_FOR_VALIDATION = 1e-4

    @property
    def outputs(self):
        outputs = super().outputs
        if self.task == "feature-extraction":
            outputs["pooler_output"] = {0: "batch_size"}
        return outputs
