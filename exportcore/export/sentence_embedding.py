"""The module traced for a sentence-transformers export (``configs/sentence_transformers.py``): the transformer, then
its pooling and normalization, as sentence-transformers 6 computes them (checked against ``SentenceTransformer.encode``
by tests/e2e/test_sentence_transformers.py).

``forward(*inputs)`` takes the configuration's inputs in order and returns ``(token_embeddings, sentence_embedding)``.
Pooling over padded positions follows the attention mask; ``cls`` and ``lasttoken`` take the first and the last
token the mask keeps, so left and right padding both work.
"""

from __future__ import annotations

import torch
from torch import nn

from . import adapter


class SentenceEmbedding(nn.Module):
    def __init__(self, model: nn.Module, cfg) -> None:
        super().__init__()
        self.model = model
        self.input_names = list(cfg.inputs)
        self.modes = cfg.SENTENCE_PIPELINE.modes
        self.normalize = cfg.SENTENCE_PIPELINE.normalize

    def forward(self, *args: torch.Tensor):
        inputs = dict(zip(self.input_names, args))
        tokens = self.model(**adapter.model_call_kwargs(self.model, **inputs)).last_hidden_state
        attention_mask = inputs["attention_mask"]
        mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
        pooled = [self._pool(mode, tokens, attention_mask, mask) for mode in self.modes]
        embedding = torch.cat(pooled, -1)
        if self.normalize:
            embedding = nn.functional.normalize(embedding, p=2, dim=-1)
        return tokens, embedding

    @staticmethod
    def _pool(mode: str, tokens: torch.Tensor, attention_mask: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        width = tokens.shape[-1]
        if mode == "cls":  # the first token the mask keeps
            first = attention_mask.to(torch.int32).argmax(dim=1)
            return torch.gather(tokens, 1, first.view(-1, 1, 1).expand(-1, 1, width)).squeeze(1)
        if mode == "max":
            return tokens.masked_fill(mask == 0, float("-inf")).max(dim=1).values
        if mode in ("mean", "mean_sqrt_len_tokens"):
            total = (tokens * mask).sum(1)
            count = torch.clamp(mask.sum(1), min=1e-9)
            return total / (count if mode == "mean" else torch.sqrt(count))
        if mode == "weightedmean":  # positions weighted 1, 2, … from the first kept token
            weights = torch.arange(1, tokens.shape[1] + 1, dtype=tokens.dtype, device=tokens.device).view(1, -1, 1)
            weights = weights - attention_mask.to(torch.int32).argmax(dim=1).to(tokens.dtype).view(-1, 1, 1)
            weighted = mask * weights
            return (tokens * weighted).sum(1) / torch.clamp(weighted.sum(1), min=1e-9)
        if mode == "lasttoken":  # the last token the mask keeps
            kept = attention_mask.to(torch.int32)
            values, from_end = kept.flip(1).max(1)
            length = tokens.shape[1]
            from_end = torch.where(values == 0, length - 1, from_end)
            index = (length - from_end - 1).view(-1, 1, 1).expand(-1, 1, width)
            return torch.gather(tokens * mask, 1, index).squeeze(1)
        raise ValueError(f"pooling mode {mode!r}")
