"""The modules traced for hybrid decoders and for the parts of vision-language models (``cfg.traced_module``):
flat tensors in, in the configuration's ``inputs`` order, its ``outputs`` out. Caches go through ``adapter``; the
stand-ins for untraceable transformers code are ``adapter_forwards``'; each family's vision side is in
``vision_parts``, SAM's two files in ``sam_parts``."""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from ..configs.modality_hybrid import io_order
from ..errors import ExportError
from . import adapter, adapter_forwards


class StatefulDecoder(nn.Module):
    """``(input_ids | inputs_embeds, attention_mask[, position_ids], *past) -> (logits, *present)``.

    ``past`` / ``present`` follow ``cfg.layer_states()``: convolution / recurrent states and keys and values per
    layer of a hybrid decoder, key and value per layer otherwise. The whole ``…ForCausalLM`` /
    ``…ForConditionalGeneration`` is called, so the LM head and any embedding scale are inside. ``prefix_lm``: the prompt step (no past) attends
    over the whole prompt, later steps causally (PaliGemma, as transformers does with its ``token_type_ids``)."""

    def __init__(self, model: nn.Module, cfg, main_input: str = "input_ids", prefix_lm: bool = False) -> None:
        super().__init__()
        self.model = model
        self.main_input = main_input
        self.prefix_lm = prefix_lm
        names = list(cfg.inputs)
        self.with_positions = "position_ids" in names
        self.forwards = tuple(getattr(cfg, "EXPORT_FORWARDS", ()))
        self.local_mask = getattr(cfg, "LOCAL_MASK", False)
        if "batched_experts" in self.forwards:
            adapter.traceable_experts(model)
        states = [(layer, kind) for layer, kind, _ in io_order(cfg.layer_states())]
        # Keys and values only: full-length layers whatever the config says (adapter.flat_to_cache), so that a
        # sliding layer's present is ``past + sequence`` long like the others.
        self.states = states if any(kind not in ("key", "value") for _, kind in states) else None
        if self.states is not None:
            check_layer_states(model.config, self.states, cfg)

    def forward(self, main: torch.Tensor, attention_mask: torch.Tensor, *args: torch.Tensor):
        position_ids, past = (args[0], args[1:]) if self.with_positions else (None, args)
        if self.states is not None:
            cache = adapter.flat_to_state_cache(self.model.config, self.states, past)
        else:
            cache = adapter.flat_to_cache(past)
        mask = prefix_lm_mask(attention_mask, main) if self.prefix_lm else attention_mask
        if self.local_mask:
            mask = mask[:, mask.shape[1] - main.shape[1]:]
        with adapter_forwards.applied(self.model, self.forwards):
            out = self.model(**adapter.model_call_kwargs(
                self.model, cache, **{self.main_input: main}, attention_mask=mask, position_ids=position_ids,
                use_cache=True))
        present = adapter.output_cache(out)
        if self.states is not None:
            return (out["logits"], *adapter.state_cache_to_flat(present, self.states))
        return (out["logits"], *adapter.cache_to_flat(present))


def prefix_lm_mask(attention_mask: torch.Tensor, embeds: torch.Tensor) -> torch.Tensor:
    """A 4-D additive mask (transformers takes a 4-D mask as given): key ``j`` is visible to query ``i`` when it is
    no padding and (``j <= i`` or there is no past, i.e. the prompt step attends bidirectionally)."""
    sequence, total = embeds.shape[1], attention_mask.shape[1]
    keys = torch.arange(total, device=embeds.device)
    queries = torch.arange(sequence, device=embeds.device) + (total - sequence)
    prompt_step = queries[:1] == 0
    allowed = ((keys[None, :] <= queries[:, None]) | prompt_step)[None, None] & attention_mask[:, None, None, :].bool()
    return torch.zeros(allowed.shape, dtype=embeds.dtype).masked_fill(~allowed, torch.finfo(embeds.dtype).min)


def check_layer_states(config, states: list[tuple[int, str]], cfg) -> None:
    """The configuration's description of the layers against the cache the installed transformers builds."""
    held = adapter.state_cache_kinds(config)
    for layer, kind in states:
        if layer >= len(held) or kind not in held[layer]:
            raise ExportError("export_failed", submodel=type(cfg).__name__, reason=(
                f"{type(cfg).__name__} puts a {kind} state in layer {layer}, but this transformers' cache for the "
                f"model has {len(held)} layers and holds {sorted(held[layer]) if layer < len(held) else 'nothing'} "
                "there"))


class EmbedTokens(nn.Module):
    """``input_ids -> inputs_embeds`` (the model's input embeddings, any scale included)."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.embeddings = model.get_input_embeddings()

    def forward(self, input_ids: torch.Tensor) -> tuple[torch.Tensor]:
        return (self.embeddings(input_ids),)


def build_part(model: nn.Module, cfg) -> nn.Module:
    kind = cfg.traced_module
    if kind == "hybrid_decoder":
        return StatefulDecoder(model, cfg)
    if kind == "embeds_decoder":
        return StatefulDecoder(model, cfg, main_input="inputs_embeds", prefix_lm=getattr(cfg, "PREFIX_LM", False))
    if kind == "embed_tokens":
        return EmbedTokens(model)
    if kind == "colpali":
        from .colpali_module import ColPaliEmbeddings

        return ColPaliEmbeddings(model)
    if kind.startswith("sam_"):
        from .sam_parts import sam_part

        return sam_part(model, cfg)
    from .vision_parts import vision_module

    return vision_module(model, cfg)


def fix_negative_perms(path: Path) -> int:
    """TorchScript writes ``permute(0, -2, -1, 1)`` as ``Transpose perm=[0,-2,-1,1]``, which onnxruntime rejects
    ("Invalid attribute perm"): one entry per axis, so ``p % rank`` is the axis. Returns how many were fixed."""
    import onnx

    model = onnx.load(str(path), load_external_data=False)  # external weights stay where they are
    fixed = 0
    for node in model.graph.node:
        for attribute in node.attribute:
            if node.op_type == "Transpose" and attribute.name == "perm" and any(p < 0 for p in attribute.ints):
                perm = [p % len(attribute.ints) for p in attribute.ints]
                del attribute.ints[:]
                attribute.ints.extend(perm)
                fixed += 1
    if fixed:
        onnx.save_model(model, str(path))
    return fixed
