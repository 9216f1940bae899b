"""Vision-language models as transformers.js runs them: ``vision_encoder``, ``embed_tokens``, ``decoder_model_merged``
(see ``configs/modality_image_text.py``). Each family says what its vision encoder takes and how many image tokens
an image becomes; its vision module is ``export/vision_parts.py``'s."""

from __future__ import annotations

from typing import Any

from ...registry import register
from ..modality_hybrid import LayerState, layer_kinds, states_by_kind
from ..modality_image_text import ImageTextToTextOnnxConfig

TASKS = ("image-to-text-with-past",)


@register("llava", *TASKS)
class LlavaOnnxConfig(ImageTextToTextOnnxConfig):
    """LLaVA 1.5: a CLIP tower's ``vision_feature_layer`` (the class token dropped by the "default" strategy) and a
    projector."""

    def tokens_per_image(self) -> int:
        keep_class_token = getattr(self._config, "vision_feature_select_strategy", "default") == "full"
        return super().tokens_per_image() + keep_class_token


@register("paligemma", *TASKS)
class PaliGemmaOnnxConfig(ImageTextToTextOnnxConfig):
    """A SigLIP tower, a projector and Gemma. The prompt is a prefix the model reads bidirectionally (transformers
    does it with the processor's ``token_type_ids``; the exported decoder does it on its prompt step, with no extra
    input); positions count from 1. One image per prompt."""

    POSITION_OFFSET = 1
    PREFIX_LM = True
    REFERENCE_ONLY = ("token_type_ids",)
    MAX_IMAGES_PER_PROMPT = 1


@register("gemma3", *TASKS)
class Gemma3OnnxConfig(ImageTextToTextOnnxConfig):
    """SigLIP pooled to ``mm_tokens_per_image`` tokens, Gemma 3 text. Causal over the image tokens: transformers
    attends bidirectionally inside each image block only when given ``token_type_ids``, which no runtime feeds
    (docs/decisions.md, "Issue 14")."""

    def tokens_per_image(self) -> int:
        return self._config.mm_tokens_per_image


@register("idefics3", *TASKS)
class Idefics3OnnxConfig(ImageTextToTextOnnxConfig):
    """Images split into crops (the processor's work): ``pixel_values [batch, crops, 3, H, W]`` with a boolean
    ``pixel_attention_mask [batch, crops, H, W]``; all-zero padding crops are dropped in the graph. A crop becomes
    ``(side / patch)² / scale_factor²`` tokens."""

    VISION_INPUTS = {"pixel_values": {0: "batch_size", 1: "num_images", 2: "num_channels", 3: "height", 4: "width"},
                     "pixel_attention_mask": {0: "batch_size", 1: "num_images", 2: "height", 3: "width"}}
    INPUT_DTYPES = {"pixel_attention_mask": "bool"}  # transformers.js feeds a boolean mask

    def tokens_per_image(self) -> int:
        return super().tokens_per_image() // self._config.scale_factor ** 2

    def vision_input_shape(self, name: str, per_prompt: list[int]) -> list[int]:
        height, width = self.image_size()
        if name == "pixel_attention_mask":
            return [len(per_prompt), max(per_prompt), height, width]
        return [len(per_prompt), max(per_prompt), self._normalized_config.num_channels, height, width]

    def vision_inputs(self, per_prompt: list[int], seed: int = 0) -> dict[str, Any]:
        """A prompt with fewer crops than the longest is padded with all-zero crops, as the processor does."""
        from ..dummy_inputs import np

        pixels = super().vision_inputs(per_prompt, seed)["pixel_values"]
        for row, crops in enumerate(per_prompt):
            pixels[row, crops:] = 0
        mask = np.ones(pixels.shape[:2] + pixels.shape[3:], bool)
        mask[pixels.reshape(pixels.shape[:2] + (-1,)).any(-1) == 0] = False
        return {"pixel_values": pixels, "pixel_attention_mask": mask}


@register("smolvlm", *TASKS)
class SmolVLMOnnxConfig(Idefics3OnnxConfig):
    pass


@register("lfm2_vl", *TASKS)
class Lfm2VlOnnxConfig(ImageTextToTextOnnxConfig):
    """A SigLIP2 NaFlex tower on patch sequences (``pixel_values [images, max_patches, 3·p·p]``, a patch mask and
    each image's ``spatial_shapes`` in patches), pixel-unshuffled by ``downsample_factor`` and projected; the decoder
    is LFM2 (convolution states beside the attention cache)."""

    VISION_INPUTS = {"pixel_values": {0: "num_images", 1: "max_patches", 2: "patch_values"},
                     "pixel_attention_mask": {0: "num_images", 1: "max_patches"},
                     "spatial_shapes": {0: "num_images"}}

    @property
    def INPUT_DTYPES(self) -> dict[str, str]:  # noqa: N802 - the class attribute of the other families
        return {"pixel_attention_mask": self.int_dtype, "spatial_shapes": self.int_dtype}

    def layer_states(self) -> list[LayerState]:
        text = self._config.text_config
        nc = self._normalized_config
        return states_by_kind(layer_kinds(text.layer_types),
                              lambda layer: [(layer, "conv", (text.hidden_size, text.conv_L_cache))],
                              lambda layer: [(layer, kind, (nc.num_key_value_heads, nc.head_dim))
                                             for kind in ("key", "value")])

    def patch_grid(self) -> tuple[int, int]:
        """The (rows, columns) of patches of the images the checks use: the largest square grid, in whole
        ``downsample_factor`` blocks, within ``num_patches``."""
        factor = self._config.downsample_factor
        side = int(self._config.vision_config.num_patches ** 0.5) // factor * factor
        return side, side

    def image_size(self) -> tuple[int, int]:
        rows, cols = self.patch_grid()
        patch = self._config.vision_config.patch_size
        return rows * patch, cols * patch

    def tokens_per_image(self) -> int:
        rows, cols = self.patch_grid()
        return (rows // self._config.downsample_factor) * (cols // self._config.downsample_factor)

    def vision_input_shape(self, name: str, per_prompt: list[int]) -> list[int]:
        vision, images = self._config.vision_config, sum(per_prompt)
        if name == "spatial_shapes":
            return [images, 2]
        if name == "pixel_attention_mask":
            return [images, vision.num_patches]
        return [images, vision.num_patches, vision.num_channels * vision.patch_size ** 2]

    def vision_inputs(self, per_prompt: list[int], seed: int = 0) -> dict[str, Any]:
        from ..dummy_inputs import np

        rows, cols, images = *self.patch_grid(), sum(per_prompt)
        pixels = np.random.default_rng(seed).uniform(-1, 1, self.vision_input_shape("pixel_values", per_prompt))
        mask = np.zeros(self.vision_input_shape("pixel_attention_mask", per_prompt), dtype=np.int64)
        mask[:, : rows * cols] = 1
        pixels = (pixels * mask[..., None]).astype(np.float32)
        return {"pixel_values": pixels, "pixel_attention_mask": mask,
                "spatial_shapes": np.array([[rows, cols]] * images, dtype=np.int64)}

    def check_shapes(self, shapes: dict[str, int], where: str) -> None:
        """Any size whose patches fit ``num_patches`` in whole ``downsample_factor`` blocks."""
        from ...errors import ExportError

        height, width = shapes.get("image_height"), shapes.get("image_width")
        if height is None and width is None:
            return
        vision, factor = self._config.vision_config, self._config.downsample_factor
        block = vision.patch_size * factor
        default_h, default_w = self.image_size()
        height, width = height or default_h, width or default_w
        patches = (height // vision.patch_size) * (width // vision.patch_size)
        if height % block or width % block or patches > vision.num_patches:
            raise ExportError("image_size_unsupported", model_type=self._config.model_type, given=f"{height}x{width}",
                              where=where, takes=f"multiples of {block} with at most {vision.num_patches} patches of "
                              f"{vision.patch_size} pixels")
