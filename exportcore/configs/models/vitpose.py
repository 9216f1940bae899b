"""ViTPose: a ViT backbone and a heatmap head, ``keypoint-detection`` returns ``heatmaps`` (one map per keypoint,
a quarter of the image's size). The image size is the backbone's, fixed (the patch grid is not interpolated)."""

from ...registry import register
from .dense_prediction import BACKBONE_IMAGE
from .vit import ViTOnnxConfig


@register("vitpose", "keypoint-detection")
class VitPoseOnnxConfig(ViTOnnxConfig):
    NORMALIZED_CONFIG_CLASS = BACKBONE_IMAGE

    @property
    def inputs(self):
        return {"pixel_values": {0: "batch_size"}}
