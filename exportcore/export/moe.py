"""Mixture-of-experts layers in a form the TorchScript exporter can trace, checked against the original.

transformers 5's experts layers (``@use_experts_implementation``) count the tokens routed to each expert with
``torch.histc`` by default (no ONNX operator: mixtral, qwen2_moe, qwen3_moe, olmoe, phimoe, granitemoe, gpt_oss,
deepseek_v3, …); the eager implementation loops over the experts a batch hits, which a trace would freeze.
``adapter.traceable_experts`` switches to transformers' ``batched_mm`` (each token's top-k experts gathered, no
data-dependent shape); layers that only loop (DBRX's) run every expert densely (``moe_dense``). The switch is kept
only when the model's outputs on a sample stay those of the original implementation.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from ..errors import ExportError
from . import adapter, moe_dense


def has_experts(model: nn.Module) -> bool:
    """Whether the model has experts layers whose implementation can be chosen."""
    return bool(moe_dense.dense_modules(model)) or hasattr(model, "set_experts_implementation") and any(
        hasattr(module, "_is_expert_parallel") or type(module).__name__.endswith("Experts")
        for module in model.modules())


def use_traceable_experts(model: nn.Module, sample: dict[str, torch.Tensor], atol: float,
                          log: Callable[[str], None] = lambda message: None) -> bool:
    """Switch the experts to the traceable implementation if the model has experts; ``rewrite_mismatch`` when the
    outputs on ``sample`` change by more than ``atol`` (nothing is exported then). Returns whether it switched."""
    if not has_experts(model):
        return False
    with torch.no_grad():
        before = model(**adapter.model_call_kwargs(model, **sample, use_cache=False))
        adapter.traceable_experts(model)
        dense = moe_dense.use_dense_experts(model)
        after = model(**adapter.model_call_kwargs(model, **sample, use_cache=False))
    name = next(iter(before.keys()))
    difference = float((before[name].float() - after[name].float()).abs().max())
    form = "every expert on every token" if dense else "batched_mm"
    if difference > atol:
        raise ExportError("rewrite_mismatch", what=f"the mixture-of-experts layers ({form})",
                          difference=f"{difference:.3g} > {atol:g}")
    log(f"mixture-of-experts layers traced as {form} (largest change of {name} on a sample: {difference:.2g})")
    return True

