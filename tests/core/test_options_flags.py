"""ExportOptions ⇄ command line ⇄ job file: "Copy CLI command" must reproduce the same export.

The app copies ``ExportOptions.to_cli_command()``; the CLI parses it with ``build_parser``/``options_from_args``;
the worker reads ``ExportOptions.to_dict()`` back with ``from_dict``. Every field, at a value other than its default,
must survive each trip. A new field without a flag (or without a non-default value below) fails here.
And every field is type-checked: a job file's ``"trust_remote_code": "false"`` is refused, not read as true.
"""

from __future__ import annotations

import shlex
from dataclasses import fields

import pytest

from exportcore.cli import build_parser, options_from_args
from exportcore.errors import ExportError, exit_code_for
from exportcore.options import CLI_FLAGS, POSITIONAL_FIELDS, SHAPE_LIMITS, ExportOptions

#: A value other than the default for every field (None: the field has no other legal value).
NON_DEFAULT = {
    "model": "org/some-model",
    "output_dir": "out dir/with 'quotes'",
    "task": "text-generation-with-past",
    "monolith": True,
    "float_dtype": "fp16",
    "int_dtype": "int32",
    "opset": 18,
    "device": None,  # this build exports on the CPU only
    "use_past": True,
    "use_past_in_inputs": False,
    "post_process": False,
    "atol": 1.2345678901234567e-05,
    "dynamic_axes": False,
    "constant_folding": False,
    "trust_remote_code": True,
    "dynamo": True,
    "shapes": {"batch_size": 3, "sequence_length": 9, "past_sequence_length": 0, "image_width": 31},
    "validate": False,
    "validation_shapes": [{"batch_size": 1, "sequence_length": 7}, {"batch_size": 2, "past_sequence_length": 0}],
    "overwrite": True,
    "cache_dir": "/tmp/hf cache",
    "revision": "v1.0",
    "pad_token_id": 50256,
    "force": True,
    "variants": ("fp16", "q4"),
    "layout": "transformers.js",
    "optimize": "O2",
    "library": "sentence_transformers",
}
#: Where a field has two non-default values (a flag pair), the other one.
OTHER_VALUES = {"use_past": False, "use_past_in_inputs": True, "opset": 7, "float_dtype": "bf16",
                "variants": ("fp16", "q8", "int8", "uint8", "q4", "q4f16")}


def _through_the_cli(options: ExportOptions) -> ExportOptions:
    argv = shlex.split(options.to_cli_command())
    assert argv[:2] == ["exportcore", "export"]
    return options_from_args(build_parser().parse_args(argv[1:]))


def _cases():
    for name, value in NON_DEFAULT.items():
        if value is not None:
            yield pytest.param({name: value}, id=name)
    for name, value in OTHER_VALUES.items():
        yield pytest.param({name: value}, id=f"{name}-other")
    everything = {k: v for k, v in NON_DEFAULT.items() if v is not None}
    yield pytest.param(everything, id="all-at-once")
    yield pytest.param({"model": "-model", "output_dir": "-out", "cache_dir": "-cache", "task": "-t"}, id="dashes")
    # argparse drops "--" from values: `exportcore export -- m --` used to give the output folder "[]"
    yield pytest.param({"output_dir": "--"}, id="output-named-dashes")
    yield pytest.param({"model": "--", "output_dir": "--", "revision": "--", "cache_dir": "--"}, id="all-dashes")


def test_every_field_has_a_flag_and_a_non_default_value_here():
    names = [f.name for f in fields(ExportOptions)]
    flagged = [flag.field for flag in CLI_FLAGS]
    assert sorted(flagged + list(POSITIONAL_FIELDS)) == sorted(names), "a field without a CLI flag (or two flags)"
    assert set(NON_DEFAULT) == set(names), "add the new field to NON_DEFAULT (and give it a flag in CLI_FLAGS)"


@pytest.mark.parametrize("values", list(_cases()))
def test_options_survive_the_command_line_and_the_job_file(values):
    options = ExportOptions(**{"model": "m", "output_dir": "o", **values})
    for name, value in values.items():
        assert getattr(options, name) == value, name
    assert _through_the_cli(options) == options
    assert ExportOptions.from_dict(options.to_dict(), for_export=True) == options


def test_defaults_write_no_flags_and_the_tri_state_cache_flags_are_distinct():
    assert ExportOptions(model="m", output_dir="o").to_cli_args() == ["exportcore", "export", "m", "o"]
    commands = {ExportOptions(model="m", output_dir="o", use_past_in_inputs=v).to_cli_command() for v in (None, True, False)}
    assert len(commands) == 3, commands  # issue 11: use_past_in_inputs=False used to be dropped


def test_a_folder_named_dashes_after_the_end_of_the_options(capsys):
    for argv in (["export", "--", "m", "--"], ["export", "m", "--", "--"]):
        options = options_from_args(build_parser().parse_args(argv))
        assert (options.model, options.output_dir) == ("m", "--"), argv


def test_device_has_no_other_value():
    with pytest.raises(ExportError) as info:
        ExportOptions(model="m", device="cuda")
    assert info.value.code == "invalid_option"


def test_inspect_takes_the_flags_that_shape_the_plan():
    args = build_parser().parse_args(["inspect", "m", "--no-past-in-inputs", "--past", "--batch-size", "3"])
    options = options_from_args(args)
    assert (options.use_past, options.use_past_in_inputs, options.shapes) == (True, False, {"batch_size": 3})


@pytest.mark.parametrize(
    ("data", "says"),
    [
        pytest.param({"model": "m", "output_dir": "o", "trust_remote_code": "false"}, "trust_remote_code", id="bool-as-string"),
        pytest.param({"model": "m", "output_dir": "o", "overwrite": "false"}, "overwrite", id="overwrite-as-string"),
        pytest.param({"model": "m", "output_dir": "o", "overwrite": 1}, "overwrite", id="bool-as-int"),
        pytest.param({"model": "m", "output_dir": "o", "opset": True}, "opset", id="int-as-bool"),
        pytest.param({"model": "m", "output_dir": "o", "opset": 17.0}, "opset", id="int-as-float"),
        pytest.param({"model": "m", "output_dir": "o", "atol": "1e-3"}, "atol", id="float-as-string"),
        pytest.param({"model": "m", "output_dir": "o", "shapes": [1, 2]}, "shapes", id="dict-as-list"),
        pytest.param({"model": "m", "output_dir": "o", "shapes": {"batch_size": "2"}}, "batch_size", id="shape-string"),
        pytest.param({"model": "m", "output_dir": "o", "validation_shapes": {"batch_size": 1}}, "validation_shapes",
                     id="list-as-dict"),
        pytest.param({"model": "m", "output_dir": "o", "validation_shapes": []}, "empty list", id="empty-sets"),
        pytest.param({"model": "m", "output_dir": "o", "cache_dir": 3}, "cache_dir", id="str-as-int"),
        pytest.param({"model": 3, "output_dir": "o"}, "model", id="model-as-int"),
        pytest.param({"model": "m", "output_dir": None}, "output_dir", id="output-null"),
        pytest.param({"output_dir": "o"}, "missing option(s) model", id="no-model"),
        pytest.param({"model": "m"}, "missing option(s) output_dir", id="no-output-dir"),
        pytest.param({"model": "m", "output_dir": ""}, "output folder is empty", id="empty-output-dir"),
        pytest.param({"model": "m", "output_dir": "  "}, "output folder is empty", id="blank-output-dir"),
        pytest.param({"model": "", "output_dir": "o"}, "no model", id="empty-model"),
        pytest.param({"model": "m", "output_dir": "o\0x"}, "NUL", id="nul-in-path"),
        pytest.param(["model", "m"], "JSON object", id="not-an-object"),
        pytest.param({"model": "m", "output_dir": "o", "shapes": {"batch_size": 1_000_000_000}}, "limit of 256",
                     id="huge-batch"),
        pytest.param({"model": "m", "output_dir": "o", "validation_shapes": [{"sequence_length": 10**7}]},
                     "limit of 32768", id="huge-validation-sequence"),
        pytest.param({"model": "m", "output_dir": "o", "pad_token_id": 2**40}, "pad token id", id="huge-pad-id"),
    ],
)
def test_a_job_with_ill_typed_or_missing_fields_is_invalid_option(data, says):
    with pytest.raises(ExportError) as info:
        ExportOptions.from_dict(data, for_export=True)
    assert info.value.code == "invalid_option" and exit_code_for(info.value.code) == 2
    assert says in info.value.message


@pytest.mark.parametrize("key", sorted(SHAPE_LIMITS))
def test_every_shape_flag_is_bounded_on_the_command_line(key, capsys, tmp_path, monkeypatch):
    """Refused before any work (``--batch-size 1000000000`` used to run out of memory: internal_error)."""
    from exportcore.cli import main

    monkeypatch.setenv("EXPORTSTUDIO_CACHE", str(tmp_path / "studio"))
    flag = "--" + key.replace("_", "-")
    code = main(["export", "demo:tiny-bert", str(tmp_path / "out"), flag, str(SHAPE_LIMITS[key] + 1)])
    assert code == 2
    assert f"{key}={SHAPE_LIMITS[key] + 1} is above the limit" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
