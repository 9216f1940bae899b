"""``exportcore inspect | tasks | models`` as a user runs them: ``python -m exportcore`` in a subprocess.

Each subprocess costs 0.3 s (errors caught before transformers is imported) to ~2.5 s (a real inspection imports
transformers and torch), so the runs are grouped: module fixtures start them all, two at a time, and the tests
read their results. No run touches the network (HF_HUB_OFFLINE=1 and an empty HF_HOME for every run).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from exportcore import registry

REPO = Path(__file__).resolve().parents[2]
GARBAGE = b"this is not a safetensors file \x00\xff" * 64

#: The documented `inspect --json` schema (issue 2, item 5).
TOP_KEYS = {"model_type": str, "task": str, "library": str, "files": list, "submodels": list, "facts": dict}
SUBMODEL_KEYS = {
    "name": str,
    "config_class": str,
    "class_chain": list,
    "behavior": str,
    "use_past": bool,
    "use_past_in_inputs": bool,
    "inputs": dict,
    "outputs": dict,
    "dummy_shapes": dict,
    "opset": int,
    "atol": float,
}

#: Optimum's configuration class name per model type.
CONFIG_CLASSES = {
    "bert": "BertOnnxConfig", "distilbert": "DistilBertOnnxConfig", "roberta": "RobertaOnnxConfig",
    "gpt2": "GPT2OnnxConfig", "llama": "LlamaOnnxConfig", "qwen2": "Qwen2OnnxConfig", "t5": "T5OnnxConfig",
    "bart": "BartOnnxConfig", "vit": "ViTOnnxConfig", "clip": "CLIPOnnxConfig", "whisper": "WhisperOnnxConfig",
    "wav2vec2": "Wav2Vec2OnnxConfig",
}


@dataclass
class Run:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def json(self):
        return json.loads(self.stdout)


def _env(hf_home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "TRANSFORMERS_CACHE", "HF_ENDPOINT", "HF_TOKEN"}}
    env.update(HF_HOME=str(hf_home), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONUNBUFFERED="1", **extra)
    return env


def run_all(commands: dict[str, list], env: dict[str, str], workers: int = 2) -> dict[str, Run]:
    def one(args: list) -> Run:
        argv = [sys.executable, "-m", "exportcore", *map(str, args)]
        start = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
        return Run([str(a) for a in args], proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {key: pool.submit(one, args) for key, args in commands.items()}
        return {key: future.result() for key, future in futures.items()}


def assert_clean_success(run: Run) -> None:
    assert run.returncode == 0, f"{run.args} exited {run.returncode}:\n{run.stderr}"
    assert "Traceback" not in run.stderr


# ---------------------------------------------------------------------------------------------------------------
# successful inspections (each imports transformers + torch: the slow ones)


@pytest.fixture(scope="module")
def folders(tiny_model_dir):
    bert = tiny_model_dir("bert", "text-classification")
    # Inspection must never read weights: make any attempt to load them fail loudly.
    (bert / "model.safetensors").write_bytes(GARBAGE)
    (bert / "pytorch_model.bin").write_bytes(GARBAGE)
    return {
        "bert": bert,
        "t5": tiny_model_dir("t5", "text2text-generation"),  # T5ForConditionalGeneration
    }


@pytest.fixture(scope="module")
def inspected(folders, tmp_path_factory):
    env = _env(tmp_path_factory.mktemp("hf-home-inspect"))
    return run_all(
        {
            "bert": ["inspect", folders["bert"], "--json", "--batch-size", "3", "--sequence-length", "7",
                     "--int-dtype", "int32"],
            "t5": ["inspect", folders["t5"], "--json"],
            "bert_dynamo": ["inspect", folders["bert"], "--json", "--dynamo", "--opset", "25"],
            # human output (no --json), which also shows the monolith plan
            "t5_monolith": ["inspect", folders["t5"], "--monolith", "--task", "text2text-generation"],
        },
        env,
    )


def check_schema(doc: dict) -> None:
    for key, kind in TOP_KEYS.items():
        assert isinstance(doc.get(key), kind), f"{key}: {doc.get(key)!r}"
    assert doc["files"] and all(isinstance(f, str) and f.endswith(".onnx") for f in doc["files"])
    assert doc["submodels"]
    for sub in doc["submodels"]:
        for key, kind in SUBMODEL_KEYS.items():
            assert key in sub, f"submodel lacks {key}"
            value = sub[key]
            if kind is float:
                assert isinstance(value, (int, float)) and not isinstance(value, bool), f"{key}: {value!r}"
            else:
                assert isinstance(value, kind), f"{key}: {value!r}"
        assert sub["class_chain"][0] == sub["config_class"] and sub["class_chain"][-1] == "OnnxConfig"
        assert all(isinstance(c, str) for c in sub["class_chain"]) and len(sub["class_chain"]) >= 3
        assert sub["behavior"] in {"monolith", "encoder", "decoder"}
        assert sub["opset"] >= 14 and 0 < sub["atol"] < 1
        for spec in (sub["inputs"], sub["outputs"]):
            assert spec
            for name, axes in spec.items():
                assert isinstance(name, str) and isinstance(axes, dict)
                for axis, symbol in axes.items():
                    assert isinstance(axis, str) and axis.isdigit() and isinstance(symbol, str), (name, axes)
        # one dummy shape per input, same order, a dimension for every declared axis
        assert list(sub["dummy_shapes"]) == list(sub["inputs"])
        for name, dims in sub["dummy_shapes"].items():
            assert all(isinstance(d, int) and d >= 1 for d in dims), (name, dims)
            assert max(int(a) for a in sub["inputs"][name]) < len(dims)


def test_inspect_json_schema_and_flags(inspected):
    run = inspected["bert"]
    assert_clean_success(run)
    doc = run.json()
    check_schema(doc)
    assert (doc["model_type"], doc["task"], doc["library"]) == ("bert", "text-classification", "transformers")
    assert doc["files"] == ["model.onnx"]
    (sub,) = doc["submodels"]
    assert sub["name"] == "model" and sub["config_class"] == "BertOnnxConfig"
    assert sub["class_chain"][:2] == ["BertOnnxConfig", "TextEncoderOnnxConfig"]
    assert (sub["behavior"], sub["use_past"], sub["use_past_in_inputs"]) == ("monolith", False, False)
    assert list(sub["inputs"]) == ["input_ids", "attention_mask", "token_type_ids"]  # ordered
    assert sub["inputs"]["input_ids"] == {"0": "batch_size", "1": "sequence_length"}
    assert sub["outputs"] == {"logits": {"0": "batch_size"}}
    # shape flags reach the dummy shapes
    assert sub["dummy_shapes"] == {name: [3, 7] for name in sub["inputs"]}


def test_inspect_json_carries_the_facts_the_option_rules_read(inspected):
    """The ``facts`` section (exportcore.option_facts): what the app used to guess from class names and inputs."""
    from exportcore.option_facts import FACT_KEYS

    bert, t5 = inspected["bert"].json()["facts"], inspected["t5"].json()["facts"]
    assert tuple(bert) == tuple(t5) == FACT_KEYS
    assert bert == {
        "source": "local", "seq2seq_tasks": [], "split_tasks": [], "decoder_only_tasks": [],
        "config_pad_token_id": bert["config_pad_token_id"], "dynamo_supported": True, "dynamo_attention": None,
        "shape_keywords": ["batch_size", "sequence_length"], "default_opset": 18, "atol_for_validation": 1e-4,
    }
    assert t5["seq2seq_tasks"] == ["feature-extraction", "text2text-generation"]
    assert t5["split_tasks"] == ["feature-extraction-with-past", "text2text-generation", "text2text-generation-with-past"]
    assert t5["dynamo_attention"] == "eager" and "past_sequence_length" in t5["shape_keywords"]


def test_inspect_takes_the_opsets_of_the_exporter_it_is_told_about(inspected):
    """opset 25 exists only on the torch.export path: inspecting that export must accept it."""
    run = inspected["bert_dynamo"]
    assert_clean_success(run)
    assert [sub["opset"] for sub in run.json()["submodels"]] == [25]


def test_inspection_loads_no_weights(inspected, folders):
    # The bert folder holds garbage weight files: loading them would fail, inspecting does not.
    assert (folders["bert"] / "model.safetensors").read_bytes() == GARBAGE
    assert_clean_success(inspected["bert"])
    # The t5 folder holds config.json and nothing else.
    assert sorted(p.name for p in folders["t5"].iterdir()) == ["config.json"]
    assert_clean_success(inspected["t5"])
    assert_clean_success(inspected["t5_monolith"])


def test_inspect_seq2seq_with_past_splits_like_optimum(inspected):
    run = inspected["t5"]
    assert_clean_success(run)
    doc = run.json()
    check_schema(doc)
    assert doc["task"] == "text2text-generation-with-past"  # inferred from T5ForConditionalGeneration, past by default
    assert doc["files"] == ["encoder_model.onnx", "decoder_model_merged.onnx"]
    subs = {s["name"]: s for s in doc["submodels"]}
    assert list(subs) == ["encoder_model", "decoder_model", "decoder_with_past_model"]
    assert [(s["behavior"], s["use_past"], s["use_past_in_inputs"]) for s in doc["submodels"]] == [
        ("encoder", False, False),
        ("decoder", True, False),
        ("decoder", True, True),
    ]
    for sub in doc["submodels"]:
        assert sub["class_chain"][:2] == ["T5OnnxConfig", "TextSeq2SeqOnnxConfig"]
    assert list(subs["encoder_model"]["inputs"]) == ["input_ids", "attention_mask"]
    assert list(subs["encoder_model"]["outputs"]) == ["last_hidden_state"]
    assert list(subs["decoder_model"]["inputs"]) == ["encoder_attention_mask", "input_ids", "encoder_hidden_states"]
    assert list(subs["decoder_model"]["outputs"]) == ["logits"] + [
        f"present.{i}.{part}.{kv}" for i in range(2) for part in ("decoder", "encoder") for kv in ("key", "value")]
    with_past = subs["decoder_with_past_model"]
    past = [f"past_key_values.{i}.{part}.{kv}" for i in range(2) for part in ("decoder", "encoder")
            for kv in ("key", "value")]
    assert [n for n in with_past["inputs"] if n.startswith("past_key_values")] == past
    assert with_past["inputs"]["past_key_values.0.decoder.key"] == {
        "0": "batch_size", "2": "past_decoder_sequence_length"}
    assert with_past["dummy_shapes"]["input_ids"] == [2, 1]  # one decoding step
    assert list(with_past["outputs"]) == ["logits"] + [
        f"present.{i}.decoder.{kv}" for i in range(2) for kv in ("key", "value")]


def test_inspect_human_output_has_the_tables_and_the_monolith_plan(inspected):
    run = inspected["t5_monolith"]
    assert_clean_success(run)
    out = run.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)
    lines = [line.strip() for line in out.splitlines()]
    assert any(line.split() == ["Model", "type", "t5"] for line in lines)
    assert any(line.split() == ["Task", "text2text-generation"] for line in lines)
    assert any(line.split() == ["Files", "model.onnx"] for line in lines)  # --monolith: one file
    submodels = [line for line in lines if line.startswith("[")]
    assert len(submodels) == 1 and submodels[0].startswith("[model]")
    assert "T5OnnxConfig" in submodels[0] and "TextSeq2SeqOnnxConfig" in submodels[0]
    assert submodels[0].split()[-1] == "OnnxConfig"
    assert any("behavior monolith" in line and "use_past False" in line for line in lines)
    # an input table and an output table, each with a header and a rule
    header_in = next(i for i, line in enumerate(lines) if line.split()[:1] == ["input"])
    assert lines[header_in].split() == ["input", "dtype", "dynamic", "axes", "dummy", "shape"]
    assert set(lines[header_in + 1]) <= {"-", " "}
    header_out = next(i for i, line in enumerate(lines) if line.split()[:1] == ["output"])
    assert lines[header_out].split() == ["output", "dynamic", "axes"]
    assert set(lines[header_out + 1]) <= {"-", " "}
    rows_in = [line for line in lines[header_in + 2:header_out] if line]
    rows_out = [line for line in lines[header_out + 2:] if line]
    assert [row.split()[0] for row in rows_in] == ["input_ids", "attention_mask", "decoder_input_ids"]
    assert rows_out and rows_out[0].split()[0] == "logits"
    assert "0: batch_size, 1: encoder_sequence_length" in rows_in[0]
    assert rows_in[0].split()[1] == "int64" and rows_in[0].split()[-1] == "2×16"  # dtype, batch × sequence
    assert "0: batch_size, 1: decoder_sequence_length" in rows_out[0]


# ---------------------------------------------------------------------------------------------------------------
# tasks / models and the error cases (fast: they fail or finish before transformers is imported)


@pytest.fixture(scope="module")
def light(tiny_model_dir, tmp_path_factory):
    root = tmp_path_factory.mktemp("cli-errors")
    (root / "empty").mkdir()
    (root / "broken").mkdir()
    (root / "broken" / "config.json").write_text("{not json", encoding="utf-8")
    (root / "no-type").mkdir()
    (root / "no-type" / "config.json").write_text('{"hidden_size": 32}', encoding="utf-8")
    (root / "alien").mkdir()
    (root / "alien" / "config.json").write_text('{"model_type": "not-a-real-model"}', encoding="utf-8")
    (root / "a-file.txt").write_text("not a model", encoding="utf-8")
    bert = tiny_model_dir("bert")
    commands = {
        "tasks": ["tasks"],
        "tasks_json": ["tasks", "--json"],
        "tasks_gpt2_json": ["tasks", "gpt2", "--json"],
        "models": ["models"],
        "models_json": ["models", "--json"],
        "err_tasks_unknown_type": ["tasks", "not-a-real-model"],
        "err_unknown_model_type": ["inspect", root / "alien"],
        "err_unsupported_task": ["inspect", bert, "--task", "text-generation"],
        "err_missing_config": ["inspect", root / "empty"],
        "err_malformed_config": ["inspect", root / "broken"],
        "err_config_without_type": ["inspect", root / "no-type", "--json"],
        "err_no_such_path": ["inspect", root / "missing" / "model"],
        "err_a_file": ["inspect", root / "a-file.txt"],
        "err_int_dtype": ["inspect", bert, "--int-dtype", "int8"],
        "err_float_dtype": ["inspect", bert, "--float-dtype", "fp64", "--json"],
        "err_unknown_task": ["inspect", bert, "--task", "not-a-task"],
        "err_hub_offline": ["inspect", "acme/tiny-model-not-in-any-cache", "--json"],
    }
    return run_all(commands, _env(root / "hf-home"))


def test_tasks_lists_the_vocabulary(light):
    run = light["tasks_json"]
    assert_clean_success(run)
    names = run.json()
    assert isinstance(names, list) and all(isinstance(n, str) for n in names)
    for task in ("feature-extraction", "fill-mask", "text-classification", "token-classification",
                 "question-answering", "multiple-choice", "text-generation", "text2text-generation",
                 "image-classification", "zero-shot-image-classification", "automatic-speech-recognition",
                 "audio-classification"):
        assert task in names
    assert_clean_success(light["tasks"])
    assert light["tasks"].stdout.split() == names  # human output: one task per line


def test_tasks_of_a_model_type(light):
    run = light["tasks_gpt2_json"]
    assert_clean_success(run)
    names = run.json()
    assert names == registry.supported_tasks("gpt2")
    assert {"text-generation", "text-generation-with-past", "feature-extraction"} <= set(names)


def test_models_lists_every_model_type(light):
    run = light["models_json"]
    assert_clean_success(run)
    table = run.json()
    assert isinstance(table, list)
    for row in table:
        assert set(row) == {"model_type", "tasks", "config_class"}
        assert isinstance(row["tasks"], list) and row["tasks"]
    by_type = {row["model_type"]: row for row in table}
    assert set(CONFIG_CLASSES) <= set(by_type)
    for model_type, name in CONFIG_CLASSES.items():
        assert by_type[model_type]["config_class"] == name
        assert by_type[model_type]["tasks"] == registry.supported_tasks(model_type)

    human = light["models"]
    assert_clean_success(human)
    lines = human.stdout.splitlines()
    assert lines[0].split()[:4] == ["model", "type", "config", "class"]
    for model_type, name in CONFIG_CLASSES.items():
        assert any(line.split()[:2] == [model_type, name] for line in lines), model_type


ERRORS = {
    "err_tasks_unknown_type": "unsupported_model_type",
    "err_unknown_model_type": "unsupported_model_type",
    "err_unsupported_task": "unsupported_task",
    "err_missing_config": "missing_config",
    "err_malformed_config": "malformed_config",
    "err_config_without_type": "malformed_config",
    "err_no_such_path": "not_a_model",
    "err_a_file": "not_a_model",
    "err_int_dtype": "invalid_dtype",
    "err_float_dtype": "invalid_dtype",
    "err_unknown_task": "unknown_task",
    "err_hub_offline": "not_in_cache",
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_exit_2_with_one_line_and_no_traceback(light, case):
    run = light[case]
    code = ERRORS[case]
    assert run.returncode == 2, f"{run.args}: exit {run.returncode}\n{run.stderr}"
    assert "Traceback" not in run.stderr
    assert run.stdout == ""  # nothing half-printed, not even with --json
    lines = run.stderr.strip().splitlines()
    assert lines[0].startswith(f"error [{code}]: "), run.stderr
    assert len(lines[0]) > len(f"error [{code}]: ") + 10  # an actual sentence
    assert len(lines) <= 2 and (len(lines) == 1 or lines[1].strip().startswith("next step:")), run.stderr


def test_unsupported_task_message_lists_the_supported_tasks(light):
    message = light["err_unsupported_task"].stderr.splitlines()[0]
    assert "text-generation" in message
    for task in registry.supported_tasks("bert"):
        assert task in message


def test_hub_id_offline_fails_fast_without_network(light):
    run = light["err_hub_offline"]
    assert "acme/tiny-model-not-in-any-cache" in run.stderr
    assert run.seconds < 10  # no retries against a network (a plain download attempt spends ~23 s)
