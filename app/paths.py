"""Where the app finds its resources and the exportcore child processes (source checkout or frozen bundle)."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

#: Environment variables that replace the child-process commands (tests, packaging, debugging).
WORKER_CMD_ENV = "OES_WORKER_CMD"
INSPECT_CMD_ENV = "OES_INSPECT_CMD"
ENGINE_CMD_ENV = "OES_ENGINE_CMD"

#: Modules ``python -m app`` / the frozen executable may be asked to run instead of the GUI (see app.__main__).
CHILD_MODULES = ("exportcore.worker", "exportcore.inspect_server", "exportcore")


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def project_root() -> Path:
    if is_frozen():
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).resolve().parent))
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return project_root() / "resources"


def i18n_dir() -> Path:
    return resources_dir() / "i18n"


def demo_models_dir() -> Path:
    return resources_dir() / "demo_models"


def module_command(module: str, env_var: str | None = None) -> list[str]:
    """The argv that runs ``python -m module``.

    From a source checkout or a venv that is ``sys.executable -m module``. In a frozen bundle ``sys.executable`` is
    the app itself, whose ``main()`` recognises ``-m <module>`` for the modules in :data:`CHILD_MODULES`, so the same
    command works there. ``env_var`` (a shell-quoted command line) overrides both.
    """
    override = os.environ.get(env_var) if env_var else None
    if override:
        return shlex.split(override)
    return [sys.executable, "-m", module]


def worker_command() -> list[str]:
    return module_command("exportcore.worker", WORKER_CMD_ENV)


def inspect_server_command() -> list[str]:
    return module_command("exportcore.inspect_server", INSPECT_CMD_ENV)


def engine_command() -> list[str]:
    """``exportcore`` (its CLI); the engine adds ``serve --exit-with-stdin``."""
    return module_command("exportcore", ENGINE_CMD_ENV)


def child_environment() -> dict[str, str]:
    """Environment for child processes: unbuffered output, and our sources importable from a checkout."""
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("PYTHONIOENCODING", "utf-8")
    if not is_frozen():
        root = str(project_root())
        parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        if root not in parts:
            env["PYTHONPATH"] = os.pathsep.join([root, *parts])
    return env
