"""Where a run may publish: the destination checked before any work, and the names of the folders beside it."""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from .. import safe_json
from ..errors import ExportError
from ..options import check_output_dir

#: Room left in the longest path for the files a run writes in its folder (decoder_model_merged.onnx_data, …).
PATH_ROOM = 64


def check_destination(output_dir: str, overwrite: bool) -> Path:
    """The destination, resolved, once it is known to be a folder this run may publish to."""
    check_output_dir(output_dir)  # "" would mean the working directory
    try:
        destination = Path(output_dir).expanduser().resolve()
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
        raise ExportError("invalid_option", reason=f"the output path {output_dir} cannot be followed: {exc}") from None
    if destination == Path(destination.anchor):
        raise ExportError("invalid_option", reason=f"the output folder cannot be the root folder {destination}")
    check_name_lengths(destination)
    try:
        exists = destination.exists()
        is_dir = destination.is_dir()
        non_empty = is_dir and any(destination.iterdir())
    except OSError as exc:  # a folder on the way (or the destination itself) we may not read
        raise ExportError("output_not_writable", path=str(exc.filename or destination),
                          reason=exc.strerror or str(exc)) from None
    if exists and not is_dir:
        raise ExportError("invalid_option", reason=f"the output path {destination} is a file, not a folder")
    above = next((p for p in destination.parents if os.path.lexists(p)), None)
    if not exists and above is not None and not above.is_dir():  # /dev/null/x: "File exists" once made
        raise ExportError("invalid_option", reason=f"the output path {destination} is inside '{above}', which is "
                          "not a folder")
    if non_empty and not overwrite:
        raise ExportError("destination_not_empty", path=str(destination))
    if overwrite and destination in protected_folders() and not holds_an_export(destination):
        raise ExportError("invalid_option", reason=f"--overwrite would replace {destination}, which is the working "
                          "folder, the home folder or one that holds them, and holds no earlier export; give a "
                          "folder of its own for the export")
    return destination


def protected_folders() -> set[Path]:
    """The working and home folders and every folder above them: --overwrite must never delete those."""
    places = []
    with contextlib.suppress(OSError):
        places.append(Path.cwd().resolve())
    with contextlib.suppress(OSError, RuntimeError, KeyError):  # no HOME and no passwd entry
        places.append(Path.home().resolve())
    return {folder for place in places for folder in (place, *place.parents)}


def holds_an_export(folder: Path) -> bool:
    """Our records in a folder: an earlier export, which --overwrite may replace."""
    try:
        record = safe_json.read(folder / "export_options.json")
    except (OSError, safe_json.BadJson):
        return False
    return isinstance(record, dict) and "exportcore_version" in record


def check_name_lengths(destination: Path) -> None:
    """A name the file system cannot hold is bad input, said before any work (not an error at publish time)."""
    existing = next((p for p in (destination, *destination.parents) if os.path.isdir(p)), Path(destination.anchor))
    name_max, path_max = _limit(existing, "PC_NAME_MAX", 255), _limit(existing, "PC_PATH_MAX", 4096)
    for part in destination.parts[1:]:
        size = len(os.fsencode(part))
        if size > name_max:
            raise ExportError("invalid_option", reason=f"the output folder name '{part[:32]}…' is {size} bytes long; "
                              f"this file system allows {name_max}")
    size = len(os.fsencode(str(destination)))
    if size + PATH_ROOM > path_max:
        raise ExportError("invalid_option", reason=f"the output path is {size} bytes long; this file system allows "
                          f"{path_max} for a whole path, and the files in it need {PATH_ROOM} more")


def _limit(folder: Path, name: str, fallback: int) -> int:
    try:
        value = os.pathconf(folder, name)
    except (OSError, ValueError, AttributeError):  # AttributeError: no pathconf (Windows)
        return fallback
    return value if value and value > 0 else fallback


def beside_stem(destination: Path) -> str:
    """The destination's name as the start of the names beside it (run folder, kept runs, backup), shortened with
    a digest when a legal but long name would make those names longer than the file system allows."""
    name = destination.name
    budget = max(16, _limit(destination.parent, "PC_NAME_MAX", 255) - 105)  # room for ".partial-<pid>@<host>-…"
    if len(os.fsencode(name)) <= budget:
        return name
    digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:12]
    short = name
    while len(os.fsencode(short)) > budget - len(digest) - 1:
        short = short[:-1]
    return f"{short}~{digest}"


def check_not_holding_the_model(destination: Path, model_folder: Path) -> None:
    """Publishing replaces the destination: it must not be the model's folder or one that holds it or its files
    (a folder of symlinks into the HF cache)."""
    places = [model_folder.resolve(), *(p.resolve() for p in model_folder.iterdir() if p.is_symlink())]
    if any(destination == place or destination in place.parents for place in places):  # symlinked weights too
        raise ExportError("invalid_option", reason=f"the output folder {destination} holds the model being "
                          "exported, which publishing the export would delete; choose another output folder")
