"""DETR's successors on a convolutional backbone: DAB-DETR (anchor boxes as queries) and Deformable DETR
(multi-scale deformable attention). ``object-detection`` returns ``logits`` and ``pred_boxes`` per query, as
DETR's export does."""

from ...registry import register
from .detr import DetrOnnxConfig


@register("dab-detr", "object-detection")
class DabDetrOnnxConfig(DetrOnnxConfig):
    pass


@register("deformable_detr", "object-detection")
class DeformableDetrOnnxConfig(DetrOnnxConfig):
    pass
