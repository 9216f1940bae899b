"""VITS and MMS-TTS (``text-to-audio``): token ids and their mask in, ``waveform`` (batch × samples) and
``spectrogram`` (batch × flow channels × frames) out, the names Optimum's ``VitsOnnxConfig`` and transformers.js's
``VitsModel`` use. Both output lengths follow the predicted durations, so they get names of their own (decision 162; configs/task_outputs.py).
The sampling noise is off while tracing and validating (``export/vits_stand_ins.py``, decision 190). A model with
several speakers also takes ``speaker_id``, one per row (decision 191)."""

from __future__ import annotations

from ...registry import register
from ..dummy_inputs import DummyInputGenerator, DummyTextInputGenerator
from ..modality import TextEncoderOnnxConfig



class DummySpeakerGenerator(DummyInputGenerator):
    SUPPORTED_INPUT_NAMES = ("speaker_id",)

    def shape(self, name: str) -> list[int]:
        return [self.batch_size]

    def values(self, name: str, shape: list[int]):
        return self.random_int(name, shape, 0, self.normalized_config.config.num_speakers)


@register("vits", "text-to-audio")
class VitsOnnxConfig(TextEncoderOnnxConfig):
    MODALITY = "text-to-audio"
    ATOL_FOR_VALIDATION = 1e-4
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyTextInputGenerator, DummySpeakerGenerator)
    EXPORT_FORWARDS = ("vits_zero_noise", "vits_unchecked_splines", "vits_speaker_rows")

    @property
    def inputs(self):
        inputs = super().inputs
        if self._config.num_speakers > 1:
            inputs["speaker_id"] = {0: "batch_size"}
        return inputs

    @property
    def INPUT_DTYPES(self) -> dict[str, str]:  # noqa: N802 - the class attribute of the other families
        return {"speaker_id": self.int_dtype}  # an index, as the token ids
