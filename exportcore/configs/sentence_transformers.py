"""sentence-transformers models as Optimum's ``--library sentence_transformers`` exports them: the transformer, its
pooling and (where the model has it) the L2 normalization in one graph, outputs ``token_embeddings`` and
``sentence_embedding``.

Which library exports a model is ``choose_library``'s answer (``--library``, decision 167): ``auto`` takes
sentence-transformers for a model with ``modules.json`` (a Transformer at the folder's root, then a Pooling, then
optionally a Normalize) exported for feature extraction, as Optimum does; ``--task sentence-similarity`` asks for it
too; ``transformers`` keeps ``last_hidden_state``. The pooling modes are read from the Pooling module's
``config.json`` (``pooling_mode`` or the older ``pooling_mode_*_tokens`` switches). The configuration is the model
type's ``feature-extraction`` class with these outputs; ``export/sentence_embedding.py`` is the module traced.
Light: no torch, no transformers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ClassVar

from .. import safe_json
from ..errors import ExportError
from .base import OnnxConfig, TensorSpec

LIBRARY = "sentence_transformers"
#: How people ask for it: the raw ``--task`` word (``tasks`` reads it as feature-extraction).
REQUEST_WORDS = ("sentence-similarity", "sentence_similarity")
#: Pooling modes (the older ``pooling_mode_*`` switches are concatenated in this order; a ``pooling_mode`` list in its
#: own).
POOLING_MODES = ("cls", "max", "mean", "mean_sqrt_len_tokens", "weightedmean", "lasttoken")
_SWITCHES = {"pooling_mode_cls_token": "cls", "pooling_mode_max_tokens": "max", "pooling_mode_mean_tokens": "mean",
             "pooling_mode_mean_sqrt_len_tokens": "mean_sqrt_len_tokens",
             "pooling_mode_weightedmean_tokens": "weightedmean", "pooling_mode_lasttoken": "lasttoken"}
_MODULE = "sentence_transformers.models."


@dataclass(frozen=True)
class SentencePipeline:
    modes: tuple[str, ...]
    normalize: bool


def requested(task_word: str) -> bool:
    """Whether the user asked for sentence embeddings by task (the raw ``--task`` word)."""
    return task_word.strip().lower() in REQUEST_WORDS


#: ``--library`` values (``options.LIBRARIES`` spells the same).
TRANSFORMERS = "transformers"
OUTPUTS_WORDS = "pooling inside the graph, outputs token_embeddings and sentence_embedding"


@dataclass(frozen=True)
class LibraryChoice:
    """Which library exports the model: ``library``, its configuration class, ``note`` (why, when a
    ``modules.json`` was involved: the plan document's ``library_note``) and whether sentence-transformers could
    export it with this task (``sentence_possible``, what the options panel offers)."""

    library: str
    config_class: type[OnnxConfig]
    note: str | None = None
    sentence_possible: bool = False


def describe(pipeline: SentencePipeline) -> str:
    """``Pooling (mean) → Normalize``."""
    return f"Pooling ({'+'.join(pipeline.modes)})" + (" → Normalize" if pipeline.normalize else "")


def check_library(library: str, task_word: str) -> None:
    """The one combination of ``--library`` and ``--task`` no model can do (``option_rules.check`` asks it too)."""
    if library == TRANSFORMERS and requested(task_word):
        raise ExportError("invalid_option", reason="--task sentence-similarity puts sentence-transformers' pooling in "
                          "the graph, which --library transformers does not: use --task feature-extraction for "
                          "last_hidden_state, or drop --library")


def choose_library(library: str, task_word: str, task: str, use_past: bool, base: type[OnnxConfig],
                   folder: str | Path, fetch_files: Callable[[], object] | None = None) -> LibraryChoice:
    """The library an export uses (``library``: ``auto``, ``transformers`` or ``sentence_transformers``).

    ``task_word`` is the raw ``--task``; ``task``/``use_past`` what it resolved to; ``base`` the type's configuration
    class for it; ``folder`` the model's files; ``fetch_files`` brings ``modules.json`` and the module configs
    into ``folder`` first (a Hub model: only config.json is in the cache then). Asked-for sentence-transformers that
    cannot be is ``sentence_transformers_unsupported``; ``auto`` falls back to transformers and says why."""
    asked = library == LIBRARY or requested(task_word)
    check_library(library, task_word)
    feature = task == "feature-extraction" and not use_past
    if library == TRANSFORMERS:
        if not (Path(folder) / "modules.json").is_file():
            return LibraryChoice(TRANSFORMERS, base)
        try:
            possible = feature and bool(config_class(base, read_pipeline(folder)))
        except ExportError:
            possible = False
        return LibraryChoice(TRANSFORMERS, base, "a sentence-transformers model (modules.json) exported as plain "
                             "transformers, as asked (--library transformers): last_hidden_state, pool outside the "
                             "graph", sentence_possible=possible)
    if not feature:
        if asked:
            raise ExportError("sentence_transformers_unsupported",
                              reason=f"its export task is '{task}{'-with-past' if use_past else ''}' (sentence "
                                     "embeddings are feature-extraction or sentence-similarity)")
        return LibraryChoice(TRANSFORMERS, base)
    if fetch_files is not None:
        fetch_files()
    if not asked and not (Path(folder) / "modules.json").is_file():
        return LibraryChoice(TRANSFORMERS, base)
    try:
        pipeline = read_pipeline(folder)
        derived = config_class(base, pipeline)
    except ExportError as exc:
        if asked:
            raise
        why = exc.params.get("reason", exc.code)
        return LibraryChoice(TRANSFORMERS, base, f"modules.json found, but its pooling cannot be in the graph ({why}): "
                             "exported as plain transformers (last_hidden_state)")
    how = "as asked" if asked else "detected from modules.json; --library transformers exports last_hidden_state"
    return LibraryChoice(LIBRARY, derived, f"sentence-transformers (Transformer → {describe(pipeline)}, {how}): "
                         f"{OUTPUTS_WORDS}", sentence_possible=True)


def pooling_hint(folder: str | Path, task_word: str | None, task: str | None,
                 library: str = "auto") -> str | None:
    """What the pre-flight's task line adds for a model with ``modules.json`` exported for feature extraction (the
    plan's ``library_note`` says it in full): which library will export it. Reads the files, never the Hub."""
    if not (task or "").startswith("feature-extraction") or not (Path(folder) / "modules.json").is_file():
        return None
    if library == TRANSFORMERS:
        return "a sentence-transformers model exported as plain transformers (--library transformers)"
    if task != "feature-extraction":
        return None
    try:
        pipeline = read_pipeline(folder)
    except ExportError as exc:
        if library == LIBRARY or requested(task_word or ""):
            return None  # the plan refuses it with the reason
        return f"modules.json found, but {exc.params.get('reason', exc.code)}: exported as plain transformers"
    return f"sentence-transformers (Transformer → {describe(pipeline)}): {OUTPUTS_WORDS}"


def _read(path: Path, what: str):
    try:
        return safe_json.read(path)
    except OSError:
        raise ExportError("sentence_transformers_unsupported", reason=f"{what} is missing") from None
    except safe_json.BadJson as exc:
        raise ExportError("sentence_transformers_unsupported", reason=f"{what} is unreadable ({exc})") from None


def read_pipeline(folder: str | Path) -> SentencePipeline:
    """The pooling and normalization of the sentence-transformers model in ``folder``."""
    folder = Path(folder)
    modules = _read(folder / "modules.json", "modules.json")
    if not isinstance(modules, list) or not all(isinstance(m, dict) for m in modules):
        raise ExportError("sentence_transformers_unsupported", reason="modules.json is not a list of modules")
    kinds = [str(m.get("type", "")).removeprefix(_MODULE) for m in modules]
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        raise ExportError("sentence_transformers_unsupported",
                          reason=f"its modules are {' → '.join(kinds) or 'none'} (supported: Transformer → Pooling "
                                 "[→ Normalize])")
    if str(modules[0].get("path", "")) not in ("", "."):
        raise ExportError("sentence_transformers_unsupported",
                          reason=f"its transformer is in the subfolder {modules[0].get('path')!r}, not the model's root")
    pooling_path = str(modules[1].get("path", ""))
    if Path(pooling_path).is_absolute() or ".." in Path(pooling_path).parts:
        raise ExportError("sentence_transformers_unsupported", reason=f"pooling path {pooling_path!r}")
    pooling = _read(folder / pooling_path / "config.json", f"{pooling_path}/config.json")
    if not isinstance(pooling, dict):
        raise ExportError("sentence_transformers_unsupported", reason="the pooling configuration is not an object")
    modes = pooling.get("pooling_mode")
    if modes is None:
        modes = [mode for key, mode in _SWITCHES.items() if pooling.get(key) is True]
    modes = [modes] if isinstance(modes, str) else list(modes or [])
    unknown = [m for m in modes if m not in POOLING_MODES]
    if not modes or unknown:
        raise ExportError("sentence_transformers_unsupported",
                          reason=f"pooling mode {unknown or 'none'} (supported: {', '.join(POOLING_MODES)})")
    if pooling.get("include_prompt", True) is not True:
        raise ExportError("sentence_transformers_unsupported", reason="pooling without the prompt (include_prompt)")
    return SentencePipeline(tuple(modes), kinds[-1] == "Normalize")  # concatenated in this order


class SentenceEmbeddingMixin:
    """Outputs of a sentence-transformers export, over the model type's feature-extraction configuration."""

    SENTENCE_PIPELINE: ClassVar[SentencePipeline]

    @property
    def outputs(self) -> TensorSpec:
        return {"token_embeddings": {0: "batch_size", 1: "sequence_length"}, "sentence_embedding": {0: "batch_size"}}


def config_class(base: type[OnnxConfig], pipeline: SentencePipeline) -> type[OnnxConfig]:
    """``base`` (the type's feature-extraction class) exporting ``pipeline``'s embeddings."""
    if base.MODALITY != "text-encoder":
        raise ExportError("sentence_transformers_unsupported",
                          reason=f"its transformer is not a text encoder ({base.MODALITY or base.__name__})")
    return type(f"SentenceTransformers{base.__name__}", (SentenceEmbeddingMixin, base), {
        "__module__": __name__, "SENTENCE_PIPELINE": pipeline,
        "__doc__": f"{base.__name__} with {'+'.join(pipeline.modes)} pooling"
                   + (" and normalization" if pipeline.normalize else "") + " inside the graph."})
