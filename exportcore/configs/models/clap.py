"""CLAP: CLIP's two towers for text and audio (a RoBERTa and an HTS-AT Swin over log-mel frames).
``feature-extraction`` exports the two-tower model: similarity logits both ways and both embeddings, named as CLIP's
are. ``input_features`` is the feature extractor's (batch × 1 × frames × mel bins, frames fixed by its
``max_length_s``: only the batch is dynamic); the audio tower stretches the frames to its spectrogram width itself
(a bicubic resize in the graph)."""

from __future__ import annotations

from ...registry import register
from ..dummy_inputs import DummyInputGenerator, DummyTextInputGenerator
from ..modality import TextAndVisionOnnxConfig
from ..normalized_config import NormalizedTextConfig


class DummyMelFramesGenerator(DummyInputGenerator):
    """The frames CLAP's feature extractor gives (10 s at 48 kHz, hop 480: 1001 frames, which the released
    checkpoints' tower stretches to 1024): the same share of the tower's width for any configuration."""

    SUPPORTED_INPUT_NAMES = ("input_features",)

    def shape(self, name: str) -> list[int]:
        audio = self.normalized_config.config.audio_config
        width = audio.spec_size * (audio.spec_size // audio.num_mel_bins)
        return [self.batch_size, 1, width * 1001 // 1024, audio.num_mel_bins]

    def values(self, name: str, shape: list[int]):
        return self.random_float(name, shape)


@register("clap", "feature-extraction")
class ClapOnnxConfig(TextAndVisionOnnxConfig):
    MODALITY = "text-and-audio"
    NORMALIZED_CONFIG_CLASS = NormalizedTextConfig.with_args(
        **{k: f"text_config.{v}" for k, v in NormalizedTextConfig.ATTRIBUTES.items()})
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyTextInputGenerator, DummyMelFramesGenerator)
    ATOL_FOR_VALIDATION = 1e-4

    @property
    def inputs(self):
        return {"input_ids": {0: "text_batch_size", 1: "sequence_length"},
                "input_features": {0: "audio_batch_size"},
                "attention_mask": {0: "text_batch_size", 1: "sequence_length"}}

    @property
    def outputs(self):
        return {"logits_per_audio": {0: "audio_batch_size", 1: "text_batch_size"},
                "logits_per_text": {0: "text_batch_size", 1: "audio_batch_size"},
                "text_embeds": {0: "text_batch_size"}, "audio_embeds": {0: "audio_batch_size"}}
