"""wav2vec2's relatives on raw waveforms (``input_values``): same inputs, same heads, same CTC length formula."""

from ...registry import register
from .wav2vec2 import Wav2Vec2OnnxConfig

BASIC_AUDIO_TASKS = ("feature-extraction", "automatic-speech-recognition", "audio-classification")
ALL_AUDIO_TASKS = (*BASIC_AUDIO_TASKS, "audio-frame-classification", "audio-xvector")


@register("hubert", *BASIC_AUDIO_TASKS)
class HubertOnnxConfig(Wav2Vec2OnnxConfig):
    pass


@register("sew", *BASIC_AUDIO_TASKS)
class SEWOnnxConfig(HubertOnnxConfig):
    pass


@register("sew-d", *BASIC_AUDIO_TASKS)
class SEWDOnnxConfig(HubertOnnxConfig):
    pass


@register("unispeech", *BASIC_AUDIO_TASKS)
class UniSpeechOnnxConfig(HubertOnnxConfig):
    pass


@register("unispeech-sat", *ALL_AUDIO_TASKS)
class UniSpeechSATOnnxConfig(HubertOnnxConfig):
    pass


@register("wavlm", *ALL_AUDIO_TASKS)
class WavLMOnnxConfig(HubertOnnxConfig):
    pass


@register("data2vec-audio", *ALL_AUDIO_TASKS)
class Data2VecAudioOnnxConfig(HubertOnnxConfig):
    pass


@register("wav2vec2-conformer", *ALL_AUDIO_TASKS)
class Wav2Vec2ConformerOnnxConfig(HubertOnnxConfig):
    pass
