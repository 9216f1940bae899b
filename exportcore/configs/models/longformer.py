"""Longformer: RoBERTa's inputs plus ``global_attention_mask`` (1 where a token attends to, and is attended by, every
token), with BERT's heads. Its sliding-window attention is exported in blocks whose count follows the input
(``export/longformer_attention.py``: any sequence length, memory linear in it; decisions 181–183)."""

from __future__ import annotations

from ...registry import register
from ..dummy_inputs import DummyTextInputGenerator
from .bert import ENCODER_TASKS, DistilBertOnnxConfig


class DummyLongformerInputGenerator(DummyTextInputGenerator):
    """The first token global (what the classifier head assumes when given no mask) and about a quarter of the
    others, seeded, so that every shape set validates global and sliding attention together."""

    SUPPORTED_INPUT_NAMES = (*DummyTextInputGenerator.SUPPORTED_INPUT_NAMES, "global_attention_mask")

    def values(self, name: str, shape: list[int]):
        if name != "global_attention_mask":
            return super().values(name, shape)
        mask = (self.rng(name).random(shape) < 0.25).astype(self.ones(shape).dtype)
        mask[..., 0] = 1
        return mask


@register("longformer", *ENCODER_TASKS)
class LongformerOnnxConfig(DistilBertOnnxConfig):
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyLongformerInputGenerator,)
    TEXT_INPUTS = ("input_ids", "attention_mask", "global_attention_mask")  # every head's forward order
    #: transformers builds a [batch, 1, length, length] mask and keeps its first row: the padding mask is built
    #: [batch, 1, 1, length] instead (export/adapter_forwards.key_padding_mask), or the file holds length² values.
    EXPORT_FORWARDS = ("longformer_attention", "key_padding_mask")
