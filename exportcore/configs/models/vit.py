from ...registry import register
from ..modality import VisionOnnxConfig


@register("vit", "feature-extraction", "image-classification", "masked-im")
class ViTOnnxConfig(VisionOnnxConfig):
    ATOL_FOR_VALIDATION = 1e-4

    @property
    def outputs(self):
        if self.task == "feature-extraction":  # as Optimum declares it: only the batch axis
            return {"last_hidden_state": {0: "batch_size"}}
        return super().outputs
