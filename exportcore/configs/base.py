"""Base export configurations, modality-agnostic.

``OnnxConfig`` names a model's ONNX inputs and outputs (ordered ``name -> {axis: symbol}``), the
dummy inputs that trace it, the opset and the validation tolerance. ``OnnxConfigWithPast`` adds
the key/value cache; ``OnnxSeq2SeqConfigWithPast`` adds the encoder/decoder split (``ConfigBehavior``).
No torch or transformers import here.
"""

from __future__ import annotations

import copy
import enum
from typing import Any, ClassVar

from .. import dtypes
from ..errors import ExportError
from ..options import DEFAULT_SHAPES, check_dtype
from ..tasks import normalize_task
from .dummy_inputs import DummyInputGenerator, DummyPastKeyValuesGenerator, DummyTextInputGenerator, to_framework
from .normalized_config import NormalizedConfig
from .task_outputs import TASK_OUTPUTS, Axes, TensorSpec


class ConfigBehavior(str, enum.Enum):
    MONOLITH = "monolith"
    ENCODER = "encoder"
    DECODER = "decoder"


class OnnxConfig:
    DEFAULT_ONNX_OPSET: ClassVar[int] = 18
    ATOL_FOR_VALIDATION: ClassVar[float] = 1e-5
    NORMALIZED_CONFIG_CLASS: ClassVar[type[NormalizedConfig]] = NormalizedConfig
    DUMMY_INPUT_GENERATOR_CLASSES: ClassVar[tuple[type[DummyInputGenerator], ...]] = ()
    #: The modality layer's name for this class chain (set on the modality classes).
    MODALITY: ClassVar[str] = ""

    #: Task -> the outputs every model exported for it has (Optimum's name for the table).
    _TASK_TO_COMMON_OUTPUTS: ClassVar[dict[str, TensorSpec]] = TASK_OUTPUTS

    def __init__(
        self,
        config: Any,
        task: str = "feature-extraction",
        preprocessors: list[Any] | None = None,
        int_dtype: str = "int64",
        float_dtype: str = "fp32",
        legacy: bool = False,
    ) -> None:
        task = normalize_task(task)  # a "-with-past" name is no configuration's task: use_past says it
        if task not in self._TASK_TO_COMMON_OUTPUTS:
            raise ExportError(
                "unsupported_task",
                task=task,
                model_type=getattr(config, "model_type", "?"),
                supported=", ".join(self._TASK_TO_COMMON_OUTPUTS),
            )
        self.task = task
        self._config = config
        self._preprocessors = preprocessors
        self.int_dtype = check_dtype("int dtype", int_dtype)
        self.float_dtype = check_dtype("float dtype", float_dtype)
        self.legacy = legacy  # Optimum 1.x's interface (decoders without position_ids)
        self._normalized_config = self._normalized_config_class()(config)

    def _normalized_config_class(self) -> type[NormalizedConfig]:
        """The vocabulary this instance reads its configuration with (a task may need another than the class's)."""
        return self.NORMALIZED_CONFIG_CLASS

    def __repr__(self) -> str:
        return f"{type(self).__name__}(task={self.task!r})"

    # ---- what the ONNX file looks like ---------------------------------------------------------
    @property
    def inputs(self) -> TensorSpec:
        """Ordered ONNX inputs: name -> {axis index: symbolic name}."""
        raise NotImplementedError(f"{type(self).__name__} does not define its inputs")

    @property
    def outputs(self) -> TensorSpec:
        """Ordered ONNX outputs: name -> {axis index: symbolic name}."""
        return self.task_outputs()

    def task_outputs(self) -> TensorSpec:
        """The outputs every model exported for this task has (a copy to change)."""
        return copy.deepcopy(self._TASK_TO_COMMON_OUTPUTS[self.task])

    @property
    def values_override(self) -> dict[str, Any] | None:
        """Config attributes forced while exporting (no cache for a model without past)."""
        if hasattr(self._config, "use_cache"):
            return {"use_cache": False}
        return None

    @property
    def torch_to_onnx_input_map(self) -> dict[str, str]:
        """Renames from the model's forward argument names to the ONNX input names."""
        return {}

    @property
    def onnx_inputs(self) -> TensorSpec:
        """``inputs`` under the names the ONNX file uses (``torch_to_onnx_input_map`` applied)."""
        return self.rename_ambiguous_inputs(self.inputs)

    def rename_ambiguous_inputs(self, inputs: dict[str, Any]) -> dict[str, Any]:
        """Dummy inputs keyed by forward argument names -> keyed by ONNX input names."""
        mapping = self.torch_to_onnx_input_map
        return {mapping.get(name, name): value for name, value in inputs.items()}

    @property
    def atol(self) -> float:
        """The tolerance of validation: the class's, raised to half precision's for fp16 and bf16."""
        return dtypes.validation_atol(self.float_dtype, self.ATOL_FOR_VALIDATION)

    @classmethod
    def exports_encoder_decoder(cls, task: str) -> bool:
        """Whether a model exported for ``task`` is an encoder–decoder (the plan may split it into files, and a
        one-file export holds no cache)."""
        return False

    @classmethod
    def class_chain(cls) -> list[str]:
        """This class, its modality class(es), down to ``OnnxConfig``: what the inspector shows."""
        return [c.__name__ for c in cls.__mro__ if issubclass(c, OnnxConfig)]

    # ---- dummy inputs ---------------------------------------------------------------------------
    def _generator_classes(self) -> tuple[type[DummyInputGenerator], ...]:
        """The generators for this instance (a task may need others than the class's default)."""
        return self.DUMMY_INPUT_GENERATOR_CLASSES

    def _dummy_input_generators(self, **shapes: int) -> list[DummyInputGenerator]:
        return [
            cls(self.task, self._normalized_config, int_dtype=self.int_dtype, float_dtype=self.float_dtype, **shapes)
            for cls in self._generator_classes()
        ]

    def _generator_for(self, name: str, generators: list[DummyInputGenerator]) -> DummyInputGenerator:
        for generator in generators:
            if generator.supports_input(name):
                return generator
        raise NotImplementedError(f"{type(self).__name__}: no dummy input generator for input {name!r}")

    def dummy_input_shape(self, name: str, generator: DummyInputGenerator) -> list[int]:
        """Shape of dummy input ``name``; configs override this where an input depends on others."""
        return generator.shape(name)

    def _shape_keywords(self, shapes: dict[str, int]) -> dict[str, int]:
        return {**DEFAULT_SHAPES, **shapes}

    def dummy_shapes(self, **shapes: int) -> dict[str, list[int]]:
        """Shapes of the dummy inputs (what ``generate_dummy_inputs`` would make), without making them."""
        shapes = self._shape_keywords(shapes)
        generators = self._dummy_input_generators(**shapes)
        return {
            name: self.dummy_input_shape(name, self._generator_for(name, generators))
            for name in self._dummy_input_names()
        }

    def _dummy_input_names(self) -> list[str]:
        """Forward-argument names of the dummy inputs (before ``rename_ambiguous_inputs``)."""
        reverse = {onnx: torch for torch, onnx in self.torch_to_onnx_input_map.items()}
        return [reverse.get(name, name) for name in self.inputs]

    def generate_dummy_inputs(
        self,
        framework: str = "pt",
        *,
        batch_size: int = 2,
        sequence_length: int = 16,
        num_choices: int = 4,
        image_width: int = 64,
        image_height: int = 64,
        num_channels: int = 3,
        feature_size: int = 80,
        nb_max_frames: int = 3000,
        audio_sequence_length: int = 16000,
        **kwargs: int,
    ) -> dict[str, Any]:
        """Dummy inputs keyed by the model's forward argument names, in ``inputs`` order.

        ``framework="pt"`` gives torch tensors, ``"np"`` NumPy arrays (what onnxruntime is fed).
        """
        if framework not in ("pt", "np"):
            to_framework(None, framework, self.float_dtype)  # raises the clear error
        shapes = self._shape_keywords(
            dict(
                batch_size=batch_size,
                sequence_length=sequence_length,
                num_choices=num_choices,
                image_width=image_width,
                image_height=image_height,
                num_channels=num_channels,
                feature_size=feature_size,
                nb_max_frames=nb_max_frames,
                audio_sequence_length=audio_sequence_length,
                **kwargs,
            )
        )
        generators = self._dummy_input_generators(**shapes)
        dummy = {}
        for name in self._dummy_input_names():
            generator = self._generator_for(name, generators)
            values = self.adjust_dummy_input(name, generator.values(name, self.dummy_input_shape(name, generator)))
            dummy[name] = to_framework(values, framework, self.float_dtype)
        return dummy

    def adjust_dummy_input(self, name: str, values: Any) -> Any:
        """Last word on a generated dummy array (e.g. a model that needs an EOS token in its ids)."""
        return values


class OnnxConfigWithPast(OnnxConfig):
    """A configuration whose model can take and/or return the key/value cache."""

    #: Tasks for which an encoder-decoder model type is used as a decoder alone (BART's ``BartForCausalLM``):
    #: one file, decoder-only names (see :attr:`is_causal_lm`).
    CAUSAL_LM_TASKS: ClassVar[tuple[str, ...]] = ()

    #: Name used when the (flat) cache is an input / an output.
    PAST_INPUT_PREFIX: ClassVar[str] = "past_key_values"
    PAST_OUTPUT_PREFIX: ClassVar[str] = "present"

    # The decoder-only interface (:meth:`causal_lm_inputs`): Optimum orders ONNX inputs as the model's forward
    # signature does.
    #: ``position_ids`` is an input for text generation and feature extraction (as Optimum exports it).
    USES_POSITION_IDS: ClassVar[bool] = True
    #: GPT-2's forward takes the cache before the mask.
    PAST_BEFORE_ATTENTION_MASK: ClassVar[bool] = False
    #: The forward signature's order of the inputs when neither Llama's (input_ids, attention_mask, position_ids,
    #: cache) nor GPT-2's (input_ids, cache, attention_mask, position_ids) — e.g. OPT's puts the cache between the
    #: mask and position_ids. ``"past_key_values"`` stands for all the cache inputs.
    FORWARD_ORDER: ClassVar[tuple[str, ...] | None] = None

    def __init__(
        self,
        config: Any,
        task: str = "feature-extraction",
        int_dtype: str = "int64",
        float_dtype: str = "fp32",
        use_past: bool = False,
        use_past_in_inputs: bool = False,
        preprocessors: list[Any] | None = None,
        legacy: bool = False,
    ) -> None:
        super().__init__(config, task=task, preprocessors=preprocessors, int_dtype=int_dtype, float_dtype=float_dtype, legacy=legacy)
        self.use_past = use_past
        self.use_past_in_inputs = use_past_in_inputs

    def __repr__(self) -> str:
        return f"{type(self).__name__}(task={self.task!r}, use_past={self.use_past}, use_past_in_inputs={self.use_past_in_inputs})"

    @property
    def outputs(self) -> TensorSpec:
        outputs = super().outputs
        if self.use_past:
            self.add_past_key_values(outputs, direction="outputs")
        return outputs

    @property
    def values_override(self) -> dict[str, Any] | None:
        if hasattr(self._config, "use_cache"):
            return {"use_cache": self.use_past}
        return None

    @property
    def is_causal_lm(self) -> bool:
        """Exported as a decoder-only model: flat cache names (``past_key_values.{i}.key``), one file."""
        return self.task in self.CAUSAL_LM_TASKS

    def causal_lm_inputs(self) -> TensorSpec:
        """The decoder-only interface: input_ids, attention_mask, position_ids and the cache, in the forward
        signature's order."""
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
        if name == "attention_mask" and self.is_causal_lm and self.use_past_in_inputs:
            shape[1] += generator.past_sequence_length  # the mask covers the cache and the new tokens
        return shape

    @property
    def num_past_layers(self) -> int:
        return self._normalized_config.num_layers

    def add_past_key_values(self, inputs_or_outputs: TensorSpec, direction: str) -> None:
        """Add ``past_key_values.{i}.key|value`` (inputs) or ``present.{i}.key|value`` (outputs), in place."""
        if direction == "inputs":
            prefix, length = self.PAST_INPUT_PREFIX, "past_sequence_length"
        elif direction == "outputs":
            prefix, length = self.PAST_OUTPUT_PREFIX, "past_sequence_length + sequence_length"
        else:
            raise ValueError(f'direction must be "inputs" or "outputs", got {direction!r}')
        for i in range(self.num_past_layers):
            inputs_or_outputs[f"{prefix}.{i}.key"] = {0: "batch_size", 2: length}
            inputs_or_outputs[f"{prefix}.{i}.value"] = {0: "batch_size", 2: length}

    def _shape_keywords(self, shapes: dict[str, int]) -> dict[str, int]:
        shapes = super()._shape_keywords(shapes)
        shapes.setdefault("past_sequence_length", max(1, shapes["sequence_length"] // 2))
        if self.use_past_in_inputs:
            shapes.setdefault("position_offset", shapes["past_sequence_length"])
        return shapes


class OnnxSeq2SeqConfigWithPast(OnnxConfigWithPast):
    """Encoder-decoder models: one file (monolith) or an encoder and a decoder (with or without past).

    The inputs are one template for every modality: the encoder's main input (``ENCODER_MAIN_INPUT``: token ids,
    features or pixels) and its attention mask where it has one, then :meth:`decoder_inputs`. For
    ``CAUSAL_LM_TASKS`` the decoder is exported alone, with the decoder-only interface.
    """

    #: The encoder's main input and its axes (the decoder does not take it); set by each modality.
    ENCODER_MAIN_INPUT: ClassVar[tuple[str, Axes]]
    #: Whether the encoder takes an attention mask; the decoder then takes it too (as ``encoder_attention_mask``).
    ENCODER_HAS_ATTENTION_MASK: ClassVar[bool] = False
    #: Tasks that run the decoder; the others (classification, QA heads) take the encoder's inputs only.
    DECODING_TASKS: ClassVar[tuple[str, ...]] = ("feature-extraction", "text2text-generation",
                                                 "automatic-speech-recognition", "image-to-text")
    #: The dummy generators of the decoder exported alone (``CAUSAL_LM_TASKS``).
    CAUSAL_LM_GENERATOR_CLASSES: ClassVar[tuple[type[DummyInputGenerator], ...]] = (
        DummyTextInputGenerator, DummyPastKeyValuesGenerator)

    def __init__(
        self,
        config: Any,
        task: str = "feature-extraction",
        int_dtype: str = "int64",
        float_dtype: str = "fp32",
        use_past: bool = False,
        use_past_in_inputs: bool = False,
        behavior: ConfigBehavior | str = ConfigBehavior.MONOLITH,
        preprocessors: list[Any] | None = None,
        legacy: bool = False,
    ) -> None:
        super().__init__(
            config,
            task=task,
            int_dtype=int_dtype,
            float_dtype=float_dtype,
            use_past=use_past,
            use_past_in_inputs=use_past_in_inputs,
            preprocessors=preprocessors,
            legacy=legacy,
        )
        self._behavior = ConfigBehavior(behavior)

    @property
    def behavior(self) -> ConfigBehavior:
        return self._behavior

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(task={self.task!r}, behavior={self._behavior.value!r}, "
            f"use_past={self.use_past}, use_past_in_inputs={self.use_past_in_inputs})"
        )

    def with_behavior(
        self,
        behavior: ConfigBehavior | str,
        use_past: bool = False,
        use_past_in_inputs: bool = False,
    ) -> "OnnxSeq2SeqConfigWithPast":
        """A new configuration of the same class for the encoder, the decoder or the whole model."""
        behavior = ConfigBehavior(behavior)
        clone = copy.copy(self)
        clone._behavior = behavior
        clone.use_past = use_past
        clone.use_past_in_inputs = use_past_in_inputs
        return clone

    @classmethod
    def exports_encoder_decoder(cls, task: str) -> bool:
        return task not in cls.CAUSAL_LM_TASKS

    @property
    def decodes(self) -> bool:
        return self.task in self.DECODING_TASKS

    @property
    def inputs(self) -> TensorSpec:
        if self.is_causal_lm:
            return self.causal_lm_inputs()
        name, axes = self.ENCODER_MAIN_INPUT
        inputs: TensorSpec = {} if self._behavior is ConfigBehavior.DECODER else {name: dict(axes)}
        if self.ENCODER_HAS_ATTENTION_MASK:
            inputs["attention_mask"] = {0: "batch_size", 1: "encoder_sequence_length"}
        if not self.decodes:  # the encoder alone: plain "sequence_length", as Optimum names it
            return {name: {axis: "sequence_length" if symbol == "encoder_sequence_length" else symbol
                           for axis, symbol in axes.items()} for name, axes in inputs.items()}
        if self._behavior is not ConfigBehavior.ENCODER:
            inputs.update(self.decoder_inputs())
        return inputs

    def decoder_inputs(self) -> TensorSpec:
        """The decoder's own inputs: its token ids, then (a split decoder) the encoder's states at the first step or
        the cache at the later ones."""
        inputs: TensorSpec = {"decoder_input_ids": {0: "batch_size", 1: "decoder_sequence_length"}}
        if self._behavior is ConfigBehavior.DECODER:
            if self.use_past_in_inputs:
                self.add_past_key_values(inputs, direction="inputs")
            else:  # with the cross-attention cache as input the encoder states are unused (Optimum has no input)
                inputs["encoder_outputs"] = {0: "batch_size", 1: "encoder_sequence_length"}
        return inputs

    def _generator_classes(self) -> tuple[type[DummyInputGenerator], ...]:
        return self.CAUSAL_LM_GENERATOR_CLASSES if self.is_causal_lm else super()._generator_classes()

    def dummy_input_shape(self, name: str, generator: DummyInputGenerator) -> list[int]:
        shape = super().dummy_input_shape(name, generator)
        if name.startswith("decoder_") and self.use_past_in_inputs:
            shape[1] = 1  # one new token per step once the cache exists
        return shape

    @property
    def num_past_layers(self) -> int:
        if self.is_causal_lm:
            return self._normalized_config.num_layers
        return self._normalized_config.decoder_num_layers

    @property
    def outputs(self) -> TensorSpec:
        if self.is_causal_lm:
            return super().outputs
        outputs = self.task_outputs()
        if not self.decodes:
            return outputs
        if self._behavior is ConfigBehavior.ENCODER:
            return {"last_hidden_state": {0: "batch_size", 1: "encoder_sequence_length"}}
        if self._behavior is ConfigBehavior.DECODER:
            outputs.pop("encoder_last_hidden_state", None)
        renamed: TensorSpec = {}
        for name, axes in outputs.items():
            sequence = "encoder_sequence_length" if "encoder" in name else "decoder_sequence_length"
            if self.use_past_in_inputs:
                sequence = "1"  # one token per step (Optimum's name for that axis)
            renamed[name] = {
                axis: (sequence if "sequence" in symbol else symbol) for axis, symbol in axes.items()
            }
        if self.use_past:
            self.add_past_key_values(renamed, direction="outputs")
        return renamed

    def add_past_key_values(self, inputs_or_outputs: TensorSpec, direction: str) -> None:
        """Seq2seq caches: self-attention (``.decoder.``) and cross-attention (``.encoder.``) per layer.

        The cross-attention cache is computed once, by the decoder without past: it is an output of that
        decoder (and of a merged one), an input of the decoder with past, and never an output of it.
        """
        if direction == "inputs":
            prefix, decoder_length = self.PAST_INPUT_PREFIX, "past_decoder_sequence_length"
        elif direction == "outputs":
            prefix, decoder_length = self.PAST_OUTPUT_PREFIX, "past_decoder_sequence_length + decoder_sequence_length"
        else:
            raise ValueError(f'direction must be "inputs" or "outputs", got {direction!r}')
        if self.is_causal_lm:  # one cache per layer, no cross-attention: decoder-only names
            return super().add_past_key_values(inputs_or_outputs, direction)
        with_encoder = direction == "inputs" or not self.use_past_in_inputs
        for i in range(self.num_past_layers):
            inputs_or_outputs[f"{prefix}.{i}.decoder.key"] = {0: "batch_size", 2: decoder_length}
            inputs_or_outputs[f"{prefix}.{i}.decoder.value"] = {0: "batch_size", 2: decoder_length}
            if with_encoder:
                inputs_or_outputs[f"{prefix}.{i}.encoder.key"] = {0: "batch_size", 2: "encoder_sequence_length"}
                inputs_or_outputs[f"{prefix}.{i}.encoder.value"] = {0: "batch_size", 2: "encoder_sequence_length"}

    @property
    def torch_to_onnx_input_map(self) -> dict[str, str]:
        if self._behavior is ConfigBehavior.DECODER:
            return {
                "decoder_input_ids": "input_ids",
                "encoder_outputs": "encoder_hidden_states",
                "attention_mask": "encoder_attention_mask",
            }
        return {}
