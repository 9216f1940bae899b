"""The figures a variant is judged by, accumulated over every file, shape set and output it is compared at.

Which figure an output feeds depends on what the output is: hidden states feed the token cosine and (pooled over
the attention mask) the embedding cosine; pooled embeddings the embedding cosine; logits the logits cosine and the
top-1 agreement.
Every float output feeds the element-wise figures. Padded positions (attention mask 0) are left out.
"""

from __future__ import annotations

import numpy as np

from .budgets import LOGITS_COSINE_MIN_WIDTH, MIN_CLEAR, clear_choices

#: ``token_embeddings``: a sentence-transformers export's hidden states before its pooling (``--library``).
HIDDEN_OUTPUTS = ("last_hidden_state", "encoder_last_hidden_state", "token_embeddings")
EMBEDDING_OUTPUTS = ("pooler_output", "sentence_embedding", "text_embeds", "image_embeds", "embeddings")


def output_kind(name: str) -> str | None:
    """"hidden", "embedding", "logits" or None (compared element-wise only: caches, attention weights…)."""
    if name in HIDDEN_OUTPUTS:
        return "hidden"
    if name in EMBEDDING_OUTPUTS:
        return "embedding"
    if name.endswith("logits") or name.startswith("logits"):
        return "logits"
    return None


#: Elements per slice of the figures computed in float64 (8 MB a copy).
CHUNK_ELEMENTS = 2**20


class ReferenceFacts:
    """What the figures need from PyTorch's logits alone (each row's top-1 and whether that choice is clear),
    computed once per reference and shared by every variant judged against it, from any thread."""

    def __init__(self) -> None:
        self._top1: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def top1(self, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(top-1 index, clear) per position of ``reference`` ([..., classes]), every position: the caller leaves
        out its padded ones, so that one reference may be judged under any mask."""
        known = self._top1.get(id(reference))
        if known is None:  # the entry holds the array: its id cannot be another array's while it is here
            rows = reference.reshape(-1, reference.shape[-1])
            step = max(1, CHUNK_ELEMENTS // rows.shape[-1])
            clear = np.concatenate([_clear_rows(rows[i:i + step]) for i in range(0, len(rows), step)])
            known = self._top1[id(reference)] = (reference, rows.argmax(-1), clear)
        return known[1], known[2]


def _clear_rows(rows: np.ndarray) -> np.ndarray:
    rows = rows.astype(np.float64)
    top2 = np.partition(rows, -2, axis=-1)[:, -2:]
    return clear_choices(top2[:, 1], top2[:, 0], rows.std(-1))


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cosine of two [rows, dim] arrays; two all-zero rows agree."""
    a, b = a.astype(np.float64), b.astype(np.float64)
    norm_a, norm_b = np.linalg.norm(a, axis=-1), np.linalg.norm(b, axis=-1)
    norms = norm_a * norm_b
    cos = (a * b).sum(-1) / np.where(norms == 0, 1.0, norms)
    return np.where((norm_a == 0) & (norm_b == 0), 1.0, cos)


def _centred(rows: np.ndarray) -> np.ndarray:
    rows = rows.astype(np.float64)
    return rows - rows.mean(-1, keepdims=True)


def _positions_mask(mask: np.ndarray | None, leading: tuple[int, ...]) -> np.ndarray | None:
    """The attention mask as a boolean over the output's leading (batch, sequence) dims, when it fits them."""
    if mask is None or tuple(mask.shape) != leading:
        return None
    return mask.astype(bool)


class Tally:
    """Running figures of one variant."""

    def __init__(self, reference_facts: "ReferenceFacts | None" = None) -> None:
        self.reference_facts = reference_facts if reference_facts is not None else ReferenceFacts()
        self.max_abs = 0.0
        self.abs_sum = 0.0
        self.count = 0
        self.token_cos: float | None = None
        self.embedding_cos: float | None = None
        self.logits_cos: float | None = None
        self.logits_cos_sum = 0.0
        self.logits_rows = 0
        self.clear_agree = self.clear_total = 0
        self.all_agree = self.all_total = 0
        self.worst: dict[str, str] = {}  # figure -> where its worst value was seen
        self.broken: list[str] = []  # outputs that could not be compared (shape, non-finite)

    def add(self, where: str, name: str, reference: np.ndarray, actual: np.ndarray, mask: np.ndarray | None) -> None:
        if reference.dtype.kind != "f":
            return
        actual = np.asarray(actual)
        if actual.dtype != np.float32:
            actual = actual.astype(np.float32)
        if reference.shape != actual.shape:
            self.broken.append(f"{where} {name}: shape {list(actual.shape)} instead of {list(reference.shape)}")
            return
        if reference.size == 0:
            return
        if not np.all(np.isfinite(actual)):
            self.broken.append(f"{where} {name}: values that are not finite")
            return
        self._elementwise(reference, actual)
        kind = output_kind(name)
        if kind == "hidden" and reference.ndim == 3:
            self._hidden(where, reference, actual, _positions_mask(mask, reference.shape[:2]))
        elif kind == "embedding" and reference.ndim == 2:
            self._lowest("embedding_cos", where, _cosines(reference, actual))
        elif kind == "logits" and reference.shape[-1] > 1:
            self._logits(where, reference, actual, _positions_mask(mask, reference.shape[:-1]))

    def _elementwise(self, reference: np.ndarray, actual: np.ndarray) -> None:
        # In float64, a slice at a time: whole-array copies of a GPT-2-small's agreement logits are 77 MB each.
        ref, got = reference.reshape(-1), actual.reshape(-1)
        for start in range(0, ref.size, CHUNK_ELEMENTS):
            diff = ref[start:start + CHUNK_ELEMENTS].astype(np.float64)
            diff -= got[start:start + CHUNK_ELEMENTS]
            np.abs(diff, out=diff)
            self.max_abs = max(self.max_abs, float(diff.max()))
            self.abs_sum += float(diff.sum())
        self.count += ref.size

    def _lowest(self, attr: str, where: str, cosines: np.ndarray) -> None:
        if cosines.size == 0:
            return
        low = float(cosines.min())
        current = getattr(self, attr)
        if current is None or low < current:
            setattr(self, attr, low)
            self.worst[attr] = where

    def _hidden(self, where: str, reference: np.ndarray, actual: np.ndarray, keep: np.ndarray | None) -> None:
        width = reference.shape[-1]
        tokens = _cosines(reference.reshape(-1, width), actual.reshape(-1, width))
        if keep is not None:
            tokens = tokens[keep.reshape(-1)]
        self._lowest("token_cos", where, tokens)
        weights = (keep if keep is not None else np.ones(reference.shape[:2], bool)).astype(np.float64)[..., None]
        counts = np.clip(weights.sum(1), 1.0, None)
        pooled = [(x.astype(np.float64) * weights).sum(1) / counts for x in (reference, actual)]
        self._lowest("embedding_cos", where, _cosines(*pooled))

    def _logits(self, where: str, reference: np.ndarray, actual: np.ndarray, keep: np.ndarray | None) -> None:
        width = reference.shape[-1]
        ref, got = reference.reshape(-1, width), actual.reshape(-1, width)
        if keep is not None:
            ref, got = ref[keep.reshape(-1)], got[keep.reshape(-1)]
        if not len(ref):
            return
        # Centred: softmax ignores a shift shared by a row's scores, so the cosine should too. Unlike top-1 this
        # judges flat (untrained) logits as well: it compares every score, not only a clear winner.
        if width < LOGITS_COSINE_MIN_WIDTH:
            # Two centred scores are (d, -d): their cosine is ±1, a near-tie flipped would count as -1. A few
            # classes are compared over every position at once.
            cosines = _cosines(_centred(ref).reshape(1, -1), _centred(got).reshape(1, -1))
        else:  # in slices: a GPT-2-small's agreement set is 192 × 50,257 scores, 77 MB a copy in float64
            rows = max(1, CHUNK_ELEMENTS // width)
            cosines = np.concatenate([_cosines(_centred(ref[i:i + rows]), _centred(got[i:i + rows]))
                                      for i in range(0, len(ref), rows)])
        self._lowest("logits_cos", where, cosines)
        self.logits_cos_sum += float(cosines.sum())
        self.logits_rows += len(cosines)
        best, clear = self.reference_facts.top1(reference)
        if keep is not None:
            best, clear = best[keep.reshape(-1)], clear[keep.reshape(-1)]
        same = best == got.argmax(-1)
        self.all_agree += int(same.sum())
        self.all_total += len(same)
        self.clear_agree += int(same[clear].sum())
        self.clear_total += int(clear.sum())

    def notes(self) -> list[str]:
        if self.all_total and self.clear_total < MIN_CLEAR:
            return [f"top-1 not judged: PyTorch's choice is clear at only {self.clear_total} of {self.all_total} positions"]
        return []

    def figures(self) -> dict[str, float | None]:
        return {
            "token_cosine": self.token_cos,
            "embedding_cosine": self.embedding_cos,
            "logits_cosine": self.logits_cos,
            "logits_cosine_mean": self.logits_cos_sum / self.logits_rows if self.logits_rows else None,
            "top1": self.clear_agree / self.clear_total if self.clear_total >= MIN_CLEAR else None,
            "max_abs_diff": self.max_abs if self.count else None,
            "mean_abs_diff": self.abs_sum / self.count if self.count else None,
            "top1_all": self.all_agree / self.all_total if self.all_total else None,
        }
