"""What travels with the ONNX files: the files a tokenizer, processor, generation config or chat template reads,
chosen by name, never by kind, and no link that leads out of the model folder (docs/decisions.md, 50)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
from pathlib import Path
from typing import Any, Callable

from .. import safe_json
from ..hub.export_files import SENTENCE_FILES, module_configs

#: Files a tokenizer, processor, feature extractor, generation config or chat template reads, by the names transformers
#: gives them (tokenization_utils_base, processing_utils, each tokenizer's VOCAB_FILES_NAMES), and sentence-transformers'
#: descriptions of the pipeline around the model.
COPIED_NAMES = frozenset({
    "config.json", "generation_config.json",
    "tokenizer_config.json", "tokenizer.json", "special_tokens_map.json", "added_tokens.json",
    "vocab.txt", "vocab.json", "merges.txt", "bpe.codes", "dict.txt", "entity_vocab.json", "emoji.json",
    "byte_maps.json", "normalizer.json", "prophetnet.tokenizer", "target_vocab.json", "vocab-src.json",
    "vocab-tgt.json", "word_pronunciation.json", "word_shape.json",
    "sentencepiece.model", "sentencepiece.bpe.model", "spiece.model", "spm.model", "spm_char.model",
    "tokenizer.model", "tiktoken.model", "source.spm", "target.spm",
    "preprocessor_config.json", "processor_config.json", "video_preprocessor_config.json",
    "audio_tokenizer_config.json",
    "chat_template.json", "chat_template.jinja",
    *SENTENCE_FILES,
})
#: tiktoken vocabularies are named per model (qwen.tiktoken, cl100k_base.tiktoken).
COPIED_SUFFIXES = (".tiktoken",)
COPIED_FOLDERS = ("additional_chat_templates",)
#: Configs whose entries may name more files: ``*_file`` keys and ``auto_map`` modules.
NAMING_CONFIGS = ("config.json", "tokenizer_config.json", "preprocessor_config.json", "processor_config.json")
#: Listed at most this many per line in export.log.
LISTED_NAMES = 100
_BLOB_NAME = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def copy_model_files(source: Path, run_dir: Path, log: Callable[..., None] = lambda *a: None) -> None:
    """Copy what a tokenizer, processor, generation config or chat template needs beside the ONNX files: the files
    named in ``COPIED_NAMES`` and those the model's configs name. Nothing else (notes, credentials, training data),
    and no link that leads out of the model folder (or its HF cache repository). export.log lists what stayed."""
    copier = _Copier(source, run_dir)
    wanted = wanted_files(source)
    skip = {run_dir.resolve()}
    for entry in sorted(source.iterdir()):
        if _real(entry) in skip:
            continue
        name = entry.name
        if name in wanted or name.endswith(COPIED_SUFFIXES) or name in COPIED_FOLDERS:
            copier.copy(entry, Path(name))
        elif any(w.startswith(name + "/") for w in wanted):  # only some files of a folder (1_Pooling/config.json)
            for inner in sorted(w for w in wanted if w.startswith(name + "/")):
                if os.path.lexists(source / inner):
                    copier.copy(source / inner, Path(inner))
        elif not name.startswith("."):  # .git, .cache, .gitattributes: not worth a mention
            copier.left.append(name + ("/" if entry.is_dir() else ""))
    if copier.copied:
        log(f"copied beside the ONNX files: {_names(copier.copied)}")
    if copier.left:
        log(f"left behind (not read by a tokenizer, processor, generation config or chat template; the weights are "
            f"in the ONNX files): {_names(copier.left)}")
    for name, why in copier.refused:  # a file a tokenizer or processor may read: the console says it too
        log(f"not copied: {name} ({why}); the exported folder has no {name}: copy it there yourself if the "
            "tokenizer or processor needs it", "warning")


#: What a runtime reads to turn images into the inputs of a vision encoder.
IMAGE_PROCESSOR_FILES = ("preprocessor_config.json", "processor_config.json")


def complete_image_processor_files(run_dir: Path, log: Callable[..., None] = lambda *a: None,
                                   top_level_text_sizes: tuple[str, ...] = ()) -> None:
    """For parts that take images (a vision-language model), after the copy: what transformers 5 saves and
    transformers.js reads differ. transformers 5 saves the image processor inside ``processor_config.json`` and the
    chat template in ``chat_template.jinja``; transformers.js reads ``preprocessor_config.json`` and the tokenizer
    config's ``chat_template``: both are added from the copied files (the copies stay as they are). With no image
    processor settings at all, the export goes on and says the runtime will need them. ``top_level_text_sizes``: the
    text model's sizes a family's runtime reads at the top level of config.json (copied there when absent)."""
    config = _read_json(run_dir / "config.json")
    text = config.get("text_config") if isinstance(config, dict) else None
    missing = [k for k in top_level_text_sizes if isinstance(text, dict) and k in text and k not in config]
    if missing:  # transformers.js reads these families' decoder sizes at the top level, as transformers 4 wrote them
        config.update({k: text[k] for k in missing})
        (run_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        log(f"config.json: {', '.join(missing)} copied from text_config to the top level (transformers.js reads them "
            "there)")
    processor = _read_json(run_dir / "processor_config.json")
    preprocessor = run_dir / "preprocessor_config.json"
    if not preprocessor.exists() and isinstance(processor, dict) and isinstance(processor.get("image_processor"), dict):
        settings = {**processor["image_processor"]}
        if isinstance(processor.get("processor_class"), str):
            settings.setdefault("processor_class", processor["processor_class"])
        preprocessor.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
        log("preprocessor_config.json written from processor_config.json's image processor (transformers.js reads it)")
    if not any((run_dir / name).exists() for name in IMAGE_PROCESSOR_FILES):
        log("the model folder has no image processor settings (preprocessor_config.json or processor_config.json): "
            "a runtime needs them to turn images into the vision encoder's inputs; put the original model's files "
            "beside the ONNX files", "warning")
    tokenizer_config, template = run_dir / "tokenizer_config.json", run_dir / "chat_template.jinja"
    tokenizer = _read_json(tokenizer_config)
    if isinstance(tokenizer, dict) and "chat_template" not in tokenizer and template.is_file():
        tokenizer["chat_template"] = template.read_text(encoding="utf-8")
        tokenizer_config.write_text(json.dumps(tokenizer, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        log("tokenizer_config.json: chat_template added from chat_template.jinja (transformers.js reads it there)")


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:LISTED_NAMES])
    return shown + (f" … and {len(names) - LISTED_NAMES} more" if len(names) > LISTED_NAMES else "")


def _real(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None


class _Copier:
    def __init__(self, source: Path, run_dir: Path) -> None:
        self.roots = trusted_roots(source)
        self.run_dir = run_dir
        self.copied: list[str] = []
        self.left: list[str] = []
        self.refused: list[tuple[str, str]] = []  # (relative path, why)
        self.visited: set[Path] = set()

    def allowed(self, real: Path, relative: Path) -> bool:
        """Inside the model folder or its HF cache repository; or the model's own file in an HF cache (a
        ``--local-dir`` download links its large files to the blobs of the repository it came from)."""
        if any(real == root or root in real.parents for root in self.roots):
            return True
        return own_cached_file(real, relative)

    def copy(self, path: Path, relative: Path) -> None:
        real = _real(path)
        if real is None or not os.path.exists(real):
            self.refused.append((relative.as_posix(), "a broken link"))
            return
        if not self.allowed(real, relative):
            self.refused.append((relative.as_posix(), f"a link to {real}, outside the model folder"))
            return
        if real.is_dir():
            if real in self.visited:  # a link back up the tree
                return
            self.visited.add(real)
            for entry in sorted(real.iterdir()):
                self.copy(path / entry.name, relative / entry.name)
            return
        if not stat.S_ISREG(real.stat().st_mode):  # a pipe or a device would block or never end
            self.refused.append((relative.as_posix(), "not a regular file"))
            return
        target = self.run_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(real, target)
        shutil.copystat(real, target)
        self.copied.append(relative.as_posix())


def own_cached_file(real: Path, relative: Path) -> bool:
    """Whether ``real``, a blob of an HF cache repository, is the file ``relative`` of that repository: one of its
    snapshots has a file of that name pointing at that very blob. Any other blob — another cached repository's
    file, possibly a private one, under a name of our choosing — is not the model's."""
    repository = real.parent.parent
    if real.parent.name != "blobs" or not repository.name.startswith("models--") or not _BLOB_NAME.fullmatch(real.name):
        return False
    try:
        snapshots = [s for s in (repository / "snapshots").iterdir() if s.is_dir()]
    except OSError:
        return False
    return any(_real(snapshot / relative) == real for snapshot in snapshots)


def trusted_roots(source: Path) -> list[Path]:
    """Where a model folder's links may lead: the folder itself, and for a snapshot of the HF cache
    (``…/models--org--name/snapshots/<revision>``) its repository, whose ``blobs/`` hold the files."""
    real = source.resolve()
    roots = [real]
    if real.parent.name == "snapshots" and real.parent.parent.name.startswith(("models--", "datasets--", "spaces--")):
        roots.append(real.parent.parent)
    return roots


def wanted_files(source: Path) -> set[str]:
    """Relative paths of the files to copy: the known names, the files the configs name, the Python modules their
    ``auto_map`` names (a custom tokenizer) with the modules those import and the files they name, and the configs
    of sentence-transformers' modules (``1_Pooling/config.json``)."""
    wanted = set(COPIED_NAMES)
    for name in NAMING_CONFIGS:
        config = _read_json(source / name)
        if isinstance(config, dict):
            wanted |= named_files(config)
            wanted |= remote_code_modules_of(config)
    for module in sorted(m for m in wanted if m.endswith(".py")):
        wanted |= module_needs(source / module)
    wanted.update(module_configs(_read_json(source / "modules.json")))
    return {w for w in wanted if _is_inside(w)}


def _read_json(path: Path) -> Any:
    try:
        return safe_json.read(path)
    except (OSError, safe_json.BadJson):
        return None


def _is_inside(relative: str) -> bool:
    path = Path(relative)
    return bool(relative) and not path.is_absolute() and ".." not in path.parts


def named_files(config: dict) -> set[str]:
    """Files a config names itself (``"vocab_file": "vocab.txt"``, ``"merges_file"``, ``"tokenizer_file"`` …).
    Old tokenizers saved absolute paths of the machine they were made on: only the name counts then."""
    names = set()
    for key, value in config.items():
        if not (key.endswith("_file") or key.endswith("_files")):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item:
                names.add(Path(item).name if Path(item).is_absolute() else item.removeprefix("./"))
    return names


def remote_code_modules_of(config: dict) -> set[str]:
    """The repository's own Python files its config names in ``auto_map`` (a custom tokenizer, processor or config
    class): the exported folder needs them to load its tokenizer the same way."""
    modules = set()
    auto_map = config.get("auto_map")
    for value in auto_map.values() if isinstance(auto_map, dict) else ():
        for ref in value if isinstance(value, list) else [value]:
            if isinstance(ref, str) and "." in ref and "--" not in ref:  # "module.Class"; "repo--…" is another repo's
                modules.add(ref.rsplit(".", 1)[0] + ".py")
    return modules


def module_needs(module: Path) -> set[str]:
    """What a custom tokenizer module needs beside it: the modules it imports relatively and the files its
    ``VOCAB_FILES_NAMES`` names (read from its source, never run)."""
    import ast

    try:
        tree = ast.parse(module.read_text(encoding="utf-8"))
    except (OSError, ValueError, SyntaxError):
        return set()
    needs = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            modules = [node.module] if node.module else [alias.name for alias in node.names]  # from . import x
            needs.update(m.replace(".", "/") + ".py" for m in modules)
        elif (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "VOCAB_FILES_NAMES"
                                                   for t in node.targets)):
            with contextlib.suppress(ValueError, TypeError, SyntaxError, RecursionError):
                names = ast.literal_eval(node.value)
                for value in names.values() if isinstance(names, dict) else ():
                    needs.update(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str))
    return needs
