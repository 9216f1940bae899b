"""The modules traced for SAM's two files (``configs/models/sam.py``): the vision encoder with the image-wide
positional embeddings, and the prompt encoder followed by the mask decoder (three masks per point batch, as
``SamModel`` returns by default). Each calls ``SamModel``'s own submodules as its ``forward`` does, the decoder one
(image, point batch) pair at a time."""

from __future__ import annotations

import torch
from torch import nn

from ..errors import ExportError


class SamVisionEncoder(nn.Module):
    """``pixel_values -> (image_embeddings, image_positional_embeddings)``."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, *args: torch.Tensor):  # varargs, as the torch.export path passes its dynamic shapes
        (pixel_values,) = args
        embeddings = self.model.vision_encoder(pixel_values).last_hidden_state
        positions = self.model.get_image_wide_positional_embeddings().repeat(pixel_values.shape[0], 1, 1, 1)
        return embeddings, positions


class SamPromptMaskDecoder(nn.Module):
    """``(image_positional_embeddings, image_embeddings, input_points, input_labels) -> (iou_scores, pred_masks)``.

    Each (image, point batch) pair is decoded as an image of its own with one point batch: the mask decoder repeats
    the image per point batch with ``repeat_interleave`` by a tensor's size, which the torch.export path of torch
    2.13 translates into an ``Expand`` that fails at any batch above 1 (decision 179). Every (image, point batch) is
    independent in the decoder, so the result is ``SamModel``'s (tests/e2e/test_sam.py compares the chained files
    with ``SamModel.forward``)."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, *args: torch.Tensor):
        image_positional_embeddings, image_embeddings, input_points, input_labels = args
        batch, point_batches, points = input_labels.shape

        def per_prompt(images: torch.Tensor) -> torch.Tensor:  # [batch, ...] -> [batch * point_batches, ...]
            repeated = images.unsqueeze(1).expand(-1, point_batches, -1, -1, -1)
            return repeated.reshape(batch * point_batches, *images.shape[1:])

        sparse, dense = self.model.prompt_encoder(
            input_points=input_points.reshape(batch * point_batches, 1, points, 2),
            input_labels=input_labels.reshape(batch * point_batches, 1, points), input_boxes=None, input_masks=None)
        masks, scores = self.model.mask_decoder(image_embeddings=per_prompt(image_embeddings),
                                                image_positional_embeddings=per_prompt(image_positional_embeddings),
                                                sparse_prompt_embeddings=sparse, dense_prompt_embeddings=dense,
                                                multimask_output=True)
        return (scores.reshape(batch, point_batches, scores.shape[-1]),
                masks.reshape(batch, point_batches, *masks.shape[2:]))


SAM_PARTS = {"sam_vision_encoder": SamVisionEncoder, "sam_prompt_encoder_mask_decoder": SamPromptMaskDecoder}


def sam_part(model: nn.Module, cfg) -> nn.Module:
    for name in ("vision_encoder", "prompt_encoder", "mask_decoder", "get_image_wide_positional_embeddings"):
        if not hasattr(model, name):
            raise ExportError("export_failed", submodel=cfg.part, reason=(
                f"{type(model).__name__} has no {name}: SAM's parts are exported from a SamModel"))
    return SAM_PARTS[cfg.traced_module](model)
