"""Speech2Text: log-mel filter banks ``input_features [batch, frames, features]`` with an attention mask over the
frames, two stride-2 convolutions, then a BART-like encoder-decoder. The decoder takes the frame-level mask
(``encoder_attention_mask``) and subsamples it itself, as Optimum exports it."""

from ..dummy_inputs import DummyTextInputGenerator
from ..normalized_config import NormalizedSeq2SeqConfig
from ...registry import register
from ..base import ConfigBehavior
from ..modality import AudioToTextOnnxConfig


@register("speech_to_text", "feature-extraction", "automatic-speech-recognition",
          "automatic-speech-recognition-with-past")
class Speech2TextOnnxConfig(AudioToTextOnnxConfig):
    ATOL_FOR_VALIDATION = 1e-4
    NORMALIZED_CONFIG_CLASS = NormalizedSeq2SeqConfig
    DUMMY_INPUT_GENERATOR_CLASSES = (*AudioToTextOnnxConfig.DUMMY_INPUT_GENERATOR_CLASSES, DummyTextInputGenerator)
    ENCODER_MAIN_INPUT = ("input_features", {0: "batch_size", 1: "encoder_sequence_length"})
    ENCODER_HAS_ATTENTION_MASK = True

    @property
    def outputs(self):
        outputs = super().outputs
        if self._behavior is not ConfigBehavior.DECODER:
            # The encoder's states (a one-file export returns them too, as Optimum's does); frames -> positions
            # through the stride-2 convolutions, spelled as Optimum spells it.
            factor = 2 * self._config.num_conv_layers
            name = "last_hidden_state" if self._behavior is ConfigBehavior.ENCODER else "encoder_last_hidden_state"
            outputs[name] = {0: "batch_size", 1: f"( encoder_sequence_length + {factor} - 1 ) // {factor}"}
        return outputs

    def dummy_input_shape(self, name, generator):
        if name == "input_features":
            c = self._config
            return [generator.batch_size, generator.sequence_length, c.input_feat_per_channel * c.input_channels]
        return super().dummy_input_shape(name, generator)
