"""Export configurations: base classes, modality classes and (in ``models``) one class per family, with the
normalized attribute names (``normalized_config``) and the dummy input generators (``dummy_inputs``) they use.
Descriptions only: no torch, no transformers."""

from .base import ConfigBehavior, OnnxConfig, OnnxConfigWithPast, OnnxSeq2SeqConfigWithPast
from .modality import (
    AudioOnnxConfig,
    AudioToTextOnnxConfig,
    TextAndVisionOnnxConfig,
    TextDecoderOnnxConfig,
    TextEncoderOnnxConfig,
    TextSeq2SeqOnnxConfig,
    VisionOnnxConfig,
)

__all__ = [
    "AudioOnnxConfig",
    "AudioToTextOnnxConfig",
    "ConfigBehavior",
    "OnnxConfig",
    "OnnxConfigWithPast",
    "OnnxSeq2SeqConfigWithPast",
    "TextAndVisionOnnxConfig",
    "TextDecoderOnnxConfig",
    "TextEncoderOnnxConfig",
    "TextSeq2SeqOnnxConfig",
    "VisionOnnxConfig",
]
