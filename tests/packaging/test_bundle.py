"""The frozen bundle, its .tar.gz and its .deb, exercised as a user would (marker ``packaging``: opt-in, minutes).

    python -m pytest -m packaging tests/packaging                 # builds with packaging/build-linux.sh (~5 min)
    OES_PACKAGING_REUSE=1 python -m pytest -m packaging tests/packaging
                                                                  # reuse packaging/dist/ if newer than the sources
    OES_PACKAGING_REUSE=force …                                   # reuse it whatever changed since

With pytest-xdist workers (pyproject's addopts) the first worker builds and the others wait for it (a file lock).

The build uses ``$OES_BUILD_PYTHON`` if set, else this interpreter (it must have the project's dependencies; the
build script installs the pinned PyInstaller into it if missing). Every run of the app happens in a clean
environment: a temporary HOME, no PYTHONPATH, ``HF_HUB_OFFLINE=1`` — nothing from the build machine's Python is
reachable. The .deb tests install the package system-wide with ``dpkg -i`` (root only) and remove it again.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging

REPO = Path(__file__).resolve().parents[2]
DIST = REPO / "packaging" / "dist"
NAME = "onnx-export-studio"
INFO = DIST / "build-info.json"
#: A change to any of these makes an earlier build stale (for OES_PACKAGING_REUSE=1).
SOURCES = [REPO / "app", REPO / "exportcore", REPO / "resources", REPO / "packaging" / f"{NAME}.spec",
           REPO / "packaging" / "launcher.py", REPO / "packaging" / "build-linux.sh", REPO / "packaging" / "linux",
           REPO / "pyproject.toml"]


def _newest_source_mtime() -> float:
    newest = 0.0
    for src in SOURCES:
        paths = [src] if src.is_file() else [p for p in src.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        newest = max([newest, *(p.stat().st_mtime for p in paths)])
    return newest


def _fresh_build() -> dict | None:
    if not INFO.is_file():
        return None
    info = json.loads(INFO.read_text())
    needed = [Path(info["bundle"]) / NAME, info.get("targz"), info.get("deb")]
    if not all(p and Path(p).is_file() for p in needed):
        return None
    if os.environ.get("OES_PACKAGING_REUSE") != "force" and INFO.stat().st_mtime < _newest_source_mtime():
        return None
    return info


#: When this test process started: a build finished after it was made for this run (by this or another xdist worker).
SESSION_START = time.time()


@pytest.fixture(scope="module")
def build() -> dict:
    """One build per test run, even with pytest-xdist workers: they take a lock, the first one builds."""
    DIST.mkdir(parents=True, exist_ok=True)
    with open(DIST / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if INFO.is_file() and INFO.stat().st_mtime >= SESSION_START:
                return json.loads(INFO.read_text())  # another worker built it for this run
            if os.environ.get("OES_PACKAGING_REUSE"):
                info = _fresh_build()
                if info:
                    print(f"reusing the build of {info['built']} ({INFO})")
                    return info
                print("no fresh build to reuse: building")
            env = {**os.environ, "OES_SKIP_SELF_TEST": "1"}  # the tests below run it, in a cleaner environment
            env.setdefault("OES_BUILD_PYTHON", sys.executable)
            out = subprocess.run(["bash", str(REPO / "packaging" / "build-linux.sh")], env=env, cwd=str(REPO),
                                 capture_output=True, text=True, timeout=2400)
            assert out.returncode == 0, f"build-linux.sh failed:\n{out.stdout[-5000:]}\n{out.stderr[-5000:]}"
            print(out.stdout[-2000:])
            return json.loads(INFO.read_text())
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """What a freshly logged-in user has: no Python variables, nothing of the build machine's venv."""
    home.mkdir(parents=True, exist_ok=True)
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", "HF_HUB_OFFLINE": "1",
            "TMPDIR": str(home), **extra}


def run(cmd: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    start = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, cwd=env["HOME"])
    print(f"$ {' '.join(cmd)}  [{time.perf_counter() - start:.1f} s, exit {out.returncode}]\n{out.stdout}")
    return out


def assert_self_test_passed(out: subprocess.CompletedProcess) -> None:
    assert out.returncode == 0, out.stdout + out.stderr[-3000:]
    assert "SELF-TEST PASSED" in out.stdout
    assert "frozen bundle" in out.stdout
    assert "validation: passed" in out.stdout
    assert "model.onnx" in out.stdout


# ----------------------------------------------------------------------------------------------- the bundle itself
def test_bundle_self_test_offline(build, tmp_path):
    exe = Path(build["bundle"]) / NAME
    out = run([str(exe), "--self-test"], clean_env(tmp_path / "home"))
    assert_self_test_passed(out)
    assert (tmp_path / "home" / ".cache" / NAME / "demo_models" / "tiny-bert" / ".complete").is_file()


def test_bundle_self_test_dynamo_exporter(build, tmp_path):
    """The dynamo exporter needs onnxscript's and onnx_ir's sources in the bundle (docs/facts.md)."""
    exe = Path(build["bundle"]) / NAME
    out = run([str(exe), "--self-test", "--dynamo"], clean_env(tmp_path / "home"))
    assert_self_test_passed(out)


def test_bundle_window_shows_without_torch(build, tmp_path):
    exe = Path(build["bundle"]) / NAME
    env = clean_env(tmp_path / "home", QT_QPA_PLATFORM="offscreen", OES_SETTINGS_FILE=str(tmp_path / "s.ini"))
    out = run([str(exe), "--exit-when-shown"], env, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    shown = [line for line in out.stdout.splitlines() if line.startswith("window-shown")]
    assert shown, out.stdout + out.stderr[-3000:]
    assert "torch=False" in shown[0] and "transformers=False" in shown[0]


def test_bundle_runs_the_command_line_and_the_inspect_server(build, tmp_path):
    exe = str(Path(build["bundle"]) / NAME)
    env = clean_env(tmp_path / "home")
    out = run([exe, "-m", "exportcore", "models"], env, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "bert" in out.stdout and "gpt2" in out.stdout
    request = json.dumps({"id": 1, "model": "demo:tiny-gpt2", "options": {}}) + "\n"
    proc = subprocess.run([exe, "-m", "exportcore.inspect_server"], input=request, env=env, capture_output=True,
                          text=True, timeout=300, cwd=env["HOME"])
    replies = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert replies and replies[0].get("ready") is True, proc.stdout + proc.stderr[-3000:]
    plan = next(r for r in replies if r.get("id") == 1)
    assert plan.get("plan", {}).get("model_type") == "gpt2", plan


# ----------------------------------------------------------------------------------------------- .tar.gz
def test_targz_extracts_and_runs(build, tmp_path):
    archive = Path(build["targz"])
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        assert f"{NAME}/{NAME}" in names
        assert all(n == NAME or n.startswith(f"{NAME}/") for n in names)
        tar.extractall(tmp_path / "x", filter="tar")
    exe = tmp_path / "x" / NAME / NAME
    out = run([str(exe), "--self-test"], clean_env(tmp_path / "home"))
    assert_self_test_passed(out)


# ----------------------------------------------------------------------------------------------- .deb
def _dpkg_status(package: str) -> str:
    out = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return out.stdout.strip() if out.returncode == 0 else ""


@pytest.mark.skipif(not shutil.which("dpkg") or os.geteuid() != 0, reason="needs dpkg and root")
def test_deb_installs_runs_and_uninstalls_cleanly(build, tmp_path):
    deb = Path(build["deb"])
    fields = subprocess.run(["dpkg-deb", "--field", str(deb), "Package", "Version", "Installed-Size"],
                            capture_output=True, text=True, check=True).stdout
    assert f"Package: {NAME}" in fields
    installed_kib = int(fields.split("Installed-Size:")[1].split()[0])
    assert installed_kib * 1024 <= 1.5 * 1024**3, f"installed size {installed_kib} KiB over the 1.5 GB goal"

    if "installed" in _dpkg_status(NAME):  # a leftover from an earlier run: start from nothing
        subprocess.run(["dpkg", "-r", NAME], check=True, capture_output=True)
    installed = subprocess.run(["dpkg", "-i", str(deb)], capture_output=True, text=True)
    try:
        assert installed.returncode == 0, installed.stdout + installed.stderr
        assert _dpkg_status(NAME) == "install ok installed"
        files = subprocess.run(["dpkg", "-L", NAME], capture_output=True, text=True, check=True).stdout.split("\n")
        files = [f for f in files if f.strip()]

        launcher = Path("/usr/bin") / NAME
        assert launcher.exists() and os.access(launcher, os.X_OK)
        desktop = Path("/usr/share/applications") / f"{NAME}.desktop"
        icon = Path("/usr/share/icons/hicolor/256x256/apps") / f"{NAME}.png"
        assert desktop.is_file() and icon.is_file()
        entry = desktop.read_text()
        assert "Exec=onnx-export-studio" in entry and f"Icon={NAME}" in entry and "Type=Application" in entry
        assert icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        if shutil.which("desktop-file-validate"):
            check = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
            assert check.returncode == 0, check.stdout + check.stderr

        # the launcher on PATH, as a user starts it (PATH lookup, clean HOME, offline)
        out = run([NAME, "--self-test"], clean_env(tmp_path / "home"))
        assert_self_test_passed(out)
        assert "/opt/onnx-export-studio/onnx-export-studio -m exportcore.worker" not in out.stdout  # only on failure
        window = run([NAME, "--exit-when-shown"], clean_env(tmp_path / "home2", QT_QPA_PLATFORM="offscreen"),
                     timeout=120)
        assert "window-shown" in window.stdout, window.stderr[-3000:]
    finally:
        removed = subprocess.run(["dpkg", "-r", NAME], capture_output=True, text=True)
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert _dpkg_status(NAME) in ("", "unknown ok not-installed", "deinstall ok config-files")
    shared_dirs = {"/.", "/opt", "/usr", "/usr/bin", "/usr/share", "/usr/share/applications", "/usr/share/doc",
                   "/usr/share/icons", "/usr/share/icons/hicolor", "/usr/share/icons/hicolor/256x256",
                   "/usr/share/icons/hicolor/256x256/apps"}
    left = [f for f in files if f not in shared_dirs and os.path.lexists(f)]
    assert not left, f"left behind after dpkg -r: {left[:20]}"
    assert not Path("/opt/onnx-export-studio").exists()
    assert not Path("/usr/bin/onnx-export-studio").exists()
    # dpkg keeps a removed package that has maintainer scripts as "config-files" until it is purged: purge it too,
    # so that the machine's package database is as before the test
    purged = subprocess.run(["dpkg", "--purge", NAME], capture_output=True, text=True)
    assert purged.returncode == 0, purged.stdout + purged.stderr
    assert _dpkg_status(NAME) in ("", "unknown ok not-installed")
