"""XLM and FlauBERT (XLM's architecture): BERT's inputs."""

from ...registry import register
from .bert import ENCODER_TASKS, BertOnnxConfig


@register("xlm", *ENCODER_TASKS)
class XLMOnnxConfig(BertOnnxConfig):
    pass


@register("flaubert", *ENCODER_TASKS)
class FlaubertOnnxConfig(BertOnnxConfig):
    pass
