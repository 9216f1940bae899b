"""Plan documents shaped like ``exportcore inspect --json`` for a few fake model ids (no torch here)."""

from __future__ import annotations

FAKE_ERRORS = {
    "unsupported_model_type": ("Model type '{model_type}' is not supported.", "Run 'exportcore models' to list the supported model types."),
    "missing_config": ("No config.json in '{path}'.", "Point to a folder that holds a Hugging Face model (config.json next to the weights)."),
}


class FakeError(Exception):
    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        msg, step = FAKE_ERRORS[code]
        super().__init__(msg.format(**params))
        self.next_step = step.format(**params)

    def to_dict(self) -> dict:
        return {"code": self.code, "message": str(self), "next_step": self.next_step, "params": self.params}


def _past(n_layers: int, direction: str) -> dict:
    out = {}
    for i in range(n_layers):
        for kv in ("key", "value"):
            if direction == "inputs":
                out[f"past_key_values.{i}.{kv}"] = {"0": "batch_size", "2": "past_sequence_length"}
            else:
                out[f"present.{i}.{kv}"] = {"0": "batch_size", "2": "past_sequence_length + sequence_length"}
    return out


def _shapes(axes: dict, sizes: dict) -> dict:
    shapes = {}
    for name, ax in axes.items():
        if name.startswith(("past_key_values", "present")):
            shapes[name] = [sizes["batch_size"], 2, sizes.get("past_sequence_length", sizes["sequence_length"]), 8]
        elif name in ("pixel_values",):
            shapes[name] = [sizes["batch_size"], 3, 64, 64]
        else:
            shapes[name] = [sizes["batch_size"], sizes["sequence_length"]][: max(2, len(ax))]
    return shapes


def _dtypes(axes: dict, int_dtype: str, float_dtype: str) -> dict:
    ints = {"input_ids", "attention_mask", "token_type_ids", "position_ids", "decoder_input_ids", "decoder_attention_mask"}
    return {name: (int_dtype if name in ints else float_dtype) for name in axes}


def _sub(name, cls, chain, inputs, outputs, opts, behavior="monolith", use_past=False, in_inputs=False):
    sizes = {"batch_size": 2, "sequence_length": 16, **(opts.get("shapes") or {})}
    return {
        "name": name,
        "config_class": cls,
        "class_chain": chain,
        "behavior": behavior,
        "use_past": use_past,
        "use_past_in_inputs": in_inputs,
        "inputs": inputs,
        "outputs": outputs,
        "dummy_shapes": _shapes(inputs, sizes),
        "dtypes": _dtypes({**inputs}, opts.get("int_dtype", "int64"), opts.get("float_dtype", "fp32")),
        "opset": opts.get("opset") or 14,
        "atol": opts.get("atol") or 1e-4,
    }


def make_plan(model: str, opts: dict | None = None) -> dict:
    """A plan document with the ``facts`` section the real helper sends (exportcore.option_facts works it out)."""
    from exportcore.option_facts import document_facts

    plan = _make_plan(model, opts)
    facts = document_facts(plan)
    facts.setdefault("source", "demo" if model.startswith("demo:") else "local" if model.startswith("/") else "hub")
    facts.update(config_pad_token_id=None, default_opset=14, atol_for_validation=1e-4)  # as the fake submodels say
    plan["facts"] = facts
    return plan


def _make_plan(model: str, opts: dict | None = None) -> dict:
    opts = dict(opts or {})
    key = model.lower()
    task = opts.get("task") or "auto"
    if "missing" in key:
        raise FakeError("missing_config", path=model)
    if "bad" in key or "unknown" in key:
        raise FakeError("unsupported_model_type", model_type="mystery")
    seq = {"0": "batch_size", "1": "sequence_length"}
    if "gpt2" in key or "llama" in key:
        base = "text-generation"
        use_past = opts.get("use_past") is not False
        if task != "auto" and not task.endswith("-with-past") and task != base:
            base = task
        inputs = {"input_ids": dict(seq), "attention_mask": {"0": "batch_size", "1": "past_sequence_length + sequence_length"}}
        outputs = {"logits": dict(seq)}
        if use_past and base == "text-generation":
            inputs.update(_past(2, "inputs"))
            outputs.update(_past(2, "outputs"))
        sub = _sub("model", "GPT2OnnxConfig", ["GPT2OnnxConfig", "TextDecoderOnnxConfig", "OnnxConfigWithPast", "OnnxConfig"],
                   inputs, outputs, opts, use_past=use_past, in_inputs=use_past)
        return {"model_type": "gpt2", "task": base + ("-with-past" if use_past and base == "text-generation" else ""),
                "library": "transformers", "files": ["model.onnx"], "submodels": [sub],
                "supported_tasks": ["feature-extraction", "feature-extraction-with-past", "text-generation",
                                    "text-generation-with-past", "text-classification"]}
    if "t5" in key:
        use_past = opts.get("use_past") is not False
        chain = ["T5OnnxConfig", "TextSeq2SeqOnnxConfig", "OnnxSeq2SeqConfigWithPast", "OnnxConfigWithPast", "OnnxConfig"]
        task_name = "text2text-generation" + ("-with-past" if use_past else "")
        if opts.get("monolith"):
            sub = _sub("model", "T5OnnxConfig", chain, {"input_ids": dict(seq), "attention_mask": dict(seq),
                       "decoder_input_ids": {"0": "batch_size", "1": "decoder_sequence_length"}},
                       {"logits": {"0": "batch_size", "1": "decoder_sequence_length"}}, opts)
            return {"model_type": "t5", "task": "text2text-generation", "library": "transformers",
                    "files": ["model.onnx"], "submodels": [sub],
                    "supported_tasks": ["feature-extraction", "text2text-generation", "text2text-generation-with-past"]}
        enc = _sub("encoder_model", "T5OnnxConfig", chain, {"input_ids": dict(seq), "attention_mask": dict(seq)},
                   {"last_hidden_state": dict(seq)}, opts, behavior="encoder")
        dec_in = {"encoder_attention_mask": dict(seq), "decoder_input_ids": {"0": "batch_size", "1": "decoder_sequence_length"},
                  "encoder_hidden_states": {"0": "batch_size", "1": "encoder_sequence_length"}}
        dec = _sub("decoder_model", "T5OnnxConfig", chain, dec_in, {"logits": {"0": "batch_size", "1": "decoder_sequence_length"}},
                   opts, behavior="decoder", use_past=use_past)
        subs = [enc, dec]
        files = ["encoder_model.onnx", "decoder_model.onnx"]
        if use_past:
            dwp = _sub("decoder_with_past_model", "T5OnnxConfig", chain, {**dec_in, **_past(2, "inputs")},
                       {"logits": {"0": "batch_size", "1": "decoder_sequence_length"}, **_past(2, "outputs")},
                       opts, behavior="decoder", use_past=True, in_inputs=True)
            subs.append(dwp)
            files = (["encoder_model.onnx", "decoder_model_merged.onnx"] if opts.get("post_process", True)
                     else ["encoder_model.onnx", "decoder_model.onnx", "decoder_with_past_model.onnx"])
        return {"model_type": "t5", "task": task_name, "library": "transformers", "files": files, "submodels": subs,
                "supported_tasks": ["feature-extraction", "text2text-generation", "text2text-generation-with-past"]}
    # default: a BERT-like encoder
    task_name = task if task != "auto" else "feature-extraction"
    outputs = {"last_hidden_state": {"0": "batch_size", "1": "sequence_length"}} if task_name == "feature-extraction" \
        else {"logits": {"0": "batch_size"}}
    sub = _sub("model", "BertOnnxConfig", ["BertOnnxConfig", "TextEncoderOnnxConfig", "OnnxConfig"],
               {"input_ids": dict(seq), "attention_mask": dict(seq), "token_type_ids": dict(seq)}, outputs, opts)
    return {"model_type": "bert", "task": task_name, "library": "transformers", "files": ["model.onnx"], "submodels": [sub],
            "supported_tasks": ["feature-extraction", "fill-mask", "text-classification", "token-classification",
                                "question-answering", "multiple-choice"]}


GB = 10**9


def make_preflight(model: str, opts: dict | None = None, pipeline_tag: str | None = None) -> dict:
    """A pre-flight document shaped like ``exportcore.preflight.Preflight.to_dict()``.

    Model names choose the case: "huge" (145 GB to download, more than the cache's free space: a disk_full
    refusal), "big" (3.5 GB to download, fits), "hungry" (fits on disk, not in memory), else a small local model.
    """
    opts = dict(opts or {})
    key = model.lower()
    auto = (opts.get("task") or "auto") == "auto"
    source = "pipeline_tag" if pipeline_tag and auto else "architectures" if auto else "option"
    plan = make_plan(model, {**opts, "task": pipeline_tag} if source == "pipeline_tag" else opts)
    hub = "/" in model and not model.startswith(("/", "demo:"))
    weights = 145 * GB if "huge" in key else 3_500_000_000 if "big" in key else 120_000_000 if "hungry" in key \
        else 400_000
    cache_free, output_free = 8 * 2**20 if "huge" in key else 80 * GB, 80 * GB
    memory = 350 * 2**20 + int(1.8 * weights) if "hungry" not in key else 40 * GB
    refusals = []
    if "huge" in key:
        refusals.append({"code": "disk_full", "message": "Not enough free disk space",
                         "next_step": "Free some space", "params": {"path": "/cache", "needed_mb": weights // 2**20,
                                                                    "free_mb": cache_free // 2**20,
                                                                    "detail": "…"}})
    if "hungry" in key:
        refusals.append({"code": "insufficient_memory", "message": "needs memory", "next_step": "",
                         "params": {"model": model, "needed_mb": memory // 2**20, "available_mb": 16 * 1024}})
    from exportcore.postprocess.variants import estimated_bytes

    variant_bytes = {v: estimated_bytes(v, weights) for v in opts.get("variants") or ()}
    return {
        "model": model, "kind": "hub" if hub else "demo" if model.startswith("demo:") else "local",
        "model_type": plan["model_type"], "supported": True, "task": plan["task"],
        "task_source": source, "pipeline_tag": pipeline_tag,
        "revision": None, "weight_files": ["model.safetensors"], "weights_bytes": weights, "parameters": weights // 4,
        "weights_dtype": "F32", "download_files": 3 if hub else 0, "download_bytes": weights if hub else 0,
        "cache_dir": "/cache" if hub else None, "cache_needed_bytes": weights if hub else 0,
        "cache_free_bytes": cache_free if hub else None, "output_dir": opts.get("output_dir") or None,
        "output_needed_bytes": 3 * weights + 50 * 2**20 + sum(variant_bytes.values()),
        "output_free_bytes": output_free, "same_disk": False, "variant_bytes": variant_bytes,
        "memory_estimate_bytes": memory, "memory_available_bytes": 16 * 2**30, "memory_total_bytes": 23 * 2**30,
        "unsupported": None, "refusals": refusals, "memory_is_estimate": True,
    }
