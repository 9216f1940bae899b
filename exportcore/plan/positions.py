"""How many token positions a model can take where a position table bounds them, checked against the shapes an
export traces and validates at, before any work.

A learned (or fixed sinusoidal) position table has as many rows as the configuration says. A sequence, with the
cache it continues, longer than that indexes past the table's end: the trace failed with an IndexError deep in
torch (``export_failed``, "Try another --opset"), or validation at the user's shapes did. Rotary, ALiBi and
relative positions have no such end and are not listed. ``tests/e2e/test_positions.py`` checks the table against
the installed transformers for every registered type.

Light: no torch, no transformers (the configuration may be the light reader's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ExportError
from ..options import DEFAULT_SHAPES, PAST_SHAPE

if TYPE_CHECKING:
    from .submodels import Plan


@dataclass(frozen=True)
class PositionTable:
    attribute: str  # the configuration attribute holding its size ("text_config.max_position_embeddings")
    after_padding: bool = False  # RoBERTa's family numbers positions from pad_token_id + 1
    only_if: str | None = None  # a configuration flag without which the model has no such table


_TEXT = PositionTable("max_position_embeddings")
_ROBERTA = PositionTable("max_position_embeddings", after_padding=True)
_TOWER = PositionTable("text_config.max_position_embeddings")
#: model type -> its position table.
POSITION_TABLES: dict[str, PositionTable] = {
    **dict.fromkeys(("albert", "bart", "bert", "big_bird", "bigbird_pegasus", "blenderbot", "blenderbot-small",
                     "codegen", "convbert", "distilbert", "electra", "flaubert", "gpt2", "gpt_bigcode", "gpt_neo",
                     "gptj", "layoutlm", "marian", "mbart", "megatron-bert", "mobilebert", "opt", "pegasus",
                     "rembert", "roformer", "splinter", "squeezebert", "xlm", "deberta", "visual_bert", "imagegpt",
                     "clip_text_model", "siglip_text_model", "perceiver"),
                  _TEXT),
    "deberta-v2": PositionTable("max_position_embeddings", only_if="position_biased_input"),
    **dict.fromkeys(("camembert", "data2vec-text", "ibert", "lilt", "mpnet", "roberta", "xlm-roberta", "layoutlmv3",
                     "longformer"),
                    _ROBERTA),
    **dict.fromkeys(("clip", "siglip", "chinese_clip", "groupvit", "owlvit", "owlv2"), _TOWER),
    "clap": PositionTable("text_config.max_position_embeddings", after_padding=True),
    "whisper": PositionTable("max_target_positions"),
}


def position_limit(model_type: str, config: Any) -> tuple[int, str] | None:
    """(how many positions the model takes, where the configuration says so), or None when nothing bounds them."""
    table = POSITION_TABLES.get(model_type)
    if table is None or (table.only_if and not _value(config, table.only_if)):
        return None
    size = _value(config, table.attribute)
    if not isinstance(size, int) or isinstance(size, bool):
        return None
    where = f"its configuration's {table.attribute} is {size}"
    if table.after_padding:
        padding = _value(config, ".".join([*table.attribute.split(".")[:-1], "pad_token_id"]))
        if isinstance(padding, int) and not isinstance(padding, bool) and padding >= 0:
            size -= padding + 1
            where += f", and {padding + 1} positions come before the first token"
    return size, where


def _value(config: Any, path: str) -> Any:
    for part in path.split("."):
        config = config.get(part) if isinstance(config, dict) else getattr(config, part, None)
    return config


def positions_needed(shapes: dict[str, int], with_past: bool) -> tuple[int, str]:
    """The positions one shape set takes, and how (``sequence_length 100 + past_sequence_length 50``)."""
    sequence = shapes.get("sequence_length", DEFAULT_SHAPES["sequence_length"])
    if not with_past:
        return sequence, f"sequence_length {sequence}"
    past = shapes.get(PAST_SHAPE, max(1, sequence // 2))
    return sequence + past, f"sequence_length {sequence} + {PAST_SHAPE} {past}"


def check_positions(plan: "Plan") -> None:
    """Before any work, naming the limit: trace shapes that need more positions than the model's position table
    holds are ``invalid_option``, validation shapes ``validation_shapes_unsupported`` (decision 42's code for what
    PyTorch cannot run at the user's validation shapes)."""
    resolution = plan.resolution
    limit = position_limit(resolution.model_type, resolution.config)
    if limit is None:
        return
    most, where = limit
    with_past = any(getattr(s.onnx_config, "use_past_in_inputs", False) for s in plan.submodels)
    needed, how = positions_needed(plan.shapes, with_past)
    if needed > most:
        flags = "--sequence-length" + (" and --past-sequence-length" if with_past else "")
        raise ExportError("invalid_option", reason=f"the trace shapes need {needed} positions ({how}), more than the "
                          f"{most} the model takes ({where}); choose {flags} within it")
    for shapes in plan.options.validation_shapes or ():
        needed, how = positions_needed(shapes, with_past)
        if needed > most:
            label = ", ".join(f"{k.replace('_size', '').replace('_length', '')}={v}" for k, v in shapes.items())
            raise ExportError("validation_shapes_unsupported", submodel=plan.submodels[0].name, shapes=label,
                              reason=f"they need {needed} positions ({how}), more than the {most} it takes ({where})")
