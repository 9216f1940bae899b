"""BERT and its close relatives (same inputs, same heads)."""

from ...registry import register
from ..modality import TextEncoderOnnxConfig

ENCODER_TASKS = (
    "feature-extraction",
    "fill-mask",
    "text-classification",
    "multiple-choice",
    "token-classification",
    "question-answering",
)


@register("bert", *ENCODER_TASKS)
class BertOnnxConfig(TextEncoderOnnxConfig):
    ATOL_FOR_VALIDATION = 1e-4
    TEXT_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


@register("distilbert", *ENCODER_TASKS)
class DistilBertOnnxConfig(TextEncoderOnnxConfig):
    ATOL_FOR_VALIDATION = 1e-4
    TEXT_INPUTS = ("input_ids", "attention_mask")


@register("roberta", *ENCODER_TASKS)
class RobertaOnnxConfig(DistilBertOnnxConfig):
    pass
