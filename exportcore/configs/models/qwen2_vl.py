"""Qwen2-VL: the vision encoder takes flattened patches (``pixel_values [num_patches, 3·temporal·patch²]``) with each
image's ``grid_thw`` (frames, rows, columns in patches) and merges ``spatial_merge_size²`` patches per image token;
the decoder takes 3-D rotary positions ``position_ids [3, batch, sequence]`` (time, height, width), which the
runtime computes from the prompt (transformers.js ports ``get_rope_index``): the end-to-end check does the same."""

from __future__ import annotations

from typing import Any

from ...registry import register
from ..base import TensorSpec
from ..dummy_inputs import DummyInputGenerator
from ..modality_image_text import ImageTextToTextOnnxConfig
from .image_text import TASKS


@register("qwen2_vl", *TASKS)
class Qwen2VLOnnxConfig(ImageTextToTextOnnxConfig):
    VISION_INPUTS = {"pixel_values": {0: "num_patches", 1: "patch_values"}, "grid_thw": {0: "num_images"}}
    REFERENCE_NAMES = {"grid_thw": "image_grid_thw"}
    #: The vision encoder's input of image grids, as transformers.js names it for the family.
    GRID = "grid_thw"
    #: transformers.js 4.3 reads Qwen2-VL's decoder sizes at the top level (transformers 5 saves them in text_config)
    TOP_LEVEL_TEXT_SIZES = ("num_hidden_layers", "num_key_value_heads", "hidden_size", "num_attention_heads",
                            "vocab_size")

    @property
    def INPUT_DTYPES(self) -> dict[str, str]:  # noqa: N802 - the class attribute of the other families
        return {self.GRID: self.int_dtype}

    @property
    def inputs(self) -> TensorSpec:
        inputs = super().inputs
        if "position_ids" in inputs:
            inputs["position_ids"] = {1: "batch_size", 2: "sequence_length"}
        return inputs

    def dummy_input_shape(self, name: str, generator: DummyInputGenerator) -> list[int]:
        shape = super().dummy_input_shape(name, generator)
        return [3, *shape] if name == "position_ids" else shape

    # ---- images: a grid of 2 x 2 merged blocks, one frame --------------------------------------------------
    def grid(self) -> tuple[int, int, int]:
        merge = self._config.vision_config.spatial_merge_size
        return 1, 2 * merge, 2 * merge

    def image_size(self) -> tuple[int, int]:
        _, rows, cols = self.grid()
        patch = self._config.vision_config.patch_size
        return rows * patch, cols * patch

    def tokens_per_image(self) -> int:
        frames, rows, cols = self.grid()
        return frames * rows * cols // self._config.vision_config.spatial_merge_size ** 2

    def vision_input_shape(self, name: str, per_prompt: list[int]) -> list[int]:
        vision, images = self._config.vision_config, sum(per_prompt)
        if name == self.GRID:
            return [images, 3]
        frames, rows, cols = self.grid()
        return [images * frames * rows * cols, vision.in_channels * vision.temporal_patch_size * vision.patch_size ** 2]

    def vision_inputs(self, per_prompt: list[int], seed: int = 0) -> dict[str, Any]:
        from ..dummy_inputs import np

        pixels = np.random.default_rng(seed).uniform(-1, 1, self.vision_input_shape("pixel_values", per_prompt))
        grid = np.array([self.grid()] * sum(per_prompt), dtype=np.int64)
        return {"pixel_values": pixels.astype(np.float32), self.GRID: grid}

    def check_shapes(self, shapes: dict[str, int], where: str) -> None:
        """Any size: the processor resizes images to whole merged blocks itself."""

    # ---- the prompt and the runtime's positions -------------------------------------------------------------
    def image_block(self, images: int) -> list[int]:
        c = self._config
        block = [c.vision_start_token_id] + [c.image_token_id] * self.tokens_per_image() + [c.vision_end_token_id]
        return images * block

    def generation_cases(self) -> list[dict[str, Any]]:
        """The family's cases and one with two images of different sizes in one prompt."""
        from ..dummy_inputs import np

        cases = super().generation_cases()
        c, merge = self._config, self._config.vision_config.spatial_merge_size
        grids = [self.grid(), (1, 2 * merge, 4 * merge)]
        avoid = self.special_token_ids() | {self.image_token_id, self.pad_token_id()}
        ids = [t for t in range(3, 64) if t not in avoid][:3]  # a few text tokens around the images
        prompt = list(ids)
        for frames, rows, cols in grids:
            prompt += [c.vision_start_token_id] + [c.image_token_id] * (frames * rows * cols // merge ** 2)
            prompt += [c.vision_end_token_id] + ids
        inputs = {"input_ids": np.array([prompt], dtype=np.int64),
                  "attention_mask": np.ones((1, len(prompt)), np.int64)}
        patches = sum(f * r * w for f, r, w in grids)
        width = self.vision_input_shape("pixel_values", [1])[1]
        vision = {"pixel_values": np.random.default_rng(5).uniform(-1, 1, (patches, width)).astype(np.float32),
                  self.GRID: np.array(grids, dtype=np.int64)}
        cases.append({"label": "batch 1, 2 images of two sizes", "inputs": inputs, "vision": vision,
                      "reference_only": self.reference_only_inputs(inputs, vision)})
        return cases

    def special_token_ids(self) -> set[int]:
        return super().special_token_ids() | {self._config.vision_start_token_id, self._config.vision_end_token_id}

    def reference_only_inputs(self, inputs: dict[str, Any], vision: dict[str, Any]) -> dict[str, Any]:
        # transformers 5.25 finds the images by this (the processor's), and without it falls back to 1-D positions
        return {"mm_token_type_ids": (inputs["input_ids"] == self.image_token_id).astype(inputs["input_ids"].dtype)}

    def runtime_positions(self, step: int, prompt: Any, mask: Any, case: dict[str, Any], state: dict) -> Any:
        """transformers.js's ``get_rope_index``: text tokens count on all three rows; an image block (found by the
        vision-start token) takes frame / row / column indices from the running start, and the text after it goes on
        from the block's largest index + 1. Cached steps: the past length plus the prompt's delta."""
        from ..dummy_inputs import np

        if step:
            position = (mask.shape[1] - 1 + state["delta"]).astype(np.int64)
            return np.stack([position] * 3)
        merge = self._config.vision_config.spatial_merge_size
        grids = iter(case["vision"][self.GRID].tolist())
        batch, length = prompt.shape
        positions = np.ones((3, batch, length), dtype=np.int64)
        deltas = []
        for row in range(batch):
            keep = mask[row] == 1
            ids = prompt[row][keep]
            pieces, start = [], 0
            for at in np.where(ids == self._config.vision_start_token_id)[0]:
                if at + 1 >= len(ids) or ids[at + 1] != self.image_token_id:
                    continue
                end = int(at + 1)
                frames, rows, cols = next(grids)
                frames, rows, cols = frames, rows // merge, cols // merge
                base = pieces[-1].max() + 1 if pieces else 0
                pieces.append(np.tile(np.arange(end - start) + base, (3, 1)))
                index, offset = np.arange(frames * rows * cols), end - start + base
                pieces.append(np.stack([offset + index // (rows * cols), offset + (index // cols) % rows,
                                        offset + index % cols]))
                start = end + frames * rows * cols
            if start < len(ids):
                base = pieces[-1].max() + 1 if pieces else 0
                pieces.append(np.tile(np.arange(len(ids) - start) + base, (3, 1)))
            joined = np.concatenate(pieces, axis=1)
            positions[:, row, keep] = joined
            deltas.append(joined.max() + 1 - length)
        state["delta"] = np.array(deltas, dtype=np.int64)[:, None]
        return positions


@register("qwen2_5_vl", *TASKS)
class Qwen2_5_VLOnnxConfig(Qwen2VLOnnxConfig):  # noqa: N801 - transformers' spelling
    """Qwen2.5-VL: as Qwen2-VL, with windowed attention in the vision blocks not in ``fullatt_block_indexes`` (a mask
    per window in the graph) and the grid input named ``image_grid_thw`` (as transformers.js feeds it)."""

    VISION_INPUTS = {"pixel_values": {0: "num_patches", 1: "patch_values"}, "image_grid_thw": {0: "num_images"}}
    REFERENCE_NAMES = {}
    GRID = "image_grid_thw"
    TOP_LEVEL_TEXT_SIZES = ()  # transformers.js reads Qwen2.5-VL's text_config
