"""resolve + plan: from a model's config.json to the submodels, their configurations and the files.

Exactly what ``exportcore inspect`` prints and what an export runs. Never reads weights. An export
resolves with transformers' configuration classes (it needs them to build the model anyway);
inspection first tries config.json alone (``light_config``) and falls back to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import registry
from .config_checks import check_structure
from .configs.base import ConfigBehavior, OnnxConfig, OnnxConfigWithPast, OnnxSeq2SeqConfigWithPast
from .errors import ExportError, first_line
from .light_config import light_config, NeedsTransformers
from .options import DEFAULT_SHAPES, ExportOptions
from .preflight import infer_task
from .source import ModelSource, locate
from .tasks import normalize_task, split_past, WITH_PAST

#: Tasks whose encoder-decoder models are split into encoder + decoder(s) (Optimum's default).
SPLIT_SEQ2SEQ_TASKS = ("text2text-generation", "automatic-speech-recognition", "image-to-text")


@dataclass
class Resolution:
    source: ModelSource
    model_type: str
    task: str  # canonical, with -with-past when the export uses the cache
    config_class: type[OnnxConfig]
    config: Any  # transformers PretrainedConfig
    library: str = "transformers"
    task_source: str = "option"  # where the task came from: a key of preflight.TASK_SOURCES


@dataclass
class Submodel:
    name: str  # "model", "encoder_model", "decoder_model", "decoder_with_past_model"
    onnx_config: OnnxConfig

    @property
    def file_name(self) -> str:
        return self.name + ".onnx"


@dataclass
class Plan:
    resolution: Resolution
    options: ExportOptions
    submodels: list[Submodel]
    files: list[str]
    merge: bool = False  # decoder_model + decoder_with_past_model -> decoder_model_merged
    shapes: dict[str, int] = field(default_factory=dict)

    def submodel(self, name: str) -> Submodel:
        return next(s for s in self.submodels if s.name == name)


def load_transformers_config(source: ModelSource, trust_remote_code: bool = False) -> Any:
    from transformers import AutoConfig
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # config sanity chatter is not the user's problem here
    try:
        config = AutoConfig.from_pretrained(str(source.folder), trust_remote_code=trust_remote_code)
    except ExportError:
        raise  # ours (a cancel) is not a config problem
    except ValueError as exc:
        if "trust_remote_code" in str(exc):
            raise ExportError("remote_code_required", model=source.model) from None
        raise ExportError("malformed_config", path=str(source.folder), reason=first_line(exc, None)) from None
    except Exception as exc:  # noqa: BLE001 - transformers validates fields with its own exception types
        raise ExportError("malformed_config", path=str(source.folder), reason=first_line(exc, None)) from None
    # config.json was bounded when read; this bounds what the class filled in (defaults, remote code's __init__).
    check_structure(config.to_dict(), str(source.folder))
    return config


def resolve(options: ExportOptions, source: ModelSource | None = None, pipeline_tag: str | None = None,
            light: bool = False) -> Resolution:
    """``light=True`` reads the configuration without transformers, or raises ``NeedsTransformers``."""
    source = source or locate(options.model, revision=options.revision, cache_dir=options.cache_dir)
    model_type = registry.canonical_model_type(source.model_type)  # fails fast, before transformers
    if options.task == "auto":
        task, task_source = infer_task(model_type, source.architectures, pipeline_tag or source.pipeline_tag)
    else:
        task, task_source = normalize_task(options.task), "option"  # "text-generation" means no cache (as in Optimum)
    if options.use_past is False:
        task = split_past(task)[0]
    elif options.use_past and not task.endswith(WITH_PAST):
        task = task + WITH_PAST
    config_class = registry.get_config_class(model_type, task)
    if (options.monolith and task.endswith(WITH_PAST) and issubclass(config_class, OnnxSeq2SeqConfigWithPast)
            and split_past(task)[0] not in config_class.CAUSAL_LM_TASKS):
        if options.task != "auto" or options.use_past:
            raise ExportError("invalid_option", reason="--monolith exports one file without the cache: drop -with-past")
        task = split_past(task)[0]  # one file: the inferred task loses its cache
        config_class = registry.get_config_class(model_type, task)
    if light:
        config = light_config(source.raw_config, model_type, options.trust_remote_code)
    else:
        config = load_transformers_config(source, options.trust_remote_code)
    return Resolution(source, model_type, task, config_class, config, task_source=task_source)


def make_plan(options: ExportOptions, resolution: Resolution | None = None) -> Plan:
    resolution = resolution or resolve(options)
    base_task, use_past = split_past(resolution.task)
    cls = resolution.config_class
    common = dict(task=base_task, int_dtype=options.int_dtype, float_dtype=options.float_dtype)
    config = resolution.config
    merge = False

    if issubclass(cls, OnnxSeq2SeqConfigWithPast) and base_task not in cls.CAUSAL_LM_TASKS:
        monolith = cls(config, **common, behavior=ConfigBehavior.MONOLITH)
        split = base_task in SPLIT_SEQ2SEQ_TASKS or (base_task == "feature-extraction" and use_past)
        if options.monolith or not split:
            submodels = [Submodel("model", monolith)]
        else:
            submodels = [
                Submodel("encoder_model", monolith.with_behavior(ConfigBehavior.ENCODER)),
                Submodel("decoder_model", monolith.with_behavior(ConfigBehavior.DECODER, use_past=use_past)),
            ]
            if use_past:
                with_past = monolith.with_behavior(ConfigBehavior.DECODER, use_past=True, use_past_in_inputs=True)
                submodels.append(Submodel("decoder_with_past_model", with_past))
                merge = options.post_process
    elif issubclass(cls, OnnxConfigWithPast):
        # Only generation feeds the cache back in; feature-extraction-with-past only returns it (as in Optimum).
        default_in_inputs = use_past and base_task == "text-generation"
        in_inputs = default_in_inputs if options.use_past_in_inputs is None else (options.use_past_in_inputs and use_past)
        submodels = [Submodel("model", cls(config, **common, use_past=use_past, use_past_in_inputs=in_inputs))]
    else:
        submodels = [Submodel("model", cls(config, **common))]

    files = [s.file_name for s in submodels]
    if merge:
        files = [f for f in files if not f.startswith("decoder")] + ["decoder_model_merged.onnx"]
    shapes = {**DEFAULT_SHAPES, **options.shapes}
    return Plan(resolution, options, submodels, files, merge, shapes)


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
