"""Greedy decoding with the cache: PyTorch's fp32 tokens (phase 1, while the model is loaded), then the agreement of
an exported set of files with them in onnxruntime (phase 2), feeding the past back as a runtime does.

The onnxruntime side is teacher-forced: every step is fed PyTorch's previous token, so one early flip does not
count again at every later step. As for top-1, the judged agreement counts the steps where PyTorch's choice was
clear (``budgets.clear_choices``); over every step it is reported. (A free-running pass, each side fed its own
tokens, would double the cost of a check that runs in every export, for a figure nobody judges.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ..errors import ExportError
from .budgets import MIN_CLEAR, clear_choices

PROMPTS = 16
PROMPT_LENGTH = 6
STEPS = 16
SEED = 20261207

_NUMPY = {"tensor(int64)": np.int64, "tensor(int32)": np.int32, "tensor(float)": np.float32,
          "tensor(float16)": np.float16, "tensor(double)": np.float64, "tensor(bool)": np.bool_}


@dataclass
class GreedyReference:
    kind: str  # "decoder" (model.onnx with past inputs) or "seq2seq" (encoder_model + decoder files)
    prompts: np.ndarray  # [PROMPTS, PROMPT_LENGTH] int64
    tokens: np.ndarray  # [PROMPTS, steps] PyTorch's greedy tokens
    clear: np.ndarray  # [PROMPTS, steps] whether PyTorch's choice was clear (budgets.clear_choices)
    start_token: int = 0  # seq2seq: the decoder's first input


@dataclass
class GreedyFigure:
    agreement: float | None  # teacher-forced share of the steps with a clear choice whose token is PyTorch's
    agreement_all: float  # the same over every step, near-ties included
    steps: int
    prompts: int
    clear_steps: int  # how many steps PyTorch's choice was clear at


class GreedyUnavailable(Exception):
    """The files cannot be driven by this loop (an input it does not know how to feed); the reason is reported."""


def greedy_kind(plan) -> str | None:
    names = {s.name for s in plan.submodels}
    with_past = any(getattr(s.onnx_config, "use_past", False) for s in plan.submodels)
    if not with_past:
        return None
    # Token ids in: text models only (a speech or vision encoder would need its own prompts).
    if "encoder_model" in names and ("decoder_model" in names or "decoder_with_past_model" in names):
        return "seq2seq" if "input_ids" in plan.submodel("encoder_model").onnx_config.inputs else None
    if names == {"model"} and getattr(plan.submodels[0].onnx_config, "use_past_in_inputs", False):
        return "decoder" if "input_ids" in plan.submodels[0].onnx_config.inputs else None
    return None


def greedy_reference(plan, model, cancelled: Callable[[], bool] = lambda: False) -> GreedyReference | None:
    """PyTorch's greedy tokens for seeded random prompts."""
    kind = greedy_kind(plan)
    if kind is None:
        return None
    import torch

    config = model.config.get_text_config() if hasattr(model.config, "get_text_config") else model.config
    vocab = int(config.vocab_size)
    steps = STEPS
    limit = getattr(config, "max_position_embeddings", None) or getattr(config, "n_positions", None)
    if kind == "decoder" and limit:
        steps = max(1, min(STEPS, int(limit) - PROMPT_LENGTH))
    prompts = np.random.default_rng(SEED).integers(1, vocab, size=(PROMPTS, PROMPT_LENGTH)).astype(np.int64)
    start = getattr(model.config, "decoder_start_token_id", None)
    start = int(start if start is not None else (getattr(model.config, "pad_token_id", None) or 0))
    source = torch.from_numpy(prompts)
    mask = torch.ones_like(source)
    new = source if kind == "decoder" else torch.full((PROMPTS, 1), start, dtype=torch.int64)
    seen = new.shape[1]
    tokens, clear, past, encoded = [], [], None, None
    # PyTorch's own cache, through the models' public call (``past_key_values`` handed back as it came): without it
    # every step recomputes the whole prefix and its logits, 10× the work (a GPT-2-small: ~50 s on our two cores).
    with torch.no_grad():
        if kind == "seq2seq":
            encoded = model.get_encoder()(input_ids=source, attention_mask=mask)
        for _ in range(steps):
            if cancelled():
                raise ExportError("cancelled")
            if kind == "decoder":
                out = model(input_ids=new, attention_mask=torch.ones((PROMPTS, seen), dtype=torch.int64),
                            past_key_values=past, use_cache=True)
            else:
                out = model(encoder_outputs=encoded, attention_mask=mask, decoder_input_ids=new,
                            past_key_values=past, use_cache=True)
            past = out.past_key_values
            logits = out.logits[:, -1].float()
            nxt = logits.argmax(-1)
            top2 = logits.topk(2, dim=-1).values
            clear.append(clear_choices(top2[:, 0], top2[:, 1], logits.std(-1)))
            tokens.append(nxt)
            new = nxt[:, None]
            seen += 1
    del past, encoded
    return GreedyReference(kind, prompts, torch.stack(tokens, 1).numpy().astype(np.int64),
                           torch.stack(clear, 1).numpy(), start)


class _Session:
    def __init__(self, path: Path, session=None) -> None:
        if session is None:
            import onnxruntime as ort

            from ..machine import free_cores

            options = ort.SessionOptions()
            options.log_severity_level = 3
            options.intra_op_num_threads = free_cores()
            session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.session = session
        self.inputs = {i.name: i for i in self.session.get_inputs()}
        self.outputs = [o.name for o in self.session.get_outputs()]

    def empty_past(self, batch: int) -> dict[str, np.ndarray]:
        past = {}
        for name, info in self.inputs.items():
            if name.startswith("past_key_values."):
                heads, width = info.shape[1], info.shape[3]
                if not (isinstance(heads, int) and isinstance(width, int)):
                    raise GreedyUnavailable(f"{name} has no fixed head count or head size ({info.shape})")
                past[name] = np.zeros((batch, heads, 0, width), _NUMPY.get(info.type, np.float32))
        return past

    def run(self, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        missing = set(self.inputs) - set(feeds)
        if missing:
            raise GreedyUnavailable(f"the decoding loop does not know how to feed {sorted(missing)}")
        typed = {k: np.asarray(v).astype(_NUMPY.get(self.inputs[k].type, np.float32), copy=False)
                 for k, v in feeds.items() if k in self.inputs}
        return dict(zip(self.outputs, self.session.run(self.outputs, typed)))


def _next_past(past: dict, outputs: dict, first_step: bool) -> dict:
    """Presents become the next step's past; the cross-attention past is the first step's, kept for the loop."""
    fresh = {name.replace("present", "past_key_values", 1): value for name, value in outputs.items()
             if name.startswith("present")}
    if not first_step:
        fresh = {k: v for k, v in fresh.items() if ".encoder." not in k}
    return {**past, **fresh}


def _sessions(reference: GreedyReference, files: dict[str, Path], opened: dict) -> dict[str, "_Session"]:
    def session(name: str) -> _Session:
        return _Session(files[name], opened.get(name))

    if reference.kind == "decoder":
        return {"model": session("model.onnx")}
    sessions = {"encoder": session("encoder_model.onnx")}
    if "decoder_model_merged.onnx" in files:
        sessions["first"] = sessions["later"] = session("decoder_model_merged.onnx")
    else:
        sessions["first"] = session("decoder_model.onnx")
        sessions["later"] = session("decoder_with_past_model.onnx")
    return sessions


def _decode(reference: GreedyReference, sessions: dict[str, "_Session"],
            cancelled: Callable[[], bool] = lambda: False) -> np.ndarray:
    """The variant's greedy token at every step, each step fed PyTorch's previous token."""

    def check() -> None:
        if cancelled():
            raise ExportError("cancelled")

    batch, steps = reference.tokens.shape
    if reference.kind == "decoder":
        session = sessions["model"]
        past, ids = session.empty_past(batch), reference.prompts
        mask = np.ones_like(ids)
        out_tokens = []
        for t in range(steps):
            check()
            positions = np.arange(mask.shape[1] - ids.shape[1], mask.shape[1], dtype=np.int64)[None].repeat(batch, 0)
            outputs = session.run({"input_ids": ids, "attention_mask": mask, "position_ids": positions, **past})
            nxt = outputs["logits"][:, -1].argmax(-1).astype(np.int64)
            out_tokens.append(nxt)
            past = _next_past({}, outputs, True)
            ids = reference.tokens[:, t:t + 1]
            mask = np.ones((batch, mask.shape[1] + 1), np.int64)
        return np.stack(out_tokens, 1)
    mask = np.ones_like(reference.prompts)
    hidden = sessions["encoder"].run({"input_ids": reference.prompts, "attention_mask": mask})["last_hidden_state"]
    first, later = sessions["first"], sessions["later"]
    past: dict = {}
    ids = np.full((batch, 1), reference.start_token, np.int64)
    out_tokens = []
    for t in range(steps):
        check()
        session = first if t == 0 else later
        if t == 0:
            past = session.empty_past(batch)
        feeds = {"input_ids": ids, "encoder_attention_mask": mask, "encoder_hidden_states": hidden,
                 "use_cache_branch": np.array([t > 0]), **past}
        outputs = session.run(feeds)
        nxt = outputs["logits"][:, -1].argmax(-1).astype(np.int64)
        out_tokens.append(nxt)
        past = _next_past(past, outputs, t == 0)
        ids = reference.tokens[:, t:t + 1]
    return np.stack(out_tokens, 1)


def greedy_agreement(reference: GreedyReference, files: dict[str, Path], opened: dict | None = None,
                     cancelled: Callable[[], bool] = lambda: False) -> GreedyFigure:
    """``files``: the fp32 file name -> the file to run in its place (a variant's, or the fp32 file itself);
    ``opened``: the fp32 file name -> an onnxruntime session of that file already loaded."""
    try:
        sessions = _sessions(reference, files, opened or {})
    except KeyError as exc:
        raise GreedyUnavailable(f"no file {exc} to decode with") from exc
    tokens = _decode(reference, sessions, cancelled)
    del sessions
    same = tokens == reference.tokens
    clear = same[reference.clear]
    agreement = float(clear.mean()) if clear.size >= MIN_CLEAR else None
    return GreedyFigure(agreement, float(same.mean()), int(tokens.shape[1]), len(tokens), int(clear.size))
