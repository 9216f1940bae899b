"""Gemma decoders. As Optimum exports them: no ``position_ids`` input (the model derives positions from the
cache length). Gemma 2/3 alternate sliding-window and global layers; the adapter keeps every cache layer at full
length so the flat ``past + seq`` interface holds (see adapter.flat_to_cache)."""

from ...registry import register
from .gpt2 import DECODER_TASKS
from .llama import LlamaOnnxConfig
from .mistral import GENERATION_TASKS


@register("gemma", *DECODER_TASKS)
class GemmaOnnxConfig(LlamaOnnxConfig):
    USES_POSITION_IDS = False


@register("gemma2", *DECODER_TASKS)
class Gemma2OnnxConfig(GemmaOnnxConfig):
    pass


@register("gemma3_text", *GENERATION_TASKS)
class Gemma3TextOnnxConfig(GemmaOnnxConfig):
    pass


@register("nemotron", *GENERATION_TASKS)
class NemotronOnnxConfig(GemmaOnnxConfig):
    pass
