"""GPT-BigCode (StarCoder): multi-query attention. In transformers 5 its cache is an ordinary per-layer key/value
cache with one KV head (``multi_query``), so the names are the usual ``past_key_values.{i}.key|value`` (as Optimum
writes them for transformers >= 4.54), not the fused ``key_value`` of older versions."""

from ..normalized_config import NormalizedTextConfig
from ...registry import register
from .gpt2 import DECODER_TASKS, GPT2OnnxConfig


class GPTBigCodeNormalizedConfig(NormalizedTextConfig.with_args(
        num_layers="n_layer", num_attention_heads="n_head", hidden_size="n_embd")):
    @property
    def num_key_value_heads(self) -> int:
        return 1 if self.config.multi_query else self.num_attention_heads


@register("gpt_bigcode", *DECODER_TASKS, "token-classification")
class GPTBigCodeOnnxConfig(GPT2OnnxConfig):
    NORMALIZED_CONFIG_CLASS = GPTBigCodeNormalizedConfig
