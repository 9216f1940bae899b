"""The plan as a document: what ``exportcore inspect --json`` prints, the app's inspector shows and each run keeps in
``export_plan.json``."""

from __future__ import annotations

from .. import dtypes, registry
from ..configs.base import ConfigBehavior, OnnxConfig, OnnxSeq2SeqConfigWithPast
from ..configs.static_axes import static_axes_of
from ..option_facts import plan_facts
from ..options import ExportOptions
from ..source.model_source import ModelSource, locate
from .light_config import NeedsTransformers
from .resolution import resolve
from .submodels import Plan, Submodel, make_plan


def axes_to_json(spec: dict[str, dict[int, str]]) -> dict[str, dict[str, str]]:
    return {name: {str(axis): symbol for axis, symbol in axes.items()} for name, axes in spec.items()}


def static_axes_document(cfg: OnnxConfig) -> dict[str, dict[str, dict]]:
    """``static_axes``: tensor -> axis -> ``{"shape", "size", "reason"}`` for the axes the model can only run at one
    size (``configs/static_axes.py``): written static in the file, validated at that size. Empty for most models."""
    return {name: {str(axis): dict(entry) for axis, entry in axes.items()}
            for name, axes in static_axes_of(cfg).items()}


def submodel_document(plan: Plan, submodel: Submodel) -> dict:
    cfg = submodel.onnx_config
    behavior = cfg.behavior.value if isinstance(cfg, OnnxSeq2SeqConfigWithPast) else ConfigBehavior.MONOLITH.value
    dummy = cfg.dummy_shapes(**plan.shapes)
    dummy = {cfg.torch_to_onnx_input_map.get(name, name): dims for name, dims in dummy.items()}
    return {
        "name": submodel.name,
        "config_class": type(cfg).__name__,
        "class_chain": type(cfg).class_chain(),
        "behavior": behavior,
        "use_past": bool(getattr(cfg, "use_past", False)),
        "use_past_in_inputs": bool(getattr(cfg, "use_past_in_inputs", False)),
        "inputs": axes_to_json(cfg.onnx_inputs),
        "outputs": axes_to_json(cfg.outputs),
        "static_axes": static_axes_document(cfg),
        "input_dtypes": input_dtypes(cfg),
        "output_dtypes": output_dtypes(cfg),
        "dummy_shapes": dummy,
        "opset": plan.opset(cfg),
        "atol": plan.atol(cfg),
    }


def input_dtypes(cfg: OnnxConfig) -> dict[str, str]:
    """ONNX element type per input (what the inspector's dtype column shows), by its long name (``float16``)."""
    integer = {"input_ids", "attention_mask", "token_type_ids", "position_ids", "pixel_mask", "encoder_attention_mask",
               "bbox"}
    result = {}
    declared = getattr(cfg, "INPUT_DTYPES", {})  # a family's own (Idefics3's boolean pixel mask)
    for name in cfg.onnx_inputs:
        if name in declared:
            dtype = declared[name]
        elif name == "use_cache_branch":
            dtype = "bool"
        elif name in integer or name.endswith("input_ids") or name.endswith("attention_mask"):
            dtype = cfg.int_dtype
        else:
            dtype = cfg.float_dtype
        result[name] = dtypes.get(dtype).long_name
    return result


def output_dtypes(cfg: OnnxConfig) -> dict[str, str]:
    """Every output is floating point in the export's float dtype (logits, hidden states, caches, embeddings)."""
    return {name: dtypes.get(cfg.float_dtype).long_name for name in cfg.outputs}


def configuration_kind(plan: Plan) -> dict:
    """``configuration``: "generic" when the export configuration was derived (``configs/generic.py``), with the
    badge's words in ``configuration_note``; "hand-written" otherwise."""
    if any(getattr(s.onnx_config, "GENERIC", False) for s in plan.submodels):
        from ..configs.generic import GENERIC_BADGE, GENERIC_NOTE

        return {"configuration": GENERIC_BADGE, "configuration_note": GENERIC_NOTE}
    return {"configuration": "hand-written"}


def library_fields(plan: Plan) -> dict:
    """``library``, ``library_note`` (why, when a ``modules.json`` was involved) and ``library_choices`` (the
    libraries that can export this model with its task: what ``--library`` may say besides ``auto``)."""
    res = plan.resolution
    choices = ["transformers", *(["sentence_transformers"] if res.sentence_possible else [])]
    return {"library": res.library, **({"library_note": res.library_note} if res.library_note else {}),
            "library_choices": choices}


def plan_document(plan: Plan) -> dict:
    """The ``exportcore inspect --json`` document."""
    res = plan.resolution
    return {
        "model": res.source.model,
        "model_type": res.model_type,
        "task": res.choice.name,
        "task_source": res.task_source,
        "supported_tasks": registry.supported_tasks(res.model_type),
        **configuration_kind(plan),
        **library_fields(plan),
        "files": plan.files,
        "merge": plan.merge,
        "submodels": [submodel_document(plan, s) for s in plan.submodels],
        "facts": plan_facts(plan),
    }


def inspect(options: ExportOptions, source: ModelSource | None = None, pipeline_tag: str | None = None) -> dict:
    source = source or locate(options.model, revision=options.revision, cache_dir=options.cache_dir)
    try:
        return plan_document(make_plan(options, resolve(options, source, pipeline_tag, light=True)))
    except NeedsTransformers:
        return plan_document(make_plan(options, resolve(options, source, pipeline_tag)))
