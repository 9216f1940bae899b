"""The transformers adapter: the one module that knows how the installed transformers represents caches,
masks and model outputs.

Everything version-specific lives here: the name of the cache keyword (``cache`` since transformers 5.24,
``past_key_values`` before; the old name is announced for removal in 5.40), how a cache is built from flat
tensors (``DynamicCache(ddp_cache_data=...)``, ``EncoderDecoderCache``), how a cache is read back
(``cache.layers[i].keys`` / ``.values``) and which attention implementation each torch exporter can trace.

Caches are built with full-length layers on purpose, also for sliding-window / hybrid models: see
:func:`flat_to_cache`.

The wrappers below turn a transformers model into a module with *flat* tensor inputs and outputs, in the order
Optimum's exporter uses, so ``torch.onnx.export`` sees plain tensors only:

- :class:`CausalLMWrapper`: ``(input_ids, attention_mask[, position_ids], *past)`` ->
  ``(logits, *present)`` with per layer ``key, value`` (each ``[batch, kv_heads, seq, head_dim]``).
- :class:`EncoderWrapper`: ``(input_ids | input_features[, attention_mask])`` -> ``last_hidden_state``.
- :class:`Seq2SeqDecoderWrapper`: ``(input_ids, encoder_hidden_states[, encoder_attention_mask], *past)`` ->
  ``(logits, *present)`` with per layer ``decoder.key, decoder.value[, encoder.key, encoder.value]``; the
  encoder (cross-attention) presents are returned only when there is no past input (the first decoder step).

Names (``past_key_values.0.key`` ...) are given by the export configuration classes, not here.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn
import transformers
from transformers.cache_utils import Cache, DynamicCache, EncoderDecoderCache
from transformers.modeling_outputs import BaseModelOutput

from .. import dtypes
from ..errors import ExportError, first_line
from ..option_facts import DYNAMO_EAGER_ATTENTION
from ..options import FLOAT_DTYPES
from .load_report import check_weights, ExportedOutputs, LoadReport
# hybrid caches (conv / recurrent states), split off for size
from .adapter_states import flat_to_state_cache, state_cache_kinds, state_cache_to_flat  # noqa: F401

#: Cache keyword / output field names, newest first.
CACHE_NAMES = ("cache", "past_key_values")


# --------------------------------------------------------------------------- cache keyword and cache field


@functools.lru_cache(maxsize=None)
def _forward_params(model_class: type) -> frozenset[str]:
    # inspect.signature follows __wrapped__, so transformers' @deprecate_kwarg decorator does not hide the names.
    return frozenset(inspect.signature(model_class.forward).parameters)


@functools.lru_cache(maxsize=1)
def _installed_cache_name() -> str:
    fields = getattr(transformers.modeling_outputs.CausalLMOutputWithPast, "__dataclass_fields__", {})
    return "cache" if "cache" in fields else "past_key_values"


def cache_kwarg_name(model: nn.Module | None = None) -> str:
    """The forward keyword that takes the cache: ``"cache"`` (transformers >= 5.24) or ``"past_key_values"``.

    With a model, its forward signature decides (inspected once per class); otherwise, or when the forward
    only has ``**kwargs``, the installed transformers' output classes decide.
    """
    if model is not None:
        params = _forward_params(type(model))
        for name in CACHE_NAMES:
            if name in params:
                return name
    return _installed_cache_name()


def model_call_kwargs(model: nn.Module, cache: Cache | None = None, **inputs: Any) -> dict[str, Any]:
    """Keyword arguments for ``model(**kwargs)``: ``inputs`` without the ``None`` values, the cache under the
    keyword this model takes, and ``return_dict=True``."""
    kwargs = {name: value for name, value in inputs.items() if value is not None}
    if cache is not None:
        kwargs[cache_kwarg_name(model)] = cache
    kwargs.setdefault("return_dict", True)
    return kwargs


def tokenizer_pad_token_id(model_dir: str | Path) -> int | None:
    """The padding token id of the tokenizer saved with a model, or ``None`` (no tokenizer, or it has none)."""
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    except Exception:  # noqa: BLE001 - any tokenizer problem means "not from here"
        return None
    return getattr(tokenizer, "pad_token_id", None)


def empty_decoder_cache(model: nn.Module, input_names: Sequence[str]) -> Cache | None:
    """An empty cache for a whole encoder-decoder model run in one call (a monolith export with decoder inputs).

    transformers 5.24 builds such a decoder's mask with ``aten::diff`` when it is given no cache at all (Whisper),
    which has no ONNX export; with an empty cache it does not. ``None`` for every other model."""
    if getattr(model.config, "is_encoder_decoder", False) and "decoder_input_ids" in input_names:
        return flat_to_cache([], seq2seq=True)
    return None


def output_cache(output: Any) -> Cache | None:
    """The cache a model returned (field ``cache`` or, on older transformers, ``past_key_values``)."""
    for name in CACHE_NAMES:
        # Membership test on the ModelOutput's keys: reading `.past_key_values` on 5.24 warns.
        if name in output:
            return output[name]
    return None


# --------------------------------------------------------------------------- flat tensors <-> cache


def _cache_layers(cache: Cache) -> list:
    """The cache's layers without trailing never-filled ones (a config may announce more layers than the decoder
    has, e.g. Whisper's ``num_hidden_layers`` is the encoder's)."""
    layers = list(cache.layers)
    while layers and getattr(layers[-1], "keys", None) is None:
        layers.pop()
    for i, layer in enumerate(layers):
        if getattr(layer, "keys", None) is None:
            raise ValueError(f"cache layer {i} holds no key/value tensors (shared or attention-free layer)")
    return layers


def cache_to_flat(cache: Cache) -> list[torch.Tensor]:
    """A cache as flat tensors: per layer ``key, value``; for an :class:`EncoderDecoderCache` per layer
    ``decoder.key, decoder.value, encoder.key, encoder.value`` (self-attention, then cross-attention)."""
    if isinstance(cache, EncoderDecoderCache):
        self_layers = _cache_layers(cache.self_attention_cache)
        cross_layers = _cache_layers(cache.cross_attention_cache)
        if len(cross_layers) != len(self_layers):
            raise ValueError(f"{len(self_layers)} self-attention but {len(cross_layers)} cross-attention layers")
        return [t for s, c in zip(self_layers, cross_layers) for t in (s.keys, s.values, c.keys, c.values)]
    return [t for layer in _cache_layers(cache) for t in (layer.keys, layer.values)]


def _dynamic_cache(pairs: list[tuple[torch.Tensor, torch.Tensor]], config: Any) -> DynamicCache:
    # With a config, the cache takes the model's layer types: sliding-window layers keep only the last
    # `sliding_window - 1` tokens and shared-KV layers hold none. Without one every layer is a full DynamicLayer.
    # A config describing other layers than these (Whisper-like configs count the encoder's) is not used.
    if config is not None and pairs and len(DynamicCache(config=config).layers) != len(pairs):
        config = None
    return DynamicCache(ddp_cache_data=pairs or None, config=config)


def flat_to_cache(flat: Sequence[torch.Tensor], config: Any = None, seq2seq: bool = False,
                  layer_types: bool = False) -> Cache:
    """The inverse of :func:`cache_to_flat`: a ``DynamicCache`` (or ``EncoderDecoderCache`` when ``seq2seq``).

    By default every layer is a full-length ``DynamicLayer``, whatever ``config`` says: then each present is
    ``past + seq`` long, as the flat ONNX interface needs (the next step feeds it back with an attention mask of
    that length), and sliding-window / hybrid models (Mistral, Gemma2...) still attend within their window
    because transformers builds the sliding mask from the model config. ``layer_types=True`` builds the cache
    from ``config`` as ``generate`` does: sliding layers then truncate their presents to ``sliding_window - 1``
    (different lengths per layer on hybrid models), which breaks that interface.

    Zero-length tensors make a valid cache of length 0; an empty ``flat`` gives an empty cache.
    """
    flat = list(flat)
    group = 4 if seq2seq else 2
    if len(flat) % group:
        raise ValueError(f"{len(flat)} past tensors is not a multiple of {group}")
    config = config if layer_types else None
    if not seq2seq:
        return _dynamic_cache([(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)], config)
    self_pairs = [(flat[i], flat[i + 1]) for i in range(0, len(flat), 4)]
    cross_pairs = [(flat[i + 2], flat[i + 3]) for i in range(0, len(flat), 4)]
    return EncoderDecoderCache(_dynamic_cache(self_pairs, config), _dynamic_cache(cross_pairs, config))


def cache_names(cache: Cache, prefix: str = "present") -> list[str]:
    """Optimum's names for :func:`cache_to_flat` of this cache (``present.0.key`` / ``present.0.decoder.key`` ...)."""
    if isinstance(cache, EncoderDecoderCache):
        n = len(_cache_layers(cache.self_attention_cache))
        parts = ("decoder.key", "decoder.value", "encoder.key", "encoder.value")
    else:
        n = len(_cache_layers(cache))
        parts = ("key", "value")
    return [f"{prefix}.{i}.{part}" for i in range(n) for part in parts]


def outputs_to_dict(output: Any, cache_prefix: str = "present") -> dict[str, torch.Tensor]:
    """Flatten a transformers ``ModelOutput`` (or dict) to name -> tensor, for comparison with an ONNX run.

    A cache becomes ``present.{i}.key`` ... (see :func:`cache_names`); tuples of tensors become ``name.{i}``;
    ``None`` fields are left out.
    """
    flat: dict[str, torch.Tensor] = {}
    for name, value in output.items():
        if isinstance(value, Cache):
            flat.update(zip(cache_names(value, cache_prefix), cache_to_flat(value)))
        elif isinstance(value, torch.Tensor):
            flat[name] = value
        elif isinstance(value, (tuple, list)):
            flat.update((f"{name}.{i}", v) for i, v in enumerate(value) if isinstance(v, torch.Tensor))
    return flat


# --------------------------------------------------------------------------- export wrappers


def past_flags(use_past_in_inputs: bool, use_past: bool | None) -> tuple[bool, bool]:
    """A wrapper's (use_past_in_inputs, use_past): the cache is returned whenever it is taken (``None``: as taken)."""
    use_past = use_past_in_inputs if use_past is None else use_past
    if use_past_in_inputs and not use_past:
        raise ValueError("use_past_in_inputs needs use_past")
    return use_past_in_inputs, use_past


class CausalLMWrapper(nn.Module):
    """A decoder-only LM with flat tensors: ``forward(input_ids, attention_mask[, position_ids], *past)``.

    ``past`` is ``key, value`` per layer. Returns ``(logits,)`` plus the presents (``key, value`` per layer)
    when ``use_past``. ``use_past_in_inputs=False`` is Optimum's ``decoder_model`` (first step, no past inputs).
    ``output_name`` picks another first output (``last_hidden_state`` for a base model without LM head).
    """

    def __init__(self, model: nn.Module, use_past_in_inputs: bool = False, use_past: bool | None = None,
                 position_ids: bool = True, output_name: str = "logits") -> None:
        super().__init__()
        self.model = model
        self.use_past_in_inputs, self.use_past = past_flags(use_past_in_inputs, use_past)
        self.with_position_ids = position_ids
        self.output_name = output_name

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, *args: torch.Tensor):
        position_ids, past = (args[0], args[1:]) if self.with_position_ids else (None, args)
        if past and not self.use_past_in_inputs:
            raise TypeError(f"{len(past)} unexpected past tensors (use_past_in_inputs is False)")
        # Also without past inputs: an explicit empty full-length cache, so the model does not create one by
        # its config (whose sliding layers would truncate the presents).
        cache = flat_to_cache(past) if self.use_past else None
        out = self.model(**model_call_kwargs(
            self.model, cache, input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids,
            use_cache=self.use_past))
        if not self.use_past:
            return (out[self.output_name],)
        return (out[self.output_name], *cache_to_flat(output_cache(out)))


class EncoderWrapper(nn.Module):
    """The encoder of a seq2seq model: ``forward(inputs[, attention_mask]) -> last_hidden_state``.

    ``inputs`` is the model's main input (``input_ids`` for text, ``input_features`` for Whisper).
    """

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.encoder = model.get_encoder()
        self.main_input_name = getattr(model, "main_input_name", "input_ids")

    def forward(self, inputs: torch.Tensor, attention_mask: torch.Tensor | None = None) -> torch.Tensor:
        kwargs = {self.main_input_name: inputs, "return_dict": True}
        if attention_mask is not None:
            kwargs["attention_mask"] = attention_mask
        return self.encoder(**kwargs).last_hidden_state


def encoder_hidden_size(config: Any) -> int:
    """Width of the encoder states a seq2seq decoder reads: ``d_model`` (T5, BART, Whisper...) or, for a composite
    model (vision-encoder-decoder, Pix2Struct), its encoder's hidden size."""
    encoder = getattr(config, "encoder", None) or getattr(config, "vision_config", None)
    if encoder is not None and getattr(encoder, "hidden_size", None):
        return encoder.hidden_size
    return getattr(config, "d_model", None) or config.hidden_size


class Seq2SeqDecoderWrapper(nn.Module):
    """The decoder (with LM head) of a seq2seq model with flat tensors:
    ``forward(input_ids, encoder_hidden_states[, encoder_attention_mask], *past)``.

    ``past`` per layer: ``decoder.key, decoder.value, encoder.key, encoder.value``. Returns ``(logits, *present)``
    where present per layer is ``decoder.key, decoder.value`` and, without past inputs (first step), also
    ``encoder.key, encoder.value``. ``encoder_attention_mask=False`` for models whose decoder takes none (Whisper).
    ``decoder_attention_mask=True`` (Pix2Struct) takes the decoder's mask over past and new tokens after
    ``encoder_hidden_states``: ``forward(input_ids, encoder_hidden_states, decoder_attention_mask[, encoder mask],
    *past)``. ``output_name`` picks another first output (``last_hidden_state`` for a base model without LM head).
    """

    def __init__(self, model: nn.Module, use_past_in_inputs: bool = False, use_past: bool | None = None,
                 encoder_attention_mask: bool = True, output_name: str = "logits",
                 decoder_attention_mask: bool = False) -> None:
        super().__init__()
        self.model = model
        self.use_past_in_inputs, self.use_past = past_flags(use_past_in_inputs, use_past)
        self.with_encoder_attention_mask = encoder_attention_mask
        self.with_decoder_attention_mask = decoder_attention_mask
        self.output_name = output_name

    def forward(self, input_ids: torch.Tensor, encoder_hidden_states: torch.Tensor, *args: torch.Tensor):
        decoder_mask, args = (args[0], args[1:]) if self.with_decoder_attention_mask else (None, args)
        mask, past = (args[0], args[1:]) if self.with_encoder_attention_mask else (None, args)
        if past and not self.use_past_in_inputs:
            raise TypeError(f"{len(past)} unexpected past tensors (use_past_in_inputs is False)")
        if decoder_mask is not None and past:
            # Optimum's ORTModelForPix2Struct feeds a mask over the new tokens only once there is a cache; its files
            # attend to the whole past then. A shorter mask is padded on the left with ones (decision 176).
            missing = past[0].shape[2] + input_ids.shape[1] - decoder_mask.shape[1]
            decoder_mask = torch.cat([decoder_mask.new_ones(decoder_mask.shape[0], missing), decoder_mask], dim=1)
        # Always a cache, even an empty one: without it transformers 5.24 builds the mask with aten::diff,
        # which has no ONNX export (Whisper without past).
        cache = flat_to_cache(past, seq2seq=True)
        if encoder_hidden_states is None and past:
            # With the cross-attention cache the encoder states are unused, but T5/BART still index
            # encoder_outputs[0]: give them a placeholder shaped like the cached encoder length.
            key = past[2]
            encoder_hidden_states = key.new_zeros(key.shape[0], key.shape[2], encoder_hidden_size(self.model.config))
        out = self.model(**model_call_kwargs(
            self.model, cache, decoder_input_ids=input_ids,
            encoder_outputs=BaseModelOutput(last_hidden_state=encoder_hidden_states), attention_mask=mask,
            decoder_attention_mask=decoder_mask, use_cache=self.use_past))
        if not self.use_past:
            return (out[self.output_name],)
        present = cache_to_flat(output_cache(out))
        if self.use_past_in_inputs:
            # The cross-attention cache equals the past input; Optimum's with-past decoder does not output it.
            present = [t for i, t in enumerate(present) if i % 4 < 2]
        return (out[self.output_name], *present)


def traceable_experts(model: nn.Module) -> None:
    """Mixture-of-experts layers in the form TorchScript traces: the default implementation counts tokens with
    ``torch.histc`` (no ONNX operator) and the eager one loops over the experts hit; ``batched_mm`` gathers each
    token's experts (same results)."""
    if hasattr(model, "set_experts_implementation"):
        model.set_experts_implementation("batched_mm")


def greedy_generate(model: nn.Module, inputs: dict[str, torch.Tensor], steps: int, pad_token_id: int):
    """``generate`` greedily for exactly ``steps`` tokens, nothing altering the choice (no end-of-sequence stop, no
    repetition penalty): the new tokens ``[batch, steps]`` and each step's raw logits ``[batch, vocab]``."""
    from transformers import GenerationConfig

    config = GenerationConfig(max_new_tokens=steps, do_sample=False, num_beams=1, eos_token_id=None,
                              pad_token_id=pad_token_id, repetition_penalty=1.0, output_logits=True,
                              return_dict_in_generate=True)
    with torch.no_grad():
        out = model.generate(**inputs, generation_config=config)
    return out.sequences[:, inputs["input_ids"].shape[1]:], list(out.logits)


# --------------------------------------------------------------------------- export preparation and loading


def export_attn_implementation(model: nn.Module, dynamo: bool) -> str | None:
    """The attention implementation to force for this exporter path, or ``None`` to keep the model's."""
    model_type = getattr(model.config, "model_type", None)
    if model.config._attn_implementation == "eager":
        return None
    if dynamo and model_type in DYNAMO_EAGER_ATTENTION:
        return "eager"
    # TorchScript traces sdpa in half precision into a graph that mixes float32 and float16 (onnxruntime refuses
    # it: "LayerNormalization T bound to float and float16"); eager attention stays in one dtype.
    if not dynamo and dtypes.is_half(next(model.parameters()).dtype):
        return "eager"
    return None


@contextlib.contextmanager
def export_context(model: nn.Module, dynamo: bool = False,
                   attn_implementation: str | None = None) -> Iterator[nn.Module]:
    """Prepare ``model`` for ``torch.onnx.export`` and restore it afterwards.

    Inside: eval mode, no autograd, the attention implementation the exporter can trace (``attn_implementation``
    or :func:`export_attn_implementation`) and TracerWarnings silenced (they flag Python-side shape checks in
    transformers' masking code that are expected to be constant-folded).
    """
    impl = attn_implementation or export_attn_implementation(model, dynamo)
    previous = model.config._attn_implementation
    switch = impl is not None and impl != previous
    was_training = model.training
    if switch:
        model.set_attn_implementation(impl)
    model.eval()
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
            yield model
    finally:
        if switch:
            model.set_attn_implementation(previous)
        model.train(was_training)


def to_torch_dtype(dtype: str | torch.dtype | None) -> torch.dtype | None:
    """``"fp32" | "fp16" | "bf16"`` (or another spelling, or a torch dtype) -> torch dtype; ``None`` stays ``None``."""
    if dtype is None or isinstance(dtype, torch.dtype):
        return dtype
    return dtypes.to_torch(dtypes.get(dtype, among=FLOAT_DTYPES, kind="float dtype"))


#: Model types a transformers 5 Auto class should load and does not (model type -> (Auto class, model class)).
_UNMAPPED_TYPES = {"siglip_text_model": ("AutoModel", "SiglipTextModel")}


def _map_unmapped_types() -> None:
    """transformers 5 maps ``SiglipTextConfig`` to no Auto class (``SiglipVisionConfig`` it does): register it, so
    the export loads a SigLIP text tower as any other feature-extraction model (decision 189)."""
    for model_type, (auto_name, class_name) in _UNMAPPED_TYPES.items():
        auto, model_class = getattr(transformers, auto_name), getattr(transformers, class_name, None)
        config_class = transformers.CONFIG_MAPPING[model_type] if model_type in transformers.CONFIG_MAPPING else None
        if model_class is not None and config_class is not None and config_class not in auto._model_mapping:
            auto.register(config_class, model_class, exist_ok=True)


_map_unmapped_types()


#: Model classes an export configuration may name (``model_class_names``) where no Auto class tells a checkpoint's
#: class from another of its model type: AutoModel loads every ``clip_text_model`` as ``CLIPTextModel`` (decision 188).
NAMED_MODEL_CLASSES = frozenset({"CLIPTextModel", "CLIPTextModelWithProjection"})


def available_auto_classes(names: Sequence[str]) -> list[str]:
    """The Auto classes among ``names`` that the installed transformers has (``AutoModelForVision2Seq`` is gone in
    transformers 5; ``AutoModelForImageTextToText`` replaces it)."""
    return [name for name in names if hasattr(transformers, name)]


#: transformers' own sentences that point at a report we keep quiet (logging at error level): say what they mean.
_LOAD_REPORT_REASONS = {
    "automatic conversion of the weights": "some weights could not be converted to this transformers version's layout",
}


def load_failure_reason(exc: BaseException) -> str:
    text = str(exc).strip()
    for marker, reason in _LOAD_REPORT_REASONS.items():
        if marker in text:
            return reason
    return f"{type(exc).__name__}: {first_line(exc, None)}"[:300] if text else type(exc).__name__


def load_model(model_dir: str | Path, task_auto_class_name: str = "AutoModel", dtype: str | torch.dtype | None = None,
               trust_remote_code: bool = False, attn_implementation: str | None = None,
               exported_outputs: ExportedOutputs | None = None, log: Callable[[str], None] = lambda message: None,
               **kwargs: Any) -> nn.Module:
    """Load a model from a local folder with a transformers Auto class given by name (``"AutoModelForCausalLM"``),
    in eval mode. Extra ``kwargs`` go to ``from_pretrained``. Load failures become ``ExportError``
    (``remote_code_required`` or ``model_load_failed``).

    The load report is always read (:mod:`exportcore.export.load_report`): weights the checkpoint lacks or cannot fill
    are ``weights_mismatch``. ``exported_outputs`` runs what will be exported, to tell missing weights that
    matter from those that reach no exported output (without it, every missing weight matters)."""
    named = task_auto_class_name.startswith("Auto") or task_auto_class_name in NAMED_MODEL_CLASSES
    auto_class = getattr(transformers, task_auto_class_name, None) if named else None
    if auto_class is None:
        raise ValueError(f"{task_auto_class_name!r} is not a transformers Auto class")
    # Other shapes are reported with the keys and judged like the rest of the report (transformers would raise a
    # sentence that names none of them).
    options: dict[str, Any] = {"trust_remote_code": trust_remote_code, **kwargs, "output_loading_info": True,
                               "ignore_mismatched_sizes": True}
    if (torch_dtype := to_torch_dtype(dtype)) is not None:
        options["dtype"] = torch_dtype
    if attn_implementation:
        options["attn_implementation"] = attn_implementation
    transformers.utils.logging.disable_progress_bar()  # its "Loading weights" bar would fight the run's own
    try:
        model, loading_info = auto_class.from_pretrained(str(model_dir), **options)
    except Exception as exc:  # noqa: BLE001 - corrupt files fail with pickle, safetensors, … errors of their own
        if not trust_remote_code and "trust_remote_code" in str(exc):
            raise ExportError("remote_code_required", model=str(model_dir)) from exc
        raise ExportError("model_load_failed", reason=load_failure_reason(exc)) from exc
    check_weights(model, LoadReport.from_loading_info(loading_info), exported_outputs, log)
    return model.eval()
