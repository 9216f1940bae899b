"""The torch side of the generic path: before a derived (generic) configuration is traced, check it against the model.

The configuration was derived from config.json alone (``configs/generic.py``). Here, on the loaded model: experts
layers are switched to their traceable form (``moe``), checked against the original; then one short forward shows
the cache the model really returns, and a layout other than the derived one stops the export with
``generic_cache_mismatch`` (derived and actual both named) before anything is traced.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from ..errors import ExportError
from ..plan import Plan
from . import adapter, moe

SAMPLE_LENGTH = 5


def is_generic(plan: Plan) -> bool:
    return any(getattr(s.onnx_config, "GENERIC", False) for s in plan.submodels)


def _layout_words(layout: list[tuple[int, int, int, int]]) -> str:
    kinds = sorted(set(layout))
    each = "; ".join(f"key {kh}x{kd}, value {vh}x{vd}" for kh, kd, vh, vd in kinds)
    return f"{len(layout)} layers ({each} heads x size)"


def actual_layout(model: nn.Module, sample: dict[str, torch.Tensor]) -> list[tuple[int, int, int, int]]:
    """Per cache layer (key heads, key size, value heads, value size) of the cache ``model`` returns for ``sample``."""
    with torch.no_grad():
        out = model(**adapter.model_call_kwargs(model, **sample, use_cache=True))
    cache = adapter.output_cache(out)
    if cache is None:
        raise ValueError("the model returns no cache")
    flat = adapter.cache_to_flat(cache)
    return [(k.shape[1], k.shape[3], v.shape[1], v.shape[3]) for k, v in zip(flat[0::2], flat[1::2])]


#: Image classifiers that return their class scores under another name than ``logits``: model class -> that name.
CLASS_SCORES = {"PPLCNetForImageClassification": "last_hidden_state"}


def _scores_as_logits(model: nn.Module, name: str, log: Callable[[str], None]) -> None:
    from transformers.modeling_outputs import ImageClassifierOutputWithNoAttention

    forward = model.forward

    def forward_with_logits(*args, **kwargs):
        out = forward(*args, **kwargs)
        return ImageClassifierOutputWithNoAttention(logits=out[name], hidden_states=out.get("hidden_states"))

    model.forward = forward_with_logits
    log(f"{type(model).__name__} returns its class scores as {name}: exported as logits")


def prepare(model: nn.Module, plan: Plan, log: Callable[[str], None] = lambda message: None) -> None:
    """Make ``model`` traceable for the plan's generic configuration and check the derivation; no-op otherwise."""
    cfg = plan.submodels[0].onnx_config
    if is_generic(plan) and type(model).__name__ in CLASS_SCORES:
        _scores_as_logits(model, CLASS_SCORES[type(model).__name__], log)
    if not is_generic(plan) or "input_ids" not in cfg.inputs:  # image classifiers: nothing to check
        return
    vocab = getattr(cfg._normalized_config, "vocab_size", None) or 100
    generator = torch.Generator().manual_seed(0)
    sample = {"input_ids": torch.randint(min(3, vocab - 1), vocab, (1, SAMPLE_LENGTH), generator=generator),
              "attention_mask": torch.ones(1, SAMPLE_LENGTH, dtype=torch.long)}
    moe.use_traceable_experts(model, sample, plan.atol(cfg), log)
    if not getattr(cfg, "use_past", False):  # no cache exported: nothing derived about it
        return
    derived = cfg.cache_layout()
    try:
        actual = actual_layout(model, sample)
    except (ValueError, TypeError, AttributeError) as exc:
        raise ExportError("generic_cache_mismatch", model_type=cfg.MODEL_TYPE, derived=_layout_words(derived),
                          actual=f"no key/value cache ({exc})") from exc
    if [tuple(map(int, layer)) for layer in actual] != [tuple(layer) for layer in derived]:
        raise ExportError("generic_cache_mismatch", model_type=cfg.MODEL_TYPE, derived=_layout_words(derived),
                          actual=_layout_words(actual))
    log(f"generic configuration {type(cfg).__name__}: cache checked, {_layout_words(derived)}")
