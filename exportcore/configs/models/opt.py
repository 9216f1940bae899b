"""OPT: learned positions from ``position_ids``, which its forward takes *after* the cache."""

from ...registry import register
from .gpt2 import DECODER_TASKS
from .llama import LlamaOnnxConfig


@register("opt", *DECODER_TASKS, "question-answering")
class OPTOnnxConfig(LlamaOnnxConfig):
    FORWARD_ORDER = ("input_ids", "attention_mask", "past_key_values", "position_ids")
