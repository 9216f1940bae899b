"""Llama-style decoders: rotary positions, grouped-query attention (num_key_value_heads), explicit head_dim."""

from ...registry import register
from ..modality import TextDecoderOnnxConfig
from .gpt2 import DECODER_TASKS


@register("llama", *DECODER_TASKS)
class LlamaOnnxConfig(TextDecoderOnnxConfig):
    ATOL_FOR_VALIDATION = 1e-4


@register("qwen2", *DECODER_TASKS, "token-classification")
class Qwen2OnnxConfig(LlamaOnnxConfig):
    pass
