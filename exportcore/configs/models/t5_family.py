"""T5's relatives: mT5, LongT5, UMT5 (same inputs, cache with head size ``d_kv``)."""

from ...registry import register
from .t5 import SEQ2SEQ_TASKS, T5OnnxConfig


@register("mt5", *SEQ2SEQ_TASKS)
class MT5OnnxConfig(T5OnnxConfig):
    pass


@register("longt5", *SEQ2SEQ_TASKS)
class LongT5OnnxConfig(T5OnnxConfig):
    pass


@register("umt5", *SEQ2SEQ_TASKS)
class UMT5OnnxConfig(T5OnnxConfig):
    pass
