"""resolve: from a model's config.json to its model type, task and export configuration class.

Never reads weights. An export resolves with transformers' configuration classes (it needs them to build the model
anyway); inspection first tries config.json alone (``light_config``) and falls back to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import registry
from ..configs import generic, sentence_transformers
from ..configs.base import OnnxConfig
from ..errors import ExportError, first_line
from ..options import ExportOptions
from ..source.config_checks import check_structure
from ..source.model_source import ModelSource, locate
from ..tasks import TaskChoice
from .light_config import light_config
from .task_choice import choose_task


@dataclass
class Resolution:
    source: ModelSource
    model_type: str
    choice: TaskChoice  # the task, and whether the export carries the cache (``choice.name``: "…-with-past")
    config_class: type[OnnxConfig]
    config: Any  # transformers PretrainedConfig
    library: str = "transformers"
    task_source: str = "option"  # where the task came from: a key of task_choice.TASK_SOURCES
    library_note: str | None = None  # why this library, when modules.json was involved (sentence_transformers.py)
    sentence_possible: bool = False  # sentence-transformers can export it with this task


def load_transformers_config(source: ModelSource, trust_remote_code: bool = False) -> Any:
    from transformers import AutoConfig
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # config sanity chatter is not the user's problem here
    try:
        config = AutoConfig.from_pretrained(str(source.folder), trust_remote_code=trust_remote_code)
    except ExportError:
        raise  # ours (a cancel) is not a config problem
    except ValueError as exc:
        if "trust_remote_code" in str(exc):
            raise ExportError("remote_code_required", model=source.model) from None
        raise ExportError("malformed_config", path=str(source.folder), reason=first_line(exc, None)) from None
    except Exception as exc:  # noqa: BLE001 - transformers validates fields with its own exception types
        raise ExportError("malformed_config", path=str(source.folder), reason=first_line(exc, None)) from None
    # config.json was bounded when read; this bounds what the class filled in (defaults, remote code's __init__).
    check_structure(config.to_dict(), str(source.folder))
    return config


def resolve(options: ExportOptions, source: ModelSource | None = None, pipeline_tag: str | None = None,
            light: bool = False) -> Resolution:
    """``light=True`` reads the configuration without transformers, or raises ``NeedsTransformers``."""
    source = source or locate(options.model, revision=options.revision, cache_dir=options.cache_dir)
    if source.model_type not in registry.supported_model_types():  # remote code: generic with --trust-remote-code
        generic.adopt_remote(source.raw_config, options.trust_remote_code, source.model)
    model_type = registry.canonical_model_type(source.model_type)  # fails fast, before transformers
    choice, task_source, config_class = choose_task(options, model_type, lambda: source.architectures,
                                                    pipeline_tag or source.pipeline_tag)
    if not pipeline_tag:
        source.check_task_source(task_source)  # offline: the default task is no answer when the tag is unknown
    fetch = None
    if source.kind == "hub":  # only config.json is in the cache yet: the pooling is read from the modules' files
        from ..hub.sentence_files import fetch_sentence_files

        def fetch() -> None:
            fetch_sentence_files(source.model, _snapshot_revision(source), options.cache_dir)
    chosen = sentence_transformers.choose_library(options.library, options.task, choice.task, choice.use_past,
                                                  config_class, source.folder, fetch)
    if light:
        config = light_config(source.raw_config, model_type, options.trust_remote_code)
    else:
        config = load_transformers_config(source, options.trust_remote_code)
    return Resolution(source, model_type, choice, chosen.config_class, config, library=chosen.library,
                      task_source=task_source, library_note=chosen.note,
                      sentence_possible=chosen.sentence_possible)


def _snapshot_revision(source: ModelSource) -> str | None:
    """The commit of the cache snapshot holding a Hub model's config.json: files fetched later land beside it."""
    name = source.folder.name
    return name if len(name) == 40 and all(c in "0123456789abcdef" for c in name) else source.revision
