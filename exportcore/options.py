"""What a user asks for: one dataclass shared by the CLI, the worker job file and the app.

Light module. ``to_cli_args`` gives the equivalent ``exportcore export`` command line ("Copy CLI
command" in the app, ``export_options.json`` in every run folder).
"""

from __future__ import annotations

import math
import shlex
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .errors import ExportError

FLOAT_DTYPES = ("fp32", "fp16", "bf16")
INT_DTYPES = ("int64", "int32")
#: The opsets each exporter writes with torch 2.13. torch.export silently writes 18 when asked for less.
TORCHSCRIPT_OPSETS = range(7, 24)
DYNAMO_OPSETS = range(18, 26)

#: Shape keywords accepted by ``generate_dummy_inputs`` (Optimum's documented defaults).
DEFAULT_SHAPES: dict[str, int] = {
    "batch_size": 2,
    "sequence_length": 16,
    "num_choices": 4,
    "image_width": 64,
    "image_height": 64,
    "num_channels": 3,
    "feature_size": 80,
    "nb_max_frames": 3000,
    "audio_sequence_length": 16000,
}


def check_dtype(kind: str, value: str) -> str:
    choices = FLOAT_DTYPES if kind == "float dtype" else INT_DTYPES
    if value not in choices:
        raise ExportError("invalid_dtype", kind=kind, value=value, choices=", ".join(choices))
    return value


def check_shape_set(shapes: dict, kind: str) -> None:
    """Known keywords, integer values, at least 1 (a past may be empty)."""
    if not isinstance(shapes, dict):
        raise ExportError("invalid_option", reason=f"bad {kind} set {shapes!r} (want name=value pairs)")
    for key, value in shapes.items():
        if key not in DEFAULT_SHAPES and key != "past_sequence_length":
            raise ExportError("invalid_option", reason=f"unknown {kind} keyword {key!r}")
        smallest = 0 if key == "past_sequence_length" else 1
        if not isinstance(value, int) or isinstance(value, bool) or value < smallest:
            raise ExportError("invalid_option", reason=f"{kind} {key}={value!r} (want an integer >= {smallest})")


@dataclass
class ExportOptions:
    model: str
    output_dir: str = ""
    task: str = "auto"
    monolith: bool = False
    float_dtype: str = "fp32"  # --dtype: load dtype and dummy float dtype
    int_dtype: str = "int64"
    opset: int | None = None
    device: str = "cpu"
    use_past: bool | None = None  # None: as the task says (-with-past by default where supported)
    use_past_in_inputs: bool | None = None
    post_process: bool = True  # merge decoders, dedupe tied weights
    atol: float | None = None
    dynamic_axes: bool = True
    constant_folding: bool = True
    trust_remote_code: bool = False
    dynamo: bool = False
    shapes: dict[str, int] = field(default_factory=dict)  # overrides of DEFAULT_SHAPES for the trace
    validate: bool = True
    validation_shapes: list[dict[str, int]] | None = None  # None: our default shape sets
    overwrite: bool = False
    cache_dir: str | None = None
    revision: str | None = None
    pad_token_id: int | None = None  # for decoder text classifiers whose config has none (Optimum's --pad_token_id)

    def __post_init__(self) -> None:
        check_dtype("float dtype", self.float_dtype)
        check_dtype("int dtype", self.int_dtype)
        if self.pad_token_id is not None and (not isinstance(self.pad_token_id, int) or self.pad_token_id < 0):
            raise ExportError("invalid_option", reason=f"pad token id {self.pad_token_id!r} (want an integer >= 0)")
        unknown = set(self.shapes) - set(DEFAULT_SHAPES) - {"past_sequence_length"}
        if unknown:
            raise ExportError("invalid_option", reason=f"unknown shape keyword(s) {', '.join(sorted(unknown))}")
        check_shape_set(self.shapes, "shape")
        if self.opset is not None:
            exporter, opsets = ("torch.export (--dynamo)", DYNAMO_OPSETS) if self.dynamo else ("TorchScript", TORCHSCRIPT_OPSETS)
            if not isinstance(self.opset, int) or self.opset not in opsets:
                raise ExportError("invalid_option", reason=f"opset {self.opset!r}: the {exporter} exporter writes "
                                  f"opsets {opsets[0]}–{opsets[-1]}")
        if self.device != "cpu":
            raise ExportError("invalid_option", reason=f"device {self.device!r} (this build exports on the CPU only)")
        for shape_set in self.validation_shapes or []:
            check_shape_set(shape_set, "validation shape")
        if self.atol is not None and not (isinstance(self.atol, (int, float)) and math.isfinite(self.atol) and self.atol >= 0):
            raise ExportError("invalid_option", reason=f"atol {self.atol!r} (want a finite number >= 0)")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ExportOptions":
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ExportError("invalid_option", reason=f"unknown option(s) {', '.join(sorted(unknown))}")
        return cls(**data)

    def to_cli_args(self) -> list[str]:
        """The ``exportcore export`` arguments that reproduce these options."""
        args = ["exportcore", "export", self.model, self.output_dir or "OUTPUT_DIR"]
        if self.task != "auto":
            args += ["--task", self.task]
        if self.monolith:
            args.append("--monolith")
        if self.float_dtype != "fp32":
            args += ["--dtype", self.float_dtype]
        if self.int_dtype != "int64":
            args += ["--int-dtype", self.int_dtype]
        if self.opset is not None:
            args += ["--opset", str(self.opset)]
        if self.device != "cpu":
            args += ["--device", self.device]
        if self.use_past is False:
            args.append("--no-past")
        if not self.post_process:
            args.append("--no-post-process")
        if self.atol is not None:
            args += ["--atol", repr(self.atol)]
        if not self.dynamic_axes:
            args.append("--no-dynamic-axes")
        if not self.constant_folding:
            args.append("--no-constant-folding")
        if self.trust_remote_code:
            args.append("--trust-remote-code")
        if self.dynamo:
            args.append("--dynamo")
        for key, value in self.shapes.items():
            args += [f"--{key.replace('_', '-')}", str(value)]
        if not self.validate:
            args.append("--no-validation")
        if self.validation_shapes:
            args += ["--validation-shapes", format_shape_sets(self.validation_shapes)]
        if self.overwrite:
            args.append("--overwrite")
        if self.cache_dir:
            args += ["--cache-dir", self.cache_dir]
        if self.revision:
            args += ["--revision", self.revision]
        if self.pad_token_id is not None:
            args += ["--pad-token-id", str(self.pad_token_id)]
        return args

    def to_cli_command(self) -> str:
        return shlex.join(self.to_cli_args())


def parse_shape_sets(text: str) -> list[dict[str, int]]:
    """``"batch_size=1,sequence_length=7;batch_size=3,sequence_length=23"`` -> list of dicts."""
    sets = []
    for chunk in filter(None, (c.strip() for c in text.split(";"))):
        entry: dict[str, int] = {}
        for pair in filter(None, (p.strip() for p in chunk.split(","))):
            key, sep, value = pair.partition("=")
            key = key.strip().replace("-", "_")
            if not sep or key not in {*DEFAULT_SHAPES, "past_sequence_length"}:
                raise ExportError("invalid_option", reason=f"bad validation shape '{pair}' (want name=value)")
            try:
                entry[key] = int(value)
            except ValueError:
                raise ExportError("invalid_option", reason=f"bad validation shape '{pair}' (not an integer)") from None
        check_shape_set(entry, "validation shape")
        sets.append(entry)
    if not sets:
        raise ExportError("invalid_option", reason="--validation-shapes is empty")
    return sets


def format_shape_sets(sets: list[dict[str, int]]) -> str:
    return ";".join(",".join(f"{k}={v}" for k, v in s.items()) for s in sets)
