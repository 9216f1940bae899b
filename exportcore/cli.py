"""``exportcore`` command line: inspect, export, tasks, models.

Errors print one line (and the next step) on stderr, never a traceback; exit codes are in
``exportcore.errors`` and the README.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Sequence

from . import cancel_signals
from .errors import EXIT_OK, ExportError, exit_code_for
from .options import DEFAULT_SHAPES, FLOAT_DTYPES, INT_DTYPES, ExportOptions, parse_shape_sets

SHAPE_FLAG_ALIASES = {"image_width": ["--width"], "image_height": ["--height"]}


def _add_shape_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("dummy input shapes (the trace shapes)")
    for name, default in DEFAULT_SHAPES.items():
        flags = [f"--{name.replace('_', '-')}", f"--{name}", *SHAPE_FLAG_ALIASES.get(name, [])]
        group.add_argument(*flags, dest=f"shape_{name}", type=int, metavar="N", help=f"default {default}")


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="a local model folder, a Hub id (org/name) or demo:<name>")
    parser.add_argument("--task", default="auto", help="task (default: inferred from the model)")
    parser.add_argument("--monolith", action="store_true", help="export encoder-decoder models as one file")
    parser.add_argument("--int-dtype", dest="int_dtype", default="int64", help=f"integer inputs: {', '.join(INT_DTYPES)}")
    parser.add_argument("--no-past", dest="use_past", action="store_false", default=None, help="export without the key/value cache")
    parser.add_argument("--revision", help="Hub revision (branch, tag or commit)")
    parser.add_argument("--cache-dir", "--cache_dir", dest="cache_dir", help="Hugging Face cache folder")
    parser.add_argument("--trust-remote-code", action="store_true", help=TRUST_HELP)
    parser.add_argument("--dynamo", action="store_true", help="use the torch.export (dynamo) exporter")
    _add_shape_flags(parser)


TRUST_HELP = (
    "allow models whose repository ships its own Python code. That code runs on this machine with your "
    "permissions: use it only for repositories you trust. Off by default."
)


class _Parser(argparse.ArgumentParser):
    """Usage mistakes read like every other error: one coded line and a next step, exit 2 (and, when the command
    line asks for JSON events, an error event on stdout)."""

    json_events = False  # set by main() from the raw arguments: parsing is what failed

    def error(self, message: str):  # type: ignore[override]
        error = ExportError("invalid_option", reason=message)
        if _Parser.json_events:
            from .events import error_event

            print(error_event(error).to_json(), flush=True)
        sys.exit(_report(error))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="exportcore", description="Export Hugging Face transformers models to validated ONNX.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("inspect", help="show what an export would produce (config.json only, no weights)")
    _add_common(p)
    p.add_argument("--float-dtype", "--dtype", dest="float_dtype", default="fp32", help=f"float inputs: {', '.join(FLOAT_DTYPES)}")
    p.add_argument("--opset", type=int, help="ONNX opset (default: the model's)")
    p.add_argument("--json", action="store_true", help="print one JSON document")

    p = sub.add_parser("export", help="export a model to ONNX and validate it")
    _add_common(p)
    p.add_argument("output", help="output folder (created; must be empty unless --overwrite)")
    p.add_argument("--opset", type=int, help="ONNX opset (default: the model's)")
    p.add_argument("--device", default="cpu", choices=["cpu"], help="device to export on")
    p.add_argument("--dtype", "--float-dtype", dest="float_dtype", default="fp32", help=f"load and export dtype: {', '.join(FLOAT_DTYPES)}")
    p.add_argument("--no-post-process", dest="post_process", action="store_false", help="keep decoder and decoder-with-past as separate files")
    p.add_argument("--atol", type=float, help="validation tolerance (default: the model's)")
    p.add_argument("--no-dynamic-axes", dest="dynamic_axes", action="store_false", help="export static shapes")
    p.add_argument("--no-constant-folding", dest="constant_folding", action="store_false", help="disable constant folding")
    p.add_argument("--no-validation", dest="validate", action="store_false", help="skip the onnxruntime validation")
    p.add_argument(
        "--validation-shapes",
        help="shape sets to validate at, e.g. 'batch_size=1,sequence_length=7;batch_size=3,sequence_length=23'",
    )
    p.add_argument("--overwrite", action="store_true", help="replace a non-empty output folder")
    p.add_argument("--pad-token-id", "--pad_token_id", dest="pad_token_id", type=int, metavar="N",
                   help="padding token id for decoder text classifiers whose config has none (default: the "
                        "tokenizer's)")
    p.add_argument("--json-events", action="store_true", help="print events as JSON lines on stdout")

    p = sub.add_parser("tasks", help="list tasks (all, or those a model type supports)")
    p.add_argument("model_type", nargs="?")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("models", help="list supported model types and their tasks")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("serve", help="keep torch and transformers loaded so that exports start at once",
                       description="Keep torch, transformers and onnxruntime imported; `exportcore export` (and the "
                       "app's export worker) run in a process forked from this one while it runs, saving the 4-5 s "
                       "of imports. One server per user, interpreter and version; stop it with Ctrl-C.")
    p.add_argument("--idle-timeout", type=float, metavar="SECONDS", help="exit after this long without an export")
    p.add_argument("--exit-with-stdin", action="store_true", help="exit when stdin closes (for a parent process)")
    return parser


def _version() -> str:
    from . import __version__

    return __version__


def options_from_args(args: argparse.Namespace) -> ExportOptions:
    shapes = {k[len("shape_"):]: v for k, v in vars(args).items() if k.startswith("shape_") and v is not None}
    fields: dict[str, Any] = dict(
        model=args.model,
        task=args.task,
        monolith=args.monolith,
        float_dtype=args.float_dtype,
        int_dtype=args.int_dtype,
        opset=args.opset,
        use_past=args.use_past,
        shapes=shapes,
        trust_remote_code=args.trust_remote_code,
        dynamo=args.dynamo,
        cache_dir=args.cache_dir,
        revision=args.revision,
    )
    if args.command == "export":
        fields.update(
            output_dir=args.output,
            device=args.device,
            post_process=args.post_process,
            atol=args.atol,
            dynamic_axes=args.dynamic_axes,
            constant_folding=args.constant_folding,
            validate=args.validate,
            validation_shapes=parse_shape_sets(args.validation_shapes) if args.validation_shapes else None,
            overwrite=args.overwrite,
            pad_token_id=args.pad_token_id,
        )
    return ExportOptions(**fields)


def main(argv: Sequence[str] | None = None) -> int:
    _Parser.json_events = "--json-events" in (sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    try:
        if args.command == "inspect":
            return cmd_inspect(args)
        if args.command == "export":
            return cmd_export(args)
        if args.command == "tasks":
            return cmd_tasks(args)
        if args.command == "serve":
            return cmd_serve(args)
        return cmd_models(args)
    except ExportError as exc:
        return _report(exc)
    except KeyboardInterrupt:  # Ctrl-C (or SIGTERM / SIGHUP during an export) outside the run, which reports its own
        return _report(ExportError("cancelled"))
    except BrokenPipeError:  # `exportcore models | head`
        sys.stderr.close()
        return EXIT_OK


def _report(exc: ExportError) -> int:
    print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
    print(f"  next step: {exc.next_step}", file=sys.stderr)
    return exit_code_for(exc.code)


# ---- inspect -------------------------------------------------------------------------------------
def cmd_inspect(args: argparse.Namespace) -> int:
    options = options_from_args(args)
    from .plan import inspect  # transformers (and torch) only if config.json alone is not enough

    document = inspect(options)
    if args.json:
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print(render_plan(document))
    return EXIT_OK


def _table(headers: list[str], rows: list[list[str]], indent: str = "  ") -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows)]
    lines = [indent + "  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append(indent + "  ".join("-" * w for w in widths))
    lines += [indent + "  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


def _axes(axes: dict[str, str]) -> str:
    return ", ".join(f"{axis}: {symbol}" for axis, symbol in axes.items()) or "static"


def render_plan(doc: dict) -> str:
    out = [
        f"Model       {doc['model']}",
        f"Model type  {doc['model_type']}",
        f"Task        {doc['task']}",
        f"Library     {doc['library']}",
        f"Files       {', '.join(doc['files'])}",
    ]
    for sub in doc["submodels"]:
        out += [
            "",
            f"[{sub['name']}]  {' → '.join(sub['class_chain'])}",
            f"  behavior {sub['behavior']} · use_past {sub['use_past']} · use_past_in_inputs {sub['use_past_in_inputs']}"
            f" · opset {sub['opset']} · atol {sub['atol']:g}",
            "",
            _table(
                ["input", "dtype", "dynamic axes", "dummy shape"],
                [
                    [name, sub["input_dtypes"].get(name, ""), _axes(axes), "×".join(map(str, sub["dummy_shapes"].get(name, [])))]
                    for name, axes in sub["inputs"].items()
                ],
            ),
            "",
            _table(["output", "dynamic axes"], [[name, _axes(axes)] for name, axes in sub["outputs"].items()]),
        ]
    return "\n".join(out)


# ---- tasks / models ------------------------------------------------------------------------------
def cmd_tasks(args: argparse.Namespace) -> int:
    from . import registry, tasks

    names = registry.supported_tasks(args.model_type) if args.model_type else tasks.all_task_names()
    if args.json:
        print(json.dumps(names))
    else:
        print("\n".join(names))
    return EXIT_OK


def cmd_models(args: argparse.Namespace) -> int:
    from . import registry

    table = registry.model_table()
    if args.json:
        print(json.dumps(table, indent=2))
    else:
        print(_table(["model type", "config class", "tasks"], [[r["model_type"], r["config_class"], ", ".join(r["tasks"])] for r in table], indent=""))
    return EXIT_OK


# ---- export --------------------------------------------------------------------------------------
def cmd_export(args: argparse.Namespace) -> int:
    try:
        options = options_from_args(args)
    except ExportError as exc:
        if args.json_events:  # a program reading the events learns of bad options there too
            from .events import error_event

            print(error_event(exc).to_json(), flush=True)
        raise
    from .progress import ConsoleReporter
    from .run import run_export

    reporter = ConsoleReporter(json_events=args.json_events, tty=sys.stderr.isatty())
    cancel = cancel_signals.install()  # SIGTERM and SIGHUP cancel like Ctrl-C: code 130, nothing left behind
    try:
        result = run_export(options, on_event=reporter, cancel=cancel)
    finally:
        cancel_signals.restore()
    reporter.close()
    return EXIT_OK if result.validation != "failed" else exit_code_for("validation_failed")


def cmd_serve(args: argparse.Namespace) -> int:
    from .server import serve

    def announce(line: str) -> None:
        print(line, flush=True)

    return serve(idle_timeout=args.idle_timeout, exit_with_stdin=args.exit_with_stdin, announce=announce)


def console_main() -> None:
    """The ``exportcore`` command: ``main()``, then exit without interpreter teardown.

    An export runs in ``exportcore serve``'s warm process when one is running. torch's teardown costs about a
    second after an export; everything is written and flushed by then.
    """
    argv = sys.argv[1:]
    code = None
    if argv[:1] == ["export"]:
        cancel_signals.install()  # from the first moment; `delegate` forwards the signals once a server runs it
        try:
            from .server import delegate

            code = delegate("cli", argv)
        except KeyboardInterrupt:
            code = _report(ExportError("cancelled"))
    if code is None:
        code = main(argv)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # closed pipe (`exportcore models | head`)
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    console_main()
