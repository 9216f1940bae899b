"""Which files of a Hub repository an export downloads."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Iterable

from ..weight_files import WEIGHT_FORMAT_SUFFIXES

if TYPE_CHECKING:
    from .types import RepoFileInfo

_NEVER = re.compile(r"(^|/)(\.gitattributes|\.gitignore)$|(^|/)(onnx|openvino|coreml|tflite|gguf|mlx|tf|flax)/"
                    r"|\.(h5|msgpack|ot|onnx|onnx_data|gguf|tflite|mlmodel|pb|keras)$|(^|/)(tf_model|flax_model|"
                    r"rust_model)\.")


def select_export_files(files: Iterable[RepoFileInfo]) -> list[RepoFileInfo]:
    """The files an ONNX export needs: configs, tokenizer/processor files and one PyTorch weight format.

    Safetensors win over ``pytorch_model*.bin``; TensorFlow, Flax, Rust, ONNX, GGUF, … are skipped.
    Subfolders other than known non-PyTorch formats are kept (e.g. ``1_Pooling/config.json``).
    """
    files = list(files)
    kept = [f for f in files if not _NEVER.search(f.path)]
    top_weights = [f for f in kept if "/" not in f.path and f.path.endswith(WEIGHT_FORMAT_SUFFIXES)]
    has_safetensors = any(f.path.endswith(".safetensors") for f in top_weights)
    out = []
    for f in kept:
        name = f.path
        if name.endswith(WEIGHT_FORMAT_SUFFIXES):
            if "/" in name:
                continue  # weights in subfolders (checkpoints, other formats) are not what we export
            if has_safetensors and not (name.endswith(".safetensors") or name.endswith(".safetensors.index.json")):
                continue
            if name.endswith((".pt", ".pth", ".ckpt")) and not name.startswith("pytorch_model"):
                continue
        elif has_safetensors and name.startswith("pytorch_model") and name.endswith(".index.json"):
            continue
        out.append(f)
    return out


#: What sentence-transformers reads around the transformer; with each module's ``config.json`` they travel with the
#: ONNX files (``run/model_files.py``). The transformer's own files are the usual export files.
SENTENCE_FILES = ("modules.json", "sentence_bert_config.json", "config_sentence_transformers.json")


def module_configs(modules: Any) -> list[str]:
    """The ``config.json`` of each module ``modules.json`` names in a subfolder (``1_Pooling/config.json``); the
    transformer at the root and paths leading out of the repository name none."""
    found = []
    for module in modules if isinstance(modules, list) else []:
        folder = module.get("path") if isinstance(module, dict) else None
        parts = PurePosixPath(folder.strip("/")).parts if isinstance(folder, str) else ()
        if parts and parts != (".",) and ".." not in parts and "\\" not in folder:
            found.append("/".join(parts) + "/config.json")
    return found

