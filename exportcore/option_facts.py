"""What the option rules (:mod:`exportcore.option_rules`) need to know about a model and its plan, and the rules of
the plan that the core applies itself: which tasks are written as encoder + decoder files, which models need a
padding token, what the torch.export path cannot do.

The plan document carries these facts in its ``facts`` section (:data:`FACT_KEYS`, made by :func:`plan_facts`); a
document without it gets what :func:`document_facts` can work out from the rest.

Light module: no torch, transformers or numpy. The registry and the configuration classes (light too) are imported
when facts are computed. It never imports ``exportcore.plan``, which reads it.
"""

from __future__ import annotations

from typing import Any, Mapping

from .errors import ExportError
from .options import PAST_SHAPE, SHAPE_NAMES
from .tasks import TaskChoice, split_past

#: Tasks whose encoder–decoder models are split into encoder + decoder(s) (Optimum's default); feature-extraction
#: only with past (:func:`splits_into_files`).
SPLIT_SEQ2SEQ_TASKS = ("text2text-generation", "automatic-speech-recognition", "image-to-text")
#: Model types the torch.export path cannot export, with the reason. None known with torch 2.13: T5 fails there with
#: sdpa attention, which the adapter replaces by eager attention on that path (below).
DYNAMO_UNSUPPORTED: dict[str, str] = {}
#: Model types given eager attention on the torch.export path: T5 with sdpa fails there on torch 2.13 (a view/reshape
#: error in the decomposition; docs/facts.md). The tiny test models export with either; eager is the safe choice.
DYNAMO_EAGER_ATTENTION = frozenset({"t5", "mt5", "umt5", "longt5"})
#: The tasks for which a decoder-only model needs a padding token id (its head pools the last non-padding token).
PAD_TOKEN_TASKS = ("text-classification",)

#: The ``facts`` section of the plan document: what the rules need beyond the rest of the document.
FACT_KEYS = (
    "source",  # "local" | "hub" | "demo": where the model is read from
    "seq2seq_tasks",  # base tasks exported as an encoder–decoder model (cache and file layout are its own)
    "split_tasks",  # tasks (with -with-past where only that form splits) written as encoder + decoder files
    "decoder_only_tasks",  # base tasks exported as a decoder-only model (the configuration's ``is_causal_lm``)
    "config_pad_token_id",  # the model configuration's pad_token_id (None: it has none)
    "dynamo_supported",  # whether the torch.export path can export this model type
    "dynamo_attention",  # "eager" where the torch.export path forces eager attention, else None
    "shape_keywords",  # shape keywords that change a dummy input of this plan (trace and validation)
    "default_opset",  # the opset written when --opset is not given
    "atol_for_validation",  # the configuration's fp32 tolerance (half precision raises it: dtypes.validation_atol)
)


# ---- rules of the plan ---------------------------------------------------------------------------------------------
def splits_into_files(choice: TaskChoice) -> bool:
    """Whether an encoder–decoder model exported for ``choice`` is written as encoder + decoder files."""
    return choice.task in SPLIT_SEQ2SEQ_TASKS or (choice.task == "feature-extraction" and choice.use_past)


def needs_pad_token(task: str, decoder_only: bool) -> bool:
    """Whether the export needs a padding token id: a decoder-only model that classifies (transformers refuses a
    batch of more than one row without it)."""
    return decoder_only and task in PAD_TOKEN_TASKS


# ---- facts ---------------------------------------------------------------------------------------------------------
def model_facts(model_type: str, config: Any = None) -> dict[str, Any]:
    """The facts that depend on the model type (and its configuration classes) only, for every task it supports.
    ``config``: the model's configuration, or ``None`` — ``is_causal_lm`` reads the class and the task only."""
    from . import registry

    seq2seq: list[str] = []
    split: list[str] = []
    decoder_only: list[str] = []
    for choice in registry.supported_choices(model_type):
        cls = registry.get_config_class(model_type, choice)
        if cls.exports_encoder_decoder(choice.task):
            _add(seq2seq, choice.task)
            if splits_into_files(choice):
                _add(split, choice.name)
        elif getattr(cls(config, task=choice.task), "is_causal_lm", False):
            _add(decoder_only, choice.task)
    key = registry.canonical_model_type(model_type)
    return {
        "seq2seq_tasks": seq2seq,
        "split_tasks": split,
        "decoder_only_tasks": decoder_only,
        "dynamo_supported": key not in DYNAMO_UNSUPPORTED,
        "dynamo_attention": "eager" if key in DYNAMO_EAGER_ATTENTION else None,
    }


def plan_facts(plan: Any) -> dict[str, Any]:
    """The ``facts`` section for a ``plan.Plan`` (``plan.plan_document`` adds it)."""
    res = plan.resolution
    configs = [s.onnx_config for s in plan.submodels]
    pad = getattr(res.config, "pad_token_id", None)
    facts = {
        **model_facts(res.model_type, res.config),
        "source": res.source.kind,
        "config_pad_token_id": pad if isinstance(pad, int) and not isinstance(pad, bool) else None,
        "shape_keywords": shape_keywords(configs, plan.shapes),
        "default_opset": max(c.DEFAULT_ONNX_OPSET for c in configs),
        "atol_for_validation": max(c.ATOL_FOR_VALIDATION for c in configs),
    }
    return {key: facts[key] for key in FACT_KEYS}


def shape_keywords(configs: list[Any], shapes: Mapping[str, int]) -> list[str]:
    """The shape keywords whose value changes some dummy input of ``configs`` (others are fixed by the model's
    configuration, e.g. a ViT's image size, or belong to another modality)."""
    shapes = dict(shapes)
    used = set()
    for cfg in configs:
        reference = cfg.dummy_shapes(**shapes)
        for key in SHAPE_NAMES:
            current = shapes.get(key, max(1, shapes["sequence_length"] // 2))
            if cfg.dummy_shapes(**{**shapes, key: 2 * current + 1}) != reference:
                used.add(key)
    return [key for key in SHAPE_NAMES if key in used]


def document_facts(plan: Mapping[str, Any]) -> dict[str, Any]:
    """The facts of a plan document without a ``facts`` section, as far as the rest of it tells.

    Exact: everything :func:`model_facts` gives (from ``model_type``). Approximate: ``shape_keywords`` (from the
    input names, as the app's options panel guessed) and ``source`` (only ``demo:`` is recognised). Unknown, hence
    left out: ``config_pad_token_id``, ``default_opset``, ``atol_for_validation`` (the document shows the opset and
    tolerance after the options were applied)."""
    facts: dict[str, Any] = {}
    try:
        facts.update(model_facts(str(plan.get("model_type") or "")))
    except ExportError:  # not a registered type: nothing to say about its tasks
        facts.update(seq2seq_tasks=[], split_tasks=[], decoder_only_tasks=[], dynamo_supported=True,
                     dynamo_attention=None)
    if str(plan.get("model") or "").startswith("demo:"):
        facts["source"] = "demo"
    facts["shape_keywords"] = _keywords_from_inputs(plan)
    return facts


def _keywords_from_inputs(plan: Mapping[str, Any]) -> list[str]:
    inputs: set[str] = set()
    for sub in plan.get("submodels") or []:
        inputs |= set(sub.get("inputs") or {})
    axis_names = {str(name) for sub in plan.get("submodels") or [] for axes in (sub.get("inputs") or {}).values()
                  if isinstance(axes, Mapping) for name in axes.values()}
    used = {"batch_size"}
    if inputs & {"input_ids", "decoder_input_ids"} or not inputs or (
            "sequence_length" in axis_names and not inputs & {"input_values", "input_features"}):  # audio: samples
        used.add("sequence_length")
    if "pixel_values" in inputs:
        used.update(("image_width", "image_height", "num_channels"))
    if "input_features" in inputs:
        used.update(("feature_size", "nb_max_frames"))
    if "input_values" in inputs:
        used.add("audio_sequence_length")
    if document_task(plan.get("task")).task == "multiple-choice":
        used.add("num_choices")
    if any(name.startswith(("past_key_values", "past_conv", "past_ssm", "past_recurrent")) for name in inputs):
        used.add(PAST_SHAPE)
    return [key for key in SHAPE_NAMES if key in used]


def facts_of(plan: Mapping[str, Any]) -> dict[str, Any]:
    """The document's ``facts`` section, or what :func:`document_facts` works out."""
    facts = plan.get("facts")
    return dict(facts) if isinstance(facts, Mapping) else document_facts(plan)


def document_task(name: Any) -> TaskChoice:
    """A task as a plan document names it (its ``task``, one of its ``supported_tasks``), already canonical: read
    without checking (``TaskChoice("")`` for none)."""
    return TaskChoice(*split_past(str(name or "")))


def _add(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)
