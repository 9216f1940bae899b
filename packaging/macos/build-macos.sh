#!/usr/bin/env bash
# macOS: ONNX Export Studio.app (the Linux spec + its BUNDLE step) and a drag-to-Applications .dmg.
# NOT run on the project's machines (Linux only): exercised by .github/workflows/packaging.yml on macos-latest.
#
#   python3.11 -m venv .venv && .venv/bin/pip install -c constraints.txt -e '.[app,packaging]'   # the lock
#   bash packaging/macos/build-macos.sh
#
# Output: packaging/dist/ONNX Export Studio.app and packaging/dist/onnx-export-studio-<version>-macos-<arch>.dmg
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PY="${OES_BUILD_PYTHON:-$ROOT/.venv/bin/python}"
VERSION=$("$PY" -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])")
APP="packaging/dist/ONNX Export Studio.app"
DMG="packaging/dist/onnx-export-studio-$VERSION-macos-$(uname -m).dmg"

"$PY" -m PyInstaller --noconfirm --clean --distpath packaging/dist --workpath packaging/build/pyinstaller \
    packaging/onnx-export-studio.spec

# the worker child process is the app's own executable: prove it offline before packing
HF_HUB_OFFLINE=1 "$APP/Contents/MacOS/onnx-export-studio" --self-test

# Ad-hoc signature so Apple silicon runs it; a Developer ID signature + notarization would replace this for
# distribution (codesign --sign "Developer ID Application: …" --options runtime, then xcrun notarytool submit).
codesign --force --deep --sign - "$APP"

STAGE=$(mktemp -d)
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "ONNX Export Studio" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"
rm -rf "$STAGE"
du -sh "$APP" "$DMG"
