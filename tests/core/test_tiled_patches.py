"""MobileViTV2's fold/unfold stand-in (export/adapter_forwards.tiled_patches) computes what the original does."""

from __future__ import annotations

import torch

from exportcore.export.adapter_forwards import applied
from tests.conftest import tiny_config


def test_tiled_patches_give_the_models_own_outputs_and_leave_it_as_it_was():
    import transformers

    torch.manual_seed(0)
    model = transformers.MobileViTV2ForImageClassification(tiny_config("mobilevitv2")).eval()
    pixels = torch.randn(2, 3, 64, 64)
    layers = [m for m in model.modules() if hasattr(m, "folding") and hasattr(m, "patch_height")]
    assert layers and all(m.patch_height * m.patch_width > 1 for m in layers)  # the patches are really cut
    with torch.no_grad():
        original = model(pixel_values=pixels).logits
        with applied(model, ("tiled_patches",)):
            assert all("folding" in vars(m) for m in layers)
            stand_in = model(pixel_values=pixels).logits
        again = model(pixel_values=pixels).logits
    assert torch.allclose(stand_in, original, atol=1e-6)
    assert torch.equal(again, original) and not any("folding" in vars(m) for m in layers)


def test_the_stand_in_unfolds_and_folds_as_torch_does_for_non_overlapping_patches():
    from exportcore.export.adapter_forwards import _folding, _unfolding

    class Layer:
        patch_height, patch_width = 2, 3

    x = torch.randn(2, 5, 8, 9)
    patches, size = _unfolding(Layer, x)
    expected = torch.nn.functional.unfold(x, kernel_size=(2, 3), stride=(2, 3)).reshape(2, 5, 6, -1)
    assert size == (8, 9) and torch.equal(patches, expected)
    assert torch.equal(_folding(Layer, patches, size), x)
