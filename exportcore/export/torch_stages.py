"""The run's torch-side stages: load the model for the plan (and judge its load report), give it the padding token it
needs, export each submodel with what the exporters print captured in the run log."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from .. import cancel_signals
from ..errors import ExportError
from ..option_facts import needs_pad_token
from ..plan import Plan, Submodel
from ..tasks import auto_classes
from . import adapter, generic_model
from .onnx_export import export_submodel
from .traced_module import build_module

Log = Callable[[str], None]


CAPTURED_BYTES = 200_000


@contextlib.contextmanager
def exporter_output_in_log(log: Log) -> Iterator[None]:
    """What the exporters print themselves (torch's C++ dumps a whole IR graph when a conversion fails, torch.export
    prints its steps) goes to the run log, not the user's terminal: the error says what failed in one line."""
    _flush_standard_streams()
    with tempfile.TemporaryFile() as captured:
        with cancel_signals.no_interrupt():  # never leave fd 1 or 2 on the captured file
            saved = [os.dup(1), os.dup(2)]
            os.dup2(captured.fileno(), 1)
            os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            with cancel_signals.no_interrupt():
                _flush_standard_streams()
                for fd, copy in zip((1, 2), saved):
                    os.dup2(copy, fd)
                    os.close(copy)
            size = captured.seek(0, os.SEEK_END)
            captured.seek(max(0, size - CAPTURED_BYTES))  # the end: where the exporter says what failed
            text = captured.read().decode("utf-8", errors="replace").strip()
            if text:
                log("exporter output" + (f" (its last {CAPTURED_BYTES} bytes)" if size > CAPTURED_BYTES else "") + ":\n" + text)


def _flush_standard_streams() -> None:
    """A reader that went away (`exportcore export … | head`) leaves what it did not take in the stream's buffer,
    and every flush raises BrokenPipeError again: that stops the output, never the export (decision 43)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # ValueError: a closed stream
            pass


_default_threads: list[int] = []  # PyTorch's own choice, read before the first change


def fit_threads_to_free_cores(log: Log = lambda message, level="info": None) -> None:
    """PyTorch's thread pool sized to the cores other processes leave free (decision 186): on a busy machine its
    default (one thread per core) made each forward pass several times slower than one thread did (as it does
    onnxruntime's: validation sessions are sized the same way)."""
    import torch

    from ..machine import free_cores

    if not _default_threads:
        _default_threads.append(torch.get_num_threads())
    wanted = min(free_cores(), _default_threads[0])
    if wanted != torch.get_num_threads():
        torch.set_num_threads(wanted)
        log(f"PyTorch runs on {wanted} thread{'s' * (wanted > 1)}: other processes keep the other cores busy",
            "debug")


def load_for_plan(plan: Plan, log: Log = lambda message: None):
    """Load the model for the plan's task, trying the task's auto classes in order. Weights the checkpoint lacks
    are an error when they reach an output the plan exports (``weights_mismatch``); the others are logged."""
    res = plan.resolution
    last_error: ExportError | None = None
    chosen = getattr(res.config_class, "model_class_names", None)  # a family whose class the task's cannot tell
    names = chosen(res.config) if chosen else adapter.available_auto_classes(auto_classes(res.choice.task))
    for auto_class in names:
        try:
            model = adapter.load_model(
                res.source.folder, auto_class, dtype=plan.options.float_dtype, trust_remote_code=plan.options.trust_remote_code,
                exported_outputs=exported_outputs(plan), log=log,
            )
        except ExportError as exc:
            if exc.code != "model_load_failed" or "Unrecognized configuration class" not in exc.message:
                raise
            last_error = exc
            continue
        generic_model.prepare(model, plan, log)  # a derived configuration: checked against the model first
        return model
    assert last_error is not None
    raise last_error


def exported_outputs(plan: Plan) -> Callable:
    """Runs every submodel the plan exports, wrapped as the exporter traces it, on dummy inputs of one row (a decoder
    classifier without a padding token cannot take more yet) and yields its outputs."""
    shapes = {**plan.shapes, "batch_size": 1}

    def run(model) -> Iterator:
        for submodel in plan.submodels:
            cfg = submodel.onnx_config
            yield from build_module(model, cfg)(*cfg.generate_dummy_inputs("pt", **shapes).values())

    return run


def ensure_pad_token(plan: Plan, model, log: Log) -> int | None:
    """Give the model the padding token id it needs, as Optimum does: ``--pad-token-id``, or for a decoder text
    classifier whose config has none (transformers refuses batch > 1 then) the tokenizer's. Returns the id set on
    the model's config (to be written into the exported config.json), or ``None``."""
    options, config = plan.options, model.config
    if options.pad_token_id is not None:
        config.pad_token_id = options.pad_token_id
        log(f"pad_token_id {options.pad_token_id} (--pad-token-id)")
        return options.pad_token_id
    cfg = plan.submodels[0].onnx_config
    classifier = needs_pad_token(plan.resolution.choice.task, getattr(cfg, "is_causal_lm", False))
    if not classifier or getattr(config, "pad_token_id", None) is not None:
        return None
    pad = adapter.tokenizer_pad_token_id(plan.resolution.source.folder)
    if pad is None:
        raise ExportError("pad_token_required", model_type=plan.resolution.model_type)
    config.pad_token_id = pad
    log(f"pad_token_id {pad} from the tokenizer (the config has none; a decoder classifier needs one)")
    return pad


def export_all(plan: Plan, model, run_dir: Path, submodels: list[Submodel], log: Log, traced_shapes: dict | None = None) -> None:
    """Export ``submodels``; for decoders that will be merged, record their traced output shapes in ``traced_shapes``."""
    options = plan.options
    fold = folds_constants(plan, model)
    if options.constant_folding and not fold:
        log("tied weights: exporting without constant folding so they are stored once (onnxruntime folds at load)")
    for submodel in submodels:
        cfg = submodel.onnx_config
        opset = plan.opset(cfg)
        with exporter_output_in_log(log):
            export_submodel(
                model,
                cfg,
                run_dir / submodel.file_name,
                opset=opset,
                shapes=plan.shapes,
                dynamic_axes=options.dynamic_axes,
                constant_folding=fold,
                dynamo=options.dynamo,
                submodel_name=submodel.name,
                traced_shapes=traced_shapes.setdefault(submodel.name, {}) if traced_shapes is not None and plan.merge else None,
            )
        if getattr(cfg, "FIX_NEGATIVE_PERMS", False):
            from .part_modules import fix_negative_perms

            if fixed := fix_negative_perms(run_dir / submodel.file_name):
                log(f"{submodel.file_name}: {fixed} Transpose nodes with negative axes rewritten")
        log(f"exported {submodel.file_name}")


def has_tied_weights(model) -> bool:
    """Whether parameters are shared (e.g. the LM head and the embeddings): only then can the ONNX file hold
    the same weight twice (TorchScript folds a transposed copy), so only then is dedupe worth reading the file."""
    return sum(1 for _ in model.named_parameters(remove_duplicate=False)) != sum(1 for _ in model.named_parameters())


def folds_constants(plan: Plan, model) -> bool:
    """Whether the TorchScript exporter folds constants for this run.

    Folding turns a tied LM head into a transposed copy of the embedding (GPT-2: +154 MB in the file and a
    read-rewrite of the whole file to dedupe it). Without folding the shared parameter is exported once.
    """
    return plan.options.constant_folding and (plan.options.dynamo or not has_tied_weights(model))


def may_hold_duplicate_weights(plan: Plan, model) -> bool:
    return has_tied_weights(model) and (plan.options.dynamo or folds_constants(plan, model))
