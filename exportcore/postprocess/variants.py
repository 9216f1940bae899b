"""The deployable variants of an export (fp16, q8, int8, uint8, q4, q4f16): their names, file suffixes and what
each is for, and which variant file is made from which fp32 file.

Light module (no onnx, no onnxruntime): the options, their rules and the pre-flight read this table. The files
are built by :mod:`.variants_build`; names and suffixes follow transformers.js's ``dtype`` values, so a folder in
the transformers.js layout loads with ``dtype: 'q4'`` and the like (docs/variants.md says which to pick).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ExportError


@dataclass(frozen=True)
class Variant:
    name: str  # transformers.js's dtype value
    suffix: str  # added to each file's stem: model.onnx -> model_q4.onnx
    what: str  # one line for users
    #: Weight bytes against the fp32 file's, roughly (docs/research/variants.md §4; embeddings stay fp32 in q4, so
    #: models with a large vocabulary shrink less): the pre-flight's estimate.
    size_factor: float


VARIANTS: dict[str, Variant] = {v.name: v for v in (
    Variant("fp16", "_fp16", "half-precision weights: half the size, practically the same answers; for GPUs and "
            "WebGPU", 0.5),
    Variant("q8", "_quantized", "8-bit weights: a quarter of the size and the fastest on CPUs, slightly less "
            "accurate; transformers.js's default in the browser (WASM)", 0.27),
    Variant("int8", "_int8", "8-bit weights, signed: like q8, for runtimes that ask for int8", 0.27),
    Variant("uint8", "_uint8", "8-bit weights, unsigned: like q8, for runtimes that ask for uint8", 0.27),
    Variant("q4", "_q4", "4-bit weights in the large matrix multiplications, the rest fp32: small downloads for "
            "phones and browsers, less accurate", 0.5),
    Variant("q4f16", "_q4f16", "q4 with the rest in half precision: the smallest files; for WebGPU", 0.3),
)}
ALL = "all"


def parse_variants(text: str) -> tuple[str, ...]:
    """``"fp16,q8"`` -> ``("fp16", "q8")`` in the table's order, each once; ``"all"`` -> every variant; ``""`` ->
    none. An unknown name is ``unknown_variant``."""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    if ALL in names:
        return tuple(VARIANTS)
    return check_variants(names)


def check_variants(names) -> tuple[str, ...]:
    """The names in the table's order, each once; an unknown one is ``unknown_variant``."""
    for name in names:
        if name not in VARIANTS:
            raise ExportError("unknown_variant", name=name, choices=", ".join((*VARIANTS, ALL)))
    return tuple(v for v in VARIANTS if v in names)


def table_position(variant: str) -> int:
    """Where ``variant`` stands in the table (fp16, q8, int8, uint8, q4, q4f16); a name not in it comes last."""
    order = list(VARIANTS)
    return order.index(variant) if variant in order else len(order)


def variant_file_name(fp32_name: str, variant: str) -> str:
    """``decoder_model_merged.onnx`` + q4 -> ``decoder_model_merged_q4.onnx`` (also inside a folder)."""
    stem, dot, ext = fp32_name.rpartition(".")
    return f"{stem}{VARIANTS[variant].suffix}{dot}{ext}" if dot else fp32_name + VARIANTS[variant].suffix


def estimated_bytes(variant: str, fp32_weight_bytes: int) -> int:
    """A variant's size from the fp32 weights' (an estimate for the pre-flight)."""
    return int(fp32_weight_bytes * VARIANTS[variant].size_factor)
