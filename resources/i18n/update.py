"""Refresh the Qt Linguist files from the sources, then compile them.

    python resources/i18n/update.py            # lupdate (keeps existing translations) + lrelease
    python resources/i18n/update.py --release  # only compile .ts -> .qm

Translate with Qt Linguist (``pyside6-linguist resources/i18n/app_zh_TW.ts``) or any .ts editor. The compiled
.qm files are committed so that an installed app needs no Qt tools.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LANGUAGES = ("zh_TW",)


def tool(name: str) -> str:
    local = Path(sys.executable).with_name(name)
    return str(local) if local.exists() else (shutil.which(name) or name)


def main(argv: list[str]) -> int:
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "app").glob("*.py"))
    for lang in LANGUAGES:
        ts = HERE / f"app_{lang}.ts"
        if "--release" not in argv:
            subprocess.run([tool("pyside6-lupdate"), "-no-obsolete", *sources, "-ts", str(ts)], check=True, cwd=ROOT)
        subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(HERE / f"app_{lang}.qm")], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
