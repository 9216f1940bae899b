"""Start-up on a machine without the xcb plugin's libraries, the .deb's Depends, and --self-test from source."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import fake_worker_cmd

from app import platform_check
from app.platform_check import Missing, debian_package, missing_libraries, will_use_xcb

ROOT = Path(__file__).resolve().parents[2]

FAKE_LDD = """#!/bin/sh
echo "	libQt6XcbQpa.so.6 => /somewhere/libQt6XcbQpa.so.6 (0x0000)"
echo "	libxcb-icccm.so.4 => not found"
echo "	libxcb-keysyms.so.1 => not found"
echo "	libxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x0000)"
"""


def fake_ldd(folder: Path) -> Path:
    path = folder / "ldd"
    path.write_text(FAKE_LDD)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def test_which_platform_loads_xcb():
    assert will_use_xcb({}, "linux")
    assert will_use_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert not will_use_xcb({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not will_use_xcb({"QT_QPA_PLATFORM": "wayland;xcb"}, "linux")
    assert not will_use_xcb({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not will_use_xcb({}, "darwin") and not will_use_xcb({}, "win32")


def test_sonames_become_debian_packages():
    assert debian_package("libxcb-icccm.so.4") == "libxcb-icccm4"
    assert debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert debian_package("libglib-2.0.so.0") == "libglib2.0-0"
    assert debian_package("libxcb-ewmh.so.2") == "libxcb-ewmh2"  # not in the table: Debian's naming rule
    assert debian_package("libfoo5.so.1") == "libfoo5-1"


def test_missing_libraries_are_named_with_the_apt_command(tmp_path):
    plugin = tmp_path / "libqxcb.so"
    plugin.write_bytes(b"\x7fELF")
    missing = missing_libraries(plugin, ldd=str(fake_ldd(tmp_path)))
    assert missing == [Missing("libxcb-icccm.so.4", "libxcb-icccm4"), Missing("libxcb-keysyms.so.1", "libxcb-keysyms1")]
    text = platform_check.report(missing)
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in text
    assert "libxcb-keysyms.so.1" in text


def test_the_real_plugin_resolves_here():
    plugin = platform_check.xcb_plugin_path()
    assert plugin is not None and plugin.name == "libqxcb.so"
    if shutil.which("ldd"):
        assert missing_libraries(plugin) == []  # this machine has them (the test setup installs them)


def test_app_start_names_the_missing_package_instead_of_aborting(tmp_path):
    """The README's command on a machine without libxcb-icccm4: a clear message and exit 1, no Qt abort."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_ldd(bin_dir)
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "DISPLAY")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", PYTHONPATH=str(ROOT), XDG_SESSION_TYPE="x11",
               OES_SETTINGS_FILE=str(tmp_path / "s.ini"))
    out = subprocess.run([sys.executable, "-m", "app"], capture_output=True, text=True, env=env, timeout=60,
                         cwd=str(ROOT))
    assert out.returncode == 1, out.stderr
    assert "libxcb-icccm4" in out.stderr and "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in out.stderr
    assert "xcb-cursor0 or libxcb-cursor0 is needed" not in out.stderr  # Qt never got to abort


def _deb_depends() -> set[str]:
    script = (ROOT / "packaging" / "build-linux.sh").read_text(encoding="utf-8")
    line = re.search(r"^Depends: (.*)$", script, re.MULTILINE).group(1)
    names = set()
    for part in line.split(","):
        for alternative in part.split("|"):
            names.add(alternative.strip().split(" ")[0])
    return names


def test_the_deb_declares_every_library_of_the_xcb_plugin():
    depends = _deb_depends()
    assert not set(platform_check.SONAME_PACKAGES.values()) - depends
    plugin = platform_check.xcb_plugin_path()
    readelf = shutil.which("readelf")
    if plugin is None or readelf is None:
        pytest.skip("needs PySide6's xcb plugin and readelf")
    qt_lib = plugin.parents[2] / "lib"
    needed = set()
    for path in (plugin, qt_lib / "libQt6XcbQpa.so.6", qt_lib / "libQt6Gui.so.6"):
        dynamic = subprocess.run([readelf, "-d", str(path)], capture_output=True, text=True).stdout
        needed |= set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dynamic))
    base = {"libc.so.6", "libm.so.6", "libgcc_s.so.1", "libstdc++.so.6", "libz.so.1", "libzstd.so.1",
            "ld-linux-x86-64.so.2"}
    system = {n for n in needed if not n.startswith("libQt6") and not n.startswith("libicu") and n not in base}
    assert not system - set(platform_check.SONAME_PACKAGES), "add these to SONAME_PACKAGES and the .deb"


def test_self_test_from_a_source_install(tmp_path):
    """`python -m app --self-test` (the source install's `onnx-export-studio --self-test` runs the same main)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OES_WORKER_CMD": " ".join(fake_worker_cmd()),
           "OES_SETTINGS_FILE": str(tmp_path / "s.ini")}
    out = subprocess.run([sys.executable, "-m", "app", "--self-test", "--timeout", "60"], capture_output=True,
                         text=True, env=env, timeout=120, cwd=str(ROOT))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "unrecognized arguments" not in out.stderr
    assert "SELF-TEST PASSED" in out.stdout


def test_which_environments_have_no_display():
    from app.platform_check import no_display

    assert no_display({}, "linux")
    assert no_display({"QT_QPA_PLATFORM": "xcb"}, "linux") and no_display({"QT_QPA_PLATFORM": "wayland"}, "linux")
    assert not no_display({"DISPLAY": ":0"}, "linux") and not no_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not no_display({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not no_display({}, "darwin") and not no_display({}, "win32")


def test_app_start_without_a_display_says_so_in_one_line(tmp_path):
    """No DISPLAY, no WAYLAND_DISPLAY, no QT_QPA_PLATFORM: one line saying what is wrong and what to do, exit 1,
    instead of Qt's abort (a core dump, exit 134, five lines about plugins)."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "DISPLAY")}
    env.update(PYTHONPATH=str(ROOT), OES_SETTINGS_FILE=str(tmp_path / "s.ini"), XDG_SESSION_TYPE="tty",
               OES_SKIP_XCB_CHECK="1")  # only the display is missing here
    out = subprocess.run([sys.executable, "-m", "app"], capture_output=True, text=True, env=env, timeout=60,
                         cwd=str(ROOT))
    assert out.returncode == 1, (out.returncode, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "no display" in lines[0] and "xvfb-run" in lines[0] and "--self-test" in lines[0]
    assert "qt.qpa" not in out.stderr and "Traceback" not in out.stderr and out.stdout == ""
