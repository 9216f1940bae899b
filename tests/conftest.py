"""Shared fixtures: tiny transformers configurations for every registered model type, written to folders.

``TINY_CONFIGS[model_type]()`` returns a tiny transformers configuration (hidden 32, 2 layers, 4 heads, vocab 128;
Llama with grouped KV heads *and* an explicit ``head_dim`` that differs from hidden/heads, Qwen2 with grouped KV
heads, T5 with ``d_kv`` that differs from d_model/heads). Nothing here downloads anything.

``tiny_model_dir(model_type, task=None, **overrides)`` writes ``config.json`` only (no weights) into a fresh folder
and returns its path; with ``task`` the config's ``architectures`` names the transformers class for that task, so
``--task auto`` resolves it. Building these configs imports transformers (and torch): done lazily, at first use.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Callable

import pytest

# The fake Hub fixtures (fake_hub, hf_cache) for the hub tests.
pytest_plugins = ["tests.hub_fixtures"]

HIDDEN = 32
LAYERS = 2
HEADS = 4
VOCAB = 128
#: Llama: grouped-query attention with an explicit head_dim that is NOT hidden // heads (which would be 8).
LLAMA_KV_HEADS = 2
LLAMA_HEAD_DIM = 16
QWEN2_KV_HEADS = 2
#: T5's explicit per-head size (d_kv), also NOT d_model // num_heads.
T5_D_KV = 16
IMAGE_SIZE = 30
PATCH_SIZE = 2
WHISPER_MEL_BINS = 16
WHISPER_SOURCE_POSITIONS = 30


def _text_common() -> dict[str, Any]:
    return dict(
        vocab_size=VOCAB,
        hidden_size=HIDDEN,
        num_hidden_layers=LAYERS,
        num_attention_heads=HEADS,
        intermediate_size=37,
        max_position_embeddings=64,
    )


def _bert():
    from transformers import BertConfig

    return BertConfig(**_text_common(), type_vocab_size=2)


def _distilbert():
    from transformers import DistilBertConfig

    return DistilBertConfig(
        vocab_size=VOCAB, dim=HIDDEN, n_layers=LAYERS, n_heads=HEADS, hidden_dim=37, max_position_embeddings=64
    )


def _roberta():
    from transformers import RobertaConfig

    return RobertaConfig(**{**_text_common(), "max_position_embeddings": 66}, type_vocab_size=1, pad_token_id=1)


def _gpt2():
    from transformers import GPT2Config

    return GPT2Config(
        vocab_size=VOCAB, n_embd=HIDDEN, n_layer=LAYERS, n_head=HEADS, n_positions=64, bos_token_id=1, eos_token_id=2
    )


def _llama():
    from transformers import LlamaConfig

    return LlamaConfig(
        **_text_common(),
        num_key_value_heads=LLAMA_KV_HEADS,
        head_dim=LLAMA_HEAD_DIM,
        bos_token_id=1,
        eos_token_id=2,
        pad_token_id=0,
    )


def _qwen2():
    from transformers import Qwen2Config

    return Qwen2Config(**_text_common(), num_key_value_heads=QWEN2_KV_HEADS, bos_token_id=1, eos_token_id=2)


def _t5():
    from transformers import T5Config

    return T5Config(
        vocab_size=VOCAB,
        d_model=HIDDEN,
        d_kv=T5_D_KV,
        d_ff=37,
        num_layers=LAYERS,
        num_decoder_layers=LAYERS,
        num_heads=HEADS,
        decoder_start_token_id=0,
        pad_token_id=0,
        eos_token_id=1,
    )


def _bart():
    from transformers import BartConfig

    return BartConfig(
        vocab_size=VOCAB,
        d_model=HIDDEN,
        encoder_layers=LAYERS,
        decoder_layers=LAYERS,
        encoder_attention_heads=HEADS,
        decoder_attention_heads=HEADS,
        encoder_ffn_dim=37,
        decoder_ffn_dim=37,
        max_position_embeddings=64,
    )


def _vit():
    from transformers import ViTConfig

    return ViTConfig(
        hidden_size=HIDDEN,
        num_hidden_layers=LAYERS,
        num_attention_heads=HEADS,
        intermediate_size=37,
        image_size=IMAGE_SIZE,
        patch_size=PATCH_SIZE,
        num_channels=3,
    )


def _clip():
    from transformers import CLIPConfig

    return CLIPConfig(
        text_config=dict(
            vocab_size=VOCAB,
            hidden_size=HIDDEN,
            num_hidden_layers=LAYERS,
            num_attention_heads=HEADS,
            intermediate_size=37,
            max_position_embeddings=64,
        ),
        vision_config=dict(
            hidden_size=HIDDEN,
            num_hidden_layers=LAYERS,
            num_attention_heads=HEADS,
            intermediate_size=37,
            image_size=IMAGE_SIZE,
            patch_size=PATCH_SIZE,
        ),
        projection_dim=HIDDEN,
    )


def _whisper():
    from transformers import WhisperConfig

    return WhisperConfig(
        vocab_size=VOCAB,
        d_model=HIDDEN,
        encoder_layers=LAYERS,
        decoder_layers=LAYERS,
        encoder_attention_heads=HEADS,
        decoder_attention_heads=HEADS,
        encoder_ffn_dim=37,
        decoder_ffn_dim=37,
        num_mel_bins=WHISPER_MEL_BINS,
        max_source_positions=WHISPER_SOURCE_POSITIONS,
        max_target_positions=64,
        pad_token_id=1,
        bos_token_id=2,
        eos_token_id=2,
        decoder_start_token_id=3,
        begin_suppress_tokens=None,
        suppress_tokens=None,
    )


def _wav2vec2():
    from transformers import Wav2Vec2Config

    return Wav2Vec2Config(
        **_text_common(),
        conv_dim=(HIDDEN, HIDDEN, HIDDEN),
        conv_stride=(5, 2, 2),
        conv_kernel=(10, 3, 3),
        num_conv_pos_embeddings=16,
        num_conv_pos_embedding_groups=2,
    )


#: model_type -> callable returning a tiny transformers configuration. Covers every registered model type
#: (tests/core/test_registry_resolves.py fails if one is missing).
TINY_CONFIGS: dict[str, Callable[[], Any]] = {
    "bert": _bert,
    "distilbert": _distilbert,
    "roberta": _roberta,
    "gpt2": _gpt2,
    "llama": _llama,
    "qwen2": _qwen2,
    "t5": _t5,
    "bart": _bart,
    "vit": _vit,
    "clip": _clip,
    "whisper": _whisper,
    "wav2vec2": _wav2vec2,
}

#: Class-name prefix of each model type in transformers.
ARCHITECTURE_PREFIX = {
    "bert": "Bert",
    "distilbert": "DistilBert",
    "roberta": "Roberta",
    "gpt2": "GPT2",
    "llama": "Llama",
    "qwen2": "Qwen2",
    "t5": "T5",
    "bart": "Bart",
    "vit": "ViT",
    "clip": "CLIP",
    "whisper": "Whisper",
    "wav2vec2": "Wav2Vec2",
}

_TASK_SUFFIX = {
    "feature-extraction": "Model",
    "fill-mask": "ForMaskedLM",
    "text-classification": "ForSequenceClassification",
    "token-classification": "ForTokenClassification",
    "question-answering": "ForQuestionAnswering",
    "multiple-choice": "ForMultipleChoice",
    "text-generation": "ForCausalLM",
    "text2text-generation": "ForConditionalGeneration",
    "image-classification": "ForImageClassification",
    "zero-shot-image-classification": "Model",
    "masked-im": "ForMaskedImageModeling",
    "automatic-speech-recognition": "ForCTC",
    "audio-classification": "ForSequenceClassification",
    "audio-frame-classification": "ForAudioFrameClassification",
    "audio-xvector": "ForXVector",
}

_SPECIAL_ARCHITECTURES = {
    ("gpt2", "text-generation"): "GPT2LMHeadModel",
    ("whisper", "automatic-speech-recognition"): "WhisperForConditionalGeneration",
    ("whisper", "audio-classification"): "WhisperForAudioClassification",
}


def architecture_for(model_type: str, task: str) -> str:
    """The transformers class name that a checkpoint for ``task`` lists in ``config.architectures``."""
    base = task.removesuffix("-with-past")
    special = _SPECIAL_ARCHITECTURES.get((model_type, base))
    return special or ARCHITECTURE_PREFIX[model_type] + _TASK_SUFFIX[base]


def tiny_config(model_type: str, **overrides: Any) -> Any:
    config = TINY_CONFIGS[model_type]()
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Factory: ``tiny_model_dir(model_type, task=None, **overrides)`` -> a fresh folder holding only config.json."""
    counter = itertools.count()

    def make(model_type: str, task: str | None = None, **overrides: Any) -> Path:
        config = tiny_config(model_type, **overrides)
        if task is not None and "architectures" not in overrides:
            config.architectures = [architecture_for(model_type, task)]
        folder = tmp_path_factory.mktemp(f"tiny-{model_type}-{next(counter)}", numbered=False)
        config.save_pretrained(folder)
        return folder

    return make


@pytest.fixture(scope="module")
def folder(tiny_model_dir):
    """model_type -> a folder holding only its tiny config.json (one per model type for the module)."""
    folders: dict = {}

    def get(model_type: str):
        if model_type not in folders:
            folders[model_type] = tiny_model_dir(model_type)
        return folders[model_type]

    return get


from tests.architectures import ARCHITECTURE_CONFIGS  # noqa: E402 - issue 6: the architecture-coverage types
TINY_CONFIGS.update(ARCHITECTURE_CONFIGS)


@pytest.fixture(scope="session", autouse=True)
def config_table_for_the_installed_transformers():
    """Under a transformers other than the lock's (.ci/refresh-lock), record its configuration table once, as
    `exportcore inspect` does for a user: the tests that check inspection stays light then hold for it too."""
    from exportcore.plan import light_config

    if light_config.table_missing():
        from exportcore.plan.light_config_build import record_table

        record_table(announce=lambda line: print(f"\n{line}"))
