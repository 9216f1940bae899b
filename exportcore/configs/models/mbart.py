"""BART's relatives (learned or sinusoidal positions, same inputs and cache layout): mBART, Marian, Pegasus,
Blenderbot, Blenderbot-small, M2M-100, BigBird-Pegasus."""

from ...registry import register
from .bart import BartOnnxConfig
from .t5 import SEQ2SEQ_TASKS


@register("mbart", *SEQ2SEQ_TASKS, "text-classification", "question-answering")
class MBartOnnxConfig(BartOnnxConfig):
    pass


@register("marian", *SEQ2SEQ_TASKS)
class MarianOnnxConfig(BartOnnxConfig):
    pass


@register("pegasus", *SEQ2SEQ_TASKS)
class PegasusOnnxConfig(BartOnnxConfig):
    pass


@register("blenderbot", *SEQ2SEQ_TASKS)
class BlenderbotOnnxConfig(BartOnnxConfig):
    pass


@register("blenderbot-small", *SEQ2SEQ_TASKS)
class BlenderbotSmallOnnxConfig(BartOnnxConfig):
    pass


@register("m2m_100", *SEQ2SEQ_TASKS)
class M2M100OnnxConfig(BartOnnxConfig):
    pass


@register("bigbird_pegasus", *SEQ2SEQ_TASKS, "text-classification", "question-answering")
class BigBirdPegasusOnnxConfig(BartOnnxConfig):
    pass
