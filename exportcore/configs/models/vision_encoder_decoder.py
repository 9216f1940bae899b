"""Vision encoder + text decoder (``vision-encoder-decoder``: TrOCR, Donut, ViT-GPT2 captioners) for
image-to-text: ``encoder_model.onnx`` (pixel_values -> last_hidden_state) and the decoder with its self- and
cross-attention cache (``decoder_model_merged.onnx``), as Optimum exports them: the decoder takes no encoder
attention mask (every patch is attended)."""

from ..normalized_config import NormalizedSeq2SeqConfig
from ..dummy_inputs import (
    DummyDecoderTextInputGenerator,
    DummySeq2SeqEncoderOutputGenerator,
    DummySeq2SeqPastKeyValuesGenerator,
    DummyVisionInputGenerator,
)
from ...registry import register
from ..base import ConfigBehavior, OnnxSeq2SeqConfigWithPast


class VisionEncoderDecoderNormalizedConfig(NormalizedSeq2SeqConfig):
    """Encoder attributes from ``config.encoder``, decoder ones from ``config.decoder`` (under the standard names
    every transformers config maps through its attribute_map)."""

    ATTRIBUTES = {
        **NormalizedSeq2SeqConfig.ATTRIBUTES,
        "hidden_size": "encoder.hidden_size",  # what the decoder's cross-attention reads
        "image_size": "encoder.image_size",
        "num_channels": "encoder.num_channels",
        "vocab_size": "decoder.vocab_size",
        "num_layers": "decoder.num_hidden_layers",
        "decoder_num_layers": "decoder.num_hidden_layers",
        "decoder_num_attention_heads": "decoder.num_attention_heads",
        "encoder_num_attention_heads": "encoder.num_attention_heads",
    }

    @property
    def decoder_head_dim(self) -> int:
        decoder = self.config.decoder
        return decoder.hidden_size // decoder.num_attention_heads


@register("vision-encoder-decoder", "image-to-text", "image-to-text-with-past")
class VisionEncoderDecoderOnnxConfig(OnnxSeq2SeqConfigWithPast):
    MODALITY = "image-to-text"
    ATOL_FOR_VALIDATION = 1e-4
    NORMALIZED_CONFIG_CLASS = VisionEncoderDecoderNormalizedConfig
    DUMMY_INPUT_GENERATOR_CLASSES = (
        DummyVisionInputGenerator,
        DummyDecoderTextInputGenerator,
        DummySeq2SeqEncoderOutputGenerator,
        DummySeq2SeqPastKeyValuesGenerator,
    )
    ENCODER_MAIN_INPUT = ("pixel_values", {0: "batch_size", 1: "num_channels", 2: "height", 3: "width"})

    @property
    def outputs(self):
        if self._behavior is ConfigBehavior.ENCODER:
            return {"last_hidden_state": {0: "batch_size"}}  # a fixed number of patches
        return super().outputs
