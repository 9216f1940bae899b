"""Modality configurations: they know the modality and its dummy generators, not the model."""

from __future__ import annotations

from typing import ClassVar

from .dummy_inputs import (
    DummyAudioInputGenerator,
    DummyDecoderTextInputGenerator,
    DummyInputGenerator,
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
from .base import ConfigBehavior, OnnxConfig, OnnxConfigWithPast, OnnxSeq2SeqConfigWithPast, TensorSpec


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
    """Decoder-only text models; ``position_ids`` is an input for text generation (as Optimum exports it)."""

    MODALITY = "text-decoder"
    NORMALIZED_CONFIG_CLASS = NormalizedTextConfig
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyTextInputGenerator, DummyPastKeyValuesGenerator)
    USES_POSITION_IDS: ClassVar[bool] = True
    #: Optimum orders ONNX inputs as the model's forward signature does; GPT-2's takes the cache before the mask.
    PAST_BEFORE_ATTENTION_MASK: ClassVar[bool] = False
    #: The forward signature's order of the inputs when neither Llama's (input_ids, attention_mask, position_ids,
    #: cache) nor GPT-2's (input_ids, cache, attention_mask, position_ids) — e.g. OPT's puts the cache between the
    #: mask and position_ids. ``"past_key_values"`` stands for all the cache inputs.
    FORWARD_ORDER: ClassVar[tuple[str, ...] | None] = None

    @property
    def is_causal_lm(self) -> bool:
        return True  # a decoder-only model, whatever the task

    @property
    def inputs(self) -> TensorSpec:
        inputs: TensorSpec = {"input_ids": {0: "batch_size", 1: "sequence_length"}}
        past: TensorSpec = {}
        if self.use_past_in_inputs:
            self.add_past_key_values(past, direction="inputs")
        if self.PAST_BEFORE_ATTENTION_MASK:
            inputs.update(past)
        if self.use_past_in_inputs:
            inputs["attention_mask"] = {0: "batch_size", 1: "past_sequence_length + sequence_length"}
        else:
            inputs["attention_mask"] = {0: "batch_size", 1: "sequence_length"}
        # legacy: Optimum 1.x's decoder interface had no position_ids
        if self.USES_POSITION_IDS and not self.legacy and self.task in ("text-generation", "feature-extraction"):
            inputs["position_ids"] = {0: "batch_size", 1: "sequence_length"}
        if not self.PAST_BEFORE_ATTENTION_MASK:
            inputs.update(past)
        if self.FORWARD_ORDER:
            rank = {name: i for i, name in enumerate(self.FORWARD_ORDER)}
            key = lambda name: rank.get(name.split(".")[0], len(rank))  # noqa: E731 - stable sort by forward order
            inputs = {name: inputs[name] for name in sorted(inputs, key=key)}
        return inputs

    def dummy_input_shape(self, name: str, generator: DummyInputGenerator) -> list[int]:
        shape = generator.shape(name)
        if name == "attention_mask" and self.use_past_in_inputs:
            shape[1] += generator.past_sequence_length
        return shape


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
    #: Encoder input(s) other than the attention mask.
    ENCODER_MAIN_INPUT: ClassVar[tuple[str, TensorSpec]] = ("input_ids", {0: "batch_size", 1: "encoder_sequence_length"})
    ENCODER_HAS_ATTENTION_MASK: ClassVar[bool] = True

    #: Tasks that run the decoder; the others (classification, QA heads) take the encoder inputs only.
    DECODING_TASKS: ClassVar[tuple[str, ...]] = ("feature-extraction", "text2text-generation")

    @property
    def inputs(self) -> TensorSpec:
        inputs: TensorSpec = {}
        main_name, main_axes = self.ENCODER_MAIN_INPUT
        if self.task not in self.DECODING_TASKS:  # plain "sequence_length" here, as Optimum names it
            return {name: {0: "batch_size", 1: "sequence_length"} for name in (main_name, "attention_mask")}
        if self._behavior is not ConfigBehavior.DECODER:
            inputs[main_name] = dict(main_axes)
        if self.ENCODER_HAS_ATTENTION_MASK:
            inputs["attention_mask"] = {0: "batch_size", 1: "encoder_sequence_length"}
        if self._behavior is not ConfigBehavior.ENCODER:
            inputs["decoder_input_ids"] = {0: "batch_size", 1: "decoder_sequence_length"}
        # With the cross-attention cache as input the encoder states are unused (Optimum's file has no such input).
        if self._behavior is ConfigBehavior.DECODER and not self.use_past_in_inputs:
            inputs["encoder_outputs"] = {0: "batch_size", 1: "encoder_sequence_length"}
        if self._behavior is not ConfigBehavior.ENCODER and self.use_past_in_inputs:
            self.add_past_key_values(inputs, direction="inputs")
        return inputs

    @property
    def outputs(self) -> TensorSpec:
        if self.task not in self.DECODING_TASKS:
            return OnnxConfig.outputs.fget(self)
        return super().outputs

    def dummy_input_shape(self, name: str, generator: DummyInputGenerator) -> list[int]:
        shape = generator.shape(name)
        if name.startswith("decoder_") and self.use_past_in_inputs:
            shape[1] = 1  # one new token per step once the cache exists
        return shape


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

    @property
    def inputs(self) -> TensorSpec:
        inputs: TensorSpec = {}
        if self._behavior is not ConfigBehavior.DECODER:
            inputs["input_features"] = {0: "batch_size", 1: "feature_size", 2: "encoder_sequence_length"}
        if self._behavior is not ConfigBehavior.ENCODER:
            inputs["decoder_input_ids"] = {0: "batch_size", 1: "decoder_sequence_length"}
        if self._behavior is ConfigBehavior.DECODER and not self.use_past_in_inputs:
            inputs["encoder_outputs"] = {0: "batch_size", 1: "encoder_sequence_length"}
        if self._behavior is ConfigBehavior.DECODER and self.use_past_in_inputs:
            self.add_past_key_values(inputs, direction="inputs")
        return inputs

    def dummy_input_shape(self, name: str, generator: DummyInputGenerator) -> list[int]:
        shape = generator.shape(name)
        if name.startswith("decoder_") and self.use_past_in_inputs:
            shape[1] = 1
        return shape
