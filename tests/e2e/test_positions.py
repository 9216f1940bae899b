"""A sequence longer than the model takes is bad input said before any work, naming the limit (issue 11 audit:
``--sequence-length 100`` with max_position_embeddings 64 was ``export_failed`` "Try another --opset", exit 3).

``exportcore.plan.positions.POSITION_TABLES`` says which model types have a position table and how large it is; the
installed transformers is the judge: for every registered type with token inputs, a tiny model runs at the limit
and fails one position beyond it when the table says it has one, and runs beyond it when the table says it has none.
"""

from __future__ import annotations

import json
import warnings

import pytest

from exportcore import registry
from exportcore.configs.static_axes import static_shapes_of
from exportcore.plan.positions import POSITION_TABLES, position_limit
from tests.conftest import TINY_CONFIGS, tiny_config
from tests.e2e.models import tiny_models  # noqa: F401 - fixture
from tests.e2e.test_export_errors import _assert_one_error, _cli

TEXT_TASKS = ("feature-extraction", "fill-mask", "text-generation", "text2text-generation",
              "automatic-speech-recognition", "zero-shot-image-classification")
#: Where the configuration names positions without a table behind them, a sequence this much longer still runs.
BEYOND = 40


def _text_types() -> list[str]:
    """Registered types whose inputs are token ids (not the audio encoders: their positions are convolutions)."""
    def takes_tokens(model_type: str) -> bool:
        task = next(t for t in registry.supported_tasks(model_type) if t in TEXT_TASKS)
        cfg = registry.get_config_class(model_type, task)(tiny_config(model_type), task=task)
        if "sequence_length" in static_shapes_of(cfg):  # runs at one length only (Nystromformer): no table to probe
            return False
        return any(name.endswith("input_ids") for name in cfg.inputs)

    return [t for t in registry.supported_model_types() if t in TINY_CONFIGS and t != "vision-encoder-decoder"
            and any(task in registry.supported_tasks(t) for task in TEXT_TASKS) and takes_tokens(t)]


def _runs(model_type: str, config, length: int) -> bool:
    import torch
    import transformers

    import exportcore.export.adapter  # noqa: F401 - maps the types transformers' AutoModel misses (siglip_text_model)

    vocab = getattr(getattr(config, "text_config", config), "vocab_size", None)
    ids = torch.randint(3, min(50, vocab or 50), (1, length))  # ImageGPT's tiny vocabulary has 17 colour clusters
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if hasattr(config, "text_config"):  # two towers: the text tower has the table
            model, run = transformers.AutoModel.from_config(config), None
            run = lambda: model.get_text_features(input_ids=ids)  # noqa: E731
        elif model_type == "whisper":
            model = transformers.AutoModel.from_config(config)
            features = torch.randn(1, config.num_mel_bins, 2 * config.max_source_positions)
            run = lambda: model(input_features=features, decoder_input_ids=ids)  # noqa: E731
        elif model_type == "speech_to_text":
            model = transformers.Speech2TextModel(config)
            features = torch.randn(1, 20, config.input_feat_per_channel * config.input_channels)
            run = lambda: model(input_features=features, decoder_input_ids=ids)  # noqa: E731
        elif model_type == "perceiver":  # AutoModel has no preprocessor: the byte classes have the table
            model = transformers.PerceiverForMaskedLM(config)
            run = lambda: model(input_ids=ids)  # noqa: E731
        elif getattr(config, "is_encoder_decoder", False):
            model = transformers.AutoModel.from_config(config)
            run = lambda: model(input_ids=ids[:, :5], decoder_input_ids=ids)  # noqa: E731
        else:
            model = transformers.AutoModel.from_config(config)
            run = lambda: model(input_ids=ids)  # noqa: E731
        try:
            with torch.no_grad():
                model.eval()
                run()
        except Exception:  # noqa: BLE001 - an index past the table, in whatever words the family fails
            return False
    return True


@pytest.mark.slow  # a tiny model of each type, twice: a check of the table against a new transformers (refresh-lock)
@pytest.mark.parametrize("model_type", _text_types())
def test_the_position_table_is_what_transformers_does(model_type):
    config = tiny_config(model_type)
    limit = position_limit(model_type, config)
    if limit is not None:
        most = limit[0]
        assert _runs(model_type, config, most), f"{model_type} fails at its own limit {most}"
        assert not _runs(model_type, config, most + 1), f"{model_type} runs beyond {most}: remove it from the table"
        return
    sizes = [getattr(getattr(config, "text_config", config), name, None)
             for name in ("max_position_embeddings", "max_target_positions")]
    size = next((s for s in sizes if isinstance(s, int)), None)
    if size is not None:
        assert _runs(model_type, config, size + BEYOND), f"{model_type} has a position table: add it to the table"


def test_the_table_names_only_registered_types():
    assert set(POSITION_TABLES) <= set(registry.supported_model_types())


def test_a_trace_longer_than_the_model_takes_is_bad_input_naming_the_limit(tiny_models, tmp_path, capsys):
    source = tiny_models("bert-text-classification")
    limit = json.loads((source / "config.json").read_text())["max_position_embeddings"]
    code, _, err = _cli(capsys, str(source), str(tmp_path / "out"), "--sequence-length", str(limit + 36))
    assert code == 2, err
    message = _assert_one_error(err, "invalid_option")
    assert f"need {limit + 36} positions" in message and f"max_position_embeddings is {limit}" in message
    assert "▸ load" not in err and not (tmp_path / "out").exists()
    code, _, err = _cli(capsys, str(source), str(tmp_path / "out"), "--sequence-length", str(limit), "--no-validation")
    assert code == 0, err


def test_a_decoder_counts_its_cache_and_roberta_its_padding(tiny_models, tmp_path, capsys):
    from exportcore.cli import main

    gpt2 = tiny_models("gpt2")  # text-generation-with-past: the trace feeds a cache of past_sequence_length
    assert main(["inspect", str(gpt2), "--sequence-length", "50", "--past-sequence-length", "20"]) == 2
    assert "need 70 positions (sequence_length 50 + past_sequence_length 20)" in capsys.readouterr().err
    roberta = tmp_path / "roberta"
    roberta.mkdir()
    (roberta / "config.json").write_text(json.dumps(tiny_config("roberta").to_dict()))
    assert main(["inspect", str(roberta), "--sequence-length", "64"]) == 0
    capsys.readouterr()
    assert main(["inspect", str(roberta), "--sequence-length", "65"]) == 2
    assert "and 2 positions come before the first token" in capsys.readouterr().err
