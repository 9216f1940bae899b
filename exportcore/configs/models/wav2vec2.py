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

    @property
    def outputs(self):
        outputs = super().outputs
        if self.task == "automatic-speech-recognition":
            # CTC frames: the waveform length through each convolution, spelled as Optimum spells it.
            length = "sequence_length"
            for kernel, stride in zip(self._config.conv_kernel, self._config.conv_stride):
                length = f"( {length} - {kernel} ) // {stride} + 1"
            outputs["logits"] = {0: "batch_size", 1: length}
        return outputs
