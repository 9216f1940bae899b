#!/usr/bin/env bash
# Build ONNX Export Studio for Linux from a clean checkout: a PyInstaller onedir bundle, a .tar.gz of it and a .deb.
#
#   bash packaging/build-linux.sh            # everything (≈5 min on 2 cores, plus the venv the first time)
#
# Outputs (git-ignored), in packaging/dist/:
#   onnx-export-studio/                                  the bundle: run ./onnx-export-studio (or --self-test)
#   onnx-export-studio-<version>-linux-x86_64.tar.gz     the bundle as an archive
#   onnx-export-studio_<version>_amd64.deb               /opt/onnx-export-studio, /usr/bin launcher, menu entry, icon
#   build-info.json                                      what was built and measured (read by tests and measure.py)
#
# Python used for the build, first match wins:
#   $OES_BUILD_PYTHON   an interpreter that already has the project's dependencies (e.g. a CI venv)
#   .venv/bin/python    the developer venv the README sets up
#   packaging/build/venv   created here: pip install -c constraints.txt -e '.[app,packaging]' (the lock)
# PyInstaller is installed into that environment at the version pinned in pyproject's `packaging` extra if missing.
#
# Other knobs: OES_SKIP_SELF_TEST=1 (don't run the bundle's --self-test after building), OES_SKIP_DEB=1,
# OES_SKIP_TARGZ=1, OES_SKIP_PYINSTALLER=1 (repackage the existing bundle), OES_UNLOCKED=1 (build from versions
# other than the lock's: .ci/refresh-lock), OES_NO_APT=1 (don't apt-get the two xcb libraries the Qt xcb plugin needs if missing),
# OES_DEB_COMPRESSION=zstd|xz|gzip and OES_DEB_LEVEL (default zstd level 6: ~25 s and 266 MB here, where xz took
# 14 min for 221 MB; every dpkg on a system new enough for the bundle's glibc floor reads zstd).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PKG="$ROOT/packaging"
BUILD="$PKG/build"
DIST="$PKG/dist"
NAME="onnx-export-studio"
mkdir -p "$BUILD" "$DIST"

log() { printf '\n==> %s\n' "$*"; }
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }
T_START=$(now)

# ------------------------------------------------------------------------------------------- build environment
if [[ -n "${OES_BUILD_PYTHON:-}" ]]; then
    PY="$OES_BUILD_PYTHON"
elif [[ -x "$ROOT/.venv/bin/python" ]]; then
    PY="$ROOT/.venv/bin/python"
else
    PY="$BUILD/venv/bin/python"
    if [[ ! -x "$PY" ]]; then
        log "creating the build venv in $BUILD/venv"
        python3 -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 needed"'
        python3 -m venv "$BUILD/venv"
        "$PY" -m pip install --upgrade pip
    fi
    log "installing the project and its dependencies into the build venv (the lock: constraints.txt)"
    "$PY" -m pip install -c "$ROOT/constraints.txt" -e "$ROOT[app,packaging]"
fi
# The pinned PyInstaller (pyproject.toml, [project.optional-dependencies] packaging).
mapfile -t PINS < <("$PY" - "$ROOT/pyproject.toml" <<'EOF'
import sys, tomllib
for req in tomllib.load(open(sys.argv[1], "rb"))["project"]["optional-dependencies"]["packaging"]:
    print(req)
EOF
)
if ! "$PY" - "${PINS[@]}" <<'EOF'
import sys
from importlib.metadata import version, PackageNotFoundError
for pin in sys.argv[1:]:
    name, _, want = pin.partition("==")
    try:
        have = version(name)
    except PackageNotFoundError:
        have = None
    if have != want:
        sys.exit(1)
EOF
then
    log "installing ${PINS[*]}"
    "$PY" -m pip install -c "$ROOT/constraints.txt" "${PINS[@]}"
fi
# Installers are built from the lock: a bundle of versions nobody tested is not shipped. (.ci/refresh-lock builds
# one from the newest versions on purpose, with OES_UNLOCKED=1.)
if [[ -z "${OES_UNLOCKED:-}" ]] && ! "$PY" - "$ROOT/constraints.txt" <<'EOF'
import sys
from importlib.metadata import PackageNotFoundError, version

pins = dict(line.strip().split("==", 1) for line in open(sys.argv[1]) if "==" in line and not line.startswith("#"))
wrong = []
for name in ("torch", "transformers", "tokenizers", "huggingface_hub", "kernels", "onnx", "onnxruntime",
             "onnxscript", "onnx-ir", "PySide6_Essentials", "pyinstaller"):
    try:
        have = version(name).split("+")[0]
    except PackageNotFoundError:
        have = None
    if have != pins.get(name):
        wrong.append(f"{name} {have} (lock: {pins.get(name, '?')})")
if wrong:
    sys.exit("error: the build environment is not the lock (constraints.txt): " + ", ".join(wrong)
             + "\n  install it with: pip install -c constraints.txt -e '.[app,packaging]'")
EOF
then
    exit 1
fi
VERSION=$("$PY" -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])")
PYI_VERSION=$("$PY" -c "import PyInstaller; print(PyInstaller.__version__)")
echo "python: $PY ($("$PY" -c 'import sys; print(sys.version.split()[0])')), PyInstaller $PYI_VERSION, version $VERSION"

# The Qt xcb platform plugin links libxcb-icccm4 and libxcb-keysyms1; when they are on the build machine PyInstaller
# bundles them (the other xcb libraries usually are), so the .tar.gz runs on desktops that lack them.
missing_xcb=()
LDCACHE=$( (ldconfig -p || /sbin/ldconfig -p) 2>/dev/null || true)
for lib in libxcb-icccm.so.4:libxcb-icccm4 libxcb-keysyms.so.1:libxcb-keysyms1; do
    grep -qF "${lib%%:*}" <<<"$LDCACHE" || missing_xcb+=("${lib##*:}")
done
if (( ${#missing_xcb[@]} )); then
    if [[ -z "${OES_NO_APT:-}" && $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        log "installing ${missing_xcb[*]} so that the bundle carries them"
        apt-get install -y --no-install-recommends "${missing_xcb[@]}" >/dev/null \
            || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${missing_xcb[@]}" >/dev/null; }
    else
        echo "warning: ${missing_xcb[*]} missing: the bundle will need them on the user's machine" >&2
    fi
fi

# ------------------------------------------------------------------------------------------- PyInstaller
BUNDLE="$DIST/$NAME"
PYI_REUSED=false
if [[ -n "${OES_SKIP_PYINSTALLER:-}" && -x "$BUNDLE/$NAME" ]]; then
    log "reusing the bundle in $BUNDLE (OES_SKIP_PYINSTALLER)"
    PYI_REUSED=true
    T_PYI=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['seconds']['pyinstaller'] or '')" \
        "$DIST/build-info.json" 2>/dev/null || true)
else
    log "PyInstaller: $PKG/$NAME.spec -> $DIST/$NAME/"
    rm -rf "${DIST:?}/$NAME" "$BUILD/pyinstaller"
    T0=$(now)
    "$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
        --distpath "$DIST" --workpath "$BUILD/pyinstaller" "$PKG/$NAME.spec"
    T_PYI=$(elapsed "$T0" "$(now)")
fi
[[ -x "$BUNDLE/$NAME" ]] || { echo "error: no executable at $BUNDLE/$NAME" >&2; exit 1; }
echo "PyInstaller took ${T_PYI} s"

if [[ -z "${OES_SKIP_SELF_TEST:-}" ]]; then
    log "self-test of the bundle (offline, clean HOME)"
    ST_HOME=$(mktemp -d)
    T0=$(now)
    env -i PATH=/usr/bin:/bin HOME="$ST_HOME" LANG=C.UTF-8 HF_HUB_OFFLINE=1 "$BUNDLE/$NAME" --self-test
    T_SELF=$(elapsed "$T0" "$(now)")
    rm -rf "$ST_HOME"
else
    T_SELF=""
fi

# ------------------------------------------------------------------------------------------- .tar.gz
TARGZ="$DIST/$NAME-$VERSION-linux-x86_64.tar.gz"
T_TAR=""
if [[ -z "${OES_SKIP_TARGZ:-}" ]]; then
    log "archive: $TARGZ"
    rm -f "$TARGZ"
    T0=$(now)
    tar -C "$DIST" --owner=0 --group=0 --numeric-owner --sort=name -cf - "$NAME" | gzip -6 > "$TARGZ"
    T_TAR=$(elapsed "$T0" "$(now)")
fi

# ------------------------------------------------------------------------------------------- .deb
DEB="$DIST/${NAME}_${VERSION}_amd64.deb"
DEB_COMPRESSION="${OES_DEB_COMPRESSION:-zstd}"
DEB_LEVEL="${OES_DEB_LEVEL:-6}"
T_DEB=""
INSTALLED_KB=""
if [[ -z "${OES_SKIP_DEB:-}" ]]; then
    log "Debian package: $DEB"
    STAGE="$BUILD/deb/$NAME"
    rm -rf "$BUILD/deb"
    mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
        "$STAGE/usr/share/icons/hicolor/256x256/apps" "$STAGE/usr/share/doc/$NAME"
    cp -a --reflink=auto "$BUNDLE" "$STAGE/opt/$NAME"
    ln -s "/opt/$NAME/$NAME" "$STAGE/usr/bin/$NAME"
    install -m 644 "$PKG/linux/$NAME.desktop" "$STAGE/usr/share/applications/$NAME.desktop"
    install -m 644 "$PKG/icons/$NAME.png" "$STAGE/usr/share/icons/hicolor/256x256/apps/$NAME.png"
    install -m 644 "$PKG/linux/debian/copyright" "$STAGE/usr/share/doc/$NAME/copyright"
    install -m 755 "$PKG/linux/debian/postinst" "$PKG/linux/debian/postrm" "$STAGE/DEBIAN/"
    chmod -R u+rwX,go+rX,go-w "$STAGE/opt" "$STAGE/usr"
    # The highest glibc symbol version any bundled ELF file asks for: the bundle's real libc6 floor.
    GLIBC_MIN=$(find "$STAGE/opt" -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
        | xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1 || true)
    # without binutils: the build machine's glibc, an upper bound
    [[ -n "$GLIBC_MIN" ]] || GLIBC_MIN=$(getconf GNU_LIBC_VERSION | awk '{print $2}')
    INSTALLED_KB=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
    cat > "$STAGE/DEBIAN/control" <<EOF
Package: $NAME
Version: $VERSION
Architecture: amd64
Maintainer: ONNX Export Studio maintainers <maintainers@onnx-export-studio.invalid>
Installed-Size: $INSTALLED_KB
Depends: libc6 (>= ${GLIBC_MIN}), libgl1, libegl1, libfontconfig1, libfreetype6, libglib2.0-0t64 | libglib2.0-0, libdbus-1-3, libx11-6, libx11-xcb1, libxkbcommon0, libxkbcommon-x11-0, libxcb1, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0, libxcb-render0, libxcb-render-util0, libxcb-shape0, libxcb-shm0, libxcb-sync1, libxcb-util1, libxcb-xfixes0, libxcb-xkb1
Section: science
Priority: optional
Description: desktop app that turns Hugging Face models into validated ONNX files
 ONNX Export Studio browses Hugging Face transformers models, shows the resolved export configuration
 before anything runs, exports on the CPU with PyTorch and validates the ONNX files against PyTorch
 with onnxruntime at several shapes. Self-contained: it bundles Python, PyTorch (CPU), transformers,
 onnxruntime and Qt, and needs no Python installation. Check an installation with
 "onnx-export-studio --self-test" (offline).
EOF
    rm -f "$DEB"
    T0=$(now)
    dpkg-deb --root-owner-group -Z"$DEB_COMPRESSION" -z"$DEB_LEVEL" --build "$STAGE" "$DEB" >/dev/null
    T_DEB=$(elapsed "$T0" "$(now)")
    rm -rf "$BUILD/deb"
    dpkg-deb --info "$DEB" | sed -n '/Package:/,/Depends:/p'
fi

# ------------------------------------------------------------------------------------------- summary
T_TOTAL=$(elapsed "$T_START" "$(now)")
BUNDLE_KB=$(du -sk "$BUNDLE" | cut -f1)
size_of() { [[ -f "$1" ]] && stat -c %s "$1" || echo ""; }
"$PY" - "$DIST/build-info.json" <<EOF
import json, sys, time
num = lambda s: float(s) if s else None
info = {
    "version": "$VERSION", "pyinstaller": "$PYI_VERSION", "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    "bundle": "$BUNDLE", "targz": "$TARGZ" if "$T_TAR" else None, "deb": "$DEB" if "$T_DEB" else None,
    "seconds": {"pyinstaller": num("$T_PYI"), "self_test": num("$T_SELF"), "targz": num("$T_TAR"),
                "deb": num("$T_DEB"), "total": num("$T_TOTAL")},
    "bytes": {"bundle": $BUNDLE_KB * 1024, "targz": num("$(size_of "$TARGZ")"), "deb": num("$(size_of "$DEB")"),
              "installed": num("$INSTALLED_KB") * 1024 if "$INSTALLED_KB" else None},
    "pyinstaller_reused": $( [[ $PYI_REUSED == true ]] && echo True || echo False ),
    "deb_compression": "$DEB_COMPRESSION -z$DEB_LEVEL",
}
json.dump(info, open(sys.argv[1], "w"), indent=1)
EOF
log "done in ${T_TOTAL} s"
printf '  %-44s %s\n' "PyInstaller" "${T_PYI} s" "self-test" "${T_SELF:-skipped}${T_SELF:+ s}" \
    "tar.gz" "${T_TAR:-skipped}${T_TAR:+ s}" ".deb ($DEB_COMPRESSION -z$DEB_LEVEL)" "${T_DEB:-skipped}${T_DEB:+ s}"
printf '  %-44s %s\n' "$BUNDLE/" "$(du -sh "$BUNDLE" | cut -f1)"
[[ -f "$TARGZ" && -n "$T_TAR" ]] && printf '  %-44s %s\n' "$(basename "$TARGZ")" "$(du -h "$TARGZ" | cut -f1)"
[[ -f "$DEB" && -n "$T_DEB" ]] && printf '  %-44s %s (installed %s MiB)\n' "$(basename "$DEB")" \
    "$(du -h "$DEB" | cut -f1)" "$((${INSTALLED_KB:-0} / 1024))"
echo "  details: $DIST/build-info.json"
