"""sentence-transformers models as Optimum's ``--library sentence_transformers`` exports them: the transformer, its
pooling and (where the model has it) the L2 normalization in one graph, outputs ``token_embeddings`` and
``sentence_embedding``.

Asked for with ``--task sentence-similarity`` on a model folder with ``modules.json``: the modules must be a Transformer at the folder's root, then a Pooling, then optionally a
Normalize. The pooling modes are read from the Pooling module's ``config.json`` (``pooling_mode`` or the older
``pooling_mode_*_tokens`` switches). The configuration is the model type's ``feature-extraction`` class with these
outputs; ``export/sentence_embedding.py`` is the module traced. Light: no torch, no transformers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

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
    """Whether the user asked for sentence embeddings (the raw ``--task`` word; the Hub's pipeline tag alone keeps
    the plain export, which users of ``last_hidden_state`` rely on)."""
    return task_word.strip().lower() in REQUEST_WORDS


#: Said where the task is shown (the CLI's task line, the plan document's ``task_hint``) when ``--task auto`` exports a
#: sentence-transformers folder as plain feature extraction.
POOLING_HINT = ("a sentence-transformers model (modules.json): --task sentence-similarity would put its pooling in the "
                "graph (outputs token_embeddings, sentence_embedding)")


def pooling_hint(folder: str | Path, task_word: str | None, task: str | None) -> str | None:
    """``POOLING_HINT`` when the task was left to ``auto``, resolved to feature extraction, and ``folder`` has
    ``modules.json``: a hint, not a change of default (plain MiniLM exports keep ``last_hidden_state``)."""
    if (task_word or "auto").strip().lower() != "auto" or not (task or "").startswith("feature-extraction"):
        return None
    return POOLING_HINT if (Path(folder) / "modules.json").is_file() else None


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
