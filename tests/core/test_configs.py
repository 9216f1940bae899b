"""The documented configuration API (issue 2, item 2): signatures, defaults, past key values, behaviours, dtypes.

What users of an Optimum-style ``OnnxConfig`` rely on: the constructor signatures and their defaults, the keyword
defaults of ``generate_dummy_inputs`` (and that they land in the dummy shapes), ``add_past_key_values`` names and
axes, ``ConfigBehavior`` / ``with_behavior``, the modality layer, the class-level attributes, grouped-query
attention and explicit ``head_dim`` in past shapes, and int/float dtypes in the dummies. The names are Optimum's
(the compatibility promise); shapes are derived here from the tiny transformers configurations, not copied from
exportcore.

Expected failures marked ``EXPORTCORE BUG`` document defects found while writing these tests (see the reason).
"""

from __future__ import annotations

import inspect
import types

import ml_dtypes
import numpy as np
import pytest

from exportcore import registry
from exportcore.configs import (
    AudioOnnxConfig,
    AudioToTextOnnxConfig,
    ConfigBehavior,
    OnnxConfig,
    OnnxConfigWithPast,
    OnnxSeq2SeqConfigWithPast,
    TextAndVisionOnnxConfig,
    TextDecoderOnnxConfig,
    TextEncoderOnnxConfig,
    TextSeq2SeqOnnxConfig,
    VisionOnnxConfig,
)
from exportcore.configs.dummy_inputs import DummyInputGenerator
from exportcore.errors import ExportError
from exportcore.configs.normalized_config import NormalizedConfig
from exportcore.options import ExportOptions
from tests.conftest import (
    HEADS,
    HIDDEN,
    LLAMA_HEAD_DIM,
    LLAMA_KV_HEADS,
    QWEN2_KV_HEADS,
    T5_D_KV,
    WHISPER_SOURCE_POSITIONS,
    tiny_config,
)

EMPTY = inspect.Parameter.empty

#: Optimum's class name for each model type, and the modality class it derives from.
MODEL_CLASSES = {
    "bert": ("BertOnnxConfig", TextEncoderOnnxConfig),
    "distilbert": ("DistilBertOnnxConfig", TextEncoderOnnxConfig),
    "roberta": ("RobertaOnnxConfig", TextEncoderOnnxConfig),
    "gpt2": ("GPT2OnnxConfig", TextDecoderOnnxConfig),
    "llama": ("LlamaOnnxConfig", TextDecoderOnnxConfig),
    "qwen2": ("Qwen2OnnxConfig", TextDecoderOnnxConfig),
    "t5": ("T5OnnxConfig", TextSeq2SeqOnnxConfig),
    "bart": ("BartOnnxConfig", TextSeq2SeqOnnxConfig),
    "vit": ("ViTOnnxConfig", VisionOnnxConfig),
    "clip": ("CLIPOnnxConfig", TextAndVisionOnnxConfig),
    "whisper": ("WhisperOnnxConfig", AudioToTextOnnxConfig),
    "wav2vec2": ("Wav2Vec2OnnxConfig", AudioOnnxConfig),
}

#: The cross-attention cache length: as long as the encoder sequence (optimum-onnx 0.1.0; optimum 1.x said
#: "encoder_sequence_length_out").
ENCODER_CACHE_AXES = {0: "batch_size", 2: "encoder_sequence_length"}


def cls_for(model_type: str, task: str = "feature-extraction"):
    tasks = registry.supported_tasks(model_type)
    return registry.get_config_class(model_type, task if task in tasks else tasks[0])


def seq2seq_past_names(layers: int) -> list[str]:
    return [f"past_key_values.{i}.{part}.{kv}"
            for i in range(layers) for part in ("decoder", "encoder") for kv in ("key", "value")]


def params(func) -> list[tuple[str, object]]:
    return [(p.name, p.default) for p in inspect.signature(func).parameters.values() if p.name != "self"]


def all_registered_classes() -> list[type]:
    return sorted(
        {registry.get_config_class(mt, t)
         for mt in registry.supported_model_types() for t in registry.supported_tasks(mt)},
        key=lambda c: c.__name__,
    )


# ---------------------------------------------------------------------------------------------------------------
# signatures and defaults

ONNX_CONFIG_PARAMS = [
    ("config", EMPTY),
    ("task", "feature-extraction"),
    ("preprocessors", None),
    ("int_dtype", "int64"),
    ("float_dtype", "fp32"),
    ("legacy", False),
]
WITH_PAST_PARAMS = [
    ("config", EMPTY),
    ("task", "feature-extraction"),
    ("int_dtype", "int64"),
    ("float_dtype", "fp32"),
    ("use_past", False),
    ("use_past_in_inputs", False),
    ("preprocessors", None),
    ("legacy", False),
]
SEQ2SEQ_PARAMS = WITH_PAST_PARAMS[:6] + [("behavior", ConfigBehavior.MONOLITH)] + WITH_PAST_PARAMS[6:]

DUMMY_DEFAULTS = {
    "batch_size": 2,
    "sequence_length": 16,
    "num_choices": 4,
    "image_width": 64,
    "image_height": 64,
    "num_channels": 3,
    "feature_size": 80,
    "nb_max_frames": 3000,
    "audio_sequence_length": 16000,
}


def test_onnx_config_signature():
    assert params(OnnxConfig.__init__) == ONNX_CONFIG_PARAMS


def test_onnx_config_with_past_signature():
    assert params(OnnxConfigWithPast.__init__) == WITH_PAST_PARAMS


def test_seq2seq_config_signature_and_with_behavior_signature():
    assert params(OnnxSeq2SeqConfigWithPast.__init__) == SEQ2SEQ_PARAMS
    assert params(OnnxSeq2SeqConfigWithPast.with_behavior) == [
        ("behavior", EMPTY),
        ("use_past", False),
        ("use_past_in_inputs", False),
    ]
    assert params(OnnxConfigWithPast.add_past_key_values) == [("inputs_or_outputs", EMPTY), ("direction", EMPTY)]


@pytest.mark.parametrize("cls", all_registered_classes(), ids=lambda c: c.__name__)
def test_model_classes_keep_the_documented_constructor(cls):
    """A model class may add behaviour, not change how it is constructed (the exporter builds them generically)."""
    if issubclass(cls, OnnxSeq2SeqConfigWithPast):
        expected = SEQ2SEQ_PARAMS
    elif issubclass(cls, OnnxConfigWithPast):
        expected = WITH_PAST_PARAMS
    else:
        expected = ONNX_CONFIG_PARAMS
    got = params(cls.__init__)
    assert got[:len(expected)] == expected
    extra = [p for p in inspect.signature(cls.__init__).parameters.values()][len(expected) + 1:]
    assert all(p.kind is p.KEYWORD_ONLY and p.default is not p.empty for p in extra), extra  # e.g. a VLM's part


def test_generate_dummy_inputs_signature_defaults():
    sig = inspect.signature(OnnxConfig.generate_dummy_inputs)
    assert sig.parameters["framework"].default == "pt"
    assert {name: sig.parameters[name].default for name in DUMMY_DEFAULTS} == DUMMY_DEFAULTS


def _shape(config, framework="np", **kwargs):
    return {k: tuple(v.shape) for k, v in config.generate_dummy_inputs(framework, **kwargs).items()}


def test_dummy_defaults_land_in_the_shapes():
    """Each documented default is the size of the dummy it governs (configs that do not fix the size themselves)."""
    bert = tiny_config("bert")
    text = cls_for("bert")(bert, task="text-classification")
    assert set(_shape(text).values()) == {(2, 16)}
    choice = cls_for("bert")(bert, task="multiple-choice")
    assert set(_shape(choice).values()) == {(2, 4, 16)}
    vision = VisionOnnxConfig(types.SimpleNamespace(), task="image-classification")  # no image_size, no channels
    assert _shape(vision) == {"pixel_values": (2, 3, 64, 64)}
    audio = AudioOnnxConfig(types.SimpleNamespace(), task="audio-classification")
    assert _shape(audio) == {"input_values": (2, 16000)}
    speech = AudioToTextOnnxConfig(
        types.SimpleNamespace(d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
                              decoder_attention_heads=4, vocab_size=10),
        task="automatic-speech-recognition",
        behavior="encoder",
    )
    assert _shape(speech) == {"input_features": (2, 80, 3000)}


def test_dummy_shape_keywords_are_honoured():
    bert = tiny_config("bert")
    text = cls_for("bert")(bert, task="text-classification")
    assert set(_shape(text, batch_size=3, sequence_length=5).values()) == {(3, 5)}
    choice = cls_for("bert")(bert, task="multiple-choice")
    assert set(_shape(choice, batch_size=1, num_choices=2, sequence_length=7).values()) == {(1, 2, 7)}
    vision = VisionOnnxConfig(types.SimpleNamespace(), task="image-classification")
    assert _shape(vision, image_width=40, image_height=24, num_channels=1) == {"pixel_values": (2, 1, 24, 40)}
    audio = AudioOnnxConfig(types.SimpleNamespace(), task="audio-classification")
    assert _shape(audio, audio_sequence_length=800, batch_size=1) == {"input_values": (1, 800)}
    speech = AudioToTextOnnxConfig(
        types.SimpleNamespace(d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
                              decoder_attention_heads=4, vocab_size=10),
        task="automatic-speech-recognition",
        behavior="encoder",
    )
    assert _shape(speech, feature_size=10, nb_max_frames=20) == {"input_features": (2, 10, 20)}


# ---------------------------------------------------------------------------------------------------------------
# frameworks


def test_frameworks_pt_np_hold_the_same_values_and_tf_is_refused():
    import torch

    config = cls_for("llama")(tiny_config("llama"), task="text-generation", use_past=True, use_past_in_inputs=True)
    pt = config.generate_dummy_inputs("pt")
    np_ = config.generate_dummy_inputs(framework="np")
    default = config.generate_dummy_inputs()
    assert list(pt) == list(np_) == list(default) == list(config.inputs)
    for name in pt:
        assert isinstance(pt[name], torch.Tensor), name
        assert isinstance(default[name], torch.Tensor), name  # "pt" is the default framework
        assert isinstance(np_[name], np.ndarray), name
        # torch and onnxruntime must be fed identical inputs during validation
        np.testing.assert_array_equal(pt[name].numpy(), np_[name], err_msg=name)

    with pytest.raises(ExportError) as excinfo:
        config.generate_dummy_inputs("tf")
    assert excinfo.value.code == "unsupported_framework"
    assert "tf" in excinfo.value.message and "\n" not in excinfo.value.message


# ---------------------------------------------------------------------------------------------------------------
# add_past_key_values


def test_add_past_key_values_decoder_only_names_axes_and_layer_count():
    config = cls_for("gpt2")(tiny_config("gpt2", n_layer=3), task="text-generation")
    layers = 3  # from the model config, not a default

    inputs = {"input_ids": {0: "batch_size", 1: "sequence_length"}}
    config.add_past_key_values(inputs, direction="inputs")
    past = [f"past_key_values.{i}.{kv}" for i in range(layers) for kv in ("key", "value")]
    assert list(inputs) == ["input_ids", *past]  # appended in place, in layer order
    for name in past:
        assert inputs[name] == {0: "batch_size", 2: "past_sequence_length"}

    outputs = {"logits": {0: "batch_size", 1: "sequence_length"}}
    config.add_past_key_values(outputs, direction="outputs")
    present = [f"present.{i}.{kv}" for i in range(layers) for kv in ("key", "value")]
    assert list(outputs) == ["logits", *present]
    for name in present:
        assert outputs[name] == {0: "batch_size", 2: "past_sequence_length + sequence_length"}


@pytest.mark.parametrize("direction", ["input", "output", "both", "", "INPUTS"])
def test_add_past_key_values_rejects_other_directions(direction):
    config = cls_for("gpt2")(tiny_config("gpt2"), task="text-generation")
    with pytest.raises(ValueError):
        config.add_past_key_values({}, direction=direction)
    seq2seq = cls_for("t5", "text2text-generation")(tiny_config("t5"), task="text2text-generation")
    with pytest.raises(ValueError):
        seq2seq.add_past_key_values({}, direction=direction)


def test_add_past_key_values_seq2seq_uses_decoder_layers_and_self_cross_names():
    # 2 encoder layers, 3 decoder layers: the cache has one entry per *decoder* layer.
    bart = tiny_config("bart", encoder_layers=2, decoder_layers=3)
    cls = cls_for("bart", "text2text-generation")
    with_past = cls(bart, task="text2text-generation", behavior="decoder", use_past=True, use_past_in_inputs=True)

    inputs: dict = {}
    with_past.add_past_key_values(inputs, direction="inputs")
    assert list(inputs) == seq2seq_past_names(3)
    for name, axes in inputs.items():
        if ".decoder." in name:
            assert axes == {0: "batch_size", 2: "past_decoder_sequence_length"}
        else:
            assert axes == ENCODER_CACHE_AXES

    # The decoder with past returns only the self-attention cache (the cross-attention cache is constant), and
    # Optimum names its one-token step axis "1".
    assert with_past.outputs["logits"] == {0: "batch_size", 1: "1"}
    assert [n for n in with_past.outputs if n != "logits"] == [
        f"present.{i}.decoder.{kv}" for i in range(3) for kv in ("key", "value")
    ]
    for name, axes in with_past.outputs.items():
        if name != "logits":
            assert axes == {0: "batch_size", 2: "past_decoder_sequence_length + decoder_sequence_length"}

    # The decoder without past inputs computes both and returns both.
    first = cls(bart, task="text2text-generation", behavior="decoder", use_past=True, use_past_in_inputs=False)
    assert first.outputs["logits"] == {0: "batch_size", 1: "decoder_sequence_length"}
    assert [n for n in first.outputs if n != "logits"] == [
        f"present.{i}.{part}.{kv}" for i in range(3) for part in ("decoder", "encoder") for kv in ("key", "value")
    ]
    for name, axes in first.outputs.items():
        if ".encoder." in name:
            assert axes == ENCODER_CACHE_AXES
    assert not any(n.startswith("past_key_values") for n in first.inputs)


# ---------------------------------------------------------------------------------------------------------------
# ConfigBehavior and with_behavior


def test_config_behavior_members():
    assert [(m.name, m.value) for m in ConfigBehavior] == [
        ("MONOLITH", "monolith"),
        ("ENCODER", "encoder"),
        ("DECODER", "decoder"),
    ]
    assert ConfigBehavior("decoder") is ConfigBehavior.DECODER
    assert ConfigBehavior.ENCODER == "encoder"  # a str enum: compares equal to its value


def _snapshot(config):
    return (config.behavior, config.use_past, config.use_past_in_inputs, config.task,
            config.inputs, config.outputs, config.onnx_inputs)


@pytest.mark.parametrize("behavior", [ConfigBehavior.ENCODER, "encoder", ConfigBehavior.DECODER, "decoder"])
def test_with_behavior_returns_a_new_config_and_leaves_the_original(behavior):
    t5 = cls_for("t5", "text2text-generation")
    original = t5(tiny_config("t5"), task="text2text-generation", int_dtype="int32", float_dtype="fp16")
    before = _snapshot(original)
    assert original.behavior is ConfigBehavior.MONOLITH

    derived = original.with_behavior(behavior, use_past=True, use_past_in_inputs=True)

    assert derived is not original and type(derived) is type(original)
    assert derived.behavior is ConfigBehavior(behavior)
    assert (derived.int_dtype, derived.float_dtype) == ("int32", "fp16")
    if derived.behavior is ConfigBehavior.DECODER:  # (Optimum turns an encoder's task into feature-extraction)
        assert derived.task == "text2text-generation"
        assert (derived.use_past, derived.use_past_in_inputs) == (True, True)
    assert _snapshot(original) == before
    # and the other way round: the original still builds its monolith inputs after the derived one is used
    derived.generate_dummy_inputs("np")
    assert _snapshot(original) == before


def test_with_behavior_encoder_and_decoder_specs():
    t5 = cls_for("t5", "text2text-generation")
    monolith = t5(tiny_config("t5"), task="text2text-generation")
    assert list(monolith.onnx_inputs) == ["input_ids", "attention_mask", "decoder_input_ids"]

    encoder = monolith.with_behavior(ConfigBehavior.ENCODER)
    assert encoder.onnx_inputs == {
        "input_ids": {0: "batch_size", 1: "encoder_sequence_length"},
        "attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
    }
    assert encoder.outputs == {"last_hidden_state": {0: "batch_size", 1: "encoder_sequence_length"}}

    decoder = monolith.with_behavior("decoder")
    assert decoder.onnx_inputs == {
        "encoder_attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
        "input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
        "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
    }
    assert decoder.outputs == {"logits": {0: "batch_size", 1: "decoder_sequence_length"}}
    assert decoder.use_past is False and decoder.use_past_in_inputs is False  # documented defaults

    # With the cross-attention cache as an input the encoder states are unused: Optimum's file has no such input.
    with_past = monolith.with_behavior("decoder", use_past=True, use_past_in_inputs=True)
    assert list(with_past.onnx_inputs) == ["encoder_attention_mask", "input_ids", *seq2seq_past_names(2)]
    assert with_past.onnx_inputs["input_ids"] == {0: "batch_size", 1: "decoder_sequence_length"}
    dummy = with_past.rename_ambiguous_inputs(with_past.generate_dummy_inputs("np"))
    assert dummy["input_ids"].shape == (2, 1)  # traced as one decoding step


def test_with_behavior_rejects_unknown_behavior():
    monolith = cls_for("t5", "text2text-generation")(tiny_config("t5"), task="text2text-generation")
    with pytest.raises(ValueError):
        monolith.with_behavior("sideways")


# ---------------------------------------------------------------------------------------------------------------
# the class hierarchy


def test_modality_layer():
    assert issubclass(OnnxConfigWithPast, OnnxConfig)
    assert issubclass(OnnxSeq2SeqConfigWithPast, OnnxConfigWithPast)
    for cls in (TextEncoderOnnxConfig, VisionOnnxConfig, TextAndVisionOnnxConfig, AudioOnnxConfig):
        assert issubclass(cls, OnnxConfig) and not issubclass(cls, OnnxConfigWithPast), cls
    assert issubclass(TextDecoderOnnxConfig, OnnxConfigWithPast)
    assert not issubclass(TextDecoderOnnxConfig, OnnxSeq2SeqConfigWithPast)
    assert issubclass(TextSeq2SeqOnnxConfig, OnnxSeq2SeqConfigWithPast)
    assert issubclass(AudioToTextOnnxConfig, OnnxSeq2SeqConfigWithPast)


def test_every_documented_model_type_is_registered():
    assert set(MODEL_CLASSES) <= set(registry.supported_model_types())


@pytest.mark.parametrize("model_type", sorted(MODEL_CLASSES))
def test_model_classes_are_named_like_optimum_and_sit_on_their_modality(model_type):
    name, modality = MODEL_CLASSES[model_type]
    for task in registry.supported_tasks(model_type):
        cls = registry.get_config_class(model_type, task)
        if getattr(cls, "GENERIC", False):  # a task the family's class does not cover, derived (issue 13)
            continue
        assert cls.__name__ == name, task
        assert issubclass(cls, modality), task
        chain = cls.class_chain()
        assert chain[0] == name and chain[-1] == "OnnxConfig"
        assert modality.__name__ in chain
        assert chain.index(modality.__name__) < chain.index("OnnxConfig")


@pytest.mark.parametrize("cls", all_registered_classes(), ids=lambda c: c.__name__)
def test_class_level_attributes(cls):
    # Readable on the class itself, before any instance exists (the inspector shows them).
    opset = cls.DEFAULT_ONNX_OPSET
    assert isinstance(opset, int) and 14 <= opset <= 23  # 14: triu / SDPA ops; 23: torch 2.13's TorchScript limit
    atol = cls.ATOL_FOR_VALIDATION
    assert isinstance(atol, float) and 0 < atol <= 1e-2
    assert issubclass(cls.NORMALIZED_CONFIG_CLASS, NormalizedConfig)
    generators = cls.DUMMY_INPUT_GENERATOR_CLASSES
    assert isinstance(generators, tuple) and generators
    assert all(issubclass(g, DummyInputGenerator) for g in generators)


def test_base_class_attributes_exist():
    assert isinstance(OnnxConfig.DEFAULT_ONNX_OPSET, int)
    assert isinstance(OnnxConfig.ATOL_FOR_VALIDATION, float)
    assert issubclass(OnnxConfig.NORMALIZED_CONFIG_CLASS, NormalizedConfig)
    assert isinstance(OnnxConfig.DUMMY_INPUT_GENERATOR_CLASSES, tuple)


# ---------------------------------------------------------------------------------------------------------------
# grouped-query attention and explicit head_dim


def _past_shapes(config, **kwargs):
    dummy = config.rename_ambiguous_inputs(config.generate_dummy_inputs("np", **kwargs))
    return {name: tuple(value.shape) for name, value in dummy.items() if name.startswith("past_key_values")}


@pytest.mark.parametrize(
    "model_type, overrides, heads, head_dim",
    [
        ("llama", {}, LLAMA_KV_HEADS, LLAMA_HEAD_DIM),  # GQA and an explicit head_dim != hidden / heads
        ("qwen2", {}, QWEN2_KV_HEADS, HIDDEN // HEADS),  # GQA, head_dim derived
        ("gpt2", {}, HEADS, HIDDEN // HEADS),  # plain multi-head attention
        ("llama", {"num_key_value_heads": 1, "head_dim": 24}, 1, 24),  # multi-query
    ],
)
def test_decoder_past_shapes_follow_kv_heads_and_head_dim(model_type, overrides, heads, head_dim):
    config = cls_for(model_type)(tiny_config(model_type, **overrides), task="text-generation",
                                 use_past=True, use_past_in_inputs=True)
    shapes = _past_shapes(config, batch_size=3)
    assert len(shapes) == 2 * 2
    lengths = {shape[2] for shape in shapes.values()}
    assert len(lengths) == 1
    (length,) = lengths
    assert set(shapes.values()) == {(3, heads, length, head_dim)}


def test_missing_num_key_value_heads_falls_back_to_attention_heads():
    # A config that states num_key_value_heads as null (older Llama checkpoints) and no head_dim.
    plain = types.SimpleNamespace(vocab_size=128, hidden_size=48, num_hidden_layers=2, num_attention_heads=6,
                                  num_key_value_heads=None, max_position_embeddings=64)
    config = cls_for("llama")(plain, task="text-generation", use_past=True, use_past_in_inputs=True)
    shapes = _past_shapes(config)
    assert {(s[0], s[1], s[3]) for s in shapes.values()} == {(2, 6, 8)}


def test_seq2seq_past_shapes_use_decoder_heads_and_explicit_d_kv():
    t5 = cls_for("t5", "text2text-generation")(tiny_config("t5"), task="text2text-generation")
    with_past = t5.with_behavior("decoder", use_past=True, use_past_in_inputs=True)
    shapes = _past_shapes(with_past, batch_size=3, sequence_length=5)
    assert {(s[0], s[1], s[3]) for s in shapes.values()} == {(3, HEADS, T5_D_KV)}
    encoder_lengths = {s[2] for n, s in shapes.items() if ".encoder." in n}
    assert encoder_lengths == {5}  # cross-attention cache as long as the encoder sequence

    whisper = cls_for("whisper", "automatic-speech-recognition")(tiny_config("whisper"),
                                                                  task="automatic-speech-recognition")
    with_past = whisper.with_behavior("decoder", use_past=True, use_past_in_inputs=True)
    shapes = _past_shapes(with_past)
    assert {(s[1], s[3]) for s in shapes.values()} == {(HEADS, HIDDEN // HEADS)}
    # Whisper's encoder output always has max_source_positions positions: so has the cross-attention cache.
    assert {s[2] for n, s in shapes.items() if ".encoder." in n} == {WHISPER_SOURCE_POSITIONS}


# ---------------------------------------------------------------------------------------------------------------
# dtypes

INT_TYPES = {"int64": ("int64", np.int64), "int32": ("int32", np.int32)}
FLOAT_TYPES = {
    "fp32": ("float32", np.dtype(np.float32)),
    "fp16": ("float16", np.dtype(np.float16)),
    "bf16": ("bfloat16", np.dtype(ml_dtypes.bfloat16)),
}
INTEGER_INPUTS = {"input_ids", "attention_mask", "token_type_ids", "position_ids", "decoder_input_ids",
                  "encoder_attention_mask"}


@pytest.mark.parametrize("framework", ["pt", "np"])
@pytest.mark.parametrize("int_dtype", sorted(INT_TYPES))
@pytest.mark.parametrize("float_dtype", sorted(FLOAT_TYPES))
def test_dummy_dtypes_follow_int_and_float_dtype(framework, int_dtype, float_dtype):
    import torch

    llama = cls_for("llama")(tiny_config("llama"), task="text-generation", use_past=True, use_past_in_inputs=True,
                             int_dtype=int_dtype, float_dtype=float_dtype)
    decoder = cls_for("t5", "text2text-generation")(
        tiny_config("t5"), task="text2text-generation", int_dtype=int_dtype, float_dtype=float_dtype
    ).with_behavior("decoder", use_past=True, use_past_in_inputs=True)
    vision = cls_for("vit")(tiny_config("vit"), task="image-classification", int_dtype=int_dtype,
                            float_dtype=float_dtype)
    seen = set()
    for config in (llama, decoder, vision):
        for name, value in config.generate_dummy_inputs(framework).items():
            kind = "int" if name in INTEGER_INPUTS else "float"
            seen.add(kind)
            torch_name, np_type = INT_TYPES[int_dtype] if kind == "int" else FLOAT_TYPES[float_dtype]
            if framework == "pt":
                assert value.dtype == getattr(torch, torch_name), name
            else:
                assert value.dtype == np_type, name
    assert seen == {"int", "float"}


def test_integer_dummies_stay_in_range_with_int32():
    config = cls_for("bert")(tiny_config("bert"), task="fill-mask", int_dtype="int32")
    dummy = config.generate_dummy_inputs("np")
    assert 0 <= dummy["input_ids"].min() and dummy["input_ids"].max() < 128
    assert set(np.unique(dummy["attention_mask"])) <= {0, 1}
    assert set(np.unique(dummy["token_type_ids"])) <= {0, 1}


@pytest.mark.parametrize(
    "kwargs, kind",
    [
        ({"int_dtype": "int8"}, "int"),
        ({"int_dtype": "int16"}, "int"),
        ({"int_dtype": "fp32"}, "int"),
        ({"float_dtype": "fp64"}, "float"),
        ({"float_dtype": "float32"}, "float"),  # Optimum spells it fp32
        ({"float_dtype": "int64"}, "float"),
    ],
)
def test_unknown_dtype_is_an_export_error(kwargs, kind):
    with pytest.raises(ExportError) as excinfo:
        cls_for("bert")(tiny_config("bert"), **kwargs)
    assert excinfo.value.code == "invalid_dtype"
    assert kind in excinfo.value.message and list(kwargs.values())[0] in excinfo.value.message
    with pytest.raises(ExportError) as excinfo:
        cls_for("gpt2")(tiny_config("gpt2"), use_past=True, **kwargs)
    assert excinfo.value.code == "invalid_dtype"
    with pytest.raises(ExportError) as excinfo:
        ExportOptions(model="demo:tiny-bert", **kwargs)
    assert excinfo.value.code == "invalid_dtype"


# ---------------------------------------------------------------------------------------------------------------
# Optimum's ``legacy`` flag


@pytest.mark.parametrize("model_type", ["gpt2", "llama"])
def test_legacy_decoders_have_no_position_ids(model_type):
    cls = cls_for(model_type)
    assert "position_ids" in cls(tiny_config(model_type), task="text-generation").inputs
    assert "position_ids" not in cls(tiny_config(model_type), task="text-generation", legacy=True).inputs
