"""Perceiver IO's classifiers (Optimum's ``perceiver``, decisions 196-197). Every Perceiver class reads one tensor,
which the checkpoint's preprocessor takes as UTF-8 bytes (the language checkpoints) or as pixels (the image
checkpoints). The task decides which: ``attention_mask`` and ``input_ids`` for fill-mask and text-classification,
``pixel_values`` for image-classification — Optimum's names, which the classes' forwards take as aliases of
``inputs``, in the forward's order as Optimum's exporter sorts them."""

from __future__ import annotations

from ...registry import register
from ..modality import TextAndVisionOnnxConfig
from ..normalized_config import NormalizedTextConfig
from ..task_outputs import TensorSpec

TEXT_TASKS = ("fill-mask", "text-classification")


@register("perceiver", "fill-mask", "text-classification", "image-classification")
class PerceiverOnnxConfig(TextAndVisionOnnxConfig):
    """``AutoModelForImageClassification`` loads the image class the checkpoint's ``architectures`` names (Learned,
    Fourier or ConvProcessing: they differ only in their preprocessor), so the task alone chooses the inputs."""

    ATOL_FOR_VALIDATION = 1e-4
    NORMALIZED_CONFIG_CLASS = NormalizedTextConfig.with_args(hidden_size="d_model", image_size="image_size")

    @property
    def inputs(self) -> TensorSpec:
        if self.task in TEXT_TASKS:  # bytes, up to max_position_embeddings (the preprocessor's position table)
            axes = {0: "batch_size", 1: "sequence_length"}
            return {"attention_mask": dict(axes), "input_ids": dict(axes)}
        # the checkpoint's image_size: the learned positions (and the Fourier features' resolution) are fixed
        return {"pixel_values": {0: "batch_size", 1: "num_channels", 2: "height", 3: "width"}}

    @property
    def outputs(self) -> TensorSpec:
        # The masked-LM decoder answers at every row of its query table (max_position_embeddings), whatever the
        # input's length: only the batch axis follows the input (as Optimum declares it).
        return {"logits": {0: "batch_size"}}
