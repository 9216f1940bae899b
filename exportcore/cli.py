"""``exportcore`` command line: inspect, preflight, export, tasks, models, serve.

Errors print one line (and the next step) on stderr, never a traceback; exit codes are in
``exportcore.errors`` and the README.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence

from . import cancel_signals
from .errors import EXIT_OK, ExportError, exit_code_for
from .options import CLI_FLAGS, ExportOptions, add_option_arguments, options_from_namespace

#: The pre-flight also takes --variants (their estimated sizes), which does not change the plan ``inspect`` shows.
PREFLIGHT_EXTRA_FLAGS = tuple(flag for flag in CLI_FLAGS if flag.field == "variants")


#: A "--" that is a value, while argparse parses (no argument can hold a NUL, so none is mistaken for it).
_DASHES = "\0--"


class _Parser(argparse.ArgumentParser):
    """Usage mistakes read like every other error: one coded line and a next step, exit 2 (and, when the command
    line asks for JSON events, an error event on stdout)."""

    json_events = False  # set by main() from the raw arguments: parsing is what failed

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        """argparse (3.11) removes a "--" from every value, not only the one that ends the options: `exportcore
        export -- m --` gave the output folder "[]", `--revision=--` the revision "[]". After the first "--", a
        "--" is a value, and so is one after "=" (what ``ExportOptions.to_cli_args`` writes)."""
        args = list(sys.argv[1:] if args is None else args)
        end = args.index("--") + 1 if "--" in args else len(args)
        args = ([arg[:-2] + _DASHES if arg.startswith("-") and arg.endswith("=--") else arg for arg in args[:end]]
                + [_DASHES if arg == "--" else arg for arg in args[end:]])
        namespace, extras = super().parse_known_args(args, namespace)
        for name, value in vars(namespace).items():
            if value == _DASHES:
                setattr(namespace, name, "--")
        return namespace, ["--" if arg == _DASHES else arg for arg in extras]

    def error(self, message: str):  # type: ignore[override]
        error = ExportError("invalid_option", reason=message)
        if _Parser.json_events:
            from .events import error_event
            from .progress import write_json_line

            write_json_line(error_event(error).to_json())
        sys.exit(_report(error))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="exportcore", description="Export Hugging Face transformers models to validated ONNX.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    # The ExportOptions flags come from one table (options.CLI_FLAGS), which ExportOptions.to_cli_args writes too.
    p = sub.add_parser("inspect", help="show what an export would produce (config.json only, no weights)")
    add_option_arguments(p, "inspect")
    p.add_argument("--json", action="store_true", help="print one JSON document")

    p = sub.add_parser("preflight", help="what an export needs and whether it fits: download, disk, memory "
                       "(the Hub's metadata and config.json only, no weights)",
                       description="Check an export before it starts: supported or not (and why), the task, what is "
                       "still to download, free disk in the Hugging Face cache and beside OUTPUT, and an estimate of "
                       "the export's peak memory against the memory available (docs/preflight.md). Exit 0 when it "
                       "fits; otherwise the exit code `exportcore export` would refuse it with (2: not supported, "
                       "not enough memory; 3: not enough disk), after the figures.")
    add_option_arguments(p, "inspect")
    for flag in PREFLIGHT_EXTRA_FLAGS:
        flag.add_to(p)
    p.add_argument("output_dir", metavar="output", nargs="?", default="",
                   help="the output folder the export would write (its disk is checked too)")
    p.add_argument("--json", action="store_true", help="print the figures as one JSON document")

    p = sub.add_parser("export", help="export a model to ONNX and validate it")
    add_option_arguments(p, "export")
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
    return options_from_namespace(args, args.command)


def main(argv: Sequence[str] | None = None) -> int:
    _Parser.json_events = "--json-events" in (sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    try:
        if args.command == "inspect":
            return cmd_inspect(args)
        if args.command == "export":
            return cmd_export(args)
        if args.command == "preflight":
            return cmd_preflight(args)
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
    from .plan import light_config

    if light_config.table_missing():  # another transformers than the lock's: record its table once
        from .plan.light_config_build import record_table

        record_table(announce=lambda line: print(f"note: {line}", file=sys.stderr))
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


def _axes(axes: dict[str, str], fixed: dict[str, dict] | None = None) -> str:
    """``0: batch_size, 1: sequence_length`` with a model's fixed axes in it: ``1: sequence_length = 64 (fixed)``."""
    words = {axis: symbol for axis, symbol in axes.items()}
    words.update({axis: f"{entry['shape']} = {entry['size']} (fixed)" for axis, entry in (fixed or {}).items()})
    return ", ".join(f"{axis}: {words[axis]}" for axis in sorted(words, key=int)) or "static"


def _static_notes(sub: dict) -> list[str]:
    """One line per shape a model can only run at, with its size and why."""
    notes = {}
    for axes in (sub.get("static_axes") or {}).values():
        for entry in axes.values():
            notes.setdefault(entry["shape"], f"  fixed: {entry['shape']} = {entry['size']} — {entry['reason']}")
    return list(notes.values())


def render_plan(doc: dict) -> str:
    from .plan.task_choice import TASK_SOURCES

    out = [
        f"Model       {doc['model']}",
        f"Model type  {doc['model_type']}",
        f"Task        {doc['task']}",
        f"Task from   {TASK_SOURCES.get(doc.get('task_source') or '', '?')}",
        *([f"Config      {doc['configuration']} ({doc['configuration_note']})"] if doc.get("configuration_note") else []),
        f"Library     {doc['library']}" + (f" — {doc['library_note']}" if doc.get("library_note") else ""),
        f"Files       {', '.join(doc['files'])}",
    ]
    for sub in doc["submodels"]:
        fixed = sub.get("static_axes") or {}
        out += [
            "",
            f"[{sub['name']}]  {' → '.join(sub['class_chain'])}",
            f"  behavior {sub['behavior']} · use_past {sub['use_past']} · use_past_in_inputs {sub['use_past_in_inputs']}"
            f" · opset {sub['opset']} · atol {sub['atol']:g}",
            "",
            _table(
                ["input", "dtype", "dynamic axes", "dummy shape"],
                [
                    [name, sub["input_dtypes"].get(name, ""), _axes(axes, fixed.get(name)),
                     "×".join(map(str, sub["dummy_shapes"].get(name, [])))]
                    for name, axes in sub["inputs"].items()
                ],
            ),
            "",
            _table(["output", "dynamic axes"], [[name, _axes(axes, fixed.get(name))]
                                                for name, axes in sub["outputs"].items()]),
            *([""] + _static_notes(sub) if fixed else []),
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
    if args.json:  # the rows keep their three keys (a generic type's class is Generic…OnnxConfig)
        print(json.dumps([{key: r[key] for key in ("model_type", "tasks", "config_class")} for r in table], indent=2))
    else:
        rows = [[r["model_type"], r["config_class"], ", ".join(r["tasks"]),
                 "generic" if r["generic"] else ("derived: " + ", ".join(r["generic_tasks"])) if r["generic_tasks"]
                 else ""] for r in table]
        print(_table(["model type", "config class", "tasks", "kind"], rows, indent=""))
        generic = sum(1 for r in table if r["generic"])
        print(f"\n{len(table) - generic} hand-written, {generic} generic (derived, validated on export)")
    return EXIT_OK


# ---- export --------------------------------------------------------------------------------------
def cmd_export(args: argparse.Namespace) -> int:
    from .option_rules import refuse

    try:
        options = options_from_args(args)
        refuse(None, options)  # what no model can do, before the pre-flight asks the Hub
    except ExportError as exc:
        if args.json_events:  # a program reading the events learns of bad options there too
            from .events import error_event
            from .progress import write_json_line

            write_json_line(error_event(exc).to_json())
        raise
    from .progress import ConsoleReporter
    from .run import run_export

    reporter = ConsoleReporter(json_events=args.json_events, tty=sys.stderr.isatty())
    cancel = cancel_signals.install()  # SIGTERM and SIGHUP cancel like Ctrl-C: code 130, nothing left behind
    try:
        announce_preflight(options, reporter)
        result = run_export(options, on_event=reporter, cancel=cancel)
    finally:
        cancel_signals.restore()
    for line in fixed_size_notes(result.output_dir):
        reporter.note(line)
    reporter.close()
    return EXIT_OK if result.validation != "failed" else exit_code_for("validation_failed")


def fixed_size_notes(output_dir: Any) -> list[str]:
    """What the published plan says about sizes the files take only (a user must pad inputs to them)."""
    from . import safe_json

    try:
        plan = safe_json.read(Path(output_dir) / "export_plan.json")
    except (OSError, safe_json.BadJson):
        return []
    subs = plan.get("submodels") or [] if isinstance(plan, dict) else []
    return list(dict.fromkeys(line.strip() for sub in subs for line in _static_notes(sub)))


def announce_preflight(options: ExportOptions, reporter: Any) -> None:
    """The task (and where it came from) and what is to download, before the run starts. The run makes the same
    pre-flight (reused, not repeated) and refuses there, in its order, with its events: here nothing is refused."""
    from .hub import format_size
    from .plan import preflight

    try:
        check = preflight.run(options)
    except ExportError:
        return  # the run reports it
    if not check.supported:
        return  # the run refuses it, before any download
    reporter.note(preflight.task_line(check))
    if check.variant_bytes:
        reporter.note("variants (estimates): " + ", ".join(f"{variant} about {format_size(size)}"
                                                           for variant, size in check.variant_bytes.items()))
    if check.download_files:
        reporter.note(f"download: {format_size(check.download_bytes)} in {check.download_files} file"
                      f"{'s' if check.download_files != 1 else ''} into {check.cache_dir} "
                      f"({format_size(check.cache_free_bytes)} free)")


# ---- preflight ------------------------------------------------------------------------------------
def cmd_preflight(args: argparse.Namespace) -> int:
    import dataclasses

    from .plan import preflight

    options = dataclasses.replace(options_from_args(args), output_dir=args.output_dir,
                                  **{flag.field: flag.from_namespace(args) for flag in PREFLIGHT_EXTRA_FLAGS})
    check = preflight.run(options, reuse=False)
    if args.json:
        print(json.dumps(check.to_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(preflight.summary_lines(check)))
    problems = ([check.unsupported] if check.unsupported else []) + check.refusals
    for problem in problems:
        _report(problem)
    return exit_code_for(problems[0].code) if problems else EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from . import worker
    from .serve.server import serve

    def announce(line: str) -> None:
        print(line, flush=True)

    return serve({"cli": main, "worker": worker.warm_main}, idle_timeout=args.idle_timeout,
                 exit_with_stdin=args.exit_with_stdin, announce=announce)


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
            from .serve.client import delegate

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
