"""The vision tower of a two-tower model saved alone (``CLIPVisionModel``, ``SiglipVisionModel``: image encoders of
many VLMs and image-embedding models). ``feature-extraction`` returns the patch states and the pooled one."""

from ...registry import register
from .vit import ViTOnnxConfig


@register("clip_vision_model", "feature-extraction")
class CLIPVisionModelOnnxConfig(ViTOnnxConfig):
    @property
    def outputs(self):
        return {"last_hidden_state": {0: "batch_size"}, "pooler_output": {0: "batch_size"}}


@register("siglip_vision_model", "feature-extraction")
class SiglipVisionModelOnnxConfig(CLIPVisionModelOnnxConfig):
    pass
