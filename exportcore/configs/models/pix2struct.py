"""Pix2Struct (``Pix2StructForConditionalGeneration``: Pix2Struct, MatCha, DePlot) for image-to-text, as Optimum's
``Pix2StructOnnxConfig`` writes it: ``encoder_model.onnx`` (``flattened_patches``, ``attention_mask`` ->
``last_hidden_state``) and the T5-like decoder with its self- and cross-attention cache
(``decoder_model_merged.onnx``).

Two things differ from the text template. The encoder takes patches, not pixels: batch × patches × (2 + patch
height · width · channels), the first two values of a patch being its row and column (from 1; 0 marks a padding
patch) and the patch count a dynamic axis (the processor pads to its ``max_patches``). And the decoder takes
``decoder_attention_mask`` (over the past and the new tokens once there is a cache): Optimum's configuration
declares it, so its runtime feeds it, and it carries a left-padded decoder prompt's padding (without it every past
token is attended). Decisions 175–177.
"""

from __future__ import annotations

import math

from ..base import ConfigBehavior, OnnxSeq2SeqConfigWithPast, TensorSpec
from ..dummy_inputs import (
    DummyDecoderTextInputGenerator,
    DummyInputGenerator,
    DummySeq2SeqEncoderOutputGenerator,
    DummySeq2SeqPastKeyValuesGenerator,
    np,
)
from ..normalized_config import NormalizedSeq2SeqConfig
from ...registry import register

#: The decoder input a runtime feeds over the past and new tokens (the decoder wrapper takes it when present).
DECODER_MASK = "decoder_attention_mask"


class Pix2StructNormalizedConfig(NormalizedSeq2SeqConfig):
    """Decoder attributes from ``text_config`` (T5's names), the encoder's from ``vision_config``."""

    ATTRIBUTES = {
        **NormalizedSeq2SeqConfig.ATTRIBUTES,
        "vocab_size": "text_config.vocab_size",
        "hidden_size": "vision_config.hidden_size",  # the width of the states the decoder's cross-attention reads
        "num_layers": "text_config.num_layers",
        "decoder_num_layers": "text_config.num_layers",
        "decoder_num_attention_heads": "text_config.num_heads",
        "decoder_head_dim": "text_config.d_kv",
        "encoder_num_layers": "vision_config.num_hidden_layers",
        "encoder_num_attention_heads": "vision_config.num_attention_heads",
        "patch_embed_hidden_size": "vision_config.patch_embed_hidden_size",
        "max_patch_index": "vision_config.seq_len",
    }


class DummyPix2StructPatchesGenerator(DummyInputGenerator):
    """``flattened_patches`` as the processor lays them out (row and column from 1, then the patch's values) and
    the encoder's ``attention_mask``, for ``encoder_sequence_length`` patches (default: the sequence length)."""

    SUPPORTED_INPUT_NAMES = ("flattened_patches", "attention_mask")

    def _patches(self) -> int:
        return self.shapes.get("encoder_sequence_length", self.sequence_length)

    def shape(self, name: str) -> list[int]:
        if name == "attention_mask":
            return [self.batch_size, self._patches()]
        return [self.batch_size, self._patches(), 2 + self.normalized_config.patch_embed_hidden_size]

    def values(self, name: str, shape: list[int]):
        if name == "attention_mask":
            return self.ones(shape)
        batch, patches, width = shape
        columns = max(1, math.isqrt(max(patches - 1, 0)) + 1)  # a near-square grid of patches
        limit = int(self.normalized_config.max_patch_index) - 1  # the row/column tables' last index
        index = np.arange(patches)
        rows = np.minimum(index // columns + 1, limit)
        cols = np.minimum(index % columns + 1, limit)
        values = self.random_float(name, shape)
        values[:, :, 0] = rows
        values[:, :, 1] = cols
        return values


@register("pix2struct", "image-to-text", "image-to-text-with-past")
class Pix2StructOnnxConfig(OnnxSeq2SeqConfigWithPast):
    MODALITY = "image-to-text"
    ATOL_FOR_VALIDATION = 1e-4
    NORMALIZED_CONFIG_CLASS = Pix2StructNormalizedConfig
    DUMMY_INPUT_GENERATOR_CLASSES = (
        DummyPix2StructPatchesGenerator,
        DummyDecoderTextInputGenerator,
        DummySeq2SeqEncoderOutputGenerator,
        DummySeq2SeqPastKeyValuesGenerator,
    )
    ENCODER_MAIN_INPUT = ("flattened_patches", {0: "batch_size", 1: "encoder_sequence_length"})
    ENCODER_HAS_ATTENTION_MASK = True

    def decoder_inputs(self) -> TensorSpec:
        """The template's, with ``decoder_attention_mask`` after the token ids (the forward's order) in the split
        decoder; Optimum's one-file export has none."""
        inputs = super().decoder_inputs()
        if self._behavior is not ConfigBehavior.DECODER:
            return inputs
        length = ("past_decoder_sequence_length + decoder_sequence_length" if self.use_past_in_inputs
                  else "decoder_sequence_length")
        ids = {"decoder_input_ids": inputs.pop("decoder_input_ids")}
        return {**ids, DECODER_MASK: {0: "batch_size", 1: length}, **inputs}

    def dummy_input_shape(self, name: str, generator: DummyInputGenerator) -> list[int]:
        shape = super().dummy_input_shape(name, generator)
        if name == DECODER_MASK and self.use_past_in_inputs:
            shape[1] = generator.past_sequence_length + 1  # the cache's tokens and the one new token
        return shape
