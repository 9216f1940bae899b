"""Two-tower image-text models in CLIP's style: similarity logits and both embeddings."""

from ...registry import register
from .clip import CLIPOnnxConfig


@register("chinese_clip", "feature-extraction", "zero-shot-image-classification")
class ChineseCLIPOnnxConfig(CLIPOnnxConfig):
    pass


@register("groupvit", "feature-extraction")
class GroupViTOnnxConfig(CLIPOnnxConfig):
    pass


@register("siglip", "feature-extraction", "zero-shot-image-classification")
class SiglipOnnxConfig(CLIPOnnxConfig):
    @property
    def inputs(self):
        return {  # SigLIP's text tower is trained on padded text: no attention_mask (as Optimum exports it)
            "input_ids": {0: "text_batch_size", 1: "sequence_length"},
            "pixel_values": {0: "image_batch_size", 1: "num_channels", 2: "height", 3: "width"},
        }
