"""The plan as a document: what ``exportcore inspect --json`` prints, the app's inspector shows and each run keeps in
``export_plan.json``."""

from __future__ import annotations

from .. import registry
from ..configs.base import ConfigBehavior, OnnxConfig, OnnxSeq2SeqConfigWithPast
from ..options import ExportOptions
from ..source.model_source import ModelSource, locate
from .light_config import NeedsTransformers
from .resolution import resolve
from .submodels import Plan, Submodel, make_plan


def axes_to_json(spec: dict[str, dict[int, str]]) -> dict[str, dict[str, str]]:
    return {name: {str(axis): symbol for axis, symbol in axes.items()} for name, axes in spec.items()}


def submodel_document(submodel: Submodel, options: ExportOptions, shapes: dict[str, int]) -> dict:
    cfg = submodel.onnx_config
    behavior = cfg.behavior.value if isinstance(cfg, OnnxSeq2SeqConfigWithPast) else ConfigBehavior.MONOLITH.value
    dummy = cfg.dummy_shapes(**shapes)
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
        "input_dtypes": input_dtypes(cfg),
        "output_dtypes": output_dtypes(cfg),
        "dummy_shapes": dummy,
        "opset": options.opset or cfg.DEFAULT_ONNX_OPSET,
        "atol": options.atol if options.atol is not None else cfg.atol,
    }


def input_dtypes(cfg: OnnxConfig) -> dict[str, str]:
    """ONNX element type per input (what the inspector's dtype column shows)."""
    float_type = {"fp32": "float32", "fp16": "float16", "bf16": "bfloat16"}[cfg.float_dtype]
    integer = {"input_ids", "attention_mask", "token_type_ids", "position_ids", "pixel_mask", "encoder_attention_mask",
               "bbox"}
    result = {}
    for name in cfg.onnx_inputs:
        if name == "use_cache_branch":
            result[name] = "bool"
        elif name in integer or name.endswith("input_ids") or name.endswith("attention_mask"):
            result[name] = cfg.int_dtype
        else:
            result[name] = float_type
    return result


def output_dtypes(cfg: OnnxConfig) -> dict[str, str]:
    """Every output is floating point in the export's float dtype (logits, hidden states, caches, embeddings)."""
    float_type = {"fp32": "float32", "fp16": "float16", "bf16": "bfloat16"}[cfg.float_dtype]
    return {name: float_type for name in cfg.outputs}


def plan_document(plan: Plan) -> dict:
    """The ``exportcore inspect --json`` document."""
    res = plan.resolution
    return {
        "model": res.source.model,
        "model_type": res.model_type,
        "task": res.task,
        "task_source": res.task_source,
        "supported_tasks": registry.supported_tasks(res.model_type),
        "library": res.library,
        "files": plan.files,
        "merge": plan.merge,
        "submodels": [submodel_document(s, plan.options, plan.shapes) for s in plan.submodels],
    }


def inspect(options: ExportOptions, source: ModelSource | None = None, pipeline_tag: str | None = None) -> dict:
    source = source or locate(options.model, revision=options.revision, cache_dir=options.cache_dir)
    try:
        return plan_document(make_plan(options, resolve(options, source, pipeline_tag, light=True)))
    except NeedsTransformers:
        return plan_document(make_plan(options, resolve(options, source, pipeline_tag)))
