"""ColPali's one file (``configs/models/colpali.py``): ``(input_ids, pixel_values, attention_mask) -> embeddings``."""

from __future__ import annotations

import torch
from torch import nn


class ColPaliEmbeddings(nn.Module):
    """``ColPaliForRetrieval`` called as its processor calls it: ``token_type_ids`` all zero, so PaliGemma attends
    bidirectionally over the whole prompt (image and text), padding masked. Without them transformers 5.25 attends
    bidirectionally only when the mask has no padding and causally otherwise, and a trace is causal: a plain trace
    failed validation by 0.1-0.35 (docs/decisions.md 195)."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, *args: torch.Tensor):  # ``*args``: how onnx_export passes dynamic shapes to torch.export
        input_ids, pixel_values, attention_mask = args
        out = self.model(input_ids=input_ids, attention_mask=attention_mask, pixel_values=pixel_values,
                         token_type_ids=torch.zeros_like(input_ids), use_cache=False)
        return (out["embeddings"],)
