"""Modality configurations: they know the modality and its dummy generators, not the model."""

from __future__ import annotations

from typing import ClassVar

from .dummy_inputs import (
    DummyAudioInputGenerator,
    DummyDecoderTextInputGenerator,
    DummyPastKeyValuesGenerator,
    DummySeq2SeqEncoderOutputGenerator,
    DummySeq2SeqPastKeyValuesGenerator,
    DummyTextInputGenerator,
    DummyVisionInputGenerator,
)
from .normalized_config import (
    NormalizedAudioConfig,
    NormalizedSeq2SeqConfig,
    NormalizedTextAndVisionConfig,
    NormalizedTextConfig,
    NormalizedVisionConfig,
)
from .base import OnnxConfig, OnnxConfigWithPast, OnnxSeq2SeqConfigWithPast, TensorSpec


class TextEncoderOnnxConfig(OnnxConfig):
    """Encoder-only text models (BERT family). Subclasses list their inputs via ``TEXT_INPUTS``."""

    MODALITY = "text-encoder"
    NORMALIZED_CONFIG_CLASS = NormalizedTextConfig
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyTextInputGenerator,)
    TEXT_INPUTS: ClassVar[tuple[str, ...]] = ("input_ids", "attention_mask")

    @property
    def inputs(self) -> TensorSpec:
        if self.task == "multiple-choice":
            axes = {0: "batch_size", 1: "num_choices", 2: "sequence_length"}
        else:
            axes = {0: "batch_size", 1: "sequence_length"}
        return {name: dict(axes) for name in self.TEXT_INPUTS}


class TextDecoderOnnxConfig(OnnxConfigWithPast):
    """Decoder-only text models: the decoder-only interface (``causal_lm_inputs``), in the order of the model's
    forward (``USES_POSITION_IDS``, ``PAST_BEFORE_ATTENTION_MASK``, ``FORWARD_ORDER``)."""

    MODALITY = "text-decoder"
    NORMALIZED_CONFIG_CLASS = NormalizedTextConfig
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyTextInputGenerator, DummyPastKeyValuesGenerator)

    @property
    def is_causal_lm(self) -> bool:
        return True  # a decoder-only model, whatever the task

    @property
    def inputs(self) -> TensorSpec:
        return self.causal_lm_inputs()


class TextSeq2SeqOnnxConfig(OnnxSeq2SeqConfigWithPast):
    """Text encoder-decoder models (T5, BART…)."""

    MODALITY = "text-seq2seq"
    NORMALIZED_CONFIG_CLASS = NormalizedSeq2SeqConfig
    DUMMY_INPUT_GENERATOR_CLASSES = (
        DummyTextInputGenerator,
        DummyDecoderTextInputGenerator,
        DummySeq2SeqEncoderOutputGenerator,
        DummySeq2SeqPastKeyValuesGenerator,
    )
    ENCODER_MAIN_INPUT = ("input_ids", {0: "batch_size", 1: "encoder_sequence_length"})
    ENCODER_HAS_ATTENTION_MASK = True


class VisionOnnxConfig(OnnxConfig):
    MODALITY = "vision"
    NORMALIZED_CONFIG_CLASS = NormalizedVisionConfig
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyVisionInputGenerator,)

    @property
    def inputs(self) -> TensorSpec:
        return {"pixel_values": {0: "batch_size", 1: "num_channels", 2: "height", 3: "width"}}


class TextAndVisionOnnxConfig(OnnxConfig):
    MODALITY = "text-and-vision"
    NORMALIZED_CONFIG_CLASS = NormalizedTextAndVisionConfig
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyTextInputGenerator, DummyVisionInputGenerator)


class AudioOnnxConfig(OnnxConfig):
    """Encoder-only audio models on raw waveforms (wav2vec2 family)."""

    MODALITY = "audio"
    NORMALIZED_CONFIG_CLASS = NormalizedAudioConfig
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyAudioInputGenerator,)

    @property
    def inputs(self) -> TensorSpec:
        return {"input_values": {0: "batch_size", 1: "sequence_length"}}


class AudioToTextOnnxConfig(OnnxSeq2SeqConfigWithPast):
    """Speech encoder-decoder models on log-mel features (Whisper, Speech2Text)."""

    MODALITY = "audio-to-text"
    NORMALIZED_CONFIG_CLASS = NormalizedSeq2SeqConfig
    DUMMY_INPUT_GENERATOR_CLASSES = (
        DummyAudioInputGenerator,
        DummyDecoderTextInputGenerator,
        DummySeq2SeqEncoderOutputGenerator,
        DummySeq2SeqPastKeyValuesGenerator,
    )
    ENCODER_MAIN_INPUT = ("input_features", {0: "batch_size", 1: "feature_size", 2: "encoder_sequence_length"})
