"""Llama-style decoders (rotary positions, grouped KV heads, optional explicit head_dim): their forward takes
``input_ids, attention_mask, position_ids, cache`` in that order, as Llama's does."""

from ...registry import register
from .gpt2 import DECODER_TASKS
from .llama import LlamaOnnxConfig

#: feature-extraction[-with-past], text-generation[-with-past]
GENERATION_TASKS = DECODER_TASKS[:4]


@register("mistral", *DECODER_TASKS)
class MistralOnnxConfig(LlamaOnnxConfig):
    pass


@register("qwen3", *DECODER_TASKS)
class Qwen3OnnxConfig(LlamaOnnxConfig):
    pass


@register("granite", *GENERATION_TASKS)
class GraniteOnnxConfig(LlamaOnnxConfig):
    pass


@register("olmo", *GENERATION_TASKS)
class OlmoOnnxConfig(LlamaOnnxConfig):
    pass


@register("olmo2", *GENERATION_TASKS)
class Olmo2OnnxConfig(OlmoOnnxConfig):
    pass


@register("stablelm", *GENERATION_TASKS)
class StableLMOnnxConfig(LlamaOnnxConfig):
    pass


@register("smollm3", *DECODER_TASKS)
class SmolLM3OnnxConfig(LlamaOnnxConfig):
    pass


@register("arcee", *GENERATION_TASKS)
class ArceeOnnxConfig(LlamaOnnxConfig):
    pass


@register("starcoder2", *DECODER_TASKS)
class Starcoder2OnnxConfig(LlamaOnnxConfig):
    pass


@register("phi", *DECODER_TASKS)
class PhiOnnxConfig(LlamaOnnxConfig):
    pass


@register("phi3", *DECODER_TASKS)
class Phi3OnnxConfig(PhiOnnxConfig):
    pass
