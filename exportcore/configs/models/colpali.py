"""ColPali (``ColPaliForRetrieval``: PaliGemma's SigLIP tower and Gemma, then a projection to ``embedding_dim``) as
Optimum's ``ColPaliOnnxConfig`` writes it by default: one ``model.onnx``, ``input_ids``, ``pixel_values``,
``attention_mask`` -> ``embeddings`` (one L2-normalized vector per token, zero where the mask is), task
``feature-extraction``. A text-only query runs through the same file with any image: its ids hold no image token, so
the image reaches no output (docs/decisions.md, "Issue 13 §3, colpali"). Traced by ``export/colpali_module.py``."""

from __future__ import annotations

from typing import Any, ClassVar

from ...registry import register
from ..dummy_inputs import DummyInputGenerator, DummyTextInputGenerator, DummyVisionInputGenerator
from ..modality import TextAndVisionOnnxConfig
from ..normalized_config import NormalizedTextAndVisionConfig
from ..task_outputs import TensorSpec

NormalizedColPaliConfig = NormalizedTextAndVisionConfig.with_args(
    **{k: f"vlm_config.{v}" for k, v in NormalizedTextAndVisionConfig.ATTRIBUTES.items() if v != "projection_dim"},
    patch_size="vlm_config.vision_config.patch_size",
)


@register("colpali", "feature-extraction")
class ColPaliOnnxConfig(TextAndVisionOnnxConfig):
    NORMALIZED_CONFIG_CLASS = NormalizedColPaliConfig
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyTextInputGenerator, DummyVisionInputGenerator)
    ATOL_FOR_VALIDATION = 1e-4
    traced_module: ClassVar[str] = "colpali"

    @property
    def inputs(self) -> TensorSpec:
        text = {0: "batch_size", 1: "sequence_length"}
        # Optimum's names in the forward's order (its exporter sorts them so). The image size is the configuration's:
        # SigLIP's position table holds one entry per patch.
        return {"input_ids": dict(text), "pixel_values": {0: "batch_size"}, "attention_mask": dict(text)}

    @property
    def outputs(self) -> TensorSpec:
        return {"embeddings": {0: "batch_size", 1: "sequence_length"}}

    @property
    def values_override(self) -> dict[str, Any] | None:
        return None  # the traced module asks for no cache itself

    def image_token_id(self) -> int:
        vlm = self._config.vlm_config
        token = getattr(vlm, "image_token_id", None)
        return token if token is not None else vlm.image_token_index

    def tokens_per_image(self) -> int:
        """Image tokens the prompt holds for its one image: one per patch (PaliGemma's processor)."""
        nc = self._normalized_config
        size = nc.image_size
        height, width = size if isinstance(size, (list, tuple)) else (size, size)
        return (height // nc.patch_size) * (width // nc.patch_size)

    def dummy_input_shape(self, name: str, generator: DummyInputGenerator) -> list[int]:
        shape = generator.shape(name)
        if name in ("input_ids", "attention_mask"):  # the image's tokens come before the text, as Optimum's
            shape[1] += self.tokens_per_image()
        return shape

    def adjust_dummy_input(self, name: str, values: Any) -> Any:
        if name == "input_ids":
            image, count = self.image_token_id(), self.tokens_per_image()
            values[values == image] = (image + 1) % self._normalized_config.vocab_size  # one image per prompt
            values[:, :count] = image
        return values
