from ...registry import register
from ..base import OnnxConfig
from ..modality import TextAndVisionOnnxConfig


@register("clip", "feature-extraction", "zero-shot-image-classification", "image-classification")
class CLIPOnnxConfig(TextAndVisionOnnxConfig):
    ATOL_FOR_VALIDATION = 1e-4

    @property
    def inputs(self):
        if self.task == "image-classification":  # CLIPForImageClassification: the vision tower and a head
            return {"pixel_values": {0: "batch_size", 1: "num_channels", 2: "height", 3: "width"}}
        return {
            "input_ids": {0: "text_batch_size", 1: "sequence_length"},
            "pixel_values": {0: "batch_size", 1: "num_channels", 2: "height", 3: "width"},
            "attention_mask": {0: "text_batch_size", 1: "sequence_length"},
        }

    @property
    def outputs(self):
        if self.task == "image-classification":
            return {"logits": {0: "batch_size"}}
        # feature-extraction and zero-shot export the full two-tower model: similarity logits and both embeddings.
        return OnnxConfig._TASK_TO_COMMON_OUTPUTS["zero-shot-image-classification"] | {}

