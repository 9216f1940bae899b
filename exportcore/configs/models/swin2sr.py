"""Swin2SR, image super-resolution: ``image-to-image`` returns ``reconstruction``, the image ``upscale`` times
larger on each side."""

from ...registry import register
from .vision import SwinOnnxConfig


@register("swin2sr", "feature-extraction", "image-to-image")
class Swin2SROnnxConfig(SwinOnnxConfig):
    @property
    def outputs(self):
        outputs = super().outputs
        if self.task == "image-to-image":
            scale = self._config.upscale
            outputs["reconstruction"] = {0: "batch_size", 1: "num_channels", 2: f"height * {scale}",
                                         3: f"width * {scale}"}
        return outputs
