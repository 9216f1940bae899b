"""Audio Spectrogram Transformer: a ViT over a log-mel spectrogram ``input_values [batch, max_length,
num_mel_bins]`` of fixed size (only the batch axis is dynamic, as Optimum declares it)."""

from ...registry import register
from ..modality import AudioOnnxConfig


@register("audio-spectrogram-transformer", "feature-extraction", "audio-classification")
class ASTOnnxConfig(AudioOnnxConfig):
    ATOL_FOR_VALIDATION = 1e-4

    @property
    def inputs(self):
        return {"input_values": {0: "batch_size"}}

    def dummy_input_shape(self, name, generator):
        return [generator.batch_size, self._config.max_length, self._config.num_mel_bins]
