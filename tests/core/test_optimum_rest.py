"""The rest of Optimum's list (issue 13 §3, decisions 160-165): what a user of these families relies on beyond
"exports and validates" (tests/e2e/test_architectures.py): the task a checkpoint's class names, and the inputs and
axis names a runtime feeds by."""

from __future__ import annotations

import pytest

from exportcore import registry
from tests.architectures import ARCHITECTURE_CONFIGS


@pytest.mark.parametrize("model_type, architecture, task", [
    ("owlvit", "OwlViTForObjectDetection", "zero-shot-object-detection"),
    ("owlv2", "Owlv2ForObjectDetection", "zero-shot-object-detection"),
    ("detr", "DetrForObjectDetection", "object-detection"),  # the suffix still means object detection first
    ("swin2sr", "Swin2SRForImageSuperResolution", "image-to-image"),
    ("vitpose", "VitPoseForPoseEstimation", "keypoint-detection"),
    ("encoder-decoder", "EncoderDecoderModel", "text2text-generation-with-past"),
    ("imagegpt", "ImageGPTForImageClassification", "image-classification"),
    ("vit_mae", "ViTMAEForPreTraining", "feature-extraction"),
    ("depth_anything", "DepthAnythingForDepthEstimation", "depth-estimation"),
    ("maskformer", "MaskFormerForInstanceSegmentation", "image-segmentation"),
    ("mask2former", "Mask2FormerForUniversalSegmentation", "image-segmentation"),
    ("mgp-str", "MgpstrForSceneTextRecognition", "feature-extraction"),
    ("clap", "ClapModel", "feature-extraction"),
])
def test_the_checkpoint_class_names_the_task(model_type, architecture, task):
    assert registry.infer_task(model_type, [architecture]).name == task


def _config(model_type: str, task: str):
    return registry.get_config_class(model_type, task)(ARCHITECTURE_CONFIGS[model_type](), task=task)


def test_vit_mae_takes_the_masking_noise_after_the_pixels():
    cfg = _config("vit_mae", "feature-extraction")
    assert list(cfg.inputs) == ["pixel_values", "noise"]
    shapes = cfg.dummy_shapes(batch_size=3)
    config = cfg._config
    assert shapes["noise"] == [3, (config.image_size // config.patch_size) ** 2]
    noise = cfg.generate_dummy_inputs("np", batch_size=3)["noise"]
    assert 0.0 <= noise.min() and noise.max() < 1.0  # what torch.rand would have drawn


def test_an_output_axis_longer_than_the_inputs_does_not_share_their_name():
    cfg = _config("decision_transformer", "feature-extraction")
    input_axes = {symbol for axes in cfg.inputs.values() for symbol in axes.values()}
    assert cfg.outputs["last_hidden_state"][1] not in input_axes
    assert cfg.outputs["state_preds"][1] == "sequence_length"


def test_owlvit_detection_outputs_are_optimums():
    cfg = _config("owlvit", "zero-shot-object-detection")
    assert list(cfg.inputs) == ["input_ids", "pixel_values", "attention_mask"]
    assert list(cfg.outputs) == ["logits", "pred_boxes", "text_embeds", "image_embeds"]


def test_swin2sr_names_the_upscaled_size():
    cfg = _config("swin2sr", "image-to-image")
    scale = cfg._config.upscale
    assert cfg.outputs["reconstruction"] == {0: "batch_size", 1: "num_channels", 2: f"height * {scale}",
                                             3: f"width * {scale}"}


@pytest.mark.parametrize("model_type", ["patchtst", "patchtsmixer"])
def test_the_patches_cut_by_slicing_are_unfolds(model_type):
    """adapter_forwards.patchify_slices (decision 166) against the model's own unfold, at a window whose start is
    cut off (26 steps, patches of 4)."""
    import torch
    import transformers

    from exportcore.export.adapter_forwards import applied

    torch.manual_seed(0)
    model = transformers.AutoModel.from_config(ARCHITECTURE_CONFIGS[model_type]()).eval()
    values = torch.randn(3, model.config.context_length, model.config.num_input_channels)
    with torch.no_grad():
        expected = model(past_values=values).last_hidden_state
        with applied(model, ("patchify_slices",)):
            got = model(past_values=values).last_hidden_state
        again = model(past_values=values).last_hidden_state  # the original is back
    assert torch.equal(got, expected) and torch.equal(again, expected)


def test_mgp_str_logits_are_named_in_transformers_order():
    """adapter_forwards.named_logits (decision 166): the tuple's three logits under Optimum's names, in its order."""
    import torch
    import transformers

    from exportcore.export.adapter_forwards import applied

    torch.manual_seed(0)
    model = transformers.AutoModel.from_config(ARCHITECTURE_CONFIGS["mgp-str"]()).eval()
    pixels = torch.randn(2, 3, *model.config.image_size)
    with torch.no_grad():
        char, bpe, wordpiece = model(pixel_values=pixels).logits
        with applied(model, ("named_logits",)):
            named = model(pixel_values=pixels)
    assert list(named) == ["char_logits", "bpe_logits", "wp_logits"]
    assert all(torch.equal(named[k], v) for k, v in zip(named, (char, bpe, wordpiece)))
    assert isinstance(model(pixel_values=pixels).logits, tuple)  # the original is back
