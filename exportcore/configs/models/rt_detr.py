"""Real-time detection transformers: RT-DETR, RT-DETRv2 and D-FINE (a convolutional backbone, a hybrid encoder and a
deformable decoder over a fixed number of queries, chosen by top-k among the anchors). As Optimum registers them:
``object-detection`` only, whose ``logits`` and ``pred_boxes`` come per query."""

from ...registry import register
from .vit import ViTOnnxConfig


@register("rt_detr", "object-detection")
class RTDetrOnnxConfig(ViTOnnxConfig):
    pass


@register("rt_detr_v2", "object-detection")
class RTDetrV2OnnxConfig(RTDetrOnnxConfig):
    pass


@register("d_fine", "object-detection")
class DFineOnnxConfig(RTDetrOnnxConfig):
    pass
