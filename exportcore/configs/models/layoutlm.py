"""Layout models: token ids plus a bounding box per token (``bbox``, page coordinates 0-1000)."""

from ..dummy_inputs import DummyBboxInputGenerator, DummyTextInputGenerator
from ...registry import register
from .bert import BertOnnxConfig


@register("layoutlm", "feature-extraction", "fill-mask", "text-classification", "token-classification")
class LayoutLMOnnxConfig(BertOnnxConfig):
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyTextInputGenerator, DummyBboxInputGenerator)
    TEXT_INPUTS = ("input_ids", "bbox", "attention_mask", "token_type_ids")  # LayoutLMModel.forward's order


@register("lilt", "feature-extraction", "question-answering", "text-classification", "token-classification")
class LiltOnnxConfig(LayoutLMOnnxConfig):
    TEXT_INPUTS = ("input_ids", "bbox", "attention_mask")
