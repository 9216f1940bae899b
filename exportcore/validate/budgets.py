"""The accuracy budget of each variant: how far a smaller file may drift from PyTorch's fp32 outputs and still be
published as good. docs/budgets.md explains each figure and number to a user.

Element-wise differences (max and mean absolute) are reported only: they grow with the size of the hidden states,
so they say little about whether the model still does its job. What decides is agreement at the level of the task:
the cosine of hidden states and pooled embeddings, the cosine of the logits (which judges an untrained model too:
its flat logits have no clear top-1 choices), the top-1 choice of logits, and greedy tokens with the cache.

Light module (no numpy): the CLI, the records and the app read the figure names and budgets from here.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Judged figures, in the order they are shown: name -> what it measures, in words a user reads.
JUDGED = {
    "token_cosine": "lowest cosine similarity of one token's hidden state",
    "embedding_cosine": "lowest cosine similarity of a pooled sentence embedding",
    "logits_cosine": "lowest cosine similarity of one position's scores (logits, each centred on its mean)",
    "top1": "top-1 agreement where PyTorch's choice is clear",
    "greedy": "greedy next-token agreement with the cache where PyTorch's choice is clear",
}
#: Reported, never judged.
REPORTED = {
    "max_abs_diff": "largest absolute difference of any output value",
    "mean_abs_diff": "mean absolute difference of the output values",
    "logits_cosine_mean": "mean cosine similarity of the positions' centred scores (logits)",
    "top1_all": "top-1 agreement at every position, near-ties included",
    "greedy_all": "greedy next-token agreement at every step, near-ties included",
}
#: Short names for tables.
SHORT = {
    "token_cosine": "token cos", "embedding_cosine": "emb cos", "logits_cosine": "logits cos", "top1": "top-1",
    "greedy": "greedy", "max_abs_diff": "max abs", "mean_abs_diff": "mean abs", "logits_cosine_mean": "logits cos mean", "top1_all": "top-1 all", "greedy_all": "greedy all",
}

#: A top-1 choice is clear when PyTorch's best logit leads the second by at least this many standard deviations of
#: that row's logits and by at least ``CLEAR_LOGIT_GAP`` (the best is then ≥ 1.65 times as likely as the second).
#: Random models are full of near-ties, where any rounding flips the choice (research: docs/research/variants.md §4,
#: "margins"); the absolute gap matters for large vocabularies, whose random logits are close to uniform.
CLEAR_MARGIN = 0.2
CLEAR_LOGIT_GAP = 0.5
#: Logits with fewer classes than this get one logits cosine over all their positions together, not one per position.
LOGITS_COSINE_MIN_WIDTH = 10
#: Fewer clear positions (or greedy steps) than this and the figure is not judged: one flip would be 5 % of it.
MIN_CLEAR = 20


def clear_choices(top1, top2, spread):
    """Where PyTorch's choice is clear, from the best and second logits and the row's standard deviation (arrays
    of NumPy or torch alike)."""
    gap = top1 - top2
    return (gap >= CLEAR_MARGIN * spread) & (gap >= CLEAR_LOGIT_GAP)


@dataclass(frozen=True)
class Budget:
    """The lowest value each judged figure may take, at every file and shape set of the export."""

    token_cosine: float
    embedding_cosine: float
    logits_cosine: float
    top1: float
    greedy: float

    def floor(self, figure: str) -> float | None:
        return getattr(self, figure) if figure in JUDGED else None


#: Calibrated on the real all-MiniLM-L6-v2 and tiny random BERT, GPT-2, T5 and ViT; the logits cosine also on random
#: GPT-2-small, BERT-base-for-MLM and 4-layer GPT-2 / BERT / T5 (docs/budgets.md, decision 141).
HALF = Budget(token_cosine=0.999, embedding_cosine=0.9999, logits_cosine=0.9999, top1=1.0, greedy=0.98)
EIGHT_BIT = Budget(token_cosine=0.95, embedding_cosine=0.97, logits_cosine=0.99, top1=0.99, greedy=0.95)
FOUR_BIT = Budget(token_cosine=0.88, embedding_cosine=0.92, logits_cosine=0.85, top1=0.90, greedy=0.90)

BUDGETS: dict[str, Budget] = {
    "fp16": HALF,
    "q8": EIGHT_BIT,
    "int8": EIGHT_BIT,
    "uint8": EIGHT_BIT,
    "q4": FOUR_BIT,
    "q4f16": FOUR_BIT,
}


def budget_for(variant: str) -> Budget:
    try:
        return BUDGETS[variant]
    except KeyError:
        from ..errors import ExportError

        raise ExportError("validation_error", reason=f"no accuracy budget is defined for the variant '{variant}'") from None


def judge(variant: str, figures: dict[str, float | None]) -> list[dict]:
    """Each figure against the variant's budget: ``[{figure, value, budget, passed}]``, judged figures first.

    A figure the export has no output for (no logits, no cache) is absent or None and is not judged."""
    budget = budget_for(variant)
    rows = []
    for name in list(JUDGED) + list(REPORTED):
        value = figures.get(name)
        if value is None:
            continue
        floor = budget.floor(name)
        passed = None if floor is None else bool(value == value and value >= floor)  # NaN never passes
        rows.append({"figure": name, "value": value, "budget": floor, "passed": passed})
    return rows


def why_failed(rows: list[dict]) -> str:
    """``top-1 agreement … 0.8200 < 0.90; …`` for the judged figures out of budget, empty when all passed."""
    return "; ".join(f"{JUDGED[r['figure']]} {r['value']:.4f} < {r['budget']:g}" for r in rows if r["passed"] is False)


def variants_failure(results) -> tuple[list[tuple[str, str]], int, int]:
    """From the variants' results (``events.VariantResult``): (variant, why) of each failed one, how many judged
    figures failed (a variant onnxruntime could not run counts as one) and how many were judged."""
    failed = [(r.variant, r.why) for r in results if not r.passed]
    judged = sum(f["passed"] is not None for r in results for f in r.figures)
    failed_figures = sum(f["passed"] is False for r in results for f in r.figures)
    broken = sum(not r.passed and not any(f["passed"] is False for f in r.figures) for r in results)
    return failed, failed_figures + broken, max(judged, failed_figures + broken)
