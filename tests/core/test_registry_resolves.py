"""Every registered (model type, task) resolves from a config.json-only folder, and its dummies keep its promises.

Parametrized over the registry at collection time: a model type or task added later is covered without editing
this file (``TINY_CONFIGS`` in tests/conftest.py must know the model type; a test below says so if not).

For every submodel of every plan, in ``pt`` and ``np``: the dummy inputs carry exactly the ONNX input names of
``onnx_inputs`` in that order; every axis that shares a symbolic name has one size; composite axes
(``past_sequence_length + sequence_length``) are the sum of their parts; the shape keywords land on the axes they
name; axes that are not dynamic match the model config (KV heads, head_dim, hidden size, image size, mel bins);
integer inputs have ``int_dtype`` and float inputs ``float_dtype``; and ``inspect``'s ``dummy_shapes`` are the
shapes really generated. Expected sizes are derived here from the transformers configs.

Then the compatibility promise: the input/output names, order and axes Optimum's exporter writes, hard-coded for
representative cases, and the task vocabulary (synonyms, ``-with-past``, inference from ``config.architectures``
and from a Hub pipeline tag).

Expected failures marked ``EXPORTCORE BUG`` / ``OPTIMUM MISMATCH`` document defects (see each reason).
"""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

from exportcore import registry, tasks
from exportcore.configs import OnnxSeq2SeqConfigWithPast
from exportcore.configs.static_axes import static_axes_of
from exportcore.errors import ExportError
from exportcore.options import DEFAULT_SHAPES, ExportOptions
from exportcore.plan import make_plan, plan_document, resolve
from tests.architectures import cache_heads, expected_size, prompt_image_tokens
from tests.conftest import TINY_CONFIGS, tiny_config

PAIRS = [(mt, task) for mt in registry.supported_model_types() for task in registry.supported_tasks(mt)]

INTEGER_INPUTS = {"input_ids", "attention_mask", "token_type_ids", "position_ids", "decoder_input_ids",
                  "decoder_attention_mask", "encoder_attention_mask", "pixel_mask", "bbox", "pixel_attention_mask",
                  "spatial_shapes", "grid_thw", "image_grid_thw", "timesteps", "visual_attention_mask",
                  "visual_token_type_ids", "global_attention_mask", "input_labels"}

#: (shape keywords, int_dtype, float_dtype) — the defaults, and non-default everything.
VARIANTS = {
    "defaults": ({}, "int64", "fp32"),
    "custom": ({"batch_size": 3, "sequence_length": 7, "num_choices": 5}, "int32", "bf16"),
}


def test_tiny_configs_cover_every_registered_model_type():
    assert set(registry.supported_model_types()) <= set(TINY_CONFIGS)


# ---------------------------------------------------------------------------------------------------------------
# what a model config says the sizes are (independent of exportcore's normalized configs)


def kv_heads_and_head_dim(model_type: str, c) -> tuple[int, int]:
    if model_type == "gpt2":
        return c.n_head, c.n_embd // c.n_head
    if model_type in ("llama", "qwen2"):
        kv = c.num_key_value_heads or c.num_attention_heads
        head_dim = getattr(c, "head_dim", None) or c.hidden_size // c.num_attention_heads
        return kv, head_dim
    if model_type == "t5":
        return c.num_heads, c.d_kv
    if model_type in ("bart", "whisper"):
        return c.decoder_attention_heads, c.d_model // c.decoder_attention_heads
    return cache_heads(model_type, c)  # the architecture-coverage types (tests/architectures.py)


def hidden_size(model_type: str, c) -> int:
    """Size of the encoder states a decoder reads (a vision-encoder-decoder's are its encoder's)."""
    if model_type in ("vision-encoder-decoder", "encoder-decoder"):
        return c.encoder.hidden_size
    if model_type == "pix2struct":
        return c.vision_config.hidden_size
    return getattr(c, "d_model", None) or c.hidden_size


def vision(c):
    encoder = getattr(c, "encoder", None)  # vision-encoder-decoder: the image side is the encoder's config
    backbone = getattr(c, "backbone_config", None)  # ViTPose, Depth Anything: the image side is the backbone's
    vlm = getattr(c, "vlm_config", None)  # ColPali: a vision-language model inside
    return (getattr(c, "vision_config", None) or getattr(vlm, "vision_config", None)
            or (encoder if hasattr(encoder, "num_channels") else None)
            or (backbone if hasattr(backbone, "num_channels") else c))


def image_size(c, kw, axis: str) -> int:
    """The image height or width a vision config fixes (an int or [height, width]), else the shape keyword."""
    size = getattr(vision(c), "image_size", None) or getattr(c, "input_size", None)  # LayoutLMv3: input_size
    if isinstance(size, (list, tuple)):
        return size[0] if axis == "height" else size[1]
    return size or kw[f"image_{axis}"]


class Expect:
    """Sizes a model config and the shape keywords promise, per (input name, axis) and per symbol."""

    def __init__(self, model_type: str, config, shapes: dict[str, int], onnx_config=None):
        self.model_type, self.c = model_type, config
        self.kw = {**DEFAULT_SHAPES, **shapes}
        #: A seq2seq decoder step with the cache filled is traced with one new token (as Optimum does).
        self.one_token_step = isinstance(onnx_config, OnnxSeq2SeqConfigWithPast) and onnx_config.use_past_in_inputs

    def for_config(self, onnx_config) -> "Expect":
        return Expect(self.model_type, self.c, self.kw, onnx_config)

    def symbol(self, name: str, symbol: str):
        """Expected size of a dynamic axis, or None when only consistency is promised (past lengths)."""
        kw, c = self.kw, self.c
        if symbol in ("batch_size", "text_batch_size", "image_batch_size"):
            return kw["batch_size"]
        if symbol == "sequence_length":
            if name == "input_values":
                return kw["audio_sequence_length"]
            return kw["sequence_length"] + prompt_image_tokens(self.model_type, c)
        if symbol == "num_choices":
            return kw["num_choices"]
        if symbol == "decoder_sequence_length":
            return 1 if self.one_token_step else kw["sequence_length"]
        if symbol == "encoder_sequence_length":
            if self.model_type == "whisper":  # frames in, positions out (two stride-2 convolutions)
                return 2 * c.max_source_positions if name == "input_features" else c.max_source_positions
            return kw["sequence_length"]
        if symbol == "feature_size":
            return c.num_mel_bins
        if symbol == "num_channels":
            return vision(c).num_channels
        if symbol in ("height", "width"):
            return image_size(c, kw, symbol)
        return expected_size(self.model_type, c, name, symbol)

    def static(self, name: str, axis: int):
        """Expected size of an axis that is not dynamic."""
        c = self.c
        if name.startswith("past_key_values."):
            if (known := expected_size(self.model_type, c, name, axis)) is not None:  # keys and values that differ
                return known
            heads, head_dim = kv_heads_and_head_dim(self.model_type, c)
            return {1: heads, 3: head_dim}.get(axis)
        if name == "encoder_hidden_states":
            return {2: hidden_size(self.model_type, c)}.get(axis)
        if name == "input_ids":  # a decoder step with the cache filled: one new token
            return {1: 1}.get(axis)
        if name == "input_features" and self.model_type == "whisper":
            return {1: c.num_mel_bins, 2: 2 * c.max_source_positions}.get(axis)
        if name == "pixel_values":
            return {1: vision(c).num_channels, 2: image_size(c, self.kw, "height"),
                    3: image_size(c, self.kw, "width")}.get(axis)
        return expected_size(self.model_type, c, name, axis)


def check_dummies(cfg, framework: str, expect: Expect, int_dtype: str, float_dtype: str) -> dict[str, list[int]]:
    """Assert the promises of ``cfg``'s dummy inputs; return their shapes keyed by ONNX name."""
    import torch

    dummy = cfg.generate_dummy_inputs(framework, **expect.kw)
    onnx_dummy = cfg.rename_ambiguous_inputs(dummy)
    spec = cfg.onnx_inputs
    assert list(onnx_dummy) == list(spec), "dummy inputs are not the ONNX inputs, in order"

    sizes: dict[str, set[int]] = {}
    where: dict[str, list[str]] = {}
    for name, axes in spec.items():
        value = onnx_dummy[name]
        shape = tuple(value.shape)
        assert all(isinstance(a, int) and isinstance(s, str) for a, s in axes.items()), name
        assert axes and max(axes) < len(shape), f"{name}: axes {axes} for shape {shape}"
        for axis in range(len(shape)):
            if axis in axes:
                symbol = axes[axis]
                sizes.setdefault(symbol, set()).add(shape[axis])
                where.setdefault(symbol, []).append(f"{name}[{axis}]")
                expected = expect.symbol(name, symbol)
                if expected is not None:
                    assert shape[axis] == expected, f"{name} axis {axis} ({symbol}) is {shape[axis]}, want {expected}"
            else:
                declared = static_axes_of(cfg).get(name, {}).get(axis)  # the model runs at one size (Nystromformer)
                expected = declared["size"] if declared else expect.static(name, axis)
                assert expected is not None, f"{name} axis {axis} is static and unexplained (shape {shape})"
                assert shape[axis] == expected, f"{name} static axis {axis} is {shape[axis]}, want {expected}"
        # dtypes
        integer = name in INTEGER_INPUTS
        if getattr(cfg, "INPUT_DTYPES", {}).get(name) == "bool":  # a runtime feeds it as booleans (Idefics3)
            assert str(value.dtype).endswith("bool"), f"{name}: {value.dtype}, want bool"
            continue
        if framework == "pt":
            want = {"int64": torch.int64, "int32": torch.int32}[int_dtype] if integer else {
                "fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[float_dtype]
            assert isinstance(value, torch.Tensor) and value.dtype == want, f"{name}: {value.dtype}, want {want}"
        else:
            want = np.dtype(int_dtype) if integer else np.dtype(
                {"fp32": np.float32, "fp16": np.float16, "bf16": ml_dtypes.bfloat16}[float_dtype])
            assert isinstance(value, np.ndarray) and value.dtype == want, f"{name}: {value.dtype}, want {want}"

    for symbol, values in sizes.items():
        assert len(values) == 1, f"axis {symbol!r} has sizes {sorted(values)} at {where[symbol]}"
    single = {symbol: next(iter(values)) for symbol, values in sizes.items()}
    for symbol, value in single.items():
        assert value >= 1, f"{symbol} is {value}"
        if "+" in symbol:
            parts = [p.strip() for p in symbol.split("+")]
            known = [p for p in parts if p in single]
            assert known == parts, f"{symbol}: parts {set(parts) - set(known)} appear on no other axis"
            assert value == sum(single[p] for p in parts), f"{symbol} is {value}, parts {[single[p] for p in parts]}"
    return {name: list(value.shape) for name, value in onnx_dummy.items()}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("model_type, task", PAIRS, ids=[f"{m}-{t}" for m, t in PAIRS])
def test_every_registered_pair_resolves_and_its_dummies_keep_their_promises(folder, model_type, task, variant):
    shapes, int_dtype, float_dtype = VARIANTS[variant]
    options = ExportOptions(model=str(folder(model_type)), task=task, int_dtype=int_dtype, float_dtype=float_dtype,
                            shapes=shapes)
    plan = make_plan(options)
    res = plan.resolution

    assert res.model_type == model_type
    assert res.choice == tasks.TaskChoice.parse(task)  # an explicit task is taken as given
    assert res.config_class is registry.get_config_class(model_type, task)
    assert plan.submodels and plan.files
    assert all(f.endswith(".onnx") for f in plan.files)
    assert len({s.name for s in plan.submodels}) == len(plan.submodels)

    document = plan_document(plan)
    expect = Expect(model_type, res.config, shapes)
    for submodel, sub_doc in zip(plan.submodels, document["submodels"]):
        cfg = submodel.onnx_config
        assert type(cfg) is res.config_class
        assert (cfg.int_dtype, cfg.float_dtype) == (int_dtype, float_dtype)
        pt_shapes = check_dummies(cfg, "pt", expect.for_config(cfg), int_dtype, float_dtype)
        np_shapes = check_dummies(cfg, "np", expect.for_config(cfg), int_dtype, float_dtype)
        assert pt_shapes == np_shapes
        # What `exportcore inspect` shows is what the export traces.
        assert sub_doc["dummy_shapes"] == pt_shapes
        assert list(sub_doc["inputs"]) == list(pt_shapes)


# ---------------------------------------------------------------------------------------------------------------
# plan-level promises


def test_cached_tasks_plan_past_somewhere_and_plain_tasks_plan_none(folder):
    for model_type, task in PAIRS:
        plan = make_plan(ExportOptions(model=str(folder(model_type)), task=task))
        with_past = task.endswith("-with-past")
        any_past = any(getattr(s.onnx_config, "use_past", False) for s in plan.submodels)
        assert any_past == with_past, (model_type, task)


@pytest.mark.parametrize("model_type", ["t5", "bart", "whisper"])
def test_monolith_plan_agrees_with_its_task(folder, tiny_model_dir, model_type):
    task_folder = tiny_model_dir(model_type, "text2text-generation" if model_type != "whisper"
                                 else "automatic-speech-recognition")
    plan = make_plan(ExportOptions(model=str(task_folder), monolith=True))
    assert [s.name for s in plan.submodels] == ["model"] and plan.files == ["model.onnx"]
    uses_past = any(getattr(s.onnx_config, "use_past", False) for s in plan.submodels)
    assert plan.resolution.choice.use_past == uses_past


# ---------------------------------------------------------------------------------------------------------------
# Optimum's names (the compatibility promise). Hard-coded from Optimum's exporter (optimum-onnx model_configs /
# config / base); the ONNX input order is the one Optimum writes, i.e. the forward signature order of the model it
# traces (OnnxConfig.ordered_inputs).

B, S = "batch_size", "sequence_length"
TEXT = {0: B, 1: S}
ENC = {0: B, 1: "encoder_sequence_length"}
DEC = {0: B, 1: "decoder_sequence_length"}


def past(layers, kind="inputs"):
    """Decoder-only cache entries, Optimum's names and axes."""
    prefix, length = ("past_key_values", "past_sequence_length") if kind == "inputs" else (
        "present", "past_sequence_length + sequence_length")
    return {f"{prefix}.{i}.{kv}": {0: B, 2: length} for i in range(layers) for kv in ("key", "value")}


def seq2seq_past(layers, kind="inputs", cross=True):
    prefix, length = ("past_key_values", "past_decoder_sequence_length") if kind == "inputs" else (
        "present", "past_decoder_sequence_length + decoder_sequence_length")
    out = {}
    for i in range(layers):
        for part in ("decoder", "encoder") if cross else ("decoder",):
            for kv in ("key", "value"):
                axes = {0: B, 2: length} if part == "decoder" else {0: B, 2: "encoder_sequence_length"}
                out[f"{prefix}.{i}.{part}.{kv}"] = axes
    return out


def ctc_length(config) -> str:
    """Optimum's wav2vec2 CTC output length: the waveform length through each convolution, as a formula string."""
    length = "sequence_length"
    for kernel, stride in zip(config.conv_kernel, config.conv_stride):
        length = f"( {length} - {kernel} ) // {stride} + 1"
    return length


PIXELS = {0: B, 1: "num_channels", 2: "height", 3: "width"}

# (model_type, task, monolith) -> {"files": [...], submodel: (inputs, outputs)}, inputs in ONNX order.
# Source: docs/research/optimum-names.md (optimum-onnx 0.1.0, checked against real exports).
OPTIMUM = {
    ("bert", "text-classification", False): {
        "files": ["model.onnx"],
        "model": ({"input_ids": TEXT, "attention_mask": TEXT, "token_type_ids": TEXT}, {"logits": {0: B}}),
    },
    ("bert", "multiple-choice", False): {
        "files": ["model.onnx"],
        "model": ({n: {0: B, 1: "num_choices", 2: S} for n in ("input_ids", "attention_mask", "token_type_ids")},
                  {"logits": {0: B, 1: "num_choices"}}),
    },
    ("bert", "question-answering", False): {
        "files": ["model.onnx"],
        "model": ({"input_ids": TEXT, "attention_mask": TEXT, "token_type_ids": TEXT},
                  {"start_logits": TEXT, "end_logits": TEXT}),
    },
    ("distilbert", "feature-extraction", False): {
        "files": ["model.onnx"],
        "model": ({"input_ids": TEXT, "attention_mask": TEXT}, {"last_hidden_state": TEXT}),
    },
    ("roberta", "token-classification", False): {
        "files": ["model.onnx"],
        "model": ({"input_ids": TEXT, "attention_mask": TEXT}, {"logits": TEXT}),  # no token_type_ids
    },
    ("gpt2", "text-generation", False): {
        "files": ["model.onnx"],
        "model": ({"input_ids": TEXT, "attention_mask": TEXT, "position_ids": TEXT}, {"logits": TEXT}),
    },
    ("gpt2", "text-generation-with-past", False): {
        "files": ["model.onnx"],
        # GPT2's forward takes the cache before the attention mask, so Optimum's file does too
        "model": ({"input_ids": TEXT, **past(2), "attention_mask": {0: B, 1: "past_sequence_length + sequence_length"},
                   "position_ids": TEXT},
                  {"logits": TEXT, **past(2, "outputs")}),
    },
    ("gpt2", "text-classification", False): {
        "files": ["model.onnx"],
        "model": ({"input_ids": TEXT, "attention_mask": TEXT}, {"logits": {0: B}}),  # no position_ids
    },
    ("llama", "text-generation-with-past", False): {
        "files": ["model.onnx"],
        "model": ({"input_ids": TEXT, "attention_mask": {0: B, 1: "past_sequence_length + sequence_length"},
                   "position_ids": TEXT, **past(2)},
                  {"logits": TEXT, **past(2, "outputs")}),
    },
    ("qwen2", "feature-extraction-with-past", False): {
        "files": ["model.onnx"],
        # returns the cache, takes none
        "model": ({"input_ids": TEXT, "attention_mask": TEXT, "position_ids": TEXT},
                  {"last_hidden_state": TEXT, **past(2, "outputs")}),
    },
    ("t5", "text2text-generation-with-past", False): {
        "files": ["encoder_model.onnx", "decoder_model_merged.onnx"],
        "encoder_model": ({"input_ids": ENC, "attention_mask": ENC}, {"last_hidden_state": ENC}),
        "decoder_model": ({"encoder_attention_mask": ENC, "input_ids": DEC, "encoder_hidden_states": ENC},
                          {"logits": DEC, **seq2seq_past(2, "outputs")}),
        # encoder_hidden_states is unused once the cross-attention cache is an input: not an input of the file
        "decoder_with_past_model": ({"encoder_attention_mask": ENC, "input_ids": DEC, **seq2seq_past(2)},
                                    {"logits": {0: B, 1: "1"}, **seq2seq_past(2, "outputs", cross=False)}),
    },
    ("t5", "feature-extraction", False): {
        "files": ["model.onnx"],
        "model": ({"input_ids": ENC, "attention_mask": ENC, "decoder_input_ids": DEC}, {"last_hidden_state": DEC}),
    },
    ("t5", "text2text-generation", True): {
        "files": ["model.onnx"],
        "model": ({"input_ids": ENC, "attention_mask": ENC, "decoder_input_ids": DEC}, {"logits": DEC}),
    },
    ("bart", "text2text-generation", False): {
        "files": ["encoder_model.onnx", "decoder_model.onnx"],
        "encoder_model": ({"input_ids": ENC, "attention_mask": ENC}, {"last_hidden_state": ENC}),
        "decoder_model": ({"encoder_attention_mask": ENC, "input_ids": DEC, "encoder_hidden_states": ENC},
                          {"logits": DEC}),
    },
    ("bart", "text-classification", False): {
        "files": ["model.onnx"],
        "model": ({"input_ids": TEXT, "attention_mask": TEXT}, {"logits": {0: B}}),
    },
    ("bart", "question-answering", False): {
        "files": ["model.onnx"],
        "model": ({"input_ids": TEXT, "attention_mask": TEXT}, {"start_logits": TEXT, "end_logits": TEXT}),
    },
    ("whisper", "automatic-speech-recognition-with-past", False): {
        "files": ["encoder_model.onnx", "decoder_model_merged.onnx"],
        # the encoder takes a fixed number of frames: only the batch axis is dynamic; no attention_mask anywhere
        "encoder_model": ({"input_features": {0: B}}, {"last_hidden_state": {0: B}}),
        "decoder_model": ({"input_ids": DEC, "encoder_hidden_states": ENC},
                          {"logits": DEC, **seq2seq_past(2, "outputs")}),
        "decoder_with_past_model": ({"input_ids": DEC, **seq2seq_past(2)},
                                    {"logits": {0: B, 1: "1"}, **seq2seq_past(2, "outputs", cross=False)}),
    },
    ("t5", "feature-extraction-with-past", False): {  # split like text2text, last_hidden_state for logits
        "files": ["encoder_model.onnx", "decoder_model_merged.onnx"],
        "encoder_model": ({"input_ids": ENC, "attention_mask": ENC}, {"last_hidden_state": ENC}),
        "decoder_model": ({"encoder_attention_mask": ENC, "input_ids": DEC, "encoder_hidden_states": ENC},
                          {"last_hidden_state": DEC, **seq2seq_past(2, "outputs")}),
        "decoder_with_past_model": ({"encoder_attention_mask": ENC, "input_ids": DEC, **seq2seq_past(2)},
                                    {"last_hidden_state": {0: B, 1: "1"}, **seq2seq_past(2, "outputs", cross=False)}),
    },
    ("bart", "text-generation-with-past", False): {  # BartForCausalLM: decoder-only names, no position_ids
        "files": ["model.onnx"],
        "model": ({"input_ids": TEXT, "attention_mask": {0: B, 1: "past_sequence_length + sequence_length"}, **past(2)},
                  {"logits": TEXT, **past(2, "outputs")}),
    },
    ("bart", "text-generation", False): {
        "files": ["model.onnx"],
        "model": ({"input_ids": TEXT, "attention_mask": TEXT}, {"logits": TEXT}),
    },
    ("whisper", "feature-extraction", False): {  # Optimum keeps encoder_last_hidden_state for Whisper
        "files": ["model.onnx"],
        "model": ({"input_features": {0: B}, "decoder_input_ids": DEC},
                  {"last_hidden_state": DEC, "encoder_last_hidden_state": {0: B}}),
    },
    ("whisper", "feature-extraction-with-past", False): {
        "files": ["encoder_model.onnx", "decoder_model_merged.onnx"],
        "encoder_model": ({"input_features": {0: B}}, {"last_hidden_state": {0: B}}),
        "decoder_model": ({"input_ids": DEC, "encoder_hidden_states": ENC},
                          {"last_hidden_state": DEC, **seq2seq_past(2, "outputs")}),
        "decoder_with_past_model": ({"input_ids": DEC, **seq2seq_past(2)},
                                    {"last_hidden_state": {0: B, 1: "1"}, **seq2seq_past(2, "outputs", cross=False)}),
    },
    ("clip", "image-classification", False): {  # CLIPForImageClassification: the vision tower and a head
        "files": ["model.onnx"],
        "model": ({"pixel_values": PIXELS}, {"logits": {0: B}}),
    },
    ("whisper", "audio-classification", False): {
        "files": ["model.onnx"],
        "model": ({"input_features": {0: B}}, {"logits": {0: B}}),
    },
    ("vit", "image-classification", False): {
        "files": ["model.onnx"],
        "model": ({"pixel_values": PIXELS}, {"logits": {0: B}}),
    },
    ("vit", "feature-extraction", False): {
        "files": ["model.onnx"],
        "model": ({"pixel_values": PIXELS}, {"last_hidden_state": {0: B}}),  # no pooler_output
    },
    ("clip", "zero-shot-image-classification", False): {
        "files": ["model.onnx"],
        # CLIPModel.forward order: input_ids, pixel_values, attention_mask; pixel_values says batch_size
        "model": ({"input_ids": {0: "text_batch_size", 1: S}, "pixel_values": PIXELS,
                   "attention_mask": {0: "text_batch_size", 1: S}},
                  {"logits_per_image": {0: "image_batch_size", 1: "text_batch_size"},
                   "logits_per_text": {0: "text_batch_size", 1: "image_batch_size"},
                   "text_embeds": {0: "text_batch_size"},
                   "image_embeds": {0: "image_batch_size"}}),
    },
    ("wav2vec2", "audio-classification", False): {
        "files": ["model.onnx"],
        "model": ({"input_values": TEXT}, {"logits": {0: B}}),
    },
    ("wav2vec2", "automatic-speech-recognition", False): {
        "files": ["model.onnx"],
        "model": ({"input_values": TEXT}, {"logits": {0: B, 1: ctc_length(tiny_config("wav2vec2"))}}),
    },
}

MISMATCHES: dict[tuple, str] = {}  # known differences from Optimum's names (none at the moment)


def _optimum_params():
    for key in OPTIMUM:
        marks = [pytest.mark.xfail(strict=True, reason=MISMATCHES[key])] if key in MISMATCHES else []
        yield pytest.param(key, id="-".join(str(k) for k in key[:2]) + ("-monolith" if key[2] else ""), marks=marks)


@pytest.mark.parametrize("key", list(_optimum_params()))
def test_names_order_and_axes_are_optimums(tiny_model_dir, key):
    model_type, task, monolith = key
    spec = OPTIMUM[key]
    plan = make_plan(ExportOptions(model=str(tiny_model_dir(model_type)), task=task, monolith=monolith))
    assert plan.files == spec["files"]
    assert [s.name for s in plan.submodels] == [k for k in spec if k != "files"]
    for submodel in plan.submodels:
        inputs, outputs = spec[submodel.name]
        cfg = submodel.onnx_config
        actual_in, actual_out = cfg.onnx_inputs, cfg.outputs
        assert list(actual_in) == list(inputs), submodel.name
        assert list(actual_out) == list(outputs), submodel.name
        assert dict(actual_in) == inputs, submodel.name
        assert dict(actual_out) == outputs, submodel.name


# The tasks Optimum's exporter registers for each model type (optimum-onnx model_configs.py).
OPTIMUM_TASKS = {
    "bert": ["feature-extraction", "fill-mask", "multiple-choice", "question-answering", "text-classification",
             "token-classification"],
    "gpt2": ["feature-extraction", "feature-extraction-with-past", "text-generation", "text-generation-with-past",
             "text-classification", "token-classification"],
    "llama": ["feature-extraction", "feature-extraction-with-past", "text-generation", "text-generation-with-past",
              "text-classification"],
    "qwen2": ["feature-extraction", "feature-extraction-with-past", "text-generation", "text-generation-with-past",
              "text-classification", "token-classification"],
    "t5": ["feature-extraction", "feature-extraction-with-past", "text2text-generation",
           "text2text-generation-with-past"],
    "bart": ["feature-extraction", "feature-extraction-with-past", "text-generation", "text-generation-with-past",
             "text2text-generation", "text2text-generation-with-past", "text-classification", "question-answering"],
    "vit": ["feature-extraction", "image-classification", "masked-im"],
    "clip": ["feature-extraction", "zero-shot-image-classification", "image-classification"],
    "whisper": ["feature-extraction", "feature-extraction-with-past", "audio-classification",
                "automatic-speech-recognition", "automatic-speech-recognition-with-past"],
    "wav2vec2": ["feature-extraction", "automatic-speech-recognition", "audio-classification",
                 "audio-frame-classification", "audio-xvector"],
}
OPTIMUM_TASKS["distilbert"] = OPTIMUM_TASKS["roberta"] = OPTIMUM_TASKS["bert"]
TASK_GAPS: dict[str, str] = {}  # model type -> Optimum tasks we do not register (none at the moment)


@pytest.mark.parametrize(
    "model_type",
    [pytest.param(m, marks=[pytest.mark.xfail(strict=True, reason=f"OPTIMUM MISMATCH (task gap): {m} lacks "
                                                                   f"{TASK_GAPS[m]}; register them.")])
     if m in TASK_GAPS else m for m in sorted(OPTIMUM_TASKS)],
)
def test_every_task_optimum_exports_is_registered(model_type):
    assert set(OPTIMUM_TASKS[model_type]) <= set(registry.supported_tasks(model_type))


# ---------------------------------------------------------------------------------------------------------------
# task vocabulary

ISSUE_TASKS = [
    "feature-extraction", "fill-mask", "text-classification", "token-classification", "question-answering",
    "multiple-choice", "text-generation", "text2text-generation", "image-classification",
    "zero-shot-image-classification", "automatic-speech-recognition", "audio-classification",
]


def test_vocabulary_has_the_documented_tasks():
    names = tasks.all_task_names()
    assert set(ISSUE_TASKS) <= set(names)
    assert len(names) == len(set(names))
    assert not any(n.endswith("-with-past") for n in names)  # -with-past is a variant, not a task of its own


@pytest.mark.parametrize(
    "given, canonical",
    [
        ("causal-lm", "text-generation"),
        ("causal-lm-with-past", "text-generation-with-past"),
        ("seq2seq-lm", "text2text-generation"),
        ("seq2seq-lm-with-past", "text2text-generation-with-past"),
        ("sequence-classification", "text-classification"),
        ("masked-lm", "fill-mask"),
        ("default", "feature-extraction"),
        ("default-with-past", "feature-extraction-with-past"),
        ("speech2seq-lm", "automatic-speech-recognition"),
        ("speech2seq-lm-with-past", "automatic-speech-recognition-with-past"),
        ("audio-ctc", "automatic-speech-recognition"),
        ("sentence-similarity", "feature-extraction"),
        ("summarization", "text2text-generation"),
        ("translation", "text2text-generation"),
        ("zero-shot-classification", "text-classification"),
        ("text-generation-with-past", "text-generation-with-past"),
        ("Text-Generation", "text-generation"),
    ],
)
def test_synonyms_and_with_past(given, canonical):
    assert tasks.normalize_task(given) == canonical


def test_a_task_name_is_parsed_once_into_the_task_and_use_past():
    """``-with-past`` is Optimum's spelling of a flag: parsed where a name comes in, carried as data inside, spelled
    again where a name goes out (the plan document, the registry's task lists)."""
    TaskChoice = tasks.TaskChoice
    assert TaskChoice.parse("causal-lm-with-past") == TaskChoice("text-generation", True)
    assert TaskChoice.parse(" Seq2Seq_LM ") == TaskChoice("text2text-generation", False)
    for name in ("text-generation-with-past", "fill-mask"):
        assert TaskChoice.parse(name).name == str(TaskChoice.parse(name)) == name
    assert TaskChoice("text-generation").with_past(True) == TaskChoice("text-generation", True)
    assert TaskChoice("text-generation", True) in registry.supported_choices("gpt2")
    assert [c.name for c in registry.supported_choices("gpt2")] == registry.supported_tasks("gpt2")
    assert registry.get_config_class("gpt2", TaskChoice("text-generation", True)) is registry.get_config_class(
        "gpt2", "causal-lm-with-past")


def test_configurations_take_the_cache_as_a_flag_not_as_a_task_suffix():
    cls = registry.get_config_class("gpt2", "text-generation-with-past")
    config = tiny_config("gpt2")
    assert cls(config, task="causal-lm", use_past=True).use_past  # synonyms still name the task
    with pytest.raises(ExportError) as excinfo:
        cls(config, task="text-generation-with-past")
    assert excinfo.value.code == "unsupported_task"


@pytest.mark.parametrize("given", ["text-to-everything", "with-past", "", "causal-lm-with-pasta"])
def test_unknown_task(given):
    with pytest.raises(ExportError) as excinfo:
        tasks.normalize_task(given)
    assert excinfo.value.code == "unknown_task"


def test_synonyms_resolve_to_the_same_config_class():
    assert registry.get_config_class("gpt2", "causal-lm-with-past") is registry.get_config_class(
        "gpt2", "text-generation-with-past")
    assert registry.get_config_class("bert", "sequence-classification") is registry.get_config_class(
        "bert", "text-classification")
    assert registry.get_config_class("t5", "seq2seq-lm-with-past") is registry.get_config_class(
        "t5", "text2text-generation-with-past")


def test_unsupported_task_lists_the_supported_ones():
    with pytest.raises(ExportError) as excinfo:
        registry.get_config_class("bert", "text-generation")
    error = excinfo.value
    assert error.code == "unsupported_task"
    for task in registry.supported_tasks("bert"):
        assert task in error.message
    assert "\n" not in error.message


def test_unsupported_model_type():
    with pytest.raises(ExportError) as excinfo:
        registry.get_config_class("not-a-model", "feature-extraction")
    assert excinfo.value.code == "unsupported_model_type"
    assert registry.is_exportable("not-a-model") is False
    assert registry.is_exportable("bert") and registry.is_exportable("gpt2", "causal-lm")
    assert not registry.is_exportable("bert", "text-generation")


@pytest.mark.parametrize(
    "model_type, architecture, task",
    [
        ("bert", "BertForSequenceClassification", "text-classification"),
        ("bert", "BertModel", "feature-extraction"),
        ("bert", "BertForMaskedLM", "fill-mask"),
        ("distilbert", "DistilBertForQuestionAnswering", "question-answering"),
        ("roberta", "RobertaForTokenClassification", "token-classification"),
        ("roberta", "RobertaForMultipleChoice", "multiple-choice"),
        ("gpt2", "GPT2LMHeadModel", "text-generation-with-past"),
        ("llama", "LlamaForCausalLM", "text-generation-with-past"),
        ("qwen2", "Qwen2ForSequenceClassification", "text-classification"),
        ("t5", "T5ForConditionalGeneration", "text2text-generation-with-past"),
        ("bart", "BartForConditionalGeneration", "text2text-generation-with-past"),
        ("vit", "ViTForImageClassification", "image-classification"),
        ("clip", "CLIPModel", "zero-shot-image-classification"),
        ("whisper", "WhisperForConditionalGeneration", "automatic-speech-recognition-with-past"),
        ("wav2vec2", "Wav2Vec2ForCTC", "automatic-speech-recognition"),
        ("wav2vec2", "Wav2Vec2ForSequenceClassification", "audio-classification"),
    ],
)
def test_task_inferred_from_architectures_of_a_local_folder(tiny_model_dir, model_type, architecture, task):
    folder = tiny_model_dir(model_type, architectures=[architecture])
    resolution = resolve(ExportOptions(model=str(folder)))  # task "auto"
    assert resolution.choice.name == task
    assert resolution.config_class is registry.get_config_class(model_type, task)


def test_inference_without_architectures_and_with_unknown_ones(tiny_model_dir):
    assert resolve(ExportOptions(model=str(tiny_model_dir("bert")))).choice.name == "feature-extraction"
    with pytest.raises(ExportError) as excinfo:
        resolve(ExportOptions(model=str(tiny_model_dir("bert", architectures=["BertForSomethingNew"]))))
    assert excinfo.value.code == "task_not_inferable"


def test_explicit_task_and_no_past_are_respected(tiny_model_dir):
    folder = str(tiny_model_dir("gpt2", "text-generation"))
    assert resolve(ExportOptions(model=folder)).choice.name == "text-generation-with-past"
    assert resolve(ExportOptions(model=folder, task="text-generation")).choice.name == "text-generation"
    assert resolve(ExportOptions(model=folder, use_past=False)).choice.name == "text-generation"
    assert resolve(ExportOptions(model=folder, task="causal-lm-with-past")).choice.name == "text-generation-with-past"


@pytest.mark.parametrize(
    "model_type, pipeline_tag, task",
    [
        ("bert", "fill-mask", "fill-mask"),
        ("bert", "text-classification", "text-classification"),
        ("bert", "sentence-similarity", "feature-extraction"),
        ("bert", "feature-extraction", "feature-extraction"),
        ("gpt2", "text-generation", "text-generation-with-past"),
        ("llama", "text-generation", "text-generation-with-past"),
        ("t5", "translation", "text2text-generation-with-past"),
        ("t5", "summarization", "text2text-generation-with-past"),
        ("t5", "text2text-generation", "text2text-generation-with-past"),
        ("vit", "image-classification", "image-classification"),
        ("clip", "zero-shot-image-classification", "zero-shot-image-classification"),
        ("whisper", "automatic-speech-recognition", "automatic-speech-recognition-with-past"),
        ("wav2vec2", "automatic-speech-recognition", "automatic-speech-recognition"),
        ("wav2vec2", "audio-classification", "audio-classification"),
    ],
)
def test_task_inferred_from_pipeline_tag(model_type, pipeline_tag, task):
    assert registry.infer_task(model_type, None, pipeline_tag).name == task


def test_pipeline_tag_the_model_type_cannot_do():
    with pytest.raises(ExportError) as excinfo:
        registry.infer_task("bert", None, "text-to-image")
    assert excinfo.value.code == "task_not_inferable"
    with pytest.raises(ExportError) as excinfo:
        registry.infer_task("vision-encoder-decoder", None, None)  # nothing to go on and no feature-extraction
    assert excinfo.value.code == "task_not_inferable"


# ---------------------------------------------------------------------------------------------------------------
# sizes a model config fixes win over the keyword defaults


def test_config_num_channels_wins_over_the_keyword_default(tiny_model_dir):
    folder = tiny_model_dir("vit", num_channels=1)
    plan = make_plan(ExportOptions(model=str(folder), task="image-classification"))
    dummy = plan.submodels[0].onnx_config.generate_dummy_inputs("np")
    assert dummy["pixel_values"].shape == (2, 1, 30, 30)


def test_config_fixed_sizes_win_over_keyword_defaults(folder):
    vit = make_plan(ExportOptions(model=str(folder("vit")), task="image-classification"))
    assert vit.submodels[0].onnx_config.generate_dummy_inputs("np", image_width=64, image_height=64)[
        "pixel_values"].shape[2:] == (tiny_config("vit").image_size,) * 2
    whisper = make_plan(ExportOptions(model=str(folder("whisper")), task="audio-classification"))
    c = tiny_config("whisper")
    assert whisper.submodels[0].onnx_config.generate_dummy_inputs("np", feature_size=80, nb_max_frames=3000)[
        "input_features"].shape == (2, c.num_mel_bins, 2 * c.max_source_positions)


# ---------------------------------------------------------------------------------------------------------------
# config.json files that are valid JSON but not what transformers expects


def test_config_field_of_the_wrong_type_is_malformed_config(tmp_path):
    (tmp_path / "config.json").write_text(
        '{"model_type": "gpt2", "n_layer": "two", "architectures": ["GPT2LMHeadModel"]}', encoding="utf-8")
    with pytest.raises(ExportError) as excinfo:
        resolve(ExportOptions(model=str(tmp_path)))
    assert excinfo.value.code == "malformed_config"


def test_architectures_given_as_a_string(tiny_model_dir):
    import json

    folder = tiny_model_dir("t5")
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config["architectures"] = "T5ForConditionalGeneration"
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    assert resolve(ExportOptions(model=str(folder))).choice.name == "text2text-generation-with-past"
