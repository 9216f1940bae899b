"""VITS as a file can hold it: the stand-ins ``vits_zero_noise``, ``vits_unchecked_splines`` and
``vits_speaker_rows`` of ``adapter_forwards.STAND_INS``, named by ``configs/models/vits.py``'s ``EXPORT_FORWARDS``
(decisions 190–191). They are in force while the export traces and while validation runs PyTorch, so the two
compare like with like.

``VitsModel`` draws two noises on every call (``torch.randn``): the stochastic duration predictor's, scaled by
``noise_scale_duration``, and the prior's, one per output frame, scaled by ``noise_scale``. A file drawing them gives
other durations, lengths and samples on every run and cannot be validated; the prior's noise cannot be an input
either, since its length is the output length the model predicts. With both scales at 0 the file is VITS's
deterministic synthesis (the durations and latents at their means).

The duration flows' spline asserts its inputs are inside the tail bound and its discriminant non-negative with
``torch_compilable_check`` (``aten._is_all_true``), which torch.export's ONNX translation has no function for; the
assertions check nothing a file could act on, so they are left out of it."""

from __future__ import annotations

import contextlib
from typing import Iterator

from torch import nn

from .adapter_scans import modeling_modules


@contextlib.contextmanager
def vits_zero_noise(model: nn.Module) -> Iterator[None]:
    saved = (model.noise_scale, model.noise_scale_duration)
    model.noise_scale = model.noise_scale_duration = 0.0
    try:
        yield
    finally:
        model.noise_scale, model.noise_scale_duration = saved


def _unchecked(*args, **kwargs) -> None:
    return None


@contextlib.contextmanager
def vits_unchecked_splines(model: nn.Module) -> Iterator[None]:
    patched = [(family, family.torch_compilable_check) for family in modeling_modules(model)
               if hasattr(family, "_rational_quadratic_spline") and hasattr(family, "torch_compilable_check")]
    for family, _ in patched:
        family.torch_compilable_check = _unchecked
    try:
        yield
    finally:
        for family, original in patched:
            family.torch_compilable_check = original


class _RowSpeakers(nn.Module):
    """``embed_speaker`` answering with the rows' speakers whatever id transformers passes it."""

    def __init__(self, embed: nn.Module, speaker_id):
        super().__init__()
        self.embed, self.speaker_id = embed, speaker_id

    def forward(self, _ignored):
        return self.embed(self.speaker_id)


@contextlib.contextmanager
def vits_speaker_rows(model: nn.Module) -> Iterator[None]:
    """``speaker_id`` as a tensor, one speaker per row. transformers takes one Python int for the whole batch and
    range-checks it in Python (a trace would freeze it): the forward gets a valid int, and the speaker embedding
    its rows' speakers ([batch, size, 1] conditions the duration predictor, the flow and the vocoder per row)."""
    original = model.forward

    def forward(*args, speaker_id=None, **kwargs):
        if speaker_id is None or isinstance(speaker_id, int):
            return original(*args, speaker_id=speaker_id, **kwargs)
        embed = model.embed_speaker
        model.embed_speaker = _RowSpeakers(embed, speaker_id)
        try:
            return original(*args, speaker_id=0, **kwargs)
        finally:
            model.embed_speaker = embed

    model.forward = forward
    try:
        yield
    finally:
        del model.forward
