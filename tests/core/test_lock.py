"""The lock (constraints.txt) pins everything the project installs, and the test environment is the locked one.

A commit must install exactly what it was tested with: README's commands, .ci/run and packaging/ install with
``-c constraints.txt``. .ci/refresh-lock tries newer releases with ``OES_UNLOCKED=1`` (then the versions differ).
"""

from __future__ import annotations

import os
import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep and version and not re.search(r"[<>!~,;\s]", version), f"not an exact pin: {line!r}"
            pins[canonicalize_name(name)] = version
    return pins


def _project_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"].values()
    return [Requirement(text) for text in [*project["dependencies"], *(r for extra in extras for r in extra)]]


def _installed_closure(requirements: list[Requirement]) -> dict[str, str]:
    """Every installed distribution the project's requirements pull in, with its version."""
    seen: dict[str, str] = {}
    todo = [r for r in requirements if r.marker is None or r.marker.evaluate()]
    while todo:
        name = canonicalize_name(todo.pop().name)
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an extra this environment did not install (e.g. packaging's PyInstaller)
        seen[name] = dist.version
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req)
    return seen


def test_every_project_requirement_is_pinned_and_allowed_by_pyproject():
    pins = _lock()
    for requirement in _project_requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in constraints.txt: run .ci/refresh-lock --lock-only"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {name}=={pins[name]}, which pyproject.toml's {requirement} excludes")


@pytest.mark.skipif(bool(os.environ.get("OES_UNLOCKED")), reason="trying newer releases (.ci/refresh-lock)")
def test_the_installed_environment_is_the_locked_one():
    pins = _lock()
    for name, version in _installed_closure(_project_requirements()).items():
        assert name in pins, f"{name} {version} is installed by the project but not locked"
        assert version.split("+")[0] == pins[name], (
            f"{name} {version} is installed but constraints.txt pins {pins[name]}: install with -c constraints.txt")


@pytest.mark.parametrize("args", [["--chek"], ["--check", "--lock-only"], ["check"]], ids=["typo", "two", "no-dashes"])
def test_refresh_lock_refuses_an_unknown_argument_instead_of_writing_the_lock(args, tmp_path):
    """Any argument but --check and --lock-only used to mean write mode: a typo rebuilt .venv-newest and wrote
    constraints.txt. A copy of the script runs in an empty folder, so a regression cannot touch this checkout."""
    import shutil
    import subprocess

    (tmp_path / ".ci").mkdir()
    script = shutil.copy(ROOT / ".ci" / "refresh-lock", tmp_path / ".ci" / "refresh-lock")
    proc = subprocess.run(["bash", script, *args], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "usage: .ci/refresh-lock [--check | --lock-only]" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".ci"], "it went on to do something"


def test_every_documented_install_of_the_project_uses_the_lock():
    """macOS's and Windows' READMEs and build-macos.sh's header still said `pip install -e '.[app,packaging]'`."""
    places = [ROOT / "README.md", ROOT / ".ci" / "run", *sorted((ROOT / "packaging").glob("*.sh")),
              *sorted((ROOT / "packaging").glob("*/README.md")), *sorted((ROOT / "packaging").glob("*/*.sh")),
              *sorted((ROOT / ".github" / "workflows").glob("*.yml"))]
    installs = []
    for path in places:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"pip install .*-e ['\"]?(\.|\$ROOT)", line):
                installs.append((path.relative_to(ROOT).as_posix(), number, line))
    assert len(installs) >= 6, installs
    unlocked = [(path, number) for path, number, line in installs if "-c constraints.txt" not in line
                and "-c \"$ROOT/constraints.txt\"" not in line]
    assert not unlocked, unlocked
