"""Experts layers transformers writes only as a loop over the experts a batch hits, in a form a trace keeps.

Such layers (DBRX's experts; JetMoE's experts of attention and feed-forward) have no
``@use_experts_implementation`` to switch to ``batched_mm``: the loop runs over the experts the routing picked
(``nonzero()``, or a ``tolist()`` of per-expert row counts), so a trace keeps the experts its sample hit and
onnxruntime fails (a ``Split`` of another size) or drops experts at another token count. Here each expert runs on
every row, weighted by the router's weight for it (zero when the row did not choose it): the same sum, E/k times the
experts' FLOPs and no gathered weights (batched_mm's gather would hold k copies of an expert's matrices per token).
``moe`` applies it and checks the outputs against the original implementation's.
"""

from __future__ import annotations

import types

import torch
from torch import nn


def _dbrx_forward(self, hidden_states: torch.Tensor, top_k_index: torch.Tensor,
                  top_k_weights: torch.Tensor) -> torch.Tensor:
    batch_size = hidden_states.shape[0]
    tokens = hidden_states.reshape(-1, self.hidden_size)
    shape = (self.num_experts, self.ffn_hidden_size, self.hidden_size)
    w1, v1, w2 = (weight.view(shape) for weight in (self.mlp.w1, self.mlp.v1, self.mlp.w2))
    out = torch.zeros_like(tokens)
    for expert in range(self.num_experts):
        weight = (top_k_weights * (top_k_index == expert).to(top_k_weights.dtype)).sum(dim=-1, keepdim=True)
        out = out + self.mlp(tokens, w1[expert], v1[expert], w2[expert]) * weight
    return out.view(batch_size, -1, self.hidden_size)


def _top_k_lowest_first(scores: torch.Tensor, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``topk`` over the last dimension, ties going to the lower index in PyTorch and onnxruntime alike (a padding
    token's zero embedding scores every expert the same; torch.topk and ONNX's TopK break such ties differently):
    k rounds of ``argmax``, which both take as the first maximum."""
    values, indices = [], []
    for _ in range(k):
        index = scores.argmax(dim=-1, keepdim=True)
        values.append(scores.gather(-1, index))
        indices.append(index)
        scores = scores.scatter(-1, index, float("-inf"))
    return torch.cat(values, dim=-1), torch.cat(indices, dim=-1)


def _jetmoe_gating_forward(self, hidden_states: torch.Tensor):
    # JetMoE's router hands its experts per-expert row counts as a Python list (``tolist()``, frozen by a trace);
    # here it hands them each row's expert instead, which ``_jetmoe_experts_forward`` reads.
    logits = self.layer(hidden_states).float()
    top_k_logits, top_k_indices = _top_k_lowest_first(logits, self.top_k)
    top_k_gates = torch.softmax(top_k_logits, dim=1).type_as(hidden_states)
    row_experts, index_sorted_experts = top_k_indices.flatten().sort(0)
    batch_index = index_sorted_experts.div(self.top_k, rounding_mode="trunc")
    batch_gates = top_k_gates.flatten()[index_sorted_experts]
    return index_sorted_experts, batch_index, batch_gates, row_experts, logits


def _jetmoe_experts_forward(self, inputs: torch.Tensor, row_experts: torch.Tensor) -> torch.Tensor:
    out = inputs.new_zeros(inputs.shape[0], self.output_size)
    for expert in range(self.num_experts):
        chosen = (row_experts == expert).to(inputs.dtype).unsqueeze(-1)
        out = out + nn.functional.linear(inputs, self.weight[expert]) * chosen
    return out


#: The classes (by name) whose forward is replaced, -> the replacement. JetMoE's router and experts go together.
DENSE_FORWARDS = {"DbrxExperts": _dbrx_forward, "JetMoeTopKGating": _jetmoe_gating_forward,
                  "JetMoeParallelExperts": _jetmoe_experts_forward}


def dense_modules(model: nn.Module) -> list[nn.Module]:
    return [module for module in model.modules() if type(module).__name__ in DENSE_FORWARDS]


def use_dense_experts(model: nn.Module) -> bool:
    """Replace the loop of every such layer in ``model`` (on the instances); returns whether there was one."""
    modules = dense_modules(model)
    for module in modules:
        module.forward = types.MethodType(DENSE_FORWARDS[type(module).__name__], module)
    return bool(modules)
