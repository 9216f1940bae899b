"""The module the exporter traces for an export configuration: flat tensors in, in the configuration's ``inputs``
order, and its ``outputs`` out. The same module checks the loaded weights (``torch_stages.exported_outputs``) and is
validation's PyTorch side, so all three see one interface."""

from __future__ import annotations

import torch
from torch import nn

from ..configs.base import ConfigBehavior, OnnxConfig, OnnxConfigWithPast, OnnxSeq2SeqConfigWithPast
from . import adapter, adapter_forwards


class PlainOutputs(nn.Module):
    """A model without cache: named inputs in, the configuration's outputs (in order) out."""

    def __init__(self, model: nn.Module, input_names: list[str], output_names: list[str], values_override: dict | None,
                 forwards: tuple[str, ...] = ()):
        super().__init__()
        self.model = model
        self.input_names = input_names
        self.output_names = output_names
        self.extra = {"use_cache": False} if values_override and "use_cache" in values_override else {}
        self.forwards = forwards  # stand-ins of adapter_forwards in force while it runs

    def forward(self, *args: torch.Tensor):
        cache = adapter.empty_decoder_cache(self.model, self.input_names)
        with adapter_forwards.applied(self.model, self.forwards):
            out = self.model(**adapter.model_call_kwargs(self.model, cache, **dict(zip(self.input_names, args)),
                                                         **self.extra))
        return tuple(out[name] for name in self.output_names)


class Reordered(nn.Module):
    """Calls ``inner`` with the positional order it wants, taking the configuration's order."""

    def __init__(self, inner: nn.Module, given: list[str], wanted: list[str]):
        super().__init__()
        self.inner = inner
        self.index = [given.index(name) if name in given else None for name in wanted]  # None: pass None

    def forward(self, *args: torch.Tensor):
        return self.inner(*(None if i is None else args[i] for i in self.index))


def build_module(model: nn.Module, cfg: OnnxConfig) -> nn.Module:
    """The module to trace for ``cfg``: positional inputs in ``cfg.inputs`` order, outputs in ``cfg.outputs`` order."""
    if getattr(cfg, "traced_module", None):  # hybrid decoders, parts of vision-language models
        from .part_modules import build_part

        return build_part(model, cfg)
    if getattr(cfg, "SENTENCE_PIPELINE", None):  # sentence-transformers: pooling inside the graph
        from .sentence_embedding import SentenceEmbedding

        return SentenceEmbedding(model, cfg)
    names = list(cfg.inputs)  # forward-argument names
    past = [n for n in names if n.startswith("past_key_values.")]
    if isinstance(cfg, OnnxSeq2SeqConfigWithPast) and cfg.behavior is ConfigBehavior.ENCODER:
        wanted = [n for n in names if n != "attention_mask"] + (["attention_mask"] if "attention_mask" in names else [])
        return Reordered(adapter.EncoderWrapper(model), names, wanted)
    if isinstance(cfg, OnnxSeq2SeqConfigWithPast) and cfg.behavior is ConfigBehavior.DECODER:
        has_mask = "attention_mask" in names
        decoder_mask = ["decoder_attention_mask"] if "decoder_attention_mask" in names else []  # Pix2Struct
        inner = adapter.Seq2SeqDecoderWrapper(
            model, use_past_in_inputs=cfg.use_past_in_inputs, use_past=cfg.use_past, encoder_attention_mask=has_mask,
            output_name=next(iter(cfg.outputs)), decoder_attention_mask=bool(decoder_mask),
        )
        wanted = ["decoder_input_ids", "encoder_outputs", *decoder_mask, *(["attention_mask"] if has_mask else []),
                  *past]
        return Reordered(inner, names, wanted)
    if isinstance(cfg, OnnxConfigWithPast) and cfg.is_causal_lm and (cfg.use_past or past):
        inner = adapter.CausalLMWrapper(
            model,
            use_past_in_inputs=cfg.use_past_in_inputs,
            use_past=cfg.use_past,
            position_ids="position_ids" in names,
            output_name=next(iter(cfg.outputs)),
        )
        wanted = ["input_ids", "attention_mask"] + (["position_ids"] if "position_ids" in names else []) + past
        return Reordered(inner, names, wanted)
    return PlainOutputs(model, names, list(cfg.outputs), cfg.values_override, getattr(cfg, "EXPORT_FORWARDS", ()))
