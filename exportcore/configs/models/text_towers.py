"""The text tower of a two-tower model saved alone (``CLIPTextModel``, ``CLIPTextModelWithProjection``,
``SiglipTextModel``): the text encoders of diffusion pipelines and of text-to-image retrieval. Optimum's
``clip-text``, ``clip-text-with-projection``, ``siglip-text`` and ``siglip-text-with-projection`` (decisions 188-189).

The file takes ``input_ids`` only, as Optimum's: its diffusion runtime feeds a text encoder an attention mask only
when the file asks for one and raises when a file asks and the pipeline has none. A checkpoint whose
``architectures`` names ``CLIPTextModelWithProjection`` is loaded as that class and returns ``text_embeds`` and
``last_hidden_state``; any other returns ``last_hidden_state`` and ``pooler_output``."""

from __future__ import annotations

from typing import Any

from ...registry import register
from ..modality import TextEncoderOnnxConfig
from ..task_outputs import TensorSpec

CLIP_PROJECTION = "CLIPTextModelWithProjection"


def with_projection(config: Any) -> bool:
    """Whether the checkpoint is the text tower with its projection to the joint embedding space."""
    architectures = getattr(config, "architectures", None) or ()
    return CLIP_PROJECTION in [name for name in architectures if isinstance(name, str)]


@register("clip_text_model", "feature-extraction")
class CLIPTextModelOnnxConfig(TextEncoderOnnxConfig):
    ATOL_FOR_VALIDATION = 1e-4  # CLIP's two-tower family's
    TEXT_INPUTS = ("input_ids",)

    @classmethod
    def model_class_names(cls, config: Any) -> tuple[str, ...]:
        """The transformers classes the export loads (AutoModel gives ``CLIPTextModel`` whatever the checkpoint)."""
        return (CLIP_PROJECTION,) if with_projection(config) else ("CLIPTextModel",)

    @property
    def outputs(self) -> TensorSpec:
        hidden = {"last_hidden_state": {0: "batch_size", 1: "sequence_length"}}
        if with_projection(self._config):
            return {"text_embeds": {0: "batch_size"}, **hidden}
        return {**hidden, "pooler_output": {0: "batch_size"}}


@register("siglip_text_model", "feature-extraction")
class SiglipTextModelOnnxConfig(TextEncoderOnnxConfig):
    """SigLIP's text tower has no projection class: its ``pooler_output`` is the last token through its head, the
    vector SigLIP compares with images (Optimum's ``siglip-text-with-projection`` returns the same outputs)."""

    ATOL_FOR_VALIDATION = 1e-4
    TEXT_INPUTS = ("input_ids",)

    @property
    def outputs(self) -> TensorSpec:
        return {"last_hidden_state": {0: "batch_size", 1: "sequence_length"}, "pooler_output": {0: "batch_size"}}
