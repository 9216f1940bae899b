"""OWL-ViT and OWLv2: CLIP-like towers whose image patches become boxes. ``feature-extraction`` is the two-tower
model (CLIP's outputs); ``zero-shot-object-detection`` scores every patch's box against each text query (the text
batch is images × queries)."""

from ...registry import register
from .clip import CLIPOnnxConfig


@register("owlvit", "feature-extraction", "zero-shot-object-detection")
class OwlViTOnnxConfig(CLIPOnnxConfig):
    @property
    def outputs(self):
        if self.task == "zero-shot-object-detection":
            return {"logits": {0: "image_batch_size", 2: "num_queries"},
                    "pred_boxes": {0: "image_batch_size", 1: "num_boxes"},
                    "text_embeds": {0: "text_batch_size", 1: "max_text_queries"},
                    "image_embeds": {0: "image_batch_size"}}
        return super().outputs


@register("owlv2", "feature-extraction", "zero-shot-object-detection")
class Owlv2OnnxConfig(OwlViTOnnxConfig):
    pass
