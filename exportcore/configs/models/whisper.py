from ..normalized_config import NormalizedSeq2SeqConfig
from ...registry import register
from ..base import ConfigBehavior
from ..modality import AudioToTextOnnxConfig


@register(
    "whisper",
    "feature-extraction",
    "feature-extraction-with-past",
    "automatic-speech-recognition",
    "automatic-speech-recognition-with-past",
    "audio-classification",
)
class WhisperOnnxConfig(AudioToTextOnnxConfig):
    ATOL_FOR_VALIDATION = 1e-3
    NORMALIZED_CONFIG_CLASS = NormalizedSeq2SeqConfig.with_args(feature_size="num_mel_bins")
    # The encoder takes a fixed number of frames: only the batch axis is dynamic (as in Optimum).
    ENCODER_MAIN_INPUT = ("input_features", {0: "batch_size"})

    @property
    def outputs(self):
        outputs = super().outputs
        if self.behavior is ConfigBehavior.ENCODER:  # fixed frame count: only the batch axis is dynamic
            outputs["last_hidden_state"] = {0: "batch_size"}
        if self.behavior is ConfigBehavior.MONOLITH and self.task == "feature-extraction":
            outputs["encoder_last_hidden_state"] = {0: "batch_size"}  # Optimum keeps it for Whisper (not T5/BART)
        return outputs

    def _shape_keywords(self, shapes):
        # Whisper's encoder accepts exactly 2 * max_source_positions frames (two stride-2 convolutions
        # halve them); the cross-attention cache has max_source_positions positions.
        positions = self._config.max_source_positions
        shapes = super()._shape_keywords({**shapes, "nb_max_frames": 2 * positions})
        shapes["encoder_sequence_length"] = positions
        shapes["feature_size"] = self._config.num_mel_bins
        return shapes
