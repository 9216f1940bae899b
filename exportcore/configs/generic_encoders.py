"""The generic path's encoder and vision configurations (``configs/generic.py`` has the decoders and the rules).

A text encoder (fill-mask, text or token classification) takes ``input_ids``, ``attention_mask`` and
``token_type_ids`` as far as its model class's ``forward`` does, in that order; an image classifier takes
``pixel_values`` at the size its configuration says. Light: no torch, no transformers.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..errors import ExportError
from .modality import TextEncoderOnnxConfig, VisionOnnxConfig
from .normalized_config import NormalizedVisionConfig

TEXT_INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")


class GenericTextEncoderOnnxConfig(TextEncoderOnnxConfig):
    """A text encoder whose configuration is derived: the inputs its forward takes, validated at 1e-4."""

    GENERIC = True
    ATOL_FOR_VALIDATION = 1e-4
    MODEL_TYPE: ClassVar[str] = ""
    FORWARD_PARAMS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: Any, task: str = "feature-extraction", preprocessors: list[Any] | None = None,
                 int_dtype: str = "int64", float_dtype: str = "fp32", legacy: bool = False) -> None:
        super().__init__(config, task=task, preprocessors=preprocessors, int_dtype=int_dtype, float_dtype=float_dtype,
                         legacy=legacy)
        if config is not None and "input_ids" in self.TEXT_INPUTS and not self._normalized_config.has("vocab_size"):
            raise ExportError("generic_derivation_failed", model_type=self.MODEL_TYPE, attribute="vocab_size",
                              tried="vocab_size")


class GenericNormalizedVisionConfig(NormalizedVisionConfig):
    """Image size and channels from the configuration, else from its ``vision_config`` (two-tower families)."""

    def _derived(self, name: str) -> Any:
        vision = getattr(self.config, "vision_config", None)
        value = getattr(vision, name, None) if vision is not None else None
        if value is None:
            return super()._derived(name)
        return value


class GenericVisionOnnxConfig(VisionOnnxConfig):
    """An image classifier whose configuration is derived: ``pixel_values`` at the configuration's image size."""

    GENERIC = True
    ATOL_FOR_VALIDATION = 1e-4
    NORMALIZED_CONFIG_CLASS = GenericNormalizedVisionConfig
    MODEL_TYPE: ClassVar[str] = ""
    FORWARD_PARAMS: ClassVar[tuple[str, ...]] = ()


def text_inputs(params: list[str]) -> tuple[str, ...]:
    """The text inputs a forward takes, in its order."""
    return tuple(name for name in params if name in TEXT_INPUT_NAMES)
