"""plan: the submodels an export writes, each with its export configuration, and the files they become.

Decided from the resolution alone (config.json, the task, the options): what ``exportcore inspect`` prints is what an
export runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..configs.base import ConfigBehavior, OnnxConfig, OnnxConfigWithPast, OnnxSeq2SeqConfigWithPast
from ..options import DEFAULT_SHAPES, ExportOptions
from ..tasks import split_past
from .resolution import Resolution, resolve

#: Tasks whose encoder-decoder models are split into encoder + decoder(s) (Optimum's default).
SPLIT_SEQ2SEQ_TASKS = ("text2text-generation", "automatic-speech-recognition", "image-to-text")


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
