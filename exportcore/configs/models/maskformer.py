"""MaskFormer and Mask2Former: a backbone, a pixel decoder and a transformer decoder whose queries each predict a
class and a mask. ``image-segmentation`` returns both per query, as Optimum names them (the masks at a quarter of
the image's size); post-processing (which query wins each pixel) stays with the runtime."""

from ...registry import register
from .dense_prediction import BACKBONE_IMAGE
from .vit import ViTOnnxConfig


@register("maskformer", "image-segmentation")
class MaskFormerOnnxConfig(ViTOnnxConfig):
    NORMALIZED_CONFIG_CLASS = BACKBONE_IMAGE  # the dummy image at the backbone's size

    @property
    def outputs(self):
        return {"class_queries_logits": {0: "batch_size", 1: "num_queries"},
                "masks_queries_logits": {0: "batch_size", 1: "num_queries", 2: "height", 3: "width"}}


@register("mask2former", "image-segmentation")
class Mask2FormerOnnxConfig(MaskFormerOnnxConfig):
    pass
