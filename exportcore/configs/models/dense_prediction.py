"""Dense prediction on a backbone: Depth Anything (a DINOv2 backbone and a DPT-style head). Pixels in, a depth map
the size of the image out. The dummy image is the backbone's size (518 pixels, 37 patches of 14, for the released
checkpoints): any multiple of the patch size works."""

from ...registry import register
from ..normalized_config import NormalizedVisionConfig
from .vit import ViTOnnxConfig

BACKBONE_IMAGE = NormalizedVisionConfig.with_args(
    image_size="backbone_config.image_size", num_channels="backbone_config.num_channels",
    hidden_size="backbone_config.hidden_size")


@register("depth_anything", "depth-estimation")
class DepthAnythingOnnxConfig(ViTOnnxConfig):
    NORMALIZED_CONFIG_CLASS = BACKBONE_IMAGE
