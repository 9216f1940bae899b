"""What validation compares: for each file of the plan, the ONNX session against the PyTorch module the exporter
traced, with the extra feeds a merged decoder's two branches need."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..export.traced_module import build_module
from ..plan import Plan
from .comparison import Check


def validation_checks(plan: Plan, model, run_dir: Path) -> list[Check]:
    """One check per file, and both branches of a merged decoder."""
    checks: list[Check] = []
    if plan.merge:
        decoder = plan.submodel("decoder_model").onnx_config
        with_past = plan.submodel("decoder_with_past_model").onnx_config
        merged = run_dir / "decoder_model_merged.onnx"
        for sub in plan.submodels:
            if sub.name.startswith("decoder"):
                continue
            checks.append(Check(sub.name, run_dir / sub.file_name, sub.onnx_config, build_module(model, sub.onnx_config)))
        checks.append(
            Check("decoder_model_merged (first step)", merged, decoder, build_module(model, decoder), _no_cache_feeds(with_past))
        )
        checks.append(
            Check("decoder_model_merged (with cache)", merged, with_past, build_module(model, with_past), _cache_feeds(decoder))
        )
        return checks
    return [Check(s.name, run_dir / s.file_name, s.onnx_config, build_module(model, s.onnx_config)) for s in plan.submodels]


def _fill_from(cfg, override: dict[str, int] | None = None):
    """Extra feeds for a merged decoder: the inputs one branch does not use, taken from ``cfg``'s dummies."""

    def extra(feeds: dict, shapes: dict[str, int], use_cache_branch: bool) -> dict:
        filler = cfg.rename_ambiguous_inputs(cfg.generate_dummy_inputs("np", **{**shapes, **(override or {})}))
        return {**filler, **feeds, "use_cache_branch": np.array([use_cache_branch])}

    return extra


def _cache_feeds(decoder_cfg):
    """Cache branch: the merged file still has the first step's inputs (encoder_hidden_states), unused here."""
    fill = _fill_from(decoder_cfg)
    return lambda feeds, shapes: fill(feeds, shapes, True)


def _no_cache_feeds(with_past_cfg):
    """First decoding step through a merged decoder: empty past inputs, ``use_cache_branch = False``."""
    fill = _fill_from(with_past_cfg, {"past_sequence_length": 0})

    def extra(feeds: dict, shapes: dict[str, int]) -> dict:
        merged = fill(feeds, shapes, False)
        for name, value in merged.items():
            if name.startswith("past_key_values.") and ".encoder." in name:
                merged[name] = value[:, :, :0]  # unused on this branch: empty, as a runtime would feed
        return merged

    return extra
