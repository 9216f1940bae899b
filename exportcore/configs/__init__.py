"""Export configurations: base classes, modality classes and (in ``models``) one class per family."""

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
