"""One attribute vocabulary over each architecture's own names (n_layer, d_model, num_key_value_heads, …).

A normalized config wraps a transformers config (or any object with attributes). Subclasses declare
how the vocabulary maps onto the architecture's names; ``with_args`` makes such a subclass in one line.
Dotted names reach into sub-configs (``"text_config.hidden_size"``).
"""

from __future__ import annotations

from typing import Any, ClassVar


class NormalizedConfig:
    ATTRIBUTES: ClassVar[dict[str, str]] = {}

    def __init__(self, config: Any) -> None:
        self.config = config

    @classmethod
    def with_args(cls, **mapping: str) -> type["NormalizedConfig"]:
        return type(cls.__name__, (cls,), {"ATTRIBUTES": {**cls.ATTRIBUTES, **mapping}})

    def _lookup(self, path: str) -> Any:
        value = self.config
        for part in path.split("."):
            value = value[part] if isinstance(value, dict) else getattr(value, part)
        return value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "config":
            raise AttributeError(name)
        path = type(self).ATTRIBUTES.get(name, name)
        try:
            value = self._lookup(path)
        except (AttributeError, KeyError):
            value = None
        # Absent or null (e.g. num_key_value_heads=None): fall back to the rule that derives it.
        return self._derived(name) if value is None else value

    def _derived(self, name: str) -> Any:
        raise AttributeError(f"{type(self.config).__name__} has no attribute {name!r} (normalized name)")

    def has(self, name: str) -> bool:
        try:
            getattr(self, name)
        except AttributeError:
            return False
        return True


class NormalizedTextConfig(NormalizedConfig):
    ATTRIBUTES = {
        "vocab_size": "vocab_size",
        "hidden_size": "hidden_size",
        "num_layers": "num_hidden_layers",
        "num_attention_heads": "num_attention_heads",
        "max_position_embeddings": "max_position_embeddings",
        "type_vocab_size": "type_vocab_size",
    }

    def _derived(self, name: str) -> Any:
        if name == "num_key_value_heads":
            return self.num_attention_heads
        if name == "head_dim":  # an explicit head_dim (Qwen3, Gemma…) wins over this
            return self.hidden_size // self.num_attention_heads
        return super()._derived(name)


class NormalizedSeq2SeqConfig(NormalizedTextConfig):
    ATTRIBUTES = {
        **NormalizedTextConfig.ATTRIBUTES,
        "encoder_num_layers": "encoder_layers",
        "decoder_num_layers": "decoder_layers",
        "encoder_num_attention_heads": "encoder_attention_heads",
        "decoder_num_attention_heads": "decoder_attention_heads",
        "hidden_size": "d_model",
        "num_layers": "decoder_layers",
    }

    def _derived(self, name: str) -> Any:
        if name == "decoder_num_key_value_heads":
            return self.decoder_num_attention_heads
        if name == "encoder_num_key_value_heads":
            return self.encoder_num_attention_heads
        if name == "decoder_head_dim":
            return self.hidden_size // self.decoder_num_attention_heads
        if name == "encoder_head_dim":
            return self.hidden_size // self.encoder_num_attention_heads
        return super()._derived(name)


class NormalizedVisionConfig(NormalizedConfig):
    ATTRIBUTES = {"image_size": "image_size", "num_channels": "num_channels", "hidden_size": "hidden_size"}


class NormalizedAudioConfig(NormalizedConfig):
    ATTRIBUTES = {"hidden_size": "hidden_size", "num_layers": "num_hidden_layers", "feature_size": "num_mel_bins"}


class NormalizedTextAndVisionConfig(NormalizedTextConfig):
    """Two towers: text attributes from ``text_config``, vision ones from ``vision_config``."""

    ATTRIBUTES = {
        **{k: f"text_config.{v}" for k, v in NormalizedTextConfig.ATTRIBUTES.items()},
        "image_size": "vision_config.image_size",
        "num_channels": "vision_config.num_channels",
        "vision_hidden_size": "vision_config.hidden_size",
        "projection_dim": "projection_dim",
    }
