"""Layout models: token ids plus a bounding box per token (``bbox``, page coordinates 0-1000)."""

from ..dummy_inputs import DummyBboxInputGenerator, DummyTextInputGenerator, DummyVisionInputGenerator
from ..normalized_config import NormalizedTextConfig
from ...registry import register
from .bert import BertOnnxConfig


@register("layoutlm", "feature-extraction", "fill-mask", "text-classification", "token-classification")
class LayoutLMOnnxConfig(BertOnnxConfig):
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyTextInputGenerator, DummyBboxInputGenerator)
    TEXT_INPUTS = ("input_ids", "bbox", "attention_mask", "token_type_ids")  # LayoutLMModel.forward's order


@register("lilt", "feature-extraction", "question-answering", "text-classification", "token-classification")
class LiltOnnxConfig(LayoutLMOnnxConfig):
    TEXT_INPUTS = ("input_ids", "bbox", "attention_mask")


@register("layoutlmv3", "feature-extraction", "question-answering", "text-classification", "token-classification")
class LayoutLMv3OnnxConfig(LayoutLMOnnxConfig):
    """Text, boxes and the page image together. The image size is the configuration's ``input_size`` (its patch
    position table is built for it); the hidden states hold the text tokens, then the image's [CLS] and patches, so
    their length gets a name of its own (decision 162)."""

    NORMALIZED_CONFIG_CLASS = NormalizedTextConfig.with_args(image_size="input_size", num_channels="num_channels")
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyTextInputGenerator, DummyBboxInputGenerator, DummyVisionInputGenerator)
    TEXT_INPUTS = ("input_ids", "bbox", "attention_mask")

    @property
    def inputs(self):
        inputs = {**super().inputs, "pixel_values": {0: "batch_size"}}
        # The forward's order: the classifier heads take bbox after the mask.
        boxes_second = self.task in ("feature-extraction", "token-classification")
        order = ("input_ids", "bbox", "attention_mask") if boxes_second else ("input_ids", "attention_mask", "bbox")
        return {name: inputs[name] for name in (*order, "pixel_values")}

    @property
    def outputs(self):
        outputs = super().outputs
        if self.task == "feature-extraction":
            outputs["last_hidden_state"] = {0: "batch_size", 1: "sequence_length + image_tokens"}
        return outputs
