"""GPT-2's descendants: GPT-Neo, GPT-J, CodeGen (cache before the mask, as GPT-2) and GPT-NeoX (Llama's order)."""

from ..normalized_config import NormalizedTextConfig
from ...registry import register
from .gpt2 import DECODER_TASKS, GPT2OnnxConfig
from .llama import LlamaOnnxConfig
from .mistral import GENERATION_TASKS


@register("gpt_neo", *DECODER_TASKS)
class GPTNeoOnnxConfig(GPT2OnnxConfig):
    NORMALIZED_CONFIG_CLASS = NormalizedTextConfig.with_args(num_attention_heads="num_heads", num_layers="num_layers")


@register("gptj", *DECODER_TASKS, "question-answering")
class GPTJOnnxConfig(GPT2OnnxConfig):
    pass


@register("codegen", *GENERATION_TASKS)
class CodeGenOnnxConfig(GPT2OnnxConfig):
    pass


@register("gpt_neox", *DECODER_TASKS)
class GPTNeoXOnnxConfig(LlamaOnnxConfig):
    pass
