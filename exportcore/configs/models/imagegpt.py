"""ImageGPT: GPT-2 over an image's pixels as colour-cluster ids (512 clusters and a start token; its image
processor turns pixels into them), as Optimum exports it: ``input_ids`` in, GPT-2's decoder interface, and
``image-classification`` over the pooled states."""

from ...registry import register
from .gpt2 import GPT2OnnxConfig


@register("imagegpt", "feature-extraction", "image-classification")
class ImageGPTOnnxConfig(GPT2OnnxConfig):
    pass
