"""Image models on ``pixel_values``: ViT's relatives and convolutional networks (ViTOnnxConfig's inputs and
outputs: feature-extraction declares only the batch axis of ``last_hidden_state``)."""

from ...registry import register
from .vit import ViTOnnxConfig

# ---- transformers on patches


@register("deit", "feature-extraction", "image-classification", "masked-im")
class DeiTOnnxConfig(ViTOnnxConfig):
    pass


@register("beit", "feature-extraction", "image-classification")
class BeitOnnxConfig(ViTOnnxConfig):
    pass


@register("data2vec-vision", "feature-extraction", "image-classification")
class Data2VecVisionOnnxConfig(ViTOnnxConfig):
    pass


@register("dinov2", "feature-extraction", "image-classification")
class Dinov2OnnxConfig(ViTOnnxConfig):
    pass


@register("vit_msn", "feature-extraction", "image-classification")
class VitMSNOnnxConfig(ViTOnnxConfig):
    pass


@register("cvt", "feature-extraction", "image-classification")
class CvTOnnxConfig(ViTOnnxConfig):
    pass


@register("levit", "feature-extraction", "image-classification")
class LevitOnnxConfig(ViTOnnxConfig):
    pass


@register("pvt", "feature-extraction", "image-classification")
class PvtOnnxConfig(ViTOnnxConfig):
    pass


@register("pvt_v2", "feature-extraction", "image-classification")
class PvtV2OnnxConfig(ViTOnnxConfig):
    pass


@register("hiera", "feature-extraction", "image-classification")
class HieraOnnxConfig(ViTOnnxConfig):
    pass


@register("swin", "feature-extraction", "image-classification", "masked-im")
class SwinOnnxConfig(ViTOnnxConfig):
    pass


@register("swinv2", "feature-extraction", "image-classification", "masked-im")
class SwinV2OnnxConfig(SwinOnnxConfig):
    pass


@register("donut-swin", "feature-extraction")
class DonutSwinOnnxConfig(SwinOnnxConfig):
    pass


@register("focalnet", "feature-extraction", "image-classification", "masked-im")
class FocalNetOnnxConfig(ViTOnnxConfig):
    pass


# ---- convolutional networks


@register("convnext", "feature-extraction", "image-classification")
class ConvNextOnnxConfig(ViTOnnxConfig):
    pass


@register("convnextv2", "feature-extraction", "image-classification")
class ConvNextV2OnnxConfig(ViTOnnxConfig):
    pass


@register("resnet", "feature-extraction", "image-classification")
class ResNetOnnxConfig(ViTOnnxConfig):
    pass


@register("regnet", "feature-extraction", "image-classification")
class RegNetOnnxConfig(ViTOnnxConfig):
    pass


@register("bit", "feature-extraction", "image-classification")
class BitOnnxConfig(ViTOnnxConfig):
    pass


@register("poolformer", "feature-extraction", "image-classification")
class PoolFormerOnnxConfig(ViTOnnxConfig):
    pass


@register("mobilenet_v1", "feature-extraction", "image-classification")
class MobileNetV1OnnxConfig(ViTOnnxConfig):
    @property
    def inputs(self):
        return {"pixel_values": {0: "batch_size"}}  # as Optimum declares it: a fixed image size


@register("mobilenet_v2", "feature-extraction", "image-classification")
class MobileNetV2OnnxConfig(MobileNetV1OnnxConfig):
    pass


@register("efficientnet", "feature-extraction", "image-classification")
class EfficientNetOnnxConfig(ViTOnnxConfig):
    @property
    def outputs(self):
        outputs = super().outputs
        if self.task == "image-classification":
            outputs["logits"] = {0: "batch_size", 1: "num_classes"}
        return outputs


@register("mobilevit", "feature-extraction", "image-classification", "image-segmentation")
class MobileViTOnnxConfig(ViTOnnxConfig):
    pass


@register("mobilevitv2", "feature-extraction", "image-classification", "image-segmentation")
class MobileViTV2OnnxConfig(ViTOnnxConfig):
    EXPORT_FORWARDS = ("tiled_patches",)  # fold/unfold as reshapes (export/adapter_forwards.py)


# ---- dense prediction


@register("segformer", "feature-extraction", "image-classification", "image-segmentation", "semantic-segmentation")
class SegformerOnnxConfig(ViTOnnxConfig):
    @property
    def outputs(self):
        outputs = super().outputs
        if self.task == "image-segmentation":
            outputs["logits"] = {0: "batch_size"}
        return outputs


@register("dpt", "feature-extraction", "depth-estimation", "image-segmentation", "semantic-segmentation")
class DptOnnxConfig(ViTOnnxConfig):
    pass


@register("glpn", "feature-extraction", "depth-estimation")
class GlpnOnnxConfig(ViTOnnxConfig):
    pass
