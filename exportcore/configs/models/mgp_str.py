"""MGP-STR, scene text recognition: a ViT over a text-line image and three heads reading the same tokens as
characters, BPE pieces and WordPieces. ``feature-extraction`` returns the three logits as Optimum names them
(``adapter_forwards.named_logits`` splits transformers' tuple); the image size is the configuration's."""

from ...registry import register
from .vit import ViTOnnxConfig


@register("mgp-str", "feature-extraction")
class MgpstrOnnxConfig(ViTOnnxConfig):
    EXPORT_FORWARDS = ("named_logits",)

    @property
    def outputs(self):
        return {"char_logits": {0: "batch_size"}, "bpe_logits": {0: "batch_size"}, "wp_logits": {0: "batch_size"}}
