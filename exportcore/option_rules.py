"""Which export options make sense for a plan, and why not: the one home of these rules for the app, the CLI and
the worker.

``rules(plan, options)`` says for every option (each ``ExportOptions`` field, the app's file layout and each shape
keyword) whether it makes sense for this plan and why not; ``check(plan, options)`` lists the combinations that
cannot work, as the ``ExportError`` the core raises for them, so that they are refused before any work.

``plan`` is the plan document (``exportcore inspect --json``, ``plan.plan_document``). What the rules need that
the document does not show is its ``facts`` section (:mod:`exportcore.option_facts`); a document without it gets
the facts ``document_facts`` can work out from the rest (see there for what it cannot).

The core applies the same rules where it decides (:func:`with_use_past`, :func:`one_file`, :func:`past_in_inputs`;
``option_facts.splits_into_files``) and refuses with :func:`refuse` before any work.

Light module: no torch, transformers or numpy. The registry and the configuration classes (light too) are imported
when facts are computed. It never imports ``exportcore.plan``, which reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Mapping

from . import dtypes
from .configs.sentence_transformers import check_library
from .errors import ExportError
from .option_facts import (  # noqa: F401 - FACT_KEYS and the facts functions are part of this module's interface
    DYNAMO_EAGER_ATTENTION, DYNAMO_UNSUPPORTED, FACT_KEYS, SPLIT_SEQ2SEQ_TASKS, document_facts, document_task,
    facts_of, model_facts, needs_pad_token, plan_facts, shape_keywords, splits_into_files)
from .options import (FLOAT_DTYPES, INT_DTYPES, LAYOUTS, OPTIMIZE_LEVELS, SHAPE_NAMES, ExportOptions, check_opset,
                      opset_range)
from .postprocess.variants import VARIANTS
from .tasks import TaskChoice

#: The app's file layouts of an encoder–decoder export (``monolith`` / ``post_process`` as one choice).
FILE_LAYOUTS = ("monolith", "merged", "separate")
#: Float dtypes onnxruntime's CPU provider cannot run: an export in them cannot be validated here.
UNVALIDATED_DTYPES = ("bf16",)

#: code -> English sentence (``str.format`` with ``Rule.params``). The app translates by code.
REASONS: dict[str, str] = {
    "ok": "",
    "past_not_for_task": "'{task}' has no variant with past key/values for this model.",
    "past_not_for_model": "This model exports no past key/values.",
    "past_not_in_one_file": "One file (monolith) holds no past key/values; choose encoder + decoder files to export "
                            "them.",
    "past_off": "Only meaningful when past key/values are exported.",
    "seq2seq_past_inputs": "Encoder–decoder models always get a decoder without past inputs and one with them.",
    "layout_not_seq2seq": "Only encoder–decoder models (such as T5, BART, Whisper) are split into files.",
    "layout_one_file_task": "For '{task}' this encoder–decoder model is exported as one file.",
    "layout_one_file_without_past": "Without past key/values, '{task}' is exported as one file.",
    "merge_needs_past": "Merging joins the decoder with and without past; turn on past key/values first.",
    "post_process_merges": "Merges the decoders with and without past into decoder_model_merged.onnx and stores "
                           "shared weights once.",
    "post_process_dedupes": "Stores weights the model shares between layers (such as a tied LM head) once.",
    "no_integer_inputs": "This model takes no integer inputs.",
    "opset_range_torchscript": "The TorchScript exporter writes opsets {low}–{high}.",
    "opset_range_dynamo": "torch.export writes opsets {low}–{high} (it silently keeps {low} below that).",
    "cpu_only": "This build exports on the CPU only.",
    "dynamo_unsupported_model": "The torch.export path cannot export {model_type} models ({why}); the TorchScript "
                                "exporter is used.",
    "dynamo_eager_attention": "torch.export exports {model_type} models with eager attention (it fails on their sdpa "
                              "attention).",
    "shape_unused": "'{name}' changes none of this model's dummy inputs.",
    "shape_static": "This model runs at {name} = {size} only: the export and every validation use {size}, and inputs "
                    "must be padded to it.",
    "bf16_not_validated": "onnxruntime's CPU provider cannot run bfloat16 models: a bf16 export cannot be validated "
                          "here.",
    "validation_off": "Validation is turned off.",
    "static_axes_traced_shapes": "A file with static axes is validated at the traced shapes only.",
    "local_model_no_hub": "A local folder is read where it is: no Hub cache or revision applies.",
    "demo_model_no_hub": "Demo models are built on this machine: no Hub cache or revision applies.",
    "pad_token_not_needed": "Only decoder models that classify text (GPT-2, Llama… for text-classification) need a "
                            "padding token id.",
    "pad_token_from_tokenizer": "This model classifies text with a decoder, which needs a padding token id. By default "
                                "it is taken from the config or the tokenizer saved with the model; set it here if "
                                "neither has one (often the end-of-sequence id).",
    "pad_token_in_config": "The model's config sets pad_token_id {pad_token_id}; a value here replaces it.",
    "library_sentence_transformers": "A sentence-transformers model (modules.json): automatic exports its pooling in "
                                     "the graph (token_embeddings, sentence_embedding); transformers exports "
                                     "last_hidden_state.",
    "library_transformers_only": "Only sentence-transformers models (modules.json with a Pooling module) exported "
                                 "for feature extraction have another library.",
    "variants_need_fp32": "Variants are made from an fp32 export; choose the fp32 dtype to make them.",
    "optimize_needs_fp32": "Graph optimization applies to an fp32 export; choose the fp32 dtype to use it.",
}

#: Rules that are not an ``ExportOptions`` field: the app's file-layout choice and one per shape keyword.
FILE_LAYOUT = "file_layout"
SHAPE_RULE_PREFIX = "shapes."


@dataclass(frozen=True)
class Rule:
    """Whether an option makes sense for a plan. ``code`` is stable (the app translates it, with ``params``);
    ``reason`` is the English sentence: why the option is disabled, or for an enabled one a remark worth showing
    (``""`` when none). ``values``: the values that make sense now, where the option is a choice (tasks, dtypes,
    opsets, file layouts, shape keywords). ``default``: what the core does when the option is left unset, where the
    plan decides it. ``excluded``: values offered elsewhere that are impossible now, as (value, code, reason)."""

    enabled: bool
    code: str = "ok"
    reason: str = ""
    values: tuple[Any, ...] | None = None
    default: Any = None
    excluded: tuple[tuple[Any, str, str], ...] = ()
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    def excluded_reason(self, value: Any) -> str:
        return next((reason for v, _, reason in self.excluded if v == value), "")


def _rule(enabled: bool, code: str = "ok", values: tuple | None = None, default: Any = None,
          excluded: tuple = (), **params: Any) -> Rule:
    return Rule(enabled, code, REASONS[code].format(**params), values, default, excluded, params)


def _off(code: str, **params: Any) -> Rule:
    return _rule(False, code, **params)


# ---- the situation: the plan, the options and what follows from them ---------------------------------------------
class _Situation:
    """The plan's facts and the options, read once; what follows from them as properties."""

    def __init__(self, plan: Mapping[str, Any], options: ExportOptions) -> None:
        self.plan, self.options = plan, options
        self.facts = facts_of(plan)
        self.model_type = str(plan.get("model_type") or "")
        self.supported = [str(t) for t in plan.get("supported_tasks") or []]
        choices = [document_task(task) for task in self.supported]
        self.bases: list[str] = list(dict.fromkeys(choice.task for choice in choices))
        self.past_bases = {choice.task for choice in choices if choice.use_past}
        self.explicit = options.task != "auto"
        self.task_error: ExportError | None = None
        self.task_says_past = False
        if self.explicit:
            try:
                named = TaskChoice.parse(options.task)
                self.base, self.task_says_past = named.task, named.use_past
            except ExportError as exc:
                self.base, self.task_error = options.task, exc
        elif plan.get("task_source") != "option":
            self.base = document_task(plan.get("task")).task or None  # the inferred task
        else:
            self.base = None  # 'auto', but this plan was made for a task the user named: the inferred one is unknown
        self.seq2seq_tasks = list(self.facts.get("seq2seq_tasks") or [])
        self.split_tasks = list(self.facts.get("split_tasks") or [])

    @property
    def past_possible(self) -> bool:
        return self.base in self.past_bases if self.base is not None else bool(self.past_bases)

    @property
    def default_past(self) -> bool:
        """What the core does with ``use_past`` unset: the inferred task gets the cache where supported
        (registry.default_choice); a named task means what it says."""
        return self.task_says_past if self.explicit else self.past_possible

    @property
    def past_wanted(self) -> bool:
        wanted = self.options.use_past if self.options.use_past is not None else self.default_past
        return self.past_possible and wanted

    @property
    def seq2seq(self) -> bool:
        if self.base is None:
            return bool(self.seq2seq_tasks)
        return self.base in self.seq2seq_tasks

    def splits(self, past: bool) -> bool:
        if not self.seq2seq:
            return False
        if self.base is None:
            return bool(self.split_tasks)
        return TaskChoice(self.base, past).name in self.split_tasks

    @property
    def one_file(self) -> bool:
        """monolith chosen where it changes something: an encoder–decoder export is then one file without past."""
        return self.options.monolith and self.seq2seq

    @property
    def effective_past(self) -> bool:
        return self.past_wanted and not self.one_file

    @property
    def dynamo(self) -> bool:
        return self.options.dynamo and self.facts.get("dynamo_supported", True) is not False

    @property
    def decoder_classifier(self) -> bool:
        decoder_only = self.facts.get("decoder_only_tasks") or []
        return self.base is not None and needs_pad_token(self.base, self.base in decoder_only)

    @property
    def shape_keywords(self) -> list[str]:
        return list(self.facts.get("shape_keywords") or [])

    def task_for_words(self) -> str:
        return self.base or document_task(self.plan.get("task")).task


# ---- the rules ---------------------------------------------------------------------------------------------------
def rules(plan: Mapping[str, Any], options: ExportOptions) -> dict[str, Rule]:
    """For every ``ExportOptions`` field, ``file_layout`` and ``shapes.<keyword>``: does it make sense here, and why
    not."""
    s = _Situation(plan, options)
    inferred = document_task(plan.get("task")).task if plan.get("task_source") != "option" else None
    out: dict[str, Rule] = {
        "model": _rule(True),
        "output_dir": _rule(True),
        "task": _rule(True, values=("auto", *s.bases), default=inferred),
        "use_past": _use_past(s),
    }
    out["use_past_in_inputs"] = _use_past_in_inputs(s, out["use_past"])
    layout = _file_layout(s)
    out[FILE_LAYOUT] = layout
    out["monolith"] = _rule(True) if layout.enabled else Rule(False, layout.code, layout.reason, params=layout.params)
    merges = layout.enabled and s.past_wanted and not options.monolith
    out["post_process"] = _rule(True, "post_process_merges" if merges else "post_process_dedupes")
    out["float_dtype"] = _rule(True, values=FLOAT_DTYPES, default="fp32")
    out["int_dtype"] = _int_dtype(plan)
    out["opset"] = _opset(s)
    out["device"] = _rule(False, "cpu_only", values=("cpu",), default="cpu")
    out["dynamic_axes"] = _rule(True)
    out["constant_folding"] = _rule(True)
    out["trust_remote_code"] = _rule(True)
    out["dynamo"] = _dynamo(s)
    out["shapes"] = _rule(True, values=tuple(s.shape_keywords))
    static = static_shapes(plan)
    for key in SHAPE_NAMES:
        out[SHAPE_RULE_PREFIX + key] = (_off("shape_static", name=key, size=static[key]) if key in static
                                        else _rule(True) if key in s.shape_keywords else _off("shape_unused", name=key))
    out["validate"] = _off("bf16_not_validated") if options.float_dtype in UNVALIDATED_DTYPES else _rule(True)
    validation_off = _validation_off(s)
    out["validation_shapes"] = validation_off or (
        _off("static_axes_traced_shapes") if not options.dynamic_axes else _rule(True, values=tuple(s.shape_keywords)))
    out["atol"] = validation_off or _rule(True, default=_default_atol(s))
    out["overwrite"] = _rule(True)
    out["cache_dir"] = out["revision"] = _hub_only(s)
    out["pad_token_id"] = _pad_token(s)
    out["force"] = _rule(True)
    fp32 = options.float_dtype == "fp32"
    out["variants"] = _rule(True, values=tuple(VARIANTS), default=()) if fp32 else _off("variants_need_fp32")
    out["layout"] = _rule(True, values=LAYOUTS, default="optimum")
    out["library"] = _library(plan, options)
    out["optimize"] = _rule(True, values=OPTIMIZE_LEVELS, default=None) if fp32 else _off("optimize_needs_fp32")
    return out


def _library(plan: Mapping[str, Any], options: ExportOptions) -> Rule:
    """``library_choices`` of the plan document: sentence-transformers where it can export the model; what
    ``auto`` picks is the default."""
    choices = tuple(str(c) for c in plan.get("library_choices") or ("transformers",))
    if "sentence_transformers" in choices:
        return _rule(True, "library_sentence_transformers", values=("auto", *choices), default="sentence_transformers")
    # a library chosen by hand stays changeable, whatever this plan says
    return _rule(options.library != "auto", "library_transformers_only", values=("auto", *choices),
                 default="transformers")


def static_shapes(plan: Mapping[str, Any]) -> dict[str, int]:
    """Shape keyword -> the one size this model runs at, from the plan document's ``static_axes``."""
    return {entry["shape"]: entry["size"] for sub in plan.get("submodels") or []
            for axes in (sub.get("static_axes") or {}).values() for entry in axes.values()}


def _use_past(s: _Situation) -> Rule:
    if not s.past_possible:
        if s.base is None or (not s.explicit and not s.past_bases):
            return _off("past_not_for_model")
        return _off("past_not_for_task", task=s.base)
    if s.one_file:
        return _off("past_not_in_one_file")
    return _rule(True, default=s.default_past)


def _use_past_in_inputs(s: _Situation, use_past: Rule) -> Rule:
    if not use_past.enabled:
        return use_past
    if not s.effective_past:
        return _off("past_off")
    if s.seq2seq:
        return _off("seq2seq_past_inputs")
    return _rule(True, default=past_in_inputs(TaskChoice(s.base or "", True), None))


def _file_layout(s: _Situation) -> Rule:
    task = s.task_for_words()
    if not s.seq2seq:
        return _off("layout_not_seq2seq")
    if not s.splits(s.past_wanted):
        return _off("layout_one_file_without_past" if s.splits(True) else "layout_one_file_task", task=task)
    excluded = ()
    if not s.past_wanted:
        excluded = (("merged", "merge_needs_past", REASONS["merge_needs_past"]),)
    values = tuple(v for v in FILE_LAYOUTS if not any(v == e[0] for e in excluded))
    return _rule(True, values=values, default="merged" if s.past_wanted else "separate", excluded=excluded)


def _int_dtype(plan: Mapping[str, Any]) -> Rule:
    tables = [sub.get("input_dtypes") or sub.get("dtypes") for sub in plan.get("submodels") or []]
    known = [t for t in tables if isinstance(t, Mapping)]
    if known and not any(dtypes.is_integer(v) for t in known for v in t.values()):
        return _rule(False, "no_integer_inputs", values=INT_DTYPES, default="int64")
    return _rule(True, values=INT_DTYPES, default="int64")


def _opset(s: _Situation) -> Rule:
    opsets = opset_range(s.dynamo)
    code = "opset_range_dynamo" if s.dynamo else "opset_range_torchscript"
    return _rule(True, code, values=tuple(opsets), default=s.facts.get("default_opset"), low=opsets[0],
                 high=opsets[-1])


def _dynamo(s: _Situation) -> Rule:
    if s.facts.get("dynamo_supported", True) is False:
        return _off("dynamo_unsupported_model", model_type=s.model_type,
                    why=DYNAMO_UNSUPPORTED.get(s.model_type, "known to fail"))
    if s.facts.get("dynamo_attention") == "eager":
        return _rule(True, "dynamo_eager_attention", model_type=s.model_type)
    return _rule(True)


def _validation_off(s: _Situation) -> Rule | None:
    if not s.options.validate:
        return _off("validation_off")
    if s.options.float_dtype in UNVALIDATED_DTYPES:
        return _off("bf16_not_validated")
    return None


def _default_atol(s: _Situation) -> float | None:
    base = s.facts.get("atol_for_validation")
    if isinstance(base, (int, float)):
        return dtypes.validation_atol(s.options.float_dtype, base)
    # Without the fact: the document's tolerance (the app's placeholder), right when it was made without --atol.
    atols = [sub.get("atol") for sub in s.plan.get("submodels") or []]
    atols = [a for a in atols if isinstance(a, (int, float)) and not isinstance(a, bool)]
    return max(atols) if atols else None


def _hub_only(s: _Situation) -> Rule:
    source = s.facts.get("source")
    if source == "local":
        return _off("local_model_no_hub")
    if source == "demo":
        return _off("demo_model_no_hub")
    return _rule(True)


def _pad_token(s: _Situation) -> Rule:
    if not s.decoder_classifier:
        return _off("pad_token_not_needed")
    if "config_pad_token_id" in s.facts and s.facts["config_pad_token_id"] is not None:
        pad = s.facts["config_pad_token_id"]
        return _rule(True, "pad_token_in_config", default=pad, pad_token_id=pad)
    return _rule(True, "pad_token_from_tokenizer")


# ---- combinations that cannot work ---------------------------------------------------------------------------------
BF16_VALIDATION_REASON = ("onnxruntime's CPU provider cannot run bfloat16 models, so a bf16 export cannot be validated "
                          "here; add --no-validation to export it unvalidated")
MONOLITH_PAST_REASON = "--monolith exports one file without the cache: drop -with-past"


def with_use_past(choice: TaskChoice, use_past: bool | None) -> TaskChoice:
    """``--past`` / ``--no-past`` over what the task says; unset keeps it (an inferred task has the cache where the
    model type supports it, a named one as named: ``text-generation`` means none, as in Optimum)."""
    return choice if use_past is None else choice.with_past(use_past)


def cache_asked(options: ExportOptions) -> bool:
    """Whether the user asked for the cache: ``--past``, or a ``-with-past`` task that ``--no-past`` does not undo.
    Raises ``unknown_task``."""
    if options.use_past is not None:
        return options.use_past
    return options.task != "auto" and TaskChoice.parse(options.task).use_past


def one_file(choice: TaskChoice, options: ExportOptions) -> TaskChoice:
    """``--monolith`` for an encoder–decoder model whose task has the cache: one file holds none, so an inferred
    task loses it and a cache that was asked for is refused."""
    if cache_asked(options):
        raise ExportError("invalid_option", reason=MONOLITH_PAST_REASON)
    return choice.with_past(False)


def past_in_inputs(choice: TaskChoice, asked: bool | None) -> bool:
    """Whether a decoder-only export takes its cache as inputs. Unset: only generation feeds it back
    (``feature-extraction-with-past`` only returns it, as in Optimum)."""
    if not choice.use_past:
        return False
    return choice.task == "text-generation" if asked is None else asked


def check(plan: Mapping[str, Any] | None, options: ExportOptions) -> list[ExportError]:
    """The errors the core would raise for ``options`` with this plan's model, in the order it meets them, without
    doing any work. ``plan=None``: only what the options alone decide (before the model is located)."""
    errors: list[ExportError] = []
    if options.float_dtype in UNVALIDATED_DTYPES and options.validate:
        errors.append(ExportError("invalid_option", reason=BF16_VALIDATION_REASON))
    try:
        check_opset(options.opset, options.dynamo)  # refused on construction too; here for options changed since
    except ExportError as exc:
        errors.append(exc)
    if options.float_dtype != "fp32" and options.variants:
        errors.append(ExportError("variant_not_applicable", variant=options.variants[0],
                                  reason=f"variants are made from an fp32 export, and this one is {options.float_dtype}",
                                  advice="Export with --dtype fp32 (the default) to make variants; --variants fp16 "
                                         "gives the half-precision file beside it"))
    try:
        check_library(options.library, options.task)
    except ExportError as exc:
        errors.append(exc)
    if options.float_dtype != "fp32" and options.optimize:
        errors.append(ExportError("invalid_option", reason=f"--optimize applies to an fp32 export, and this one is "
                                  f"{options.float_dtype}; export fp32 with --variants to get smaller files"))
    if plan is None:
        return errors
    s = _Situation(plan, options)
    if s.task_error is not None:
        return errors + [s.task_error]
    asks_past = cache_asked(options)
    if s.base is not None:
        task = TaskChoice(s.base, asks_past).name  # what registry.get_config_class is asked for
        unsupported = ExportError("unsupported_task", task=task, model_type=s.model_type,
                                  supported=", ".join(s.supported))
        if s.base not in s.bases or (asks_past and s.base not in s.past_bases):
            return errors + [unsupported]
    if s.one_file and asks_past:
        errors.append(ExportError("invalid_option", reason=MONOLITH_PAST_REASON))
    if options.dynamo and s.facts.get("dynamo_supported", True) is False:
        errors.append(ExportError("invalid_option", reason=f"the torch.export path cannot export {s.model_type} "
                                  f"models ({DYNAMO_UNSUPPORTED.get(s.model_type, 'known to fail')}); run without "
                                  "--dynamo"))
    return errors


def refuse(plan: Mapping[str, Any] | None, options: ExportOptions) -> None:
    """Raise the first error :func:`check` finds."""
    errors = check(plan, options)
    if errors:
        raise errors[0]


def rule_names() -> list[str]:
    """Every name :func:`rules` answers for."""
    return [f.name for f in fields(ExportOptions)] + [FILE_LAYOUT] + [SHAPE_RULE_PREFIX + k for k in SHAPE_NAMES]
