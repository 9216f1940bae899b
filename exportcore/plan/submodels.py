"""plan: the submodels an export writes, each with its export configuration, and the files they become.

Decided from the resolution alone (config.json, the task, the options): what ``exportcore inspect`` prints is what an
export runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..configs.base import ConfigBehavior, OnnxConfig, OnnxConfigWithPast
from ..option_facts import splits_into_files
from ..option_rules import past_in_inputs
from ..options import DEFAULT_SHAPES, ExportOptions
from .positions import check_positions
from .resolution import Resolution, resolve


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

    def opset(self, cfg: OnnxConfig) -> int:
        """The opset a submodel is written in: ``--opset``, else its configuration's default."""
        return self.options.opset or cfg.DEFAULT_ONNX_OPSET

    def atol(self, cfg: OnnxConfig) -> float:
        """The tolerance a submodel is validated with: ``--atol``, else its configuration's (half precision's for
        fp16 and bf16)."""
        return self.options.atol if self.options.atol is not None else cfg.atol


def make_plan(options: ExportOptions, resolution: Resolution | None = None) -> Plan:
    resolution = resolution or resolve(options)
    choice = resolution.choice
    use_past = choice.use_past
    cls = resolution.config_class
    common = dict(task=choice.task, int_dtype=options.int_dtype, float_dtype=options.float_dtype)
    config = resolution.config
    merge = False

    if cls.exports_encoder_decoder(choice.task):
        monolith = cls(config, **common, behavior=ConfigBehavior.MONOLITH)
        if options.monolith or not splits_into_files(choice):
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
    elif hasattr(cls, "with_part"):  # parts a runtime loads together (vision-language models): one file each
        whole = cls(config, **common)
        submodels = [Submodel(part, whole.with_part(part)) for part in whole.parts()]
    elif issubclass(cls, OnnxConfigWithPast):
        in_inputs = past_in_inputs(choice, options.use_past_in_inputs)
        submodels = [Submodel("model", cls(config, **common, use_past=use_past, use_past_in_inputs=in_inputs))]
    else:
        submodels = [Submodel("model", cls(config, **common))]

    files = [s.file_name for s in submodels]
    if merge:
        files = [f for f in files if not f.startswith("decoder")] + ["decoder_model_merged.onnx"]
    shapes = {**DEFAULT_SHAPES, **options.shapes}
    plan = Plan(resolution, options, submodels, files, merge, shapes)
    check_positions(plan)  # a sequence beyond the model's position table: said now, not as a failed trace
    if hasattr(submodels[0].onnx_config, "check_shapes"):  # an image size the model cannot take: said now too
        submodels[0].onnx_config.check_shapes(options.shapes, "--image-height/--image-width")
        for shape_set in options.validation_shapes or []:
            submodels[0].onnx_config.check_shapes(shape_set, "--validation-shapes")
    return plan
