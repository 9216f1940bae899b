from ...registry import register
from ..modality import TextSeq2SeqOnnxConfig
from .t5 import SEQ2SEQ_TASKS


@register("bart", *SEQ2SEQ_TASKS, "text-classification", "question-answering")
class BartOnnxConfig(TextSeq2SeqOnnxConfig):
    ATOL_FOR_VALIDATION = 1e-4
