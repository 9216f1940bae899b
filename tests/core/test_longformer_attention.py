"""Longformer's export forwards (export/longformer_attention.py and the padding mask built as one row,
``key_padding_mask``; decision 181) compute what transformers' own chunked attention computes: at lengths shorter
than, equal to, longer than and not a multiple of the window, with and without global tokens (a different number
per row), with padded rows, with another window per layer, and without padding to a window multiple. The model is
left as it was."""

from __future__ import annotations

import warnings

import pytest
import torch

from exportcore.configs.models.longformer import LongformerOnnxConfig
from exportcore.export.adapter_forwards import applied
from tests.conftest import tiny_config

FORWARDS = LongformerOnnxConfig.EXPORT_FORWARDS  # what the export applies: the attention and the padding mask

WINDOW = 4  # tests/architectures.py


@pytest.fixture(scope="module")
def model():
    model = _model()
    assert model.config.attention_window == [WINDOW] * model.config.num_hidden_layers
    return model


def _model(**overrides):
    import transformers

    torch.manual_seed(0)
    # spread weights: at transformers' 0.02 the tiny model's attention is nearly uniform and hides a wrong band
    return transformers.LongformerModel(tiny_config("longformer", initializer_range=0.5, **overrides)).eval()


def _inputs(batch: int, length: int, with_global: bool):
    generator = torch.Generator().manual_seed(length)
    ids = torch.randint(3, 128, (batch, length), generator=generator)
    mask = torch.ones(batch, length, dtype=torch.long)
    mask[1, max(1, length - 3):] = 0  # the second row padded at the end
    glob = torch.zeros(batch, length, dtype=torch.long)
    if with_global:  # none in the first row, one in the second, two in the third
        glob[1:, 0] = 1
        glob[2, length // 2] = 1
    return {"input_ids": ids, "attention_mask": mask, "global_attention_mask": glob}


def _hidden(model, inputs):
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model(**inputs).last_hidden_state


@pytest.mark.parametrize("with_global", [False, True], ids=["local only", "global tokens"])
@pytest.mark.parametrize("length", [1, 3, 2 * WINDOW, 13])
def test_the_stand_in_computes_what_transformers_computes(model, length, with_global):
    inputs = _inputs(3, length, with_global)
    original = _hidden(model, inputs)
    with applied(model, FORWARDS):
        stand_in = _hidden(model, inputs)
    assert stand_in.shape == original.shape == (3, length, model.config.hidden_size)
    assert torch.allclose(stand_in, original, atol=2e-5), (stand_in - original).abs().max()


@pytest.mark.parametrize("length", [5, 13])
def test_another_window_per_layer(length):
    """Windows of 12 and 6 tokens (an odd half-window: blocks of 3); transformers pads to the larger."""
    model = _model(attention_window=[12, 6])
    inputs = _inputs(3, length, True)
    original = _hidden(model, inputs)
    with applied(model, FORWARDS):
        stand_in = _hidden(model, inputs)
    assert torch.allclose(stand_in, original, atol=2e-5), (stand_in - original).abs().max()


def test_the_stand_in_pads_nothing_and_leaves_the_model_as_it_was(model):
    attentions = [m for m in model.modules() if hasattr(m, "query_global")]
    inputs = _inputs(3, 11, True)
    before = _hidden(model, inputs)
    seen = []
    original_embed = model.embeddings.forward
    model.embeddings.forward = lambda input_ids=None, **kw: seen.append(input_ids.shape[1]) or original_embed(
        input_ids=input_ids, **kw)
    try:
        with applied(model, FORWARDS):
            assert all("forward" in vars(m) for m in attentions) and "_pad_to_window_size" in vars(model)
            _hidden(model, inputs)
        _hidden(model, inputs)
    finally:
        del model.embeddings.forward
    assert seen == [11, 12]  # the stand-in embeds the 11 tokens; transformers pads them to 3 windows
    assert not any("forward" in vars(m) for m in attentions) and "_pad_to_window_size" not in vars(model)
    assert torch.equal(_hidden(model, inputs), before)


def test_a_wrong_window_is_seen(model):
    """The comparison above can fail: the stand-in with a band one token wider gives other hidden states."""
    inputs = _inputs(3, 13, True)
    original = _hidden(model, inputs)
    attentions = [m for m in model.modules() if hasattr(m, "one_sided_attn_window_size")]
    for m in attentions:
        m.one_sided_attn_window_size += 1
    try:
        with applied(model, FORWARDS):
            wider = _hidden(model, inputs)
    finally:
        for m in attentions:
            m.one_sided_attn_window_size -= 1
    assert (wider - original).abs().max() > 1e-2
