"""Tiny seeded models *with weights* for the end-to-end export tests, and a per-session cache of their exports.

The configurations are the shared ones of ``tests/conftest.py`` (``tiny_config``: hidden 32, 2 layers, 4 heads,
vocab 128; Llama with grouped KV heads 2 < 4 and an explicit ``head_dim`` 16 != 32 / 4; Whisper with small
pad/bos/eos/decoder-start ids inside its vocabulary). Here each configuration is instantiated with
``torch.manual_seed(SEED)`` by the transformers class its ``config.architectures`` names (so ``--task auto``
resolves it as a user's checkpoint would), and saved with ``save_pretrained`` (safetensors).

Two session-wide caches, keyed by case id, so that every model is built once and every default export runs once
per test process (per xdist worker):

- :func:`model_dir` — the saved model folder;
- :func:`exported` — an in-process ``run_export`` of that folder with default options (the events it emitted and
  its outcome), shared by test_export_models.py and test_generation.py.

Both build under ``tmp_path_factory``'s base folder; the caches are plain module dicts, so they are shared by all
test modules whatever fixture instance asks.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import architecture_for, tiny_config

SEED = 0

#: Tokens the tiny text models use. A small WordPiece vocabulary for the BERT tokenizer saved beside the bert
#: model: exports must copy tokenizer files so the output folder is self-contained.
BERT_VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [f"w{i}" for i in range(123)]


@dataclass(frozen=True)
class Case:
    """One tiny model and what a default export of it must produce."""

    id: str
    model_type: str
    task: str  # the task ``--task auto`` must resolve (from config.architectures)
    files: tuple[str, ...]  # ONNX files of the export (Optimum's layout)
    overrides: dict[str, Any] = field(default_factory=dict)  # config attributes changed from the shared tiny config
    copied: tuple[str, ...] = ("config.json",)  # files copied from the model folder

    @property
    def merged(self) -> bool:
        return "decoder_model_merged.onnx" in self.files


MODEL = ("model.onnx",)
SEQ2SEQ = ("encoder_model.onnx", "decoder_model_merged.onnx")
GEN = ("config.json", "generation_config.json")

CASES: dict[str, Case] = {
    c.id: c
    for c in [
        Case("bert-feature-extraction", "bert", "feature-extraction", MODEL,
             copied=("config.json", "tokenizer.json", "tokenizer_config.json")),
        Case("bert-text-classification", "bert", "text-classification", MODEL),
        Case("distilbert", "distilbert", "question-answering", MODEL),
        Case("roberta", "roberta", "token-classification", MODEL),
        # GPT-2 with larger initial weights: initialised with std 0.02 it greedily repeats one token, which would not
        # show that the past is fed back correctly (test_generation.py).
        Case("gpt2", "gpt2", "text-generation-with-past", MODEL, {"initializer_range": 0.2}, GEN),
        Case("llama", "llama", "text-generation-with-past", MODEL, {}, GEN),
        Case("qwen2", "qwen2", "text-generation-with-past", MODEL, {}, GEN),
        # Untied LM head (as T5 v1.1 / Flan-T5): the tied tiny T5 greedily repeats one token from the first step.
        Case("t5", "t5", "text2text-generation-with-past", SEQ2SEQ, {"tie_word_embeddings": False}, GEN),
        Case("bart", "bart", "text2text-generation-with-past", SEQ2SEQ, {}, GEN),
        Case("vit", "vit", "image-classification", MODEL, copied=("config.json", "preprocessor_config.json")),
        Case("clip", "clip", "zero-shot-image-classification", MODEL),
        Case("whisper", "whisper", "automatic-speech-recognition-with-past", SEQ2SEQ, {}, GEN),
        Case("wav2vec2", "wav2vec2", "automatic-speech-recognition", MODEL),
    ]
}

_lock = threading.RLock()
_models: dict[str, Path] = {}
_exports: dict[str, "Export"] = {}


def base_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp()


def build_model(case: Case, folder: Path) -> Path:
    """Instantiate ``case``'s tiny model with seeded random weights and save it (plus tokenizer files) in ``folder``."""
    import torch
    import transformers

    base_task = case.task.removesuffix("-with-past")
    config = tiny_config(case.model_type, **case.overrides)
    architecture = architecture_for(case.model_type, base_task)
    config.architectures = [architecture]
    torch.manual_seed(SEED)
    model = getattr(transformers, architecture)(config).eval()
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    if case.model_type == "bert" and base_task == "feature-extraction":
        _save_bert_tokenizer(folder)
    if case.model_type == "vit":
        # Written by hand: transformers' ViTImageProcessor needs Pillow, which the test environment does not have.
        processor = {
            "image_processor_type": "ViTImageProcessor",
            "do_resize": True,
            "size": {"height": config.image_size, "width": config.image_size},
            "do_rescale": True,
            "rescale_factor": 1 / 255,
            "do_normalize": True,
            "image_mean": [0.5, 0.5, 0.5],
            "image_std": [0.5, 0.5, 0.5],
        }
        (folder / "preprocessor_config.json").write_text(json.dumps(processor, indent=2) + "\n", encoding="utf-8")
    assert any(folder.glob("*.safetensors")), f"no weights written for {case.id}"
    return folder


def _save_bert_tokenizer(folder: Path) -> None:
    from transformers import BertTokenizerFast

    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(BERT_VOCAB) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(vocab)).save_pretrained(folder)
    vocab.unlink()  # keep tokenizer.json + tokenizer_config.json only: the export must copy those


def model_dir(case_id: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The saved tiny model for ``case_id``, built once per session."""
    with _lock:
        if case_id not in _models:
            _models[case_id] = build_model(CASES[case_id], base_dir(tmp_path_factory) / "e2e-models" / case_id)
        return _models[case_id]


@dataclass
class Export:
    """A finished in-process export with default options."""

    case: Case
    model_dir: Path
    output_dir: Path
    events: list  # exportcore.events.Event instances, in order
    outcome: Any  # exportcore.run.RunOutcome

    def json(self, name: str) -> Any:
        return json.loads((self.output_dir / name).read_text(encoding="utf-8"))


def run_collecting(options) -> tuple[list, Any]:
    """``run_export(options)`` in this process; returns (events, outcome). Raises what the run raises."""
    from exportcore.run import run_export

    events: list = []
    outcome = run_export(options, on_event=events.append)
    return events, outcome


def exported(case_id: str, tmp_path_factory: pytest.TempPathFactory) -> Export:
    """The default export (``--task auto``) of ``case_id``'s tiny model, run once per session."""
    from exportcore.options import ExportOptions

    source = model_dir(case_id, tmp_path_factory)
    with _lock:
        if case_id not in _exports:
            out = base_dir(tmp_path_factory) / "e2e-exports" / case_id / "onnx"
            events, outcome = run_collecting(ExportOptions(model=str(source), output_dir=str(out)))
            _exports[case_id] = Export(CASES[case_id], source, out, events, outcome)
        return _exports[case_id]


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory):
    """Factory: ``tiny_models(case_id) -> Path`` of the saved tiny model (built once per session)."""
    return lambda case_id: model_dir(case_id, tmp_path_factory)


@pytest.fixture(scope="session")
def tiny_exports(tmp_path_factory: pytest.TempPathFactory):
    """Factory: ``tiny_exports(case_id) -> Export`` (default export, run once per session)."""
    return lambda case_id: exported(case_id, tmp_path_factory)
