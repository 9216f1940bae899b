from ...registry import register
from ..modality import AudioOnnxConfig


@register(
    "wav2vec2",
    "feature-extraction",
    "automatic-speech-recognition",
    "audio-classification",
    "audio-frame-classification",
    "audio-xvector",
)
class Wav2Vec2OnnxConfig(AudioOnnxConfig):
    ATOL_FOR_VALIDATION = 1e-4
