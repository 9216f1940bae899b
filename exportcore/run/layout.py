"""``--layout``: where the files of a finished run go, the last step before publishing.

``optimum`` (the default) leaves the run folder as it is: every ``.onnx`` at the top. ``transformers.js`` is the
onnx-community layout that transformers.js 4 loads (docs/research/transformers-js.md): every ``.onnx`` file and its
external data under ``onnx/``; configuration, tokenizer, processor and generation files at the top, with two
rewrites transformers.js needs from a transformers 5 save:

- the chat template inside ``tokenizer_config.json`` (transformers 5 writes ``chat_template.jinja`` only; the JS
  tokenizer reads the key);
- ``preprocessor_config.json`` with ``processor_class`` (transformers 5 writes one composite
  ``processor_config.json``; the JS pipelines load a processor only when ``preprocessor_config.json`` exists), its
  ``image_processor_type`` without the ``Pil``/``Fast`` suffix, which the JS classes do not carry.

Files with external data are declared in ``config.json``'s ``transformers.js_config.use_external_data_format``
(browsers fetch the data only when told). Granite 4 hybrids and Nemotron-H get their layer kinds in the words
transformers.js compares (``mamba``/``attention``; transformers 5 saves ``linear_attention``/``full_attention`` and
still reads the old words). Light module: JSON and file moves only.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from .. import safe_json
from ..options import LAYOUTS  # noqa: F401 - the layouts' names live with the option
from .records import write_json

ONNX_FOLDER = "onnx"
_IMAGE_PROCESSOR_SUFFIXES = ("Fast", "Pil")
#: model type -> the config keys listing each layer's kind, whose transformers 5 words transformers.js does not know.
LEGACY_LAYER_WORDS = {"granitemoehybrid": ("layer_types",), "nemotron_h": ("layers_block_type",)}
_OLD_WORDS = {"linear_attention": "mamba", "full_attention": "attention"}


def is_onnx_file(name: str) -> bool:
    """An ONNX file or its external data (``X.onnx``, ``X.onnx_data``, ``X.onnx_data_1``)."""
    return name.endswith(".onnx") or ".onnx_data" in name


def apply_layout(run_dir: Path, layout: str, log: Callable[..., None] = lambda *a: None) -> dict[str, str]:
    """Put the run folder's files where ``layout`` wants them. Returns old name -> new name (relative) for each moved
    file."""
    if layout == "optimum":
        return {}
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    moved: dict[str, str] = {}
    folder = run_dir / ONNX_FOLDER
    folder.mkdir(exist_ok=True)
    for entry in sorted(run_dir.iterdir()):
        if entry.is_file() and is_onnx_file(entry.name):
            os.replace(entry, folder / entry.name)  # external data keeps its relative location: both move
            moved[entry.name] = f"{ONNX_FOLDER}/{entry.name}"
    _declare_external_data(run_dir, [n for n in moved if n.endswith(".onnx")])
    if _legacy_layer_words(run_dir):
        log("transformers.js layout: the layer kinds in config.json written as mamba/attention")
    if _chat_template_into_tokenizer_config(run_dir):
        log("transformers.js layout: the chat template copied into tokenizer_config.json")
    if _preprocessor_config(run_dir):
        log("transformers.js layout: preprocessor_config.json written with processor_class")
    log(f"transformers.js layout: {len(moved)} ONNX file(s) under {ONNX_FOLDER}/")
    return moved


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = safe_json.read(path)
    except (OSError, safe_json.BadJson):
        return None
    return data if isinstance(data, dict) else None


def _declare_external_data(run_dir: Path, onnx_names: list[str]) -> None:
    with_data = sorted(n for n in onnx_names if (run_dir / ONNX_FOLDER / f"{n}_data").is_file())
    config = _read(run_dir / "config.json")
    if not with_data or config is None:
        return
    js_config = config.get("transformers.js_config") if isinstance(config.get("transformers.js_config"), dict) else {}
    js_config["use_external_data_format"] = {name: 1 for name in with_data}
    config["transformers.js_config"] = js_config
    write_json(run_dir / "config.json", config)


def _legacy_layer_words(run_dir: Path) -> bool:
    config = _read(run_dir / "config.json")
    keys = LEGACY_LAYER_WORDS.get(str((config or {}).get("model_type")), ())
    changed = False
    for key in keys:
        kinds = config.get(key)
        if isinstance(kinds, list) and any(kind in _OLD_WORDS for kind in kinds):
            config[key] = [_OLD_WORDS.get(kind, kind) if isinstance(kind, str) else kind for kind in kinds]
            changed = True
    if changed:
        write_json(run_dir / "config.json", config)
    return changed


def _chat_template_into_tokenizer_config(run_dir: Path) -> bool:
    tokenizer_config = _read(run_dir / "tokenizer_config.json")
    if tokenizer_config is None or tokenizer_config.get("chat_template"):
        return False
    template = None
    if (run_dir / "chat_template.jinja").is_file():
        template = (run_dir / "chat_template.jinja").read_text(encoding="utf-8")
    elif (legacy := _read(run_dir / "chat_template.json")) is not None:
        template = legacy.get("chat_template")
    if not template:
        return False
    write_json(run_dir / "tokenizer_config.json", {**tokenizer_config, "chat_template": template})
    return True


def _js_class(name: Any) -> Any:
    if isinstance(name, str):
        for suffix in _IMAGE_PROCESSOR_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                return name[: -len(suffix)]
    return name


def _preprocessor_config(run_dir: Path) -> bool:
    processor = _read(run_dir / "processor_config.json")
    existing = _read(run_dir / "preprocessor_config.json")
    if processor is None and existing is None:
        return False
    data = dict(existing or {})
    nested = (processor or {}).get("image_processor")
    if existing is None and isinstance(nested, dict):
        data = dict(nested)
    if not data:
        return False
    if "image_processor_type" in data:
        data["image_processor_type"] = _js_class(data["image_processor_type"])
    if processor is not None and processor.get("processor_class") and not data.get("processor_class"):
        data["processor_class"] = processor["processor_class"]
    if data == existing:
        return False
    write_json(run_dir / "preprocessor_config.json", data)
    return True
