"""ViT-MAE's encoder (``feature-extraction``). It keeps a random ``1 - mask_ratio`` of the patches, chosen by
sorting a noise per patch: the noise is an input (``noise``, batch × patches, uniform in [0, 1)), so the file is
deterministic and validates; Optimum's file draws it inside the graph (decision 160)."""

from __future__ import annotations

from ...registry import register
from ..dummy_inputs import DummyInputGenerator, DummyVisionInputGenerator
from .vit import ViTOnnxConfig


class DummyPatchNoiseGenerator(DummyInputGenerator):
    SUPPORTED_INPUT_NAMES = ("noise",)

    def shape(self, name: str) -> list[int]:
        nc = self.normalized_config
        size, patch = nc.image_size, nc.config.patch_size
        height, width = size if isinstance(size, (list, tuple)) else (size, size)
        patch_h, patch_w = patch if isinstance(patch, (list, tuple)) else (patch, patch)
        return [self.batch_size, (height // patch_h) * (width // patch_w)]

    def values(self, name: str, shape: list[int]):
        return self.random_float(name, shape, 0.0, 1.0)


@register("vit_mae", "feature-extraction")
class ViTMAEOnnxConfig(ViTOnnxConfig):
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyVisionInputGenerator, DummyPatchNoiseGenerator)

    @property
    def inputs(self):
        return {"pixel_values": {0: "batch_size", 1: "num_channels", 2: "height", 3: "width"},
                "noise": {0: "batch_size", 1: "num_patches"}}
