"""Dummy input generators, keyed by input name.

Each generator knows a family of inputs (text ids, past key values, pixels, audio…), their shapes from
the shape keywords, and their value ranges. Values are seeded NumPy arrays; ``framework="pt"`` converts
them to torch tensors (torch is imported only then). int_dtype / float_dtype are honoured.
"""

from __future__ import annotations

import zlib
from typing import Any, ClassVar

import importlib
from .. import dtypes
from ..errors import ExportError
from .normalized_config import NormalizedConfig


class _LazyNumpy:
    """numpy on first use: the registry imports these classes in the GUI process, which needs no numpy."""

    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module("numpy"), name)


np = _LazyNumpy()


def to_framework(array: np.ndarray, framework: str, float_dtype: str) -> Any:
    """Convert a generated array; floats are generated in fp32 and cast to ``float_dtype`` (NumPy's bfloat16 is
    ml_dtypes', which ships with onnx)."""
    if framework == "np":
        return array.astype(dtypes.to_numpy(float_dtype)) if array.dtype.kind == "f" else array
    if framework == "pt":
        import torch

        tensor = torch.from_numpy(np.ascontiguousarray(array))
        if tensor.is_floating_point():
            tensor = tensor.to(dtypes.to_torch(float_dtype))
        return tensor
    if framework == "tf":
        raise ExportError("unsupported_framework", framework=framework, reason="transformers 5 has no TensorFlow support")
    raise ExportError("unsupported_framework", framework=framework, reason="unknown framework")


class DummyInputGenerator:
    SUPPORTED_INPUT_NAMES: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        task: str,
        normalized_config: NormalizedConfig,
        int_dtype: str = "int64",
        float_dtype: str = "fp32",
        **shapes: int,
    ) -> None:
        self.task = task
        self.normalized_config = normalized_config
        self.int_dtype = int_dtype
        self.float_dtype = float_dtype
        self.batch_size = shapes.get("batch_size", 2)
        self.sequence_length = shapes.get("sequence_length", 16)
        self.past_sequence_length = shapes.get("past_sequence_length", max(1, self.sequence_length // 2))
        self.shapes = shapes

    def supports_input(self, name: str) -> bool:
        return any(name == n or name.startswith(n + ".") for n in self.SUPPORTED_INPUT_NAMES)

    def shape(self, name: str) -> list[int]:
        raise NotImplementedError

    def values(self, name: str, shape: list[int]) -> np.ndarray:
        raise NotImplementedError

    # helpers -----------------------------------------------------------------------------------
    def rng(self, name: str) -> np.random.Generator:
        return np.random.default_rng(zlib.crc32(name.encode()))

    def random_int(self, name: str, shape: list[int], low: int, high: int) -> np.ndarray:
        return self.rng(name).integers(low, max(high, low + 1), size=shape).astype(dtypes.to_numpy(self.int_dtype))

    def ones(self, shape: list[int]) -> np.ndarray:
        return np.ones(shape, dtype=dtypes.to_numpy(self.int_dtype))

    def random_float(self, name: str, shape: list[int], low: float = -1.0, high: float = 1.0) -> np.ndarray:
        return self.rng(name).uniform(low, high, size=shape).astype(np.float32)


class DummyTextInputGenerator(DummyInputGenerator):
    SUPPORTED_INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids", "position_ids")

    def shape(self, name: str) -> list[int]:
        if self.task == "multiple-choice":
            return [self.batch_size, self.shapes.get("num_choices", 4), self.sequence_length]
        return [self.batch_size, self.sequence_length]

    def values(self, name: str, shape: list[int]) -> np.ndarray:
        if name == "input_ids":
            return self.random_int(name, shape, 0, self.normalized_config.vocab_size)
        if name == "attention_mask":
            return self.ones(shape)
        if name == "token_type_ids":
            types = getattr(self.normalized_config.config, "type_vocab_size", 2) or 1
            return self.random_int(name, shape, 0, min(types, 2))
        # position_ids continue after the past, if any
        start = self.shapes.get("position_offset", 0)
        return np.broadcast_to(np.arange(start, start + shape[-1], dtype=dtypes.to_numpy(self.int_dtype)), shape).copy()


class DummyDecoderTextInputGenerator(DummyTextInputGenerator):
    """Decoder side of a seq2seq model."""

    SUPPORTED_INPUT_NAMES = ("decoder_input_ids", "decoder_attention_mask")

    def values(self, name: str, shape: list[int]) -> np.ndarray:
        return super().values(name.removeprefix("decoder_"), shape)


class DummySeq2SeqEncoderOutputGenerator(DummyInputGenerator):
    """``encoder_outputs`` / ``encoder_hidden_states`` fed to a seq2seq decoder."""

    SUPPORTED_INPUT_NAMES = ("encoder_outputs", "encoder_hidden_states")

    def shape(self, name: str) -> list[int]:
        seq = self.shapes.get("encoder_sequence_length", self.sequence_length)
        return [self.batch_size, seq, self.normalized_config.hidden_size]

    def values(self, name: str, shape: list[int]) -> np.ndarray:
        return self.random_float(name, shape)


class DummyPastKeyValuesGenerator(DummyInputGenerator):
    """``past_key_values.{i}.key|value`` of a decoder-only model: [batch, kv_heads, past, head_dim]."""

    SUPPORTED_INPUT_NAMES = ("past_key_values",)

    def shape(self, name: str) -> list[int]:
        nc = self.normalized_config
        return [self.batch_size, nc.num_key_value_heads, self.past_sequence_length, nc.head_dim]

    def values(self, name: str, shape: list[int]) -> np.ndarray:
        return self.random_float(name, shape)


class DummySeq2SeqPastKeyValuesGenerator(DummyInputGenerator):
    """``past_key_values.{i}.decoder|encoder.key|value`` of a seq2seq decoder."""

    SUPPORTED_INPUT_NAMES = ("past_key_values",)

    def shape(self, name: str) -> list[int]:
        nc = self.normalized_config
        heads = nc.decoder_num_key_value_heads
        head_dim = nc.decoder_head_dim
        if ".encoder." in name:
            length = self.shapes.get("encoder_sequence_length", self.sequence_length)
        else:
            length = self.past_sequence_length
        return [self.batch_size, heads, length, head_dim]

    def values(self, name: str, shape: list[int]) -> np.ndarray:
        return self.random_float(name, shape)


class DummyVisionInputGenerator(DummyInputGenerator):
    SUPPORTED_INPUT_NAMES = ("pixel_values", "pixel_mask")

    def shape(self, name: str) -> list[int]:
        nc = self.normalized_config
        # The model's own channel count wins over the shape keyword (a grayscale model takes 1 channel).
        channels = nc.num_channels if nc.has("num_channels") else self.shapes.get("num_channels", 3)
        size = nc.image_size if nc.has("image_size") else None
        if isinstance(size, (list, tuple)):
            height, width = size
        elif size:
            height = width = size
        else:
            height, width = self.shapes.get("image_height", 64), self.shapes.get("image_width", 64)
        if name == "pixel_mask":
            return [self.batch_size, height, width]
        return [self.batch_size, channels, height, width]

    def values(self, name: str, shape: list[int]) -> np.ndarray:
        if name == "pixel_mask":
            return self.ones(shape)
        return self.random_float(name, shape)


class DummyAudioInputGenerator(DummyInputGenerator):
    SUPPORTED_INPUT_NAMES = ("input_values", "input_features")

    def shape(self, name: str) -> list[int]:
        if name == "input_values":
            return [self.batch_size, self.shapes.get("audio_sequence_length", 16000)]
        feature_size = self.shapes.get("feature_size") or getattr(self.normalized_config.config, "num_mel_bins", 80)
        return [self.batch_size, feature_size, self.shapes.get("nb_max_frames", 3000)]

    def values(self, name: str, shape: list[int]) -> np.ndarray:
        return self.random_float(name, shape)


class DummyBboxInputGenerator(DummyInputGenerator):
    """``bbox`` of layout models (LayoutLM, LiLT): per token ``[x0, y0, x1, y1]`` with ``x0 <= x1``, ``y0 <= y1``,
    in the 0-1000 page coordinates their 2-D position embeddings take."""

    SUPPORTED_INPUT_NAMES = ("bbox",)

    def shape(self, name: str) -> list[int]:
        return [self.batch_size, self.sequence_length, 4]

    def values(self, name: str, shape: list[int]) -> np.ndarray:
        limit = min(1000, int(getattr(self.normalized_config.config, "max_2d_position_embeddings", 1024)) - 1)
        corners = self.random_int(name, shape, 0, limit + 1)
        low = np.minimum(corners[..., :2], corners[..., 2:])
        high = np.maximum(corners[..., :2], corners[..., 2:])
        return np.concatenate([low, high], axis=-1).astype(dtypes.to_numpy(self.int_dtype))
