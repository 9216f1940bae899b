"""Detection transformers: DETR (and Table Transformer, Conditional DETR) on a convolutional backbone, YOLOS on
patches. ``object-detection`` outputs ``logits`` and ``pred_boxes`` per query."""

from ...registry import register
from .vit import ViTOnnxConfig


@register("yolos", "feature-extraction", "object-detection")
class YolosOnnxConfig(ViTOnnxConfig):
    pass


@register("detr", "feature-extraction", "object-detection")
class DetrOnnxConfig(ViTOnnxConfig):
    pass


@register("table-transformer", "feature-extraction", "object-detection")
class TableTransformerOnnxConfig(DetrOnnxConfig):
    pass


@register("conditional_detr", "feature-extraction", "object-detection")
class ConditionalDetrOnnxConfig(DetrOnnxConfig):
    pass
