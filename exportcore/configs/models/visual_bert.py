"""VisualBERT: BERT over text tokens followed by visual embeddings (region features from a detector, given as
``visual_embeds``). ``feature-extraction`` returns the hidden states of both, as Optimum names them."""

from __future__ import annotations

from ...registry import register
from ..dummy_inputs import DummyInputGenerator, DummyTextInputGenerator
from ..modality import TextEncoderOnnxConfig


class DummyVisualEmbedsGenerator(DummyInputGenerator):
    """Region features: as many regions as half the text length plus one (so the shape sets vary them too)."""

    SUPPORTED_INPUT_NAMES = ("visual_embeds", "visual_attention_mask", "visual_token_type_ids")

    def shape(self, name: str) -> list[int]:
        regions = self.shapes.get("visual_seq_length", self.sequence_length // 2 + 1)
        if name == "visual_embeds":
            return [self.batch_size, regions, self.normalized_config.config.visual_embedding_dim]
        return [self.batch_size, regions]

    def values(self, name: str, shape: list[int]):
        if name == "visual_embeds":
            return self.random_float(name, shape)
        return self.ones(shape)  # every region visible, all of the visual token type


@register("visual_bert", "feature-extraction")
class VisualBertOnnxConfig(TextEncoderOnnxConfig):
    MODALITY = "text-and-vision"
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyTextInputGenerator, DummyVisualEmbedsGenerator)
    ATOL_FOR_VALIDATION = 1e-4

    @property
    def inputs(self):
        text = {0: "batch_size", 1: "sequence_length"}
        visual = {0: "batch_size", 1: "visual_seq_length"}
        return {"input_ids": dict(text), "attention_mask": dict(text),
                "visual_embeds": {**visual, 2: "visual_embedding_dim"},
                "visual_attention_mask": dict(visual), "visual_token_type_ids": dict(visual)}

    @property
    def outputs(self):
        return {"last_hidden_state": {0: "batch_size", 1: "sequence_length + visual_seq_length"}}
