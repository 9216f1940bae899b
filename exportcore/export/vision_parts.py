"""The ``vision_encoder`` part of each vision-language family: its pixel inputs -> ``image_features
[num_image_tokens, hidden]``, projected into the text model's space, in the order the image tokens come in the
prompt. transformers' ``get_image_features`` of several families return a Python list per image (a trace would
freeze the image count): these modules return the concatenated tensor before that split."""

from __future__ import annotations

import torch
from torch import nn

from . import adapter_forwards


class _Vision(nn.Module):
    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    @staticmethod
    def rows(features: torch.Tensor) -> tuple[torch.Tensor]:
        return (features.reshape(-1, features.shape[-1]),)


class LlavaVision(_Vision):
    """The CLIP tower's ``vision_feature_layer`` (class token dropped for "default"), then the projector."""

    def forward(self, pixel_values: torch.Tensor):
        config, inner = self.model.config, self.model.model
        layers = config.vision_feature_layer
        states = inner.vision_tower(pixel_values, output_hidden_states=True, return_dict=True).hidden_states
        if isinstance(layers, int):
            features = states[layers]
        else:
            features = torch.cat([states[i] for i in layers], dim=-1)
        if config.vision_feature_select_strategy == "default":
            features = features[:, 1:]
        return self.rows(inner.multi_modal_projector(features))


class ProjectedVision(_Vision):
    """``get_image_features`` that returns one tensor for all images (PaliGemma, Gemma 3)."""

    def forward(self, pixel_values: torch.Tensor):
        features = self.model.model.get_image_features(pixel_values)
        features = getattr(features, "pooler_output", features)
        return self.rows(features)


class Idefics3Vision(_Vision):
    """Crops ``[batch, crops, 3, H, W]``; all-zero padding crops dropped; the patch mask by reshape and sum (TorchScript
    cannot export ``Tensor.unfold`` on a tensor whose size is only known after that drop)."""

    def forward(self, pixel_values: torch.Tensor, pixel_attention_mask: torch.Tensor):
        inner = self.model.model
        batch, crops, channels, height, width = pixel_values.shape
        pixels = pixel_values.reshape(batch * crops, channels, height, width)
        real = (pixels == 0.0).sum(dim=(-1, -2, -3)) != channels * height * width
        pixels = pixels[real]
        mask = pixel_attention_mask.reshape(batch * crops, height, width)[real]
        patch = inner.config.vision_config.patch_size
        patch_mask = mask.reshape(-1, height // patch, patch, width // patch, patch).sum(dim=(2, 4)) > 0
        with adapter_forwards.idefics3_embeddings(inner.vision_model.embeddings):
            states = inner.vision_model(pixel_values=pixels, patch_attention_mask=patch_mask,
                                        return_dict=True).last_hidden_state
        return self.rows(inner.connector(states))


class Lfm2VlVision(_Vision):
    """SigLIP2 on patch sequences, then the pixel-unshuffle by ``downsample_factor`` as an index gather over every
    image at once (transformers loops over the images), then the projector; rows past each image's tokens dropped."""

    def forward(self, pixel_values: torch.Tensor, pixel_attention_mask: torch.Tensor, spatial_shapes: torch.Tensor):
        inner, factor = self.model.model, self.model.config.downsample_factor
        states = inner.vision_tower(pixel_values=pixel_values, spatial_shapes=spatial_shapes,
                                    pixel_attention_mask=pixel_attention_mask, return_dict=True).last_hidden_state
        images, patches, _ = states.shape
        widths = spatial_shapes[:, 1, None]
        blocks_per_row = widths // factor
        tokens = (spatial_shapes[:, 0, None] // factor) * blocks_per_row
        token = torch.arange(patches // factor ** 2, device=states.device)[None]
        offset = torch.arange(factor, device=states.device)
        rows = (token // blocks_per_row * factor)[..., None, None] + offset[:, None]
        cols = (token % blocks_per_row * factor)[..., None, None] + offset
        first = torch.arange(images, device=states.device)[:, None, None, None] * patches  # each image's first row
        index = first + rows * widths[..., None, None] + cols
        is_token = token < tokens
        index = index.masked_fill(~is_token[..., None, None], 0).flatten(0, 1).permute(1, 0, 2).reshape(factor, -1)
        grid = states.reshape(-1, states.shape[-1])[index]
        features = inner.multi_modal_projector(grid.unsqueeze(0))
        return (features.reshape(-1, features.shape[-1])[is_token.flatten()],)


def qwen2_vl_patch_index(grid_thw: torch.Tensor, patches: int, merge: int, window: int = 0):
    """Per patch, from ``grid_thw`` alone: its (row, column) rotary coordinates in the processor's merge-block order,
    its frame (the attention segment) and, with ``window`` (merged blocks per window side, Qwen2.5-VL), its window —
    what transformers computes in Python loops over ``grid_thw.tolist()``."""
    frames, rows, cols = grid_thw[:, 0], grid_thw[:, 1], grid_thw[:, 2]
    per_image = frames * rows * cols
    ends = torch.cumsum(per_image, 0)
    index = torch.arange(patches, device=grid_thw.device)
    image = (index[:, None] >= ends[None, :]).sum(-1)
    local = index - (ends - per_image)[image]
    in_frame, width = local % (rows * cols)[image], cols[image]
    block, within = in_frame // (merge * merge), in_frame % (merge * merge)
    blocks_per_row = width // merge
    row = (block // blocks_per_row) * merge + within // merge
    col = (block % blocks_per_row) * merge + within % merge
    frame = (torch.cumsum(frames, 0) - frames)[image] + local // (rows * cols)[image]
    if not window:
        return torch.stack([row, col], -1), frame, frame
    windows_per_row = (blocks_per_row + window - 1) // window  # the last window of a row may be partial
    in_window = ((block // blocks_per_row) // window) * windows_per_row + (block % blocks_per_row) // window
    return torch.stack([row, col], -1), frame, frame * (patches + 1) + in_window


class Qwen2VLVision(_Vision):
    """The vision tower with its positions and attention segments computed in the graph (see
    :func:`qwen2_vl_patch_index`), then the patch merger."""

    def forward(self, pixel_values: torch.Tensor, grid_thw: torch.Tensor):
        visual, patches = self.model.model.visual, pixel_values.shape[0]
        merge, config = visual.spatial_merge_size, self.model.config.vision_config
        window = config.window_size // merge // config.patch_size if hasattr(config, "window_size") else 0
        positions, frame, segment = qwen2_vl_patch_index(grid_thw, patches, merge, window)
        full = (frame[:, None] == frame[None, :])[None, None]
        windowed = (segment[:, None] == segment[None, :])[None, None]
        everywhere = getattr(visual, "fullatt_block_indexes", range(len(visual.blocks)))
        masks = [full if i in everywhere else windowed for i in range(len(visual.blocks))]
        unused = torch.zeros(2, dtype=torch.int32)  # the masked attention needs no segment boundaries
        extra = {}
        if window:  # windows in the original order: the masks do the windowing, the permutation is the identity
            extra = {"window_index": torch.arange(patches // merge ** 2), "cu_window_seqlens": unused}
        with adapter_forwards.qwen2_vl_attention(visual, masks):
            out = visual(pixel_values, grid_thw=grid_thw, position_ids=positions, cu_seqlens=unused, **extra)
        return self.rows(getattr(out, "pooler_output", out))


VISION_MODULES: dict[str, type[_Vision]] = {
    "qwen2_vl": Qwen2VLVision,
    "qwen2_5_vl": Qwen2VLVision,
    "llava": LlavaVision,
    "paligemma": ProjectedVision,
    "gemma3": ProjectedVision,
    "idefics3": Idefics3Vision,
    "smolvlm": Idefics3Vision,
    "lfm2_vl": Lfm2VlVision,
}


def vision_module(model: nn.Module, cfg) -> nn.Module:
    model_type = model.config.model_type
    if model_type not in VISION_MODULES:
        from ..errors import ExportError

        raise ExportError("export_failed", submodel="vision_encoder",
                          reason=f"no vision encoder is known for model type {model_type}")
    return VISION_MODULES[model_type](model)
