"""Which export options make sense for a plan, and why not: the one home of these rules for the app, the CLI and
the worker.

``rules(plan, options)`` says for every option (each ``ExportOptions`` field, the app's file layout and each shape
keyword) whether it makes sense for this plan and why not; ``check(plan, options)`` lists the combinations that
cannot work, as the ``ExportError`` the core raises for them, so that they are refused before any work.

``plan`` is the plan document (``exportcore inspect --json``, ``plan.plan_document``). What the rules need that
the document does not show is its ``facts`` section (:data:`FACT_KEYS`, made by :func:`plan_facts`); a document
without it gets the facts :func:`document_facts` can work out from the rest (see there for what it cannot).

Light module: no torch, transformers or numpy. The registry and the configuration classes (light too) are imported
when facts are computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Mapping

from . import dtypes
from .errors import ExportError
from .options import DYNAMO_OPSETS, FLOAT_DTYPES, INT_DTYPES, PAST_SHAPE, SHAPE_NAMES, TORCHSCRIPT_OPSETS, ExportOptions
from .tasks import WITH_PAST, normalize_task, split_past

#: The app's file layouts of an encoder–decoder export (``monolith`` / ``post_process`` as one choice).
FILE_LAYOUTS = ("monolith", "merged", "separate")
#: Tasks whose encoder–decoder models are split into encoder + decoder(s) (Optimum's default); feature-extraction
#: only with past. Must equal ``plan.SPLIT_SEQ2SEQ_TASKS`` (tested) until plan.py reads it from here.
SPLIT_SEQ2SEQ_TASKS = ("text2text-generation", "automatic-speech-recognition", "image-to-text")
#: Model types the torch.export path cannot export, with the reason. None known with torch 2.13: T5 fails there with
#: sdpa attention, which the adapter replaces by eager attention on that path (below).
DYNAMO_UNSUPPORTED: dict[str, str] = {}
#: Model types given eager attention on the torch.export path (FACTS.md: T5 with sdpa fails in the decomposition).
#: Must equal ``adapter.EAGER_ON_DYNAMO`` (tested) until the adapter reads it from here.
DYNAMO_EAGER_ATTENTION = frozenset({"t5", "mt5", "umt5", "longt5"})

#: The ``facts`` section of the plan document: what the rules need beyond the rest of the document.
FACT_KEYS = (
    "source",  # "local" | "hub" | "demo": where the model is read from
    "seq2seq_tasks",  # base tasks exported as an encoder–decoder model (cache and file layout are its own)
    "split_tasks",  # tasks (with -with-past where only that form splits) written as encoder + decoder files
    "decoder_only_tasks",  # base tasks exported as a decoder-only model (the configuration's ``is_causal_lm``)
    "config_pad_token_id",  # the model configuration's pad_token_id (None: it has none)
    "dynamo_supported",  # whether the torch.export path can export this model type
    "dynamo_attention",  # "eager" where the torch.export path forces eager attention, else None
    "shape_keywords",  # shape keywords that change a dummy input of this plan (trace and validation)
    "default_opset",  # the opset written when --opset is not given
    "atol_for_validation",  # the configuration's fp32 tolerance (half precision raises it: dtypes.validation_atol)
)

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


# ---- facts ------------------------------------------------------------------------------------------------------
def model_facts(model_type: str, config: Any = None) -> dict[str, Any]:
    """The facts that depend on the model type (and its configuration classes) only, for every task it supports.
    ``config``: the model's configuration, or ``None`` — ``is_causal_lm`` reads the class and the task only."""
    from . import registry
    from .configs.base import OnnxSeq2SeqConfigWithPast

    seq2seq: list[str] = []
    split: list[str] = []
    decoder_only: list[str] = []
    for task in registry.supported_tasks(model_type):
        base, past = split_past(task)
        cls = registry.get_config_class(model_type, task)
        # plan.make_plan's test: an encoder–decoder class, unless the task uses its decoder alone (BART's causal LM)
        if issubclass(cls, OnnxSeq2SeqConfigWithPast) and base not in cls.CAUSAL_LM_TASKS:
            _add(seq2seq, base)
            if base in SPLIT_SEQ2SEQ_TASKS or (base == "feature-extraction" and past):
                _add(split, task)
        elif getattr(cls(config, task=base), "is_causal_lm", False):  # pipeline.ensure_pad_token's test
            _add(decoder_only, base)
    key = registry.canonical_model_type(model_type)
    return {
        "seq2seq_tasks": seq2seq,
        "split_tasks": split,
        "decoder_only_tasks": decoder_only,
        "dynamo_supported": key not in DYNAMO_UNSUPPORTED,
        "dynamo_attention": "eager" if key in DYNAMO_EAGER_ATTENTION else None,
    }


def plan_facts(plan: Any) -> dict[str, Any]:
    """The ``facts`` section for a ``plan.Plan``: ``plan_document`` should add ``"facts": plan_facts(plan)``."""
    res = plan.resolution
    configs = [s.onnx_config for s in plan.submodels]
    pad = getattr(res.config, "pad_token_id", None)
    facts = {
        **model_facts(res.model_type, res.config),
        "source": res.source.kind,
        "config_pad_token_id": pad if isinstance(pad, int) and not isinstance(pad, bool) else None,
        "shape_keywords": shape_keywords(configs, plan.shapes),
        "default_opset": max(c.DEFAULT_ONNX_OPSET for c in configs),
        "atol_for_validation": max(c.ATOL_FOR_VALIDATION for c in configs),
    }
    return {key: facts[key] for key in FACT_KEYS}


def shape_keywords(configs: list[Any], shapes: Mapping[str, int]) -> list[str]:
    """The shape keywords whose value changes some dummy input of ``configs`` (others are fixed by the model's
    configuration, e.g. a ViT's image size, or belong to another modality)."""
    shapes = dict(shapes)
    used = set()
    for cfg in configs:
        reference = cfg.dummy_shapes(**shapes)
        for key in SHAPE_NAMES:
            current = shapes.get(key, max(1, shapes["sequence_length"] // 2))
            if cfg.dummy_shapes(**{**shapes, key: 2 * current + 1}) != reference:
                used.add(key)
    return [key for key in SHAPE_NAMES if key in used]


def document_facts(plan: Mapping[str, Any]) -> dict[str, Any]:
    """The facts of a plan document without a ``facts`` section, as far as the rest of it tells.

    Exact: everything :func:`model_facts` gives (from ``model_type``). Approximate: ``shape_keywords`` (from the
    input names, as the app's options panel guessed) and ``source`` (only ``demo:`` is recognised). Unknown, hence
    left out: ``config_pad_token_id``, ``default_opset``, ``atol_for_validation`` (the document shows the opset and
    tolerance after the options were applied)."""
    facts: dict[str, Any] = {}
    try:
        facts.update(model_facts(str(plan.get("model_type") or "")))
    except ExportError:  # not a registered type: nothing to say about its tasks
        facts.update(seq2seq_tasks=[], split_tasks=[], decoder_only_tasks=[], dynamo_supported=True,
                     dynamo_attention=None)
    if str(plan.get("model") or "").startswith("demo:"):
        facts["source"] = "demo"
    facts["shape_keywords"] = _keywords_from_inputs(plan)
    return facts


def _keywords_from_inputs(plan: Mapping[str, Any]) -> list[str]:
    inputs: set[str] = set()
    for sub in plan.get("submodels") or []:
        inputs |= set(sub.get("inputs") or {})
    used = {"batch_size"}
    if inputs & {"input_ids", "decoder_input_ids"} or not inputs:
        used.add("sequence_length")
    if "pixel_values" in inputs:
        used.update(("image_width", "image_height", "num_channels"))
    if "input_features" in inputs:
        used.update(("feature_size", "nb_max_frames"))
    if "input_values" in inputs:
        used.add("audio_sequence_length")
    if split_past(str(plan.get("task") or ""))[0] == "multiple-choice":
        used.add("num_choices")
    if any(name.startswith("past_key_values") for name in inputs):
        used.add(PAST_SHAPE)
    return [key for key in SHAPE_NAMES if key in used]


def facts_of(plan: Mapping[str, Any]) -> dict[str, Any]:
    """The document's ``facts`` section, or what :func:`document_facts` works out."""
    facts = plan.get("facts")
    return dict(facts) if isinstance(facts, Mapping) else document_facts(plan)


def _add(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


# ---- the situation: the plan, the options and what follows from them ---------------------------------------------
class _Situation:
    """The plan's facts and the options, read once; what follows from them as properties."""

    def __init__(self, plan: Mapping[str, Any], options: ExportOptions) -> None:
        self.plan, self.options = plan, options
        self.facts = facts_of(plan)
        self.model_type = str(plan.get("model_type") or "")
        self.supported = [str(t) for t in plan.get("supported_tasks") or []]
        self.bases: list[str] = []
        self.past_bases: set[str] = set()
        for task in self.supported:
            base, past = split_past(task)
            _add(self.bases, base)
            if past:
                self.past_bases.add(base)
        self.explicit = options.task != "auto"
        self.task_error: ExportError | None = None
        self.task_says_past = False
        if self.explicit:
            try:
                self.base, self.task_says_past = split_past(normalize_task(options.task))
            except ExportError as exc:
                self.base, self.task_error = options.task, exc
        elif plan.get("task_source") != "option":
            self.base = split_past(str(plan.get("task") or ""))[0] or None  # the inferred task
        else:
            self.base = None  # 'auto', but this plan was made for a task the user named: the inferred one is unknown
        self.seq2seq_tasks = list(self.facts.get("seq2seq_tasks") or [])
        self.split_tasks = list(self.facts.get("split_tasks") or [])

    @property
    def past_possible(self) -> bool:
        return self.base in self.past_bases if self.base is not None else bool(self.past_bases)

    @property
    def default_past(self) -> bool:
        """What the core does with ``use_past`` unset: the inferred task gets -with-past where supported (plan.resolve,
        registry.with_past_default); a named task means what it says."""
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
        return (self.base + WITH_PAST if past else self.base) in self.split_tasks

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
        return self.base == "text-classification" and self.base in (self.facts.get("decoder_only_tasks") or [])

    @property
    def shape_keywords(self) -> list[str]:
        return list(self.facts.get("shape_keywords") or [])

    def task_for_words(self) -> str:
        return self.base or split_past(str(self.plan.get("task") or ""))[0]


# ---- the rules ---------------------------------------------------------------------------------------------------
def rules(plan: Mapping[str, Any], options: ExportOptions) -> dict[str, Rule]:
    """For every ``ExportOptions`` field, ``file_layout`` and ``shapes.<keyword>``: does it make sense here, and why
    not."""
    s = _Situation(plan, options)
    inferred = split_past(str(plan.get("task") or ""))[0] if plan.get("task_source") != "option" else None
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
    for key in SHAPE_NAMES:
        out[SHAPE_RULE_PREFIX + key] = _rule(True) if key in s.shape_keywords else _off("shape_unused", name=key)
    out["validate"] = _off("bf16_not_validated") if options.float_dtype == "bf16" else _rule(True)
    validation_off = _validation_off(s)
    out["validation_shapes"] = validation_off or (
        _off("static_axes_traced_shapes") if not options.dynamic_axes else _rule(True, values=tuple(s.shape_keywords)))
    out["atol"] = validation_off or _rule(True, default=_default_atol(s))
    out["overwrite"] = _rule(True)
    out["cache_dir"] = out["revision"] = _hub_only(s)
    out["pad_token_id"] = _pad_token(s)
    out["force"] = _rule(True)
    return out


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
    # plan.make_plan: only generation feeds the cache back in by default
    return _rule(True, default=s.base == "text-generation")


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


def opset_range(dynamo: bool) -> range:
    """The opsets the exporter writes (``options`` holds the numbers; torch 2.13)."""
    return DYNAMO_OPSETS if dynamo else TORCHSCRIPT_OPSETS


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
    if s.options.float_dtype == "bf16":
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
#: run.py's refusal, word for word.
BF16_VALIDATION_REASON = ("onnxruntime's CPU provider cannot run bfloat16 models, so a bf16 export cannot be validated "
                          "here; add --no-validation to export it unvalidated")
#: plan.resolve's refusal, word for word.
MONOLITH_PAST_REASON = "--monolith exports one file without the cache: drop -with-past"


def check(plan: Mapping[str, Any] | None, options: ExportOptions) -> list[ExportError]:
    """The errors the core would raise for ``options`` with this plan's model, in the order it meets them, without
    doing any work. ``plan=None``: only what the options alone decide (before the model is located)."""
    errors: list[ExportError] = []
    if options.float_dtype == "bf16" and options.validate:
        errors.append(ExportError("invalid_option", reason=BF16_VALIDATION_REASON))
    if options.opset is not None and options.opset not in opset_range(options.dynamo):
        # options.ExportOptions refuses this on construction; here for options changed since
        exporter = "torch.export (--dynamo)" if options.dynamo else "TorchScript"
        opsets = opset_range(options.dynamo)
        errors.append(ExportError("invalid_option", reason=f"opset {options.opset!r}: the {exporter} exporter writes "
                                  f"opsets {opsets[0]}–{opsets[-1]}"))
    if plan is None:
        return errors
    s = _Situation(plan, options)
    if s.task_error is not None:
        return errors + [s.task_error]
    # plan.resolve: use_past=True adds -with-past to the task; a named -with-past task keeps it unless use_past=False
    asks_past = options.use_past is True or (s.task_says_past and options.use_past is not False)
    if s.base is not None:
        task = s.base + WITH_PAST if asks_past else s.base  # the name registry.get_config_class is asked for
        unsupported = ExportError("unsupported_task", task=task, model_type=s.model_type,
                                  supported=", ".join(s.supported))
        if s.base not in s.bases or (asks_past and s.base not in s.past_bases):
            return errors + [unsupported]
    # plan.resolve: monolith drops the cache of the inferred task, but refuses a cache that was asked for
    if s.one_file and (options.use_past is True or (s.explicit and asks_past)):
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
