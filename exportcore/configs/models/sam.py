"""SAM (Segment Anything, transformers' ``SamModel``) in the two files transformers.js's ``SamModel`` runs and
Optimum's ``SamOnnxConfig`` writes by default ("split"):

- ``vision_encoder``: ``pixel_values`` -> ``image_embeddings``, ``image_positional_embeddings`` (the image-wide
  positional encoding, repeated over the batch); run once per image;
- ``prompt_encoder_mask_decoder``: ``image_positional_embeddings``, ``image_embeddings``, ``input_points``,
  ``input_labels`` -> ``iou_scores``, ``pred_masks``; run once per prompt (three masks per point batch).

The image size is the configuration's (the vision tower's absolute position table is built for it): only the batch
is dynamic in ``pixel_values``, as Optimum declares it. The prompts vary in ``point_batch_size`` (masks asked for per
image) and ``nb_points_per_image`` (points per mask); the dummy prompts' sizes follow the batch (``PROMPT_SIZES``), so
every validation shape set asks for another number of point batches and points. A configuration is one part
(``part``); ``with_part`` makes the other and ``plan/submodels.py`` writes one file per part. The modules traced are
``export/sam_parts.py``'s.
"""

from __future__ import annotations

import copy
from typing import Any

from ... import dtypes
from ...errors import ExportError
from ...registry import register
from ..base import OnnxConfig, TensorSpec
from ..dummy_inputs import DummyInputGenerator, DummyVisionInputGenerator, np
from ..normalized_config import NormalizedConfig
from ..parts import PartsMixin
from ..task_outputs import TASK_OUTPUTS

PARTS = ("vision_encoder", "prompt_encoder_mask_decoder")
PROMPT_AXES = {0: "batch_size", 1: "point_batch_size", 2: "nb_points_per_image"}
#: ``mask-generation`` (transformers' ``AutoModelForMaskGeneration``, transformers.js's pipeline) returns what
#: ``SamModel`` does; kept with the family, the only one registering the task.
MASK_OUTPUTS: TensorSpec = TASK_OUTPUTS["mask-generation"]


class NormalizedSamConfig(NormalizedConfig):
    ATTRIBUTES = {
        "image_size": "vision_config.image_size",
        "num_channels": "vision_config.num_channels",
        "output_channels": "vision_config.output_channels",
        "image_embedding_size": "prompt_encoder_config.image_embedding_size",
        "prompt_image_size": "prompt_encoder_config.image_size",
    }

    def _derived(self, name: str) -> Any:
        if name == "image_embedding_size":  # saved configurations may leave it out: the patch grid's side
            return self.image_size // self._lookup("vision_config.patch_size")
        return super()._derived(name)


#: batch -> (point batches, points per mask) of the dummy prompts. The default validation's batches 1, 3, 2 give one
#: click, 2 x 9 and 3 x 4 points (batch 2 is also the trace's: Optimum's 3 point batches); other batches
#: (batch, batch + 1). Tied to the batch so that no shape keyword of another meaning (sequence length, choices)
#: steers the prompts: the plan's shape keywords and the app's options stay the batch alone.
PROMPT_SIZES = {1: (1, 1), 2: (3, 4), 3: (2, 9)}


def prompt_sizes(shapes: dict[str, int]) -> tuple[int, int]:
    """(point batches, points per mask) of the dummy prompts for these shape keywords; ``point_batch_size`` and
    ``nb_points_per_image``, when given, win."""
    batch = shapes.get("batch_size", 2)
    point_batches, points = PROMPT_SIZES.get(batch, (batch, batch + 1))
    return shapes.get("point_batch_size", point_batches), shapes.get("nb_points_per_image", points)


class DummyPromptGenerator(DummyInputGenerator):
    """Points in the processor's pixel coordinates (``[0, image_size)``); labels of every kind SAM knows (1
    foreground, 0 background, -1 not a point, -10 padding), so each branch of the prompt encoder is checked."""

    SUPPORTED_INPUT_NAMES = ("input_points", "input_labels")

    def shape(self, name: str) -> list[int]:
        point_batches, points = prompt_sizes(self.shapes)
        shape = [self.batch_size, point_batches, points]
        return shape + [2] if name == "input_points" else shape

    def values(self, name: str, shape: list[int]) -> Any:
        if name == "input_points":
            return self.random_float(name, shape, 0.0, float(self.normalized_config.prompt_image_size))
        labels = self.rng(name).choice(np.array([1, 0, -1, -10]), size=shape, p=[0.4, 0.3, 0.2, 0.1])
        labels[..., 0] = 1  # every mask has a real point, as the processor's prompts do
        return labels.astype(dtypes.to_numpy(self.int_dtype))


class DummyImageEmbeddingsGenerator(DummyInputGenerator):
    """The vision encoder's outputs fed to the prompt encoder / mask decoder: ``[batch, channels, side, side]``."""

    SUPPORTED_INPUT_NAMES = ("image_embeddings", "image_positional_embeddings")

    def shape(self, name: str) -> list[int]:
        nc = self.normalized_config
        side = nc.image_embedding_size
        return [self.batch_size, nc.output_channels, side, side]

    def values(self, name: str, shape: list[int]) -> Any:
        return self.random_float(name, shape)


@register("sam", "feature-extraction", "mask-generation")
class SamOnnxConfig(PartsMixin, OnnxConfig):
    MODALITY = "vision-prompts"
    PARTS = PARTS
    NORMALIZED_CONFIG_CLASS = NormalizedSamConfig
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyVisionInputGenerator, DummyPromptGenerator, DummyImageEmbeddingsGenerator)
    ATOL_FOR_VALIDATION = 1e-4

    def __init__(self, config: Any, task: str = "feature-extraction", preprocessors: list[Any] | None = None,
                 int_dtype: str = "int64", float_dtype: str = "fp32", legacy: bool = False, *,
                 part: str = "vision_encoder") -> None:
        super().__init__(config, task=task, preprocessors=preprocessors, int_dtype=int_dtype,
                         float_dtype=float_dtype, legacy=legacy)
        self._set_part(part)

    @property
    def traced_module(self) -> str:
        return "sam_" + self.part

    @property
    def INPUT_DTYPES(self) -> dict[str, str]:  # noqa: N802 - the class attribute of the other families
        return {"input_labels": self.int_dtype}

    @property
    def inputs(self) -> TensorSpec:
        if self.part == "vision_encoder":
            return {"pixel_values": {0: "batch_size"}}
        # Optimum's order (the runtimes feed by name)
        return {"image_positional_embeddings": {0: "batch_size"}, "image_embeddings": {0: "batch_size"},
                "input_points": dict(PROMPT_AXES), "input_labels": dict(PROMPT_AXES)}

    @property
    def outputs(self) -> TensorSpec:
        if self.part == "vision_encoder":
            return {"image_embeddings": {0: "batch_size"}, "image_positional_embeddings": {0: "batch_size"}}
        return copy.deepcopy(MASK_OUTPUTS)

    @property
    def values_override(self) -> dict[str, Any] | None:
        return None

    def check_shapes(self, shapes: dict[str, int], where: str) -> None:
        """An image size other than the configuration's is bad input, before any work (``image_size_unsupported``)."""
        size = self._normalized_config.image_size
        height, width = tuple(size) if isinstance(size, (list, tuple)) else (size, size)
        given = (shapes.get("image_height"), shapes.get("image_width"))
        if given[0] not in (None, height) or given[1] not in (None, width):
            raise ExportError("image_size_unsupported", model_type=self._config.model_type,
                              given=f"{given[0] or height}x{given[1] or width}", where=where,
                              takes=f"{height}x{width}")
