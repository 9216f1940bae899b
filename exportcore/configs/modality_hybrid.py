"""Hybrid and state-space decoders: the cache is partly a convolution and/or a recurrent (SSM) state.

Each layer holds some of: a convolution state ``[batch, channels, kernel]``, a recurrent state ``[batch, *dims]``
and the attention key/value pair. They travel as flat inputs and outputs named as transformers.js names them, with
the **absolute layer index** (docs/decisions.md, "Issue 14"):

- inputs ``past_conv.{i}``, ``past_ssm.{i}`` (``past_recurrent.{i}`` for gated-delta layers),
  ``past_key_values.{i}.key|value``;
- outputs ``present_conv.{i}``, ``present_ssm.{i}``, ``present.{i}.key|value``.

One graph serves the prompt step (zero states, empty key/value) and every cached step, so a decoder always takes
its past (``use_past_in_inputs``). A family says what each layer holds with :meth:`HybridDecoderOnnxConfig.layer_states`
from config.json alone; the export checks it against the cache transformers builds (``export/adapter.py``).
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar

from .base import TensorSpec
from .dummy_inputs import DummyInputGenerator, DummyPastKeyValuesGenerator, DummyTextInputGenerator
from .modality import TextDecoderOnnxConfig

#: A layer's state: (absolute layer index, kind, dims without the batch). Kinds: "conv", "ssm", "recurrent",
#: "key", "value" (for those two, dims are (kv_heads, head_dim): the sequence axis is the past's).
LayerState = tuple[int, str, tuple[int, ...]]

STATE_KINDS = ("conv", "ssm", "recurrent")


def state_name(layer: int, kind: str, direction: str) -> str:
    """The ONNX name of one state tensor: ``past_conv.3`` / ``present_conv.3``; ``past_key_values.1.key`` /
    ``present.1.key``."""
    if kind in ("key", "value"):
        return f"{'past_key_values' if direction == 'inputs' else 'present'}.{layer}.{kind}"
    return f"{'past' if direction == 'inputs' else 'present'}_{kind}.{layer}"


def layer_kinds(types: list[str] | None,
                attention: tuple[str, ...] = ("full_attention", "attention", "sliding_attention"),
                state: tuple[str, ...] = ("linear_attention", "mamba", "conv")) -> list[str]:
    """Each layer as "attention", "state" or "none" (MLP / MoE layers hold nothing), from a config's layer list
    in either spelling (transformers 5's ``linear_attention`` / ``full_attention`` or the checkpoints' legacy
    ``mamba`` / ``attention``)."""
    kinds = []
    for name in types or []:
        kinds.append("attention" if name in attention else "state" if name in state else "none")
    return kinds


def states_by_kind(kinds: list[str], state: Callable[[int], list[LayerState]],
                   attention: Callable[[int], list[LayerState]]) -> list[LayerState]:
    """Every layer's cache tensors by its kind (:func:`layer_kinds`): ``state(layer)`` for a state layer,
    ``attention(layer)`` for an attention layer, nothing for the others."""
    states: list[LayerState] = []
    for layer, kind in enumerate(kinds):
        states += state(layer) if kind == "state" else attention(layer) if kind == "attention" else []
    return states


def io_order(states: list[LayerState]) -> list[LayerState]:
    """The order of the cache tensors among the inputs and outputs: keys and values first (the position of a
    model's cache argument, as for every decoder), then the states, each group by layer."""
    return sorted(states, key=lambda state: (state[1] not in ("key", "value"), state[0]))


class DummyStateGenerator(DummyInputGenerator):
    """Convolution and recurrent states; their shape comes from the configuration (:meth:`dummy_input_shape`)."""

    SUPPORTED_INPUT_NAMES = tuple(f"past_{kind}" for kind in STATE_KINDS)

    def shape(self, name: str) -> list[int]:
        return [self.batch_size]

    def values(self, name: str, shape: list[int]) -> Any:
        return self.random_float(name, shape, -0.5, 0.5)


class HybridDecoderOnnxConfig(TextDecoderOnnxConfig):
    """A decoder whose cache holds convolution / recurrent states beside (or instead of) keys and values."""

    MODALITY = "hybrid-decoder"
    DEFAULT_ONNX_OPSET = 20
    ATOL_FOR_VALIDATION = 1e-4
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyTextInputGenerator, DummyStateGenerator, DummyPastKeyValuesGenerator)
    #: The module traced for this configuration (``export/part_modules.py``).
    traced_module: ClassVar[str] = "hybrid_decoder"
    #: Transformers' scans write ``Transpose`` with negative axes, which onnxruntime rejects: normalized after export.
    FIX_NEGATIVE_PERMS: ClassVar[bool] = True
    #: Export forwards of ``export/adapter_forwards.py`` the traced module applies (the Mamba2 scan, MoE experts).
    EXPORT_FORWARDS: ClassVar[tuple[str, ...]] = ()
    #: The state kinds (``STATE_KINDS``) the family's layers hold, for documents that have no config.json to read
    #: (docs/supported-models.md); tests/e2e/test_hybrid.py checks it against ``layer_states``.
    STATE_INPUTS: ClassVar[tuple[str, ...]] = ("conv",)
    #: The model reads the mask of the current tokens only (Mamba v1 multiplies its hidden states by it); the input
    #: stays the runtime's whole mask and the graph keeps its last ``sequence_length`` columns.
    LOCAL_MASK: ClassVar[bool] = False

    def __init__(self, config: Any, task: str = "feature-extraction", int_dtype: str = "int64",
                 float_dtype: str = "fp32", use_past: bool = False, use_past_in_inputs: bool = False,
                 preprocessors: list[Any] | None = None, legacy: bool = False) -> None:
        # The documented constructor (the exporter builds every class alike); the states always travel as past.
        super().__init__(config, task=task, int_dtype=int_dtype, float_dtype=float_dtype, use_past=True,
                         use_past_in_inputs=True, preprocessors=preprocessors, legacy=legacy)

    # ---- what each layer holds: families override --------------------------------------------------
    def layer_states(self) -> list[LayerState]:
        raise NotImplementedError(f"{type(self).__name__} does not describe its layers")

    def attention_states(self, layer: int) -> list[LayerState]:
        nc = self._normalized_config
        dims = (nc.num_key_value_heads, nc.head_dim)
        return [(layer, "key", dims), (layer, "value", dims)]

    # ---- the interface -------------------------------------------------------------------------------
    @property
    def inputs(self) -> TensorSpec:
        inputs = super().inputs
        if not self.num_past_layers:  # no keys and values hold a past length (Mamba2): the mask's length is its own
            inputs["attention_mask"] = {0: "batch_size", 1: "total_sequence_length"}
        return inputs

    @property
    def num_past_layers(self) -> int:
        return len({layer for layer, kind, _ in self.layer_states() if kind == "key"})

    def add_past_key_values(self, inputs_or_outputs: TensorSpec, direction: str) -> None:
        if direction not in ("inputs", "outputs"):
            raise ValueError(f'direction must be "inputs" or "outputs", got {direction!r}')
        length = "past_sequence_length" if direction == "inputs" else "past_sequence_length + sequence_length"
        for layer, kind, _ in io_order(self.layer_states()):
            axes = {0: "batch_size", 2: length} if kind in ("key", "value") else {0: "batch_size"}
            inputs_or_outputs[state_name(layer, kind, direction)] = axes

    def dummy_input_shape(self, name: str, generator: DummyInputGenerator) -> list[int]:
        shape = super().dummy_input_shape(name, generator)
        if name.startswith("past_key_values."):  # per layer: keys and values may differ (a compressed MLA cache)
            _, layer, kind = name.split(".")
            heads, size = next(d for i, k, d in self.layer_states() if i == int(layer) and k == kind)
            return [shape[0], heads, shape[2], size]
        if name.startswith("past_"):
            kind, layer = name.removeprefix("past_").split(".")
            dims = next(d for i, k, d in self.layer_states() if i == int(layer) and k == kind)
            return [shape[0], *dims]
        return shape

    # ---- the end-to-end check (exportcore/validate/end_to_end.py) -----------------------------------------------
    end_to_end: ClassVar[str] = "decoder"
    #: Added to the positions a runtime computes from the mask.
    POSITION_OFFSET: ClassVar[int] = 0
    #: New tokens generated by the end-to-end check.
    GENERATED_TOKENS: ClassVar[int] = 10

    def prompt_length(self) -> int:
        """Longer than any convolution window, past a sliding window (when it is short enough to test) and over
        several scan chunks when they are small."""
        config = self._config
        windows = [getattr(config, name, None) for name in ("conv_L_cache", "mamba_d_conv", "conv_kernel",
                                                             "sliding_window", "mamba_chunk_size", "chunk_size")]
        return max([14] + [2 * w + 2 for w in windows if isinstance(w, int) and 0 < w <= 16])

    def generation_cases(self) -> list[dict[str, Any]]:
        """Prompts for the end-to-end check: batch 1, batch 2 with the second row left-padded, and a prompt of two
        tokens (shorter than any window: the states start mostly zero)."""
        from .dummy_inputs import np

        length = self.prompt_length()
        pad = getattr(self._config, "pad_token_id", None) or 0
        ids = np.random.default_rng(0).integers(4, self._normalized_config.vocab_size, size=(2, length))
        mask = np.ones((2, length), dtype=np.int64)
        ids[1, :4], mask[1, :4] = pad, 0
        return [{"label": f"batch 1, prompt {length}", "inputs": {"input_ids": ids[:1], "attention_mask": mask[:1]}},
                {"label": f"batch 2 left-padded, prompt {length}",
                 "inputs": {"input_ids": ids, "attention_mask": mask}},
                {"label": "batch 1, prompt 2", "inputs": {"input_ids": ids[:1, -2:], "attention_mask": mask[:1, -2:]}}]
