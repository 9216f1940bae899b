"""The words of issue 12's choices in the UI language: each variant's "what it is for", the runtime layouts, the
graph optimization levels and the accuracy figures a variant is judged by (context ``Variants``).

The names and their English come from the core (``exportcore.postprocess.variants.VARIANTS``, ``options.LAYOUTS``,
``options.OPTIMIZE_LEVELS``; the figures' short names are ``exportcore.validate.budgets.SHORT``); the app translates
them by name. The English of a variant is the core's ``Variant.what`` word for word (tests/app/test_variants_app.py);
a name the app does not know yet shows the core's English.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from exportcore.options import LAYOUTS, OPTIMIZE_LEVELS
from exportcore.postprocess.variants import VARIANTS

C = "Variants"

#: variant -> the core's ``Variant.what``, marked for translation
WHAT: dict[str, str] = {
    "fp16": QT_TRANSLATE_NOOP("Variants", "half-precision weights: half the size, practically the same answers; for "
                                          "GPUs and WebGPU"),
    "q8": QT_TRANSLATE_NOOP("Variants", "8-bit weights: a quarter of the size and the fastest on CPUs, slightly less "
                                        "accurate; transformers.js's default in the browser (WASM)"),
    "int8": QT_TRANSLATE_NOOP("Variants", "8-bit weights, signed: like q8, for runtimes that ask for int8"),
    "uint8": QT_TRANSLATE_NOOP("Variants", "8-bit weights, unsigned: like q8, for runtimes that ask for uint8"),
    "q4": QT_TRANSLATE_NOOP("Variants", "4-bit weights in the large matrix multiplications, the rest fp32: small "
                                        "downloads for phones and browsers, less accurate"),
    "q4f16": QT_TRANSLATE_NOOP("Variants", "q4 with the rest in half precision: the smallest files; for WebGPU"),
}

#: layout -> (its name in the combo, one line on whom it is for)
LAYOUT_TEXTS: dict[str, tuple[str, str]] = {
    "optimum": (QT_TRANSLATE_NOOP("Variants", "Optimum"),
                QT_TRANSLATE_NOOP("Variants", "for onnxruntime, Optimum and most runtimes: the .onnx files at the top "
                                              "of the folder")),
    "transformers.js": (QT_TRANSLATE_NOOP("Variants", "transformers.js"),
                        QT_TRANSLATE_NOOP("Variants", "for transformers.js in a browser or Node: files under onnx/")),
}

#: optimize level (None: none) -> (its name in the combo, a few words on what it does); decision 109
OPTIMIZE_TEXTS: dict[str | None, tuple[str, str]] = {
    None: (QT_TRANSLATE_NOOP("Variants", "None"), QT_TRANSLATE_NOOP("Variants", "the graph as exported")),
    "O1": (QT_TRANSLATE_NOOP("Variants", "O1 (basic)"),
           QT_TRANSLATE_NOOP("Variants", "constants folded, redundant nodes removed; exact")),
    "O2": (QT_TRANSLATE_NOOP("Variants", "O2 (fusions)"),
           QT_TRANSLATE_NOOP("Variants", "O1 + fused attention, layer norm and GELU for the model types onnxruntime "
                                         "knows; faster")),
    "O3": (QT_TRANSLATE_NOOP("Variants", "O3 (approximate GELU)"),
           QT_TRANSLATE_NOOP("Variants", "O2 + an approximate GELU: fastest, slightly less exact")),
}

#: figure -> its short name in tables (``budgets.SHORT``)
FIGURES: dict[str, str] = {
    "token_cosine": QT_TRANSLATE_NOOP("Variants", "token cos"),
    "embedding_cosine": QT_TRANSLATE_NOOP("Variants", "emb cos"),
    "logits_cosine": QT_TRANSLATE_NOOP("Variants", "logits cos"),
    "top1": QT_TRANSLATE_NOOP("Variants", "top-1"),
    "greedy": QT_TRANSLATE_NOOP("Variants", "greedy"),
    "max_abs_diff": QT_TRANSLATE_NOOP("Variants", "max abs"),
    "mean_abs_diff": QT_TRANSLATE_NOOP("Variants", "mean abs"),
    "logits_cosine_mean": QT_TRANSLATE_NOOP("Variants", "logits cos mean"),
    "top1_all": QT_TRANSLATE_NOOP("Variants", "top-1 all"),
    "greedy_all": QT_TRANSLATE_NOOP("Variants", "greedy all"),
}

#: the order the choices are offered in (the core's)
VARIANT_NAMES: tuple[str, ...] = tuple(VARIANTS)
LAYOUT_NAMES: tuple[str, ...] = LAYOUTS
OPTIMIZE_CHOICES: tuple[str | None, ...] = (None, *OPTIMIZE_LEVELS)


def _tr(text: str) -> str:
    return QCoreApplication.translate(C, text)


def variant_what(name: str) -> str:
    """What variant ``name`` is for, in the UI language."""
    if name in WHAT:
        return _tr(WHAT[name])
    variant = VARIANTS.get(name)
    return variant.what if variant is not None else ""


def layout_name(layout: str) -> str:
    return _tr(LAYOUT_TEXTS[layout][0]) if layout in LAYOUT_TEXTS else layout


def layout_why(layout: str) -> str:
    return _tr(LAYOUT_TEXTS[layout][1]) if layout in LAYOUT_TEXTS else ""


def optimize_name(level: str | None) -> str:
    return _tr(OPTIMIZE_TEXTS[level][0]) if level in OPTIMIZE_TEXTS else str(level)


def optimize_why(level: str | None) -> str:
    return _tr(OPTIMIZE_TEXTS[level][1]) if level in OPTIMIZE_TEXTS else ""


def figure_name(figure: str) -> str:
    return _tr(FIGURES[figure]) if figure in FIGURES else figure


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def figure_text(row: dict) -> str:
    """One judged figure against its budget: ``top-1 0.9231 ≥ 0.85`` or ``top-1 0.8200 < 0.85 ✗``."""
    name, value, budget = figure_name(str(row.get("figure"))), row.get("value"), row.get("budget")
    shown = f"{value:.4f}" if _number(value) else "—"
    if not _number(budget):
        return f"{name} {shown}"
    if row.get("passed") is False:
        return f"{name} {shown} < {budget:g} ✗"
    return f"{name} {shown} ≥ {budget:g}"


def judged(figures: list) -> list[dict]:
    return [f for f in figures or [] if isinstance(f, dict) and _number(f.get("budget"))]


def failed_figures(figures: list) -> list[dict]:
    return [f for f in judged(figures) if f.get("passed") is False]
