"""What a user asks for: one dataclass shared by the CLI, the worker job file and the app.

Light module. Every field is type-checked on construction (a job file's ``"trust_remote_code": "false"`` is an
error, not a truthy string). ``CLI_FLAGS`` says how each field is spelled on the ``exportcore`` command line: the
CLI's parser is built from it and ``to_cli_args`` writes it, so the two cannot disagree ("Copy CLI command" in the
app, ``export_options.json`` in every run folder).
"""

from __future__ import annotations

import math
import shlex
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any, Callable

from .errors import ExportError
from .postprocess.variants import ALL as ALL_VARIANTS, VARIANTS, check_variants, parse_variants

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
#: Also accepted as a shape (trace and validation); its default is ``sequence_length // 2``, an empty past is allowed.
PAST_SHAPE = "past_sequence_length"
SHAPE_NAMES = (*DEFAULT_SHAPES, PAST_SHAPE)
#: Largest value of each shape keyword. Dummy inputs and activations grow with them: far beyond these, a trace or a
#: validation run only exhausts memory (``--batch-size 1000000000`` used to end as an internal error).
SHAPE_LIMITS: dict[str, int] = {
    "batch_size": 256,
    "sequence_length": 32768,
    PAST_SHAPE: 32768,
    "num_choices": 16,
    "image_width": 4096,
    "image_height": 4096,
    "num_channels": 64,
    "feature_size": 1024,
    "nb_max_frames": 30000,
    "audio_sequence_length": 16000 * 600,  # ten minutes at 16 kHz
}
MAX_PAD_TOKEN_ID = 2**31 - 1
#: ``--layout``: where the files go (run/layout.py): Optimum's (every .onnx at the top) or transformers.js's (onnx/).
LAYOUTS = ("optimum", "transformers.js")
#: ``--optimize``: onnxruntime's graph optimizations (postprocess/optimize.py says what each level runs).
OPTIMIZE_LEVELS = ("O1", "O2", "O3")
#: ``--library`` (Optimum's flag): which library's view of the model is exported; ``auto`` takes sentence-transformers
#: for a model with modules.json exported for feature extraction (configs/sentence_transformers.choose_library).
LIBRARIES = ("auto", "transformers", "sentence_transformers")


def parse_library(text: str) -> str:
    """``sentence-transformers`` (the Hub's spelling) is ``sentence_transformers`` (Optimum's)."""
    return text.strip().lower().replace("-", "_")


def check_dtype(kind: str, value: str) -> str:
    choices = FLOAT_DTYPES if kind == "float dtype" else INT_DTYPES
    if value not in choices:
        raise ExportError("invalid_dtype", kind=kind, value=value, choices=", ".join(choices))
    return value


def opset_range(dynamo: bool) -> range:
    """The opsets the exporter writes (torch 2.13)."""
    return DYNAMO_OPSETS if dynamo else TORCHSCRIPT_OPSETS


def check_opset(opset: int | None, dynamo: bool) -> None:
    if opset is not None and opset not in opset_range(dynamo):
        opsets = opset_range(dynamo)
        exporter = "torch.export (--dynamo)" if dynamo else "TorchScript"
        raise ExportError("invalid_option", reason=f"opset {opset!r}: the {exporter} exporter writes opsets "
                          f"{opsets[0]}–{opsets[-1]}")


def check_shape_set(shapes: dict, kind: str) -> None:
    """Known keywords, integer values, at least 1 (a past may be empty), at most ``SHAPE_LIMITS``."""
    if not isinstance(shapes, dict):
        raise ExportError("invalid_option", reason=f"bad {kind} set {shapes!r} (want name=value pairs)")
    for key, value in shapes.items():
        if key not in SHAPE_NAMES:
            raise ExportError("invalid_option", reason=f"unknown {kind} keyword {key!r}")
        smallest = 0 if key == PAST_SHAPE else 1
        if not isinstance(value, int) or isinstance(value, bool) or value < smallest:
            raise ExportError("invalid_option", reason=f"{kind} {key}={value!r} (want an integer >= {smallest})")
        if value > SHAPE_LIMITS[key]:
            raise ExportError("invalid_option", reason=f"{kind} {key}={value} is above the limit of "
                              f"{SHAPE_LIMITS[key]}")


# ---- type checking --------------------------------------------------------------------------------------------
_TYPE_NAMES: dict[str, tuple[type, ...]] = {
    "bool": (bool,),
    "int": (int,),
    "float": (int, float),  # JSON writes 1e-3 as a float but 1 as an int
    "str": (str,),
    "None": (type(None),),
    "dict": (dict,),
    "list": (list,),
    "tuple": (tuple, list),  # a job file's JSON list; kept as a tuple
}
_DESCRIBED = {bool: "true/false", int: "an integer", float: "a number", str: "a string", type(None): "null",
              dict: "an object", list: "a list", tuple: "a list"}


def _accepted_types(annotation: str) -> tuple[type, ...]:
    """``"int | None"`` -> (int, NoneType); ``"dict[str, int]"`` -> (dict,). Only the spellings used below."""
    accepted: tuple[type, ...] = ()
    for part in annotation.split("|"):
        name = part.strip().split("[", 1)[0]
        if name not in _TYPE_NAMES:
            raise TypeError(f"ExportOptions: no type check for annotation {annotation!r}")
        accepted += _TYPE_NAMES[name]
    return accepted


def _has_type(value: Any, accepted: tuple[type, ...]) -> bool:
    if isinstance(value, bool):  # bool is an int subclass: True must not pass for an opset or a shape
        return bool in accepted
    return isinstance(value, accepted)


def _type_words(accepted: tuple[type, ...]) -> str:
    return " or ".join(dict.fromkeys(_DESCRIBED[t] for t in accepted))


@dataclass
class ExportOptions:
    model: str
    output_dir: str = ""  # "" only for inspection; an export refuses it
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
    force: bool = False  # go on when the pre-flight refuses (not enough disk or memory, by its estimate)
    variants: tuple[str, ...] = ()  # fp16, q8, … (postprocess/variants.py), made from the fp32 files
    layout: str = "optimum"  # LAYOUTS
    optimize: str | None = None  # OPTIMIZE_LEVELS
    library: str = "auto"  # LIBRARIES

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            accepted = _accepted_types(str(f.type))
            if not _has_type(value, accepted):
                raise ExportError("invalid_option", reason=f"option '{f.name}' is {value!r}; it must be "
                                  f"{_type_words(accepted)}")
            if isinstance(value, str) and "\0" in value:
                raise ExportError("invalid_option", reason=f"option '{f.name}' contains a NUL character")
        if not self.model.strip():
            raise ExportError("invalid_option", reason="no model given")
        if not self.task.strip():
            raise ExportError("invalid_option", reason="an empty task (use 'auto' to infer it)")
        # An empty cache folder or revision means "not given" (as the app's empty text fields do).
        self.cache_dir = self.cache_dir or None
        self.revision = self.revision or None
        check_dtype("float dtype", self.float_dtype)
        check_dtype("int dtype", self.int_dtype)
        if self.pad_token_id is not None and not 0 <= self.pad_token_id <= MAX_PAD_TOKEN_ID:
            raise ExportError("invalid_option", reason=f"pad token id {self.pad_token_id!r} (want an integer "
                              f"from 0 to {MAX_PAD_TOKEN_ID})")
        check_shape_set(self.shapes, "shape")
        check_opset(self.opset, self.dynamo)
        if self.device != "cpu":
            raise ExportError("invalid_option", reason=f"device {self.device!r} (this build exports on the CPU only)")
        if self.validation_shapes is not None:
            if not self.validation_shapes:
                raise ExportError("invalid_option", reason="an empty list of validation shape sets (leave it out "
                                  "for the default sets)")
            for shape_set in self.validation_shapes:
                check_shape_set(shape_set, "validation shape")
        if self.atol is not None and not (math.isfinite(self.atol) and self.atol >= 0):
            raise ExportError("invalid_option", reason=f"atol {self.atol!r} (want a finite number >= 0)")
        if not all(isinstance(name, str) for name in self.variants):
            raise ExportError("invalid_option", reason=f"variants {list(self.variants)!r} (want a list of names)")
        self.variants = (tuple(VARIANTS) if ALL_VARIANTS in self.variants
                         else check_variants([name.strip().lower() for name in self.variants]))
        if self.layout not in LAYOUTS:
            raise ExportError("invalid_option", reason=f"layout {self.layout!r} (choose {' or '.join(LAYOUTS)})")
        if self.library not in LIBRARIES:
            raise ExportError("invalid_option", reason=f"library {self.library!r} (choose one of "
                              f"{', '.join(LIBRARIES)})")
        if self.optimize is not None and self.optimize not in OPTIMIZE_LEVELS:
            raise ExportError("invalid_option", reason=f"optimize {self.optimize!r} (choose one of "
                              f"{', '.join(OPTIMIZE_LEVELS)})")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any, *, for_export: bool = False) -> "ExportOptions":
        """Options from a dict (a worker job file, the app's settings). ``for_export``: ``output_dir`` is required
        too. Anything wrong with ``data`` is ``invalid_option``."""
        if not isinstance(data, dict):
            raise ExportError("invalid_option", reason=f"the options must be a JSON object, not {type(data).__name__}")
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ExportError("invalid_option", reason=f"unknown option(s) {', '.join(sorted(map(str, unknown)))}")
        required = ["model", "output_dir"] if for_export else ["model"]
        missing = [name for name in required if name not in data]
        if missing:
            raise ExportError("invalid_option", reason=f"missing option(s) {', '.join(missing)}")
        options = cls(**data)
        if for_export:
            check_output_dir(options.output_dir)
        return options

    def to_cli_args(self) -> list[str]:
        """The ``exportcore export`` arguments that reproduce these options."""
        positional = [self.model, self.output_dir or "OUTPUT_DIR"]
        flags = [arg for flag in CLI_FLAGS for arg in flag.to_args(getattr(self, flag.field))]
        if any(p.startswith("-") for p in positional):  # after "--", argparse reads them as the positionals they are
            return ["exportcore", "export", *flags, "--", *positional]
        return ["exportcore", "export", *positional, *flags]

    def to_cli_command(self) -> str:
        return shlex.join(self.to_cli_args())


def check_output_dir(output_dir: str) -> None:
    """An export needs a destination: an empty path would mean the working directory."""
    if not output_dir.strip():
        raise ExportError("invalid_option", reason="the output folder is empty (it would mean the current folder); "
                          "give a folder for the export")


def parse_shape_sets(text: str) -> list[dict[str, int]]:
    """``"batch_size=1,sequence_length=7;batch_size=3,sequence_length=23"`` -> list of dicts."""
    sets = []
    for chunk in filter(None, (c.strip() for c in text.split(";"))):
        entry: dict[str, int] = {}
        for pair in filter(None, (p.strip() for p in chunk.split(","))):
            key, sep, value = pair.partition("=")
            key = key.strip().replace("-", "_")
            if not sep or key not in SHAPE_NAMES:
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


# ---- the command line, from one table ------------------------------------------------------------------------
TRUST_HELP = (
    "allow models whose repository ships its own Python code. That code runs on this machine with your "
    "permissions: use it only for repositories you trust. Off by default."
)
SHAPE_FLAG_ALIASES = {"image_width": ("--width",), "image_height": ("--height",)}


@dataclass(frozen=True)
class CliFlag:
    """How one ``ExportOptions`` field is written on the command line.

    kind: ``switch`` (``--x`` sets True), ``negated`` (``--no-x`` sets False), ``either`` (``--x`` True, ``--no-x``
    False, neither None), ``value`` (``--x VALUE``), ``shapes`` (one ``--<keyword> N`` per shape keyword).
    ``flags[0]`` is what ``to_cli_args`` writes; the others are accepted aliases. ``inspect``: the flag is also
    one of ``exportcore inspect`` (it changes the plan).
    """

    field: str
    kind: str
    flags: tuple[str, ...] = ()
    help: str = ""
    # value: text -> field value. int and float are argparse's ``type`` (a usage error); others run after parsing
    # and raise their own ExportError.
    parse: Callable[[str], Any] | None = None
    write: Callable[[Any], str] = str  # value: field value -> text
    choices: tuple[str, ...] | None = None
    metavar: str | None = None
    inspect: bool = False
    off_flags: tuple[str, ...] = ()  # either: the flags that set False

    @property
    def default(self) -> Any:
        f = _FIELDS[self.field]
        return f.default_factory() if f.default_factory is not MISSING else f.default

    def to_args(self, value: Any) -> list[str]:
        if value == self.default:
            return []
        if self.kind == "switch" or (self.kind == "either" and value is True):
            return [self.flags[0]]
        if self.kind == "negated" or self.kind == "either":
            return [(self.off_flags or self.flags)[0]]
        if self.kind == "shapes":
            return [arg for key, n in value.items() for arg in (shape_flags(key)[0], str(n))]
        text = self.write(value)
        return [f"{self.flags[0]}={text}"] if text.startswith("-") else [self.flags[0], text]  # not read as a flag

    def add_to(self, parser: Any) -> None:
        """Add this field's flags to an argparse parser (its dest is the field's name)."""
        if self.kind == "switch":
            parser.add_argument(*self.flags, dest=self.field, action="store_true", help=self.help)
        elif self.kind == "negated":
            parser.add_argument(*self.flags, dest=self.field, action="store_false", help=self.help)
        elif self.kind == "either":
            group = parser.add_mutually_exclusive_group()
            group.add_argument(*self.flags, dest=self.field, action="store_const", const=True, default=None,
                               help=self.help)
            group.add_argument(*self.off_flags, dest=self.field, action="store_const", const=False, default=None,
                               help=f"the opposite of {self.flags[0]}")
        elif self.kind == "shapes":
            group = parser.add_argument_group("dummy input shapes (the trace shapes)")
            for key in SHAPE_NAMES:
                default = DEFAULT_SHAPES.get(key, "sequence_length // 2")
                group.add_argument(*shape_flags(key), dest=f"shape_{key}", type=int, metavar="N",
                                   help=f"default {default}, at most {SHAPE_LIMITS[key]}")
        else:
            parser.add_argument(*self.flags, dest=self.field, type=self.parse if self.parse in (int, float) else None,
                                choices=self.choices,
                                metavar=self.metavar, default=self.default, help=self.help)

    def from_namespace(self, namespace: Any) -> Any:
        if self.kind == "shapes":
            return {key: value for key in SHAPE_NAMES if (value := getattr(namespace, f"shape_{key}")) is not None}
        value = getattr(namespace, self.field)
        if self.parse not in (None, int, float) and isinstance(value, str):
            value = self.parse(value)
        return value


def shape_flags(key: str) -> tuple[str, ...]:
    return (f"--{key.replace('_', '-')}", f"--{key}", *SHAPE_FLAG_ALIASES.get(key, ()))


_FIELDS = {f.name: f for f in fields(ExportOptions)}

#: Every ``ExportOptions`` field but the two positional ones (model, output folder), in ``--help`` order.
CLI_FLAGS: tuple[CliFlag, ...] = (
    CliFlag("task", "value", ("--task",), "task (default: inferred from the model)", inspect=True),
    CliFlag("library", "value", ("--library",), "which library's model to export: auto (default: "
            "sentence_transformers for a model with modules.json exported for feature extraction, else transformers), "
            "transformers (the plain model: last_hidden_state) or sentence_transformers (pooling in the graph: "
            "token_embeddings, sentence_embedding)", parse=parse_library, metavar="LIBRARY", inspect=True),
    CliFlag("monolith", "switch", ("--monolith",), "export encoder-decoder models as one file", inspect=True),
    CliFlag("float_dtype", "value", ("--dtype", "--float-dtype"), f"load and export dtype: {', '.join(FLOAT_DTYPES)}",
            metavar="DTYPE", inspect=True),
    CliFlag("int_dtype", "value", ("--int-dtype",), f"integer inputs: {', '.join(INT_DTYPES)}", metavar="DTYPE",
            inspect=True),
    CliFlag("opset", "value", ("--opset",), "ONNX opset (default: the model's)", parse=int, metavar="N",
            inspect=True),
    CliFlag("device", "value", ("--device",), "device to export on", choices=("cpu",)),
    CliFlag("use_past", "either", ("--past",), "export with the key/value cache (default: as the task says)",
            off_flags=("--no-past",), inspect=True),
    CliFlag("use_past_in_inputs", "either", ("--past-in-inputs",),
            "feed the cache back as inputs (default: for text generation only)",
            off_flags=("--no-past-in-inputs",), inspect=True),
    CliFlag("post_process", "negated", ("--no-post-process",), "keep decoder and decoder-with-past as separate files",
            inspect=True),
    CliFlag("atol", "value", ("--atol",), "validation tolerance (default: the model's)", parse=float, write=repr,
            inspect=True),
    CliFlag("dynamic_axes", "negated", ("--no-dynamic-axes",), "export static shapes", inspect=True),
    CliFlag("constant_folding", "negated", ("--no-constant-folding",), "disable constant folding"),
    CliFlag("trust_remote_code", "switch", ("--trust-remote-code",), TRUST_HELP, inspect=True),
    CliFlag("dynamo", "switch", ("--dynamo",), "use the torch.export (dynamo) exporter", inspect=True),
    CliFlag("shapes", "shapes", inspect=True),
    CliFlag("validate", "negated", ("--no-validation",), "skip the onnxruntime validation"),
    CliFlag("validation_shapes", "value", ("--validation-shapes",),
            "shape sets to validate at, e.g. 'batch_size=1,sequence_length=7;batch_size=3,sequence_length=23'",
            parse=parse_shape_sets, write=format_shape_sets, metavar="SETS"),
    CliFlag("overwrite", "switch", ("--overwrite",), "replace a non-empty output folder (an earlier export)"),
    CliFlag("cache_dir", "value", ("--cache-dir", "--cache_dir"), "Hugging Face cache folder", metavar="FOLDER",
            inspect=True),
    CliFlag("revision", "value", ("--revision",), "Hub revision (branch, tag or commit)", inspect=True),
    CliFlag("pad_token_id", "value", ("--pad-token-id", "--pad_token_id"),
            "padding token id for decoder text classifiers whose config has none (default: the tokenizer's)",
            parse=int, metavar="N"),
    CliFlag("force", "switch", ("--force",), "export even when the pre-flight check says it will not fit "
            "(disk space, memory)"),
    CliFlag("variants", "value", ("--variants",), f"also write these variants of every file, made from the fp32 "
            f"export: a comma list of {', '.join(VARIANTS)}, or {ALL_VARIANTS} (docs/variants.md)",
            parse=parse_variants, write=",".join, metavar="LIST"),
    CliFlag("layout", "value", ("--layout",), "file layout: optimum (every .onnx at the top) or transformers.js "
            "(.onnx files under onnx/, as transformers.js loads them)", choices=LAYOUTS),
    CliFlag("optimize", "value", ("--optimize",), "graph optimization with onnxruntime's tools: O1 (basic, exact), "
            "O2 (+ transformer fusions), O3 (+ GELU approximation)", choices=OPTIMIZE_LEVELS, metavar="LEVEL"),
)
POSITIONAL_FIELDS = ("model", "output_dir")


def add_option_arguments(parser: Any, command: str) -> None:
    """The ``exportcore export`` (or ``inspect``) arguments for the ``ExportOptions`` fields."""
    parser.add_argument("model", help="a local model folder, a Hub id (org/name) or demo:<name>")
    if command == "export":
        parser.add_argument("output_dir", metavar="output", help="output folder (created; must be empty unless "
                            "--overwrite)")
    for flag in CLI_FLAGS:
        if command == "export" or flag.inspect:
            flag.add_to(parser)


def options_from_namespace(namespace: Any, command: str) -> ExportOptions:
    values = {"model": namespace.model}
    if command == "export":
        values["output_dir"] = namespace.output_dir
    for flag in CLI_FLAGS:
        if command == "export" or flag.inspect:
            values[flag.field] = flag.from_namespace(namespace)
    return ExportOptions(**values)
