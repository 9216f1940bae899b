"""Image-text-to-text models (vision-language models) in the parts transformers.js runs them from:

- ``vision_encoder``: the family's pixel inputs -> ``image_features [num_image_tokens, hidden]``, already projected
  into the text model's space and in the order the image tokens come in the prompt (row-major over the batch);
- ``embed_tokens``: ``input_ids -> inputs_embeds`` (any embedding scale included);
- ``decoder_model_merged``: ``inputs_embeds, attention_mask, position_ids`` and the cache -> ``logits`` and the
  cache, one graph for the prompt step (empty past) and every cached step.

The runtime embeds the prompt, writes the image features where ``input_ids`` holds the image token, and runs the
decoder: the decoder never sees pixels or ids. A configuration is one part (``part``); ``with_part`` makes the
others (as ``with_behavior`` does for encoder-decoders), and ``plan/submodels.py`` makes one file per part.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from ..errors import ExportError
from .base import OnnxConfigWithPast, TensorSpec
from .dummy_inputs import (DummyInputGenerator, DummyPastKeyValuesGenerator, DummyTextInputGenerator,
                           DummyVisionInputGenerator, to_framework)
from .modality_hybrid import DummyStateGenerator, LayerState, io_order, state_name
from .normalized_config import NormalizedTextConfig
from .parts import PartsMixin

PARTS = ("vision_encoder", "embed_tokens", "decoder_model_merged")
#: The part whose file takes and returns the cache.
CACHE_PART = "decoder_model_merged"

#: Image-text model types one of whose parts cannot be derived yet: model type -> (part, why). They are refused with
#: ``part_not_derivable`` (research: docs/research/vlm-and-hybrid.md).
NOT_DERIVED_PARTS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(("llava_onevision", "llava_next"), (
        "vision_encoder", "its any-resolution tiling and unpadding compute on image_sizes in Python, which a trace "
        "cannot follow (\"type Tensor doesn't define __round__\"), and transformers.js feeds pixel_values only")),
    "florence2": ("encoder_model", "the BART encoder-decoder over the image features is not split into "
                  "encoder_model and decoder_model_merged yet (the vision encoder alone exports)"),
}


class NormalizedImageTextConfig(NormalizedTextConfig):
    """The language model's sizes from ``text_config``, the vision tower's from ``vision_config``."""

    ATTRIBUTES = {
        **{k: f"text_config.{v}" for k, v in NormalizedTextConfig.ATTRIBUTES.items()},
        "num_key_value_heads": "text_config.num_key_value_heads",
        "head_dim": "text_config.head_dim",
        "image_size": "vision_config.image_size",
        "patch_size": "vision_config.patch_size",
        "num_channels": "vision_config.num_channels",
    }

    def _derived(self, name: str) -> Any:
        if name == "num_channels":
            return 3
        return super()._derived(name)


class DummyEmbedsGenerator(DummyInputGenerator):
    SUPPORTED_INPUT_NAMES = ("inputs_embeds",)

    def shape(self, name: str) -> list[int]:
        return [self.batch_size, self.sequence_length, self.normalized_config.hidden_size]

    def values(self, name: str, shape: list[int]) -> Any:
        return self.random_float(name, shape)


class ImageTextToTextOnnxConfig(PartsMixin, OnnxConfigWithPast):
    MODALITY = "image-text-to-text"
    PARTS = PARTS
    NORMALIZED_CONFIG_CLASS = NormalizedImageTextConfig
    DEFAULT_ONNX_OPSET = 20
    ATOL_FOR_VALIDATION = 1e-4
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyTextInputGenerator, DummyEmbedsGenerator, DummyVisionInputGenerator,
                                     DummyStateGenerator, DummyPastKeyValuesGenerator)
    #: The vision encoder's inputs (name -> axes), in the order of its forward; families with other inputs override.
    VISION_INPUTS: ClassVar[TensorSpec] = {
        "pixel_values": {0: "num_images", 1: "num_channels", 2: "height", 3: "width"}}
    #: Added to the positions a runtime computes from the mask (PaliGemma counts from 1).
    POSITION_OFFSET: ClassVar[int] = 0
    #: The prompt step attends over the whole prompt (PaliGemma's prefix-LM); later steps causally.
    PREFIX_LM: ClassVar[bool] = False
    #: Inputs only PyTorch's ``generate`` takes in the end-to-end check, to behave as the exported graph does.
    REFERENCE_ONLY: ClassVar[tuple[str, ...]] = ()
    #: How many images one prompt may hold (the end-to-end check uses two where the family takes them).
    MAX_IMAGES_PER_PROMPT: ClassVar[int] = 2
    GENERATED_TOKENS: ClassVar[int] = 8
    #: The text model's sizes transformers.js reads at the top level of config.json for the family.
    TOP_LEVEL_TEXT_SIZES: ClassVar[tuple[str, ...]] = ()
    end_to_end: ClassVar[str] = "image-text"

    def __init__(self, config: Any, task: str = "feature-extraction", int_dtype: str = "int64",
                 float_dtype: str = "fp32", use_past: bool = False, use_past_in_inputs: bool = False,
                 preprocessors: list[Any] | None = None, legacy: bool = False, *,
                 part: str = "decoder_model_merged") -> None:
        # The documented constructor plus the part (keyword only); the decoder always takes its cache.
        super().__init__(config, task=task, int_dtype=int_dtype, float_dtype=float_dtype, use_past=True,
                         use_past_in_inputs=True, preprocessors=preprocessors, legacy=legacy)
        self._set_part(part)

    def with_part(self, part: str) -> "ImageTextToTextOnnxConfig":
        clone = super().with_part(part)
        # Only the decoder carries the cache; the plan document and the inspector read this per part.
        clone.use_past = clone.use_past_in_inputs = part == CACHE_PART
        return clone

    @property
    def traced_module(self) -> str:
        return {"vision_encoder": "vision_encoder", "embed_tokens": "embed_tokens"}.get(self.part, "embeds_decoder")

    @property
    def image_token_id(self) -> int:
        config = self._config
        for name in ("image_token_id", "image_token_index"):
            if isinstance(getattr(config, name, None), int):
                return getattr(config, name)
        raise ExportError("export_failed", submodel="vision_encoder", reason="the configuration names no image token")

    # ---- the decoder's cache: attention per text layer; hybrid families override ----------------------------
    def layer_states(self) -> list[LayerState]:
        nc = self._normalized_config
        dims = (nc.num_key_value_heads, nc.head_dim)
        return [(i, kind, dims) for i in range(nc.num_layers) for kind in ("key", "value")]

    @property
    def num_past_layers(self) -> int:
        return self._normalized_config.num_layers

    def add_past_key_values(self, inputs_or_outputs: TensorSpec, direction: str) -> None:
        length = "past_sequence_length" if direction == "inputs" else "past_sequence_length + sequence_length"
        for layer, kind, _ in io_order(self.layer_states()):
            axes = {0: "batch_size", 2: length} if kind in ("key", "value") else {0: "batch_size"}
            inputs_or_outputs[state_name(layer, kind, direction)] = axes

    # ---- inputs and outputs per part -----------------------------------------------------------------------
    @property
    def inputs(self) -> TensorSpec:
        if self.part == "vision_encoder":
            return copy.deepcopy(self.VISION_INPUTS)
        if self.part == "embed_tokens":
            return {"input_ids": {0: "batch_size", 1: "sequence_length"}}
        inputs: TensorSpec = {
            "inputs_embeds": {0: "batch_size", 1: "sequence_length"},
            "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length"},
            "position_ids": {0: "batch_size", 1: "sequence_length"},
        }
        self.add_past_key_values(inputs, direction="inputs")
        return inputs

    @property
    def outputs(self) -> TensorSpec:
        if self.part == "vision_encoder":
            return {"image_features": {0: "num_image_tokens"}}
        if self.part == "embed_tokens":
            return {"inputs_embeds": {0: "batch_size", 1: "sequence_length"}}
        outputs: TensorSpec = {"logits": {0: "batch_size", 1: "sequence_length"}}
        self.add_past_key_values(outputs, direction="outputs")
        return outputs

    @property
    def values_override(self) -> dict[str, Any] | None:
        return None

    def dummy_input_shape(self, name: str, generator: DummyInputGenerator) -> list[int]:
        shape = generator.shape(name)
        if name == "attention_mask":
            shape[1] += generator.past_sequence_length
        elif name.startswith("past_") and not name.startswith("past_key_values"):
            kind, layer = name.removeprefix("past_").split(".")
            dims = next(d for i, k, d in self.layer_states() if i == int(layer) and k == kind)
            shape = [shape[0], *dims]
        elif name in self.VISION_INPUTS:
            shape = self.vision_input_shape(name, [1] * generator.batch_size)
        return shape

    def generate_dummy_inputs(self, framework: str = "pt", **shapes: int) -> dict[str, Any]:
        if self.part != "vision_encoder":
            return super().generate_dummy_inputs(framework, **shapes)
        arrays = self.vision_inputs([1] * shapes.get("batch_size", 2))
        arrays = {name: a.astype(self.int_dtype) if a.dtype.kind == "i" else a for name, a in arrays.items()}
        return {name: to_framework(a, framework, self.float_dtype) for name, a in arrays.items()}

    def dummy_shapes(self, **shapes: int) -> dict[str, list[int]]:
        if self.part != "vision_encoder":
            return super().dummy_shapes(**shapes)
        per_prompt = [1] * self._shape_keywords(shapes)["batch_size"]
        return {name: self.vision_input_shape(name, per_prompt) for name in self.VISION_INPUTS}

    # ---- images: families override -------------------------------------------------------------------------
    def image_size(self) -> tuple[int, int]:
        """The (height, width) the vision tower takes."""
        size = self._normalized_config.image_size
        return tuple(size) if isinstance(size, (list, tuple)) else (size, size)

    def tokens_per_image(self) -> int:
        """How many image tokens (rows of image features) one image becomes."""
        height, width = self.image_size()
        patch = self._normalized_config.patch_size
        return (height // patch) * (width // patch)

    def vision_input_shape(self, name: str, per_prompt: list[int]) -> list[int]:
        """The shape of a vision input for prompts holding ``per_prompt`` images each."""
        return [sum(per_prompt), self._normalized_config.num_channels, *self.image_size()]

    def vision_inputs(self, per_prompt: list[int], seed: int = 0) -> dict[str, Any]:
        """Seeded vision inputs for prompts holding ``per_prompt`` images each (the checks')."""
        from .dummy_inputs import np

        rng = np.random.default_rng(seed)
        return {name: rng.uniform(-1, 1, self.vision_input_shape(name, per_prompt)).astype(np.float32)
                for name in self.VISION_INPUTS}

    def check_shapes(self, shapes: dict[str, int], where: str) -> None:
        """An image size the vision tower cannot take is bad input, before any work (``image_size_unsupported``)."""
        given = (shapes.get("image_height"), shapes.get("image_width"))
        if given == (None, None):
            return
        height, width = self.image_size()
        if given[0] not in (None, height) or given[1] not in (None, width):
            raise ExportError("image_size_unsupported", model_type=self._config.model_type,
                              given=f"{given[0] or height}x{given[1] or width}", where=where,
                              takes=f"{height}x{width}")

    # ---- the end-to-end check (exportcore/validate/end_to_end.py) -------------------------------------------
    def generation_cases(self) -> list[dict[str, Any]]:
        """Batch 1 with one image, batch 1 with two (where the family takes several), batch 2 left-padded."""
        from .dummy_inputs import np

        rng = np.random.default_rng(0)
        vocab = self._normalized_config.vocab_size
        image_token, pad = self.image_token_id, self.pad_token_id()
        avoid = {image_token, pad, *self.special_token_ids()}

        def text(n: int) -> list[int]:
            return [int(t) for t in rng.integers(0, vocab, size=4 * n + 8) if int(t) not in avoid][:n]

        def prompt(images: int, before: int, after: int) -> list[int]:
            return text(before) + self.image_block(images) + text(after)

        def case(label: str, prompts: list[list[int]], images: list[int]) -> dict[str, Any]:
            width = max(len(p) for p in prompts)
            ids = np.array([[pad] * (width - len(p)) + p for p in prompts], dtype=np.int64)
            mask = np.array([[0] * (width - len(p)) + [1] * len(p) for p in prompts], dtype=np.int64)
            inputs = {"input_ids": ids, "attention_mask": mask}
            vision = self.vision_inputs(images, seed=len(label))
            return {"label": label, "inputs": inputs, "vision": vision,
                    "reference_only": self.reference_only_inputs(inputs, vision)}

        cases = [case("batch 1, 1 image", [prompt(1, 3, 5)], [1])]
        if self.MAX_IMAGES_PER_PROMPT > 1:
            cases.append(case("batch 1, 2 images", [prompt(2, 2, 4)], [2]))
        else:
            cases.append(case("batch 3 left-padded, 1 image each", [prompt(1, 2, 2), prompt(1, 4, 5), prompt(1, 1, 1)],
                              [1, 1, 1]))
        cases.append(case("batch 2 left-padded, 1 image each", [prompt(1, 3, 6), prompt(1, 1, 3)], [1, 1]))
        return cases

    def image_block(self, images: int) -> list[int]:
        """The prompt tokens of ``images`` images (the runtime writes the features over the image tokens)."""
        return [self.image_token_id] * (images * self.tokens_per_image())

    def runtime_positions(self, step: int, prompt: Any, mask: Any, case: dict[str, Any], state: dict) -> Any:
        """The ``position_ids`` a runtime feeds at ``step`` (``mask`` covers the past and the new tokens), or None
        for the usual ``cumsum(mask) - 1`` (padding: 1) plus ``POSITION_OFFSET``."""
        return None

    def pad_token_id(self) -> int:
        """The text model's padding id (a composite config's own may be a default beyond the vocabulary)."""
        for config in (getattr(self._config, "text_config", None), self._config):
            pad = getattr(config, "pad_token_id", None)
            if isinstance(pad, int) and 0 <= pad < self._normalized_config.vocab_size:
                return pad
        return 0

    def special_token_ids(self) -> set[int]:
        ids = set()
        for name in ("boi_token_index", "eoi_token_index", "boi_token_id", "eoi_token_id", "video_token_id",
                     "bos_token_id", "eos_token_id"):
            for config in (self._config, getattr(self._config, "text_config", None)):
                if isinstance(getattr(config, name, None), int):
                    ids.add(getattr(config, name))
        return ids

    def reference_only_inputs(self, inputs: dict[str, Any], vision: dict[str, Any]) -> dict[str, Any]:
        from .dummy_inputs import np

        extra = {}
        if "token_type_ids" in self.REFERENCE_ONLY:  # PaliGemma's processor: 0 over the whole prompt (its prefix)
            extra["token_type_ids"] = np.zeros_like(inputs["input_ids"])
        return extra

    #: Vision inputs transformers' forward names otherwise (Qwen2-VL's ``grid_thw`` is its ``image_grid_thw``).
    REFERENCE_NAMES: ClassVar[dict[str, str]] = {}
