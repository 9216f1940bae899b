"""The end-to-end check of files that only work together (hybrid decoders with their states, the parts of a
vision-language model): greedy generation through the ONNX files in onnxruntime, driven the way a runtime drives
them (transformers.js), against PyTorch ``generate`` on the same inputs — every new token and every step's logits.

The runtime's loop: the prompt step gets zero states and an empty key/value cache; a vision-language model embeds
the ids (``embed_tokens``), runs ``vision_encoder`` on the prompt step and writes its rows where ``input_ids`` holds
the image token (row-major over the batch); positions are ``cumsum(mask) - 1`` (padding: 1), plus the family's
offset; each step feeds the presents back as the pasts and one new token. A row compares up to the end-of-sequence
token PyTorch generated (``generate`` feeds it padding after that). The attention mask keeps the padding
(docs/decisions.md 124: transformers.js forgets it on cached steps, PyTorch does not).

Phase 1 (:func:`generation_references`) runs while the model is loaded; phase 2 (:func:`compare_generation`) after
it is freed, like the per-file comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..errors import ExportError, first_line
from ..events import ValidationRow
from ..plan import Plan
from .comparison import _session

#: Logits after several cached steps carry the error of every file on the way: ten times a part's tolerance.
STEP_TOLERANCE_FACTOR = 10


@dataclass
class Generation:
    label: str
    case: dict[str, Any]  # the configuration's generation case: inputs, vision inputs
    tokens: np.ndarray  # [batch, steps], PyTorch's
    logits: list[np.ndarray]  # per step [batch, vocab], PyTorch's
    eos: frozenset[int] = frozenset()  # generate stops a row there (and feeds it padding after)

    def active(self, step: int) -> np.ndarray:
        """The rows still generating at ``step`` (0-based): a row that ended earlier is padding in PyTorch's."""
        ended = np.isin(self.tokens[:, :step], list(self.eos)).any(axis=1) if step else np.zeros(len(self.tokens), bool)
        return ~ended


def end_to_end_config(plan: Plan):
    """The configuration that describes the end-to-end check of this plan, or None (a plan of one plain file)."""
    return next((s.onnx_config for s in plan.submodels if getattr(s.onnx_config, "end_to_end", None)), None)


def submodel_label(cfg) -> str:
    return f"end-to-end (greedy, {cfg.GENERATED_TOKENS} tokens)"


def generation_references(plan: Plan, model, cancelled: Callable[[], bool] = lambda: False) -> list[Generation]:
    """PyTorch ``generate`` on each of the configuration's cases (nothing for other plans)."""
    cfg = end_to_end_config(plan)
    if cfg is None:
        return []
    import torch

    from ..export import adapter

    pad = getattr(model.generation_config, "pad_token_id", None)
    pad = pad if isinstance(pad, int) else 0
    eos = getattr(model.generation_config, "eos_token_id", None)
    eos = frozenset([eos] if isinstance(eos, int) else eos or [])
    references = []
    for case in cfg.generation_cases():
        if cancelled():
            raise ExportError("cancelled")
        vision = {getattr(cfg, "REFERENCE_NAMES", {}).get(n, n): a for n, a in case.get("vision", {}).items()}
        arrays = {**case["inputs"], **vision, **case.get("reference_only", {})}
        tensors = {name: torch.from_numpy(np.ascontiguousarray(a)) for name, a in arrays.items()}
        low = next(model.parameters()).dtype
        tensors = {n: t.to(low) if t.is_floating_point() else t for n, t in tensors.items()}
        try:
            tokens, logits = adapter.greedy_generate(model, tensors, cfg.GENERATED_TOKENS, pad)
        except Exception as exc:  # noqa: BLE001
            raise ExportError("validation_error", reason=f"PyTorch generate failed on {case['label']}: "
                              f"{first_line(exc)}") from exc
        references.append(Generation(case["label"], case, tokens.numpy(), [l.float().numpy() for l in logits], eos))
    return references


def _past_to_present(name: str) -> str:
    if name.startswith("past_key_values."):
        return "present." + name.removeprefix("past_key_values.")
    return "present_" + name.removeprefix("past_")


def _typed(session, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Feeds in the element types the file declares (an int32 export, an fp16 one)."""
    kinds = {"tensor(int64)": np.int64, "tensor(int32)": np.int32, "tensor(float)": np.float32,
             "tensor(float16)": np.float16, "tensor(bool)": np.bool_, "tensor(double)": np.float64}
    wanted = {i.name: kinds.get(i.type) for i in session.get_inputs()}
    return {name: (a.astype(wanted[name]) if wanted.get(name) else a) for name, a in feeds.items() if name in wanted}


def empty_past(session, batch: int) -> dict[str, np.ndarray]:
    """Zero states and zero-length keys/values, shaped from the file's own input shapes (as transformers.js does)."""
    past = {}
    for tensor in session.get_inputs():
        if tensor.name.startswith("past"):
            dims = [d if isinstance(d, int) else batch if d == "batch_size" else 0 for d in tensor.shape]
            past[tensor.name] = np.zeros(dims, dtype=np.float16 if "float16" in tensor.type else np.float32)
    return past


def positions(mask: np.ndarray, offset: int = 0) -> np.ndarray:
    return np.where(mask == 0, 1, np.cumsum(mask, axis=1) - 1 + offset).astype(np.int64)


def run_greedy(cfg, sessions: dict[str, Any], case: dict[str, Any], steps: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """The runtime's loop over the files (see the module docstring)."""
    decoder = sessions.get("decoder_model_merged") or sessions["model"]
    decoder_inputs = {i.name for i in decoder.get_inputs()}
    ids = np.asarray(case["inputs"]["input_ids"], dtype=np.int64)
    mask = np.asarray(case["inputs"]["attention_mask"], dtype=np.int64)
    batch = ids.shape[0]
    past = empty_past(decoder, batch)
    current, tokens, logits, state = ids, [], [], {}
    for step in range(steps):
        feeds: dict[str, np.ndarray] = {"attention_mask": mask, **past}
        if "embed_tokens" in sessions:
            embed = sessions["embed_tokens"]
            embeds = embed.run(["inputs_embeds"], _typed(embed, {"input_ids": current}))[0].copy()
            if step == 0 and case.get("vision"):
                vision = sessions["vision_encoder"]
                features = vision.run(["image_features"], _typed(vision, case["vision"]))[0]
                rows = current == cfg.image_token_id
                if int(rows.sum()) != features.shape[0]:
                    raise ValueError(f"{int(rows.sum())} image tokens in the prompt but {features.shape[0]} rows of "
                                     "image features")
                embeds[rows] = features.astype(embeds.dtype)
            feeds["inputs_embeds"] = embeds
        else:
            feeds["input_ids"] = current
        if "position_ids" in decoder_inputs:
            special = getattr(cfg, "runtime_positions", lambda *args: None)(step, ids, mask, case, state)
            if special is None:
                special = positions(mask, cfg.POSITION_OFFSET)[:, -current.shape[1]:]
            feeds["position_ids"] = special
        names = [o.name for o in decoder.get_outputs()]
        outputs = dict(zip(names, decoder.run(names, _typed(decoder, feeds))))
        last = outputs["logits"][:, -1, :].astype(np.float32)
        logits.append(last)
        current = last.argmax(-1).astype(np.int64)[:, None]
        tokens.append(current)
        past = {name: outputs[_past_to_present(name)] for name in past}
        mask = np.concatenate([mask, np.ones((batch, 1), np.int64)], axis=1)
    return np.concatenate(tokens, axis=1), logits


def compare_generation(plan: Plan, run_dir: Path, references: list[Generation],
                       on_row: Callable[[ValidationRow], None], cancelled: Callable[[], bool] = lambda: False,
                       ) -> list[ValidationRow]:
    """Phase 2: the runtime's loop in onnxruntime for each reference; a row for the tokens and one per step."""
    if not references:
        return []
    cfg = end_to_end_config(plan)
    atol = plan.atol(cfg) * STEP_TOLERANCE_FACTOR
    sessions = {s.name: _session(run_dir / s.file_name) for s in plan.submodels}
    label = submodel_label(cfg)
    rows: list[ValidationRow] = []

    def emit(row: ValidationRow) -> None:
        rows.append(row)
        on_row(row)

    for reference in references:
        if cancelled():
            raise ExportError("cancelled")
        try:
            tokens, logits = run_greedy(cfg, sessions, reference.case, len(reference.logits))
        except Exception as exc:  # noqa: BLE001 - the files do not work together: a failed check, said
            emit(ValidationRow(submodel=label, shape_set=reference.label, output="tokens", expected_shape=[],
                               actual_shape=[], shape_ok=False, max_abs_diff=None, atol=0.0, passed=False,
                               note=f"onnxruntime failed: {first_line(exc)}"))
            continue
        compared = np.stack([reference.active(step) for step in range(reference.tokens.shape[1])], axis=1)
        differ = None
        if tokens.shape == reference.tokens.shape:
            differ = int(((tokens != reference.tokens) & compared).sum())
        emit(ValidationRow(
            submodel=label, shape_set=reference.label, output="tokens", expected_shape=list(reference.tokens.shape),
            actual_shape=list(tokens.shape), shape_ok=differ is not None, max_abs_diff=None if differ is None else
            float(differ), atol=0.0, passed=differ == 0,
            note="" if differ == 0 else f"PyTorch {reference.tokens.tolist()}, onnxruntime {tokens.tolist()}"))
        for step, (expected, actual) in enumerate(zip(reference.logits, logits), start=1):
            shape_ok = expected.shape == actual.shape
            if shape_ok:  # rows that ended (end of sequence) before this step are not compared
                live = reference.active(step - 1)
                expected, actual = expected[live], actual[live]
            diff = float(np.max(np.abs(expected.astype(np.float64) - actual))) if shape_ok else None
            emit(ValidationRow(
                submodel=label, shape_set=reference.label, output=f"logits (step {step})",
                expected_shape=list(expected.shape), actual_shape=list(actual.shape), shape_ok=shape_ok,
                max_abs_diff=diff, atol=atol,
                passed=bool(shape_ok and diff is not None and np.isfinite(diff) and diff <= atol)))
    return rows
