"""Before the window opens on Linux: is there a display, and are the system libraries of Qt's X11 (xcb) platform
plugin there?

Without a display (no ``DISPLAY``, no ``WAYLAND_DISPLAY``, no ``QT_QPA_PLATFORM``) Qt aborts with a core dump and
five lines about plugins; we say so in one line and what to do. Without the xcb libraries Qt aborts with a message
that blames ``libxcb-cursor0`` whatever is really missing (docs/facts.md, "The app"; decision 60). We ask ``ldd``
about PySide6's ``libqxcb.so`` (or, without ldd, try to load the libraries it links) and name the Debian packages to
install. Light module: no Qt import (QtCore only to find the plugin folder), runs before QApplication.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

#: Shared libraries the xcb plugin and the Qt libraries under it link (readelf -d), and the Debian/Ubuntu package
#: of each. packaging/build-linux.sh declares these packages in the .deb's Depends (tests/app/test_platform_check.py).
SONAME_PACKAGES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)
SKIP_ENV = "OES_SKIP_XCB_CHECK"


@dataclass(frozen=True)
class Missing:
    soname: str
    package: str


def debian_package(soname: str) -> str:
    """The Debian package that ships ``soname``: from the table, else by Debian's library naming rule
    (``libfoo.so.4`` -> ``libfoo4``, ``libfoo-x11.so.0`` -> ``libfoo-x11-0``)."""
    if soname in SONAME_PACKAGES:
        return SONAME_PACKAGES[soname]
    m = re.match(r"^(lib.+?)\.so\.(\d+)", soname)
    if not m:
        return soname
    name, major = m.group(1).lower(), m.group(2)
    return f"{name}-{major}" if name[-1].isdigit() else f"{name}{major}"


def will_use_xcb(env: dict[str, str] | None = None, platform: str | None = None) -> bool:
    """Whether Qt will load its xcb plugin: Linux, and neither QT_QPA_PLATFORM nor a Wayland session says
    otherwise (Qt 6 prefers Wayland when XDG_SESSION_TYPE=wayland)."""
    env = os.environ if env is None else env
    if not (platform or sys.platform).startswith("linux"):
        return False
    requested = env.get("QT_QPA_PLATFORM", "").strip()
    if requested:
        return requested.split(";")[0].split(":")[0].strip() == "xcb"
    return not (env.get("XDG_SESSION_TYPE") == "wayland" and env.get("WAYLAND_DISPLAY"))


def xcb_plugin_path() -> Path | None:
    try:
        from PySide6.QtCore import QLibraryInfo

        folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    except Exception:  # noqa: BLE001
        import PySide6

        folder = Path(PySide6.__file__).parent / "Qt" / "plugins"
    path = folder / "platforms" / "libqxcb.so"
    return path if path.is_file() else None


def missing_libraries(plugin: Path | None = None, *, ldd: str | None = None) -> list[Missing]:
    """The libraries the xcb plugin needs and the dynamic loader cannot find (empty when all are there)."""
    plugin = plugin or xcb_plugin_path()
    if plugin is None:
        return []
    ldd = ldd if ldd is not None else shutil.which("ldd")
    if ldd:
        try:
            out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20).stdout
        except (OSError, subprocess.SubprocessError):
            out = None
        if out is not None:
            names = list(dict.fromkeys(_NOT_FOUND.findall(out)))
            return [Missing(n, debian_package(n)) for n in names]
    missing = []
    for soname in SONAME_PACKAGES:
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append(Missing(soname, debian_package(soname)))
    return missing


def report(missing: list[Missing]) -> str:
    packages = list(dict.fromkeys(m.package for m in missing))
    lines = ["ONNX Export Studio cannot open its window: Qt's X11 (xcb) platform plugin needs system libraries "
             "that are not installed:"]
    lines += [f"  {m.soname}  (Debian/Ubuntu package {m.package})" for m in missing]
    lines += ["Install them, then start the app again:", f"  sudo apt-get install {' '.join(packages)}",
              "(Qt's own message blames libxcb-cursor0 whatever is missing; the list above is what the loader "
              f"cannot find. {SKIP_ENV}=1 skips this check.)"]
    return "\n".join(lines)


NO_DISPLAY = ("ONNX Export Studio cannot open its window: there is no display (DISPLAY and WAYLAND_DISPLAY are not "
              "set). Start it from a desktop session (or over ssh -X), or run it under a virtual one with "
              "'xvfb-run onnx-export-studio'; without a window, use the exportcore command or "
              "'onnx-export-studio --self-test'.")


def no_display(env: dict[str, str] | None = None, platform: str | None = None) -> bool:
    """Whether Qt would find no display to open a window on: Linux, neither ``DISPLAY`` nor ``WAYLAND_DISPLAY``,
    and no ``QT_QPA_PLATFORM`` other than xcb or wayland (offscreen, vnc… need none)."""
    env = os.environ if env is None else env
    if not (platform or sys.platform).startswith("linux"):
        return False
    requested = env.get("QT_QPA_PLATFORM", "").strip().split(";")[0].split(":")[0].strip()
    if requested and not requested.startswith(("xcb", "wayland")):
        return False
    return not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def check_before_qapplication(env: dict[str, str] | None = None, stream=None) -> bool:
    """True when the window may be created; else prints what is missing (libraries to install, or the display) and
    returns False."""
    env = os.environ if env is None else env
    stream = stream or sys.stderr
    if not env.get(SKIP_ENV) and will_use_xcb(env):
        missing = missing_libraries()
        if missing:  # said first: a display alone would not help
            print(report(missing), file=stream, flush=True)
            return False
    if no_display(env):
        print(NO_DISPLAY, file=stream, flush=True)
        return False
    return True
