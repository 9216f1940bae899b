"""exportcore.hub against the fake Hub, through the real huggingface_hub client (no Qt here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from exportcore import hub
from exportcore.errors import ExportError

BERT = "hf-internal-testing/tiny-random-bert"
GPT2 = "hf-internal-testing/tiny-random-gpt2"
MINILM = "sentence-transformers/all-MiniLM-L6-v2"
GATED = "meta-llama/Llama-fake-gated"
BIG = "acme/big-weights"


def _code(excinfo: pytest.ExceptionInfo) -> str:
    return excinfo.value.code


# ---------------------------------------------------------------------------------------------
# parsing


@pytest.mark.parametrize(
    "text, repo_id, revision, path",
    [
        ("org/name", "org/name", None, None),
        ("  org/name  ", "org/name", None, None),
        ("gpt2", "gpt2", None, None),
        ("org/name@v1.0", "org/name", "v1.0", None),
        ("https://huggingface.co/org/name", "org/name", None, None),
        ("https://huggingface.co/org/name/", "org/name", None, None),
        ("https://huggingface.co/org/name?library=transformers#usage", "org/name", None, None),
        ("https://huggingface.co/org/name/tree/dev", "org/name", "dev", None),
        ("https://huggingface.co/org/name/tree/refs%2Fpr%2F3", "org/name", "refs/pr/3", None),
        ("https://huggingface.co/org/name/blob/main/config.json", "org/name", "main", "config.json"),
        ("https://huggingface.co/org/name/resolve/abc/sub/model.safetensors", "org/name", "abc",
         "sub/model.safetensors"),
        ("https://huggingface.co/gpt2/tree/main", "gpt2", "main", None),
        ("hf.co/org/name", "org/name", None, None),
        ("https://hf.co/org/name/tree/v2", "org/name", "v2", None),
        ("huggingface.co/org/name", "org/name", None, None),
        ("http://www.huggingface.co/Org-1/na.me_2", "Org-1/na.me_2", None, None),
    ],
)
def test_parse_model_ref(text, repo_id, revision, path):
    ref = hub.parse_model_ref(text)
    assert (ref.repo_id, ref.revision, ref.path) == (repo_id, revision, path)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "a/b/c", "https://example.com/org/name", "https://huggingface.co/datasets/org/name",
     "https://huggingface.co/spaces/org/name", "https://huggingface.co/", "org/na me", "org--x/name",
     "ftp://huggingface.co/org/name", "org/name@", "../etc/passwd"],
)
def test_parse_model_ref_rejects(text):
    with pytest.raises(ExportError) as excinfo:
        hub.parse_model_ref(text)
    assert _code(excinfo) == "not_a_model"


def test_parse_model_ref_accepts_the_configured_endpoint(fake_hub):
    ref = hub.parse_model_ref(f"{fake_hub.url}/{GPT2}/tree/v1.0")
    assert (ref.repo_id, ref.revision) == (GPT2, "v1.0")


# ---------------------------------------------------------------------------------------------
# search


def test_search_fills_summaries_and_sends_filters(fake_hub):
    page = hub.search_models("tiny-random", task="text-generation", sort="likes", limit=5)
    assert [m.id for m in page.models] == [GPT2]
    model = page.models[0]
    assert model.pipeline_tag == "text-generation"
    assert model.model_type == "gpt2"
    assert model.downloads == 98_000 and model.likes == 30
    assert model.last_modified is not None and model.last_modified.year == 2026
    assert model.library_name == "transformers"
    (request,) = fake_hub.requests_to(r"^/api/models$")
    assert request.param("search") == "tiny-random"
    assert request.param("pipeline_tag") == "text-generation"
    assert request.params("filter") == ["transformers"]
    assert request.param("sort") == "likes"
    assert request.param("limit") == "5"
    assert "config" in request.params("expand")


@pytest.mark.parametrize(
    "sort, field",
    [("downloads", "downloads"), ("likes", "likes"), ("last_modified", "last_modified")],
)
def test_search_sort_orders(fake_hub, sort, field):
    page = hub.search_models("", sort=sort, limit=50)
    values = [getattr(m, field) for m in page.models]
    assert values == sorted(values, reverse=True)
    assert fake_hub.requests_to(r"^/api/models$")[-1].param("sort") == hub.SORTS[sort]


def test_search_library_filter(fake_hub):
    with_filter = {m.id for m in hub.search_models("", limit=100).models}
    without = {m.id for m in hub.search_models("", library=None, limit=100).models}
    assert "timm/resnet-fake" not in with_filter
    assert "timm/resnet-fake" in without
    assert fake_hub.requests_to(r"^/api/models$")[-1].params("filter") == []


def test_search_pages_follow_the_link_header(fake_hub):
    page = hub.search_models("fillers/", sort="downloads", limit=12)
    seen = [m.id for m in page.models]
    pages = 1
    while page.has_more:
        page = hub.next_page(page)
        seen += [m.id for m in page.models]
        pages += 1
    assert pages == 3  # 30 fillers / 12 per page
    assert len(seen) == len(set(seen)) == 30
    assert seen[0] == "fillers/tiny-random-bert-00"  # most downloads first
    assert len(fake_hub.requests_to(r"^/api/models$")) == 3
    assert fake_hub.requests_to(r"^/api/models$")[1].param("cursor") == "12"
    assert hub.next_page(page).models == []  # past the end: nothing, no request
    assert len(fake_hub.requests_to(r"^/api/models$")) == 3


def test_search_unknown_sort_is_an_option_error(fake_hub):
    with pytest.raises(ExportError) as excinfo:
        hub.search_models("x", sort="stars")
    assert _code(excinfo) == "invalid_option"


# ---------------------------------------------------------------------------------------------
# model info, files, card


def test_model_info_details(fake_hub):
    details = hub.model_info(MINILM)
    assert details.id == MINILM
    assert details.sha == fake_hub.repo(MINILM).sha
    assert details.model_type == "bert"
    assert details.architectures == ("BertModel",)
    assert details.pipeline_tag == "sentence-similarity"
    assert details.library_name == "sentence-transformers"
    assert details.card_data.get("license") == "apache-2.0"
    sizes = {f.path: f.size for f in details.files}
    expected = {name: len(data) for name, data in fake_hub.repo(MINILM).files.items()}
    assert sizes == expected
    assert details.total_size == sum(expected.values())
    assert {f.path for f in details.files if f.lfs} >= {"model.safetensors", "pytorch_model.bin"}
    export = {f.path for f in details.export_files}
    assert "model.safetensors" in export and "config.json" in export and "1_Pooling/config.json" in export
    assert not export & {"pytorch_model.bin", "tf_model.h5", "onnx/model.onnx", ".gitattributes"}
    assert details.export_size < details.total_size
    request = fake_hub.requests_to(r"^/api/models/sentence-transformers")[-1]
    assert request.param("blobs") in ("True", "true", "1")


def test_model_info_gated_and_revision(fake_hub):
    gated = hub.model_info(GATED)
    assert gated.gated == "manual"
    assert hub.model_info(GPT2, revision="v1.0").sha == fake_hub.repo(GPT2).sha
    assert fake_hub.requests_to(r"/revision/v1\.0$")
    with pytest.raises(ExportError) as excinfo:
        hub.model_info(GPT2, revision="nope")
    assert _code(excinfo) == "hub_not_found"


def test_list_files_with_sizes(fake_hub):
    files = hub.list_files("google/tiny-vit")
    assert {f.path for f in files} == set(fake_hub.repo("google/tiny-vit").files)
    assert all(isinstance(f.size, int) and f.size > 0 for f in files)


def test_fetch_card_strips_front_matter(fake_hub):
    card = hub.fetch_card("google/tiny-vit")
    assert card.startswith("# tiny-vit")
    assert "license:" not in card
    raw = hub.fetch_card("google/tiny-vit", strip_metadata=False)
    assert raw.startswith("---")
    # no README -> empty card, not an error
    repo = fake_hub.repo("acme/mystery-model")
    del repo.files["README.md"]
    assert hub.fetch_card("acme/mystery-model") == ""


def test_fetch_card_of_a_gated_repo_is_readable(fake_hub):
    assert "Llama-fake-gated" in hub.fetch_card(GATED)


# ---------------------------------------------------------------------------------------------
# downloads


def test_download_config_only(fake_hub, hf_cache):
    path = hub.download_config(BERT)
    assert path.name == "config.json"
    assert json.loads(path.read_text())["model_type"] == "bert"
    assert Path(hf_cache) in path.parents
    files = fake_hub.requests_to(r"/resolve/")
    assert {r.path.rsplit("/", 1)[-1] for r in files} == {"config.json"}
    assert not fake_hub.requests_to(r"model\.safetensors")
    scan = hub.scan_cache()
    (cached,) = scan.models
    assert cached.repo_id == BERT and cached.has_config and not cached.has_weights
    assert cached.model_type == "bert"


def test_download_file_missing_entry(fake_hub):
    with pytest.raises(ExportError) as excinfo:
        hub.download_file(BERT, "nope.json")
    assert _code(excinfo) == "hub_file_not_found"
    assert excinfo.value.params["file"] == "nope.json"


def test_snapshot_download_with_progress(fake_hub, hf_cache):
    events = []
    details = hub.model_info(MINILM)
    wanted = [f.path for f in details.export_files]
    snapshot = hub.snapshot_download(MINILM, files=wanted, progress=lambda *a: events.append(a))
    assert sorted(p.relative_to(snapshot).as_posix() for p in snapshot.rglob("*") if p.is_file()) == sorted(wanted)
    total = details.export_size
    assert events[0] == (0, total, None)
    assert events[-1][0] == events[-1][1] == total
    done = [e[0] for e in events]
    assert done == sorted(done)
    assert all(e[1] == total for e in events)
    ref = Path(hf_cache) / "models--sentence-transformers--all-MiniLM-L6-v2" / "refs" / "main"
    assert ref.read_text() == fake_hub.repo(MINILM).sha == snapshot.name
    assert not fake_hub.requests_to(r"tf_model\.h5")


def test_snapshot_download_export_files_only(fake_hub):
    snapshot = hub.snapshot_download(MINILM, export_files_only=True)
    names = {p.relative_to(snapshot).as_posix() for p in snapshot.rglob("*") if p.is_file()}
    assert names == {f.path for f in hub.model_info(MINILM).export_files}
    assert "pytorch_model.bin" not in names and "model.safetensors" in names


def test_snapshot_download_all_files_and_offline_reuse(fake_hub, monkeypatch):
    snapshot = hub.snapshot_download("google/tiny-vit")
    assert {p.name for p in snapshot.iterdir()} == set(fake_hub.repo("google/tiny-vit").files)
    fake_hub.clear_log()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert hub.snapshot_download("google/tiny-vit") == snapshot
    assert fake_hub.requests == []


def test_snapshot_download_cancel_midway(fake_hub, hf_cache):
    fake_hub.chunk_size = 16 * 1024
    fake_hub.chunk_delay = 0.01
    cancel = threading.Event()
    events = []

    def progress(done, total, name):
        events.append((done, total, name))
        if done > 0:
            cancel.set()

    started = time.monotonic()
    with pytest.raises(ExportError) as excinfo:
        hub.snapshot_download(BIG, progress=progress, cancel=cancel)
    assert time.monotonic() - started < 5
    assert _code(excinfo) == "cancelled"
    assert excinfo.value.params["stage"] == "download"
    storage = Path(hf_cache) / "models--acme--big-weights"
    assert not list(storage.rglob("*.incomplete"))
    downloaded = {r.path.rsplit("/", 1)[-1] for r in fake_hub.requests_to(r"/resolve/", method="GET")}
    assert "model-00003-of-00003.safetensors" not in downloaded


def test_snapshot_download_cancel_before_start_sends_nothing(fake_hub):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ExportError) as excinfo:
        hub.snapshot_download(BIG, cancel=cancel)
    assert _code(excinfo) == "cancelled"
    assert fake_hub.requests == []


def test_gated_download_needs_a_token(fake_hub):
    with pytest.raises(ExportError) as excinfo:
        hub.download_config(GATED)
    assert _code(excinfo) == "hub_gated"
    with pytest.raises(ExportError) as excinfo:
        hub.snapshot_download(GATED)
    assert _code(excinfo) == "hub_gated"
    assert hub.scan_cache().models == []  # config.json is fetched first: nothing half-stored
    path = hub.download_config(GATED, token=fake_hub.valid_tokens.copy().pop())
    assert json.loads(path.read_text())["model_type"] == "llama"
    assert fake_hub.requests_to(r"/resolve/")[-1].headers["authorization"].startswith("Bearer ")


def test_private_repo_is_not_found_without_token(fake_hub):
    with pytest.raises(ExportError) as excinfo:
        hub.model_info("acme/private-model")
    assert _code(excinfo) == "hub_not_found"
    token = next(iter(fake_hub.valid_tokens))
    assert hub.model_info("acme/private-model", token=token).id == "acme/private-model"


def test_download_falls_back_to_the_cache_when_the_hub_fails(fake_hub):
    first = hub.download_config(BERT)
    fake_hub.inject("500")
    assert hub.download_config(BERT) == first


def test_snapshot_falls_back_to_the_cached_snapshot_when_the_hub_is_down_and_says_so(fake_hub):
    snapshot = hub.snapshot_download("google/tiny-vit")
    fake_hub.inject("reset")  # every request: the connection drops, as with no network
    said = []
    assert hub.snapshot_download("google/tiny-vit", timeout=1, log=said.append) == snapshot
    assert len(said) == 1 and "could not be reached" in said[0] and str(snapshot) in said[0]
    with pytest.raises(ExportError) as excinfo:  # nothing cached: still a coded failure
        hub.snapshot_download(BERT, timeout=1)
    assert _code(excinfo) == "hub_unreachable"


def test_an_unfinished_or_unnamed_cached_snapshot_is_no_fallback(fake_hub, hf_cache):
    """Weights download last: a snapshot whose download stopped before them is not the model; and a snapshot of
    another branch is not what `main` means."""
    snapshot = hub.snapshot_download("google/tiny-vit")
    for weights in snapshot.glob("*.safetensors"):
        weights.unlink()
    fake_hub.inject("reset")
    with pytest.raises(ExportError) as excinfo:
        hub.snapshot_download("google/tiny-vit", timeout=1)
    assert _code(excinfo) == "hub_unreachable"
    fake_hub.faults.clear()
    complete = hub.snapshot_download("google/tiny-vit")
    (Path(hf_cache) / "models--google--tiny-vit" / "refs" / "main").unlink()
    fake_hub.inject("reset")
    with pytest.raises(ExportError) as excinfo:
        hub.snapshot_download("google/tiny-vit", timeout=1)
    assert _code(excinfo) == "hub_unreachable" and complete.is_dir()


def test_snapshot_does_not_hide_a_missing_repo_behind_the_cache(fake_hub):
    hub.snapshot_download("google/tiny-vit")
    with pytest.raises(ExportError) as excinfo:
        hub.snapshot_download("google/tiny-vit", revision="no-such-branch")
    assert _code(excinfo) == "hub_not_found"


# ---------------------------------------------------------------------------------------------
# cache scan


def test_scan_cache_hand_built(hf_cache):
    snap = hf_cache.add(MINILM, {"config.json": b'{"model_type": "bert"}', "model.safetensors": b"x" * 100,
                                 "1_Pooling/config.json": b"{}"})
    old = hf_cache.add(GPT2, {"config.json": b'{"model_type": "gpt2"}'}, sha="a" * 40, refs=())
    new = hf_cache.add(GPT2, {"config.json": b'{"model_type": "gpt2"}', "model.safetensors": b"y" * 50},
                       sha="b" * 40, refs=("main",))
    hf_cache.add("acme/copied", {"config.json": b'{"model_type": "t5"}', "pytorch_model.bin": b"z" * 10},
                 symlinks=False)
    (Path(hf_cache) / "not-a-repo").mkdir()
    (Path(hf_cache) / "datasets--org--data" / "snapshots" / ("c" * 40)).mkdir(parents=True)

    scan = hub.scan_cache()
    by_id = {m.repo_id: m for m in scan.models}
    assert set(by_id) == {MINILM, GPT2, "acme/copied"}  # datasets are not models
    minilm = by_id[MINILM]
    assert minilm.snapshot_path == str(snap)
    assert minilm.size_on_disk == len(b'{"model_type": "bert"}') + 100 + 2
    (revision,) = minilm.revisions
    assert dict(revision.files)["1_Pooling/config.json"] == 2  # file_path, not file_name
    assert revision.refs == ("main",)
    assert minilm.model_type == "bert" and minilm.has_weights and minilm.has_config
    gpt2 = by_id[GPT2]
    assert len(gpt2.revisions) == 2
    assert gpt2.snapshot_path == str(new)  # the one main points at
    assert str(old) in {r.snapshot_path for r in gpt2.revisions}
    assert by_id["acme/copied"].has_weights and by_id["acme/copied"].model_type == "t5"
    assert any("not-a-repo" in w for w in scan.warnings)
    assert hub.find_cached_snapshot(GPT2) == str(new)
    assert hub.find_cached_snapshot(GPT2, "a" * 40) == str(old)
    assert hub.find_cached_snapshot(GPT2, "v9") is None


def test_scan_cache_missing_folder(tmp_path):
    scan = hub.scan_cache(tmp_path / "nowhere")
    assert scan.models == [] and scan.warnings == [] and scan.size_on_disk == 0


# ---------------------------------------------------------------------------------------------
# offline


def test_offline_env_sends_nothing(fake_hub, hf_cache, monkeypatch):
    snap = hf_cache.add(BERT, {"config.json": b'{"model_type": "bert", "architectures": ["BertModel"]}',
                               "README.md": b"---\nlicense: mit\n---\n# cached card\n"})
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert hub.is_offline()
    page = hub.search_models("tiny")
    assert page.from_cache and [m.id for m in page.models] == [BERT]
    assert page.models[0].local_path == str(snap)
    details = hub.model_info(BERT)
    assert details.from_cache and details.model_type == "bert" and details.architectures == ("BertModel",)
    assert {f.path for f in details.files} == {"config.json", "README.md"}
    assert hub.fetch_card(BERT) == "# cached card\n"
    assert hub.download_config(BERT) == snap / "config.json"
    for call in (lambda: hub.model_info(GPT2), lambda: hub.download_config(GPT2),
                 lambda: hub.snapshot_download(GPT2), lambda: hub.fetch_card(GPT2)):
        with pytest.raises(ExportError) as excinfo:
            call()
        assert _code(excinfo) == "not_in_cache"
    assert fake_hub.requests == []


def test_offline_flag_per_call(fake_hub, hf_cache):
    hf_cache.add(BERT, {"config.json": b'{"model_type": "bert"}'})
    assert not hub.is_offline()
    assert hub.is_offline(True)
    assert hub.search_models("", offline=True).from_cache
    with pytest.raises(ExportError) as excinfo:
        hub.model_info(GPT2, offline=True)
    assert _code(excinfo) == "not_in_cache"
    assert fake_hub.requests == []
    assert hub.model_info(GPT2).id == GPT2  # the flag is per call
    assert len(fake_hub.requests) == 1


# ---------------------------------------------------------------------------------------------
# faults


@pytest.mark.parametrize(
    "kind, code",
    [("500", "hub_unavailable"), ("503", "hub_unavailable"), ("malformed", "hub_unreachable"),
     ("gated", "hub_gated"), ("notfound", "hub_not_found"), ("reset", "hub_unreachable")],
)
def test_faults_map_to_codes(fake_hub, kind, code):
    fake_hub.inject(kind)
    for call in (lambda: hub.search_models("tiny"), lambda: hub.model_info(BERT)):
        started = time.monotonic()
        with pytest.raises(ExportError) as excinfo:
            call()
        assert _code(excinfo) == code, (kind, excinfo.value)
        assert time.monotonic() - started < 2  # no retry loops
    assert excinfo.value.next_step


def test_malformed_page_shape(fake_hub):
    fake_hub.inject("malformed", path=r"^/api/models$")
    with pytest.raises(ExportError) as excinfo:
        hub.search_models("tiny")
    assert _code(excinfo) == "hub_unreachable"
    assert "malformed" in excinfo.value.message


def test_fault_on_download_head(fake_hub):
    fake_hub.inject("gated", path=r"/resolve/")
    with pytest.raises(ExportError) as excinfo:
        hub.download_config(BERT)
    assert _code(excinfo) == "hub_gated"


def test_timeout_returns_quickly(fake_hub):
    fake_hub.inject("delay", seconds=5)
    for call in (lambda: hub.search_models("tiny", timeout=0.3), lambda: hub.model_info(BERT, timeout=0.3),
                 lambda: hub.fetch_card(BERT, timeout=0.3), lambda: hub.download_config(BERT, timeout=0.3)):
        started = time.monotonic()
        with pytest.raises(ExportError) as excinfo:
            call()
        elapsed = time.monotonic() - started
        assert _code(excinfo) == "hub_unreachable"
        assert "timed out" in excinfo.value.message
        assert elapsed < 1.5, elapsed


def test_server_down_is_unreachable(fake_hub):
    fake_hub.stop()
    with pytest.raises(ExportError) as excinfo:
        hub.search_models("tiny", timeout=1)
    assert _code(excinfo) == "hub_unreachable"


def test_errors_serialise(fake_hub):
    fake_hub.inject("500")
    with pytest.raises(ExportError) as excinfo:
        hub.model_info(BERT)
    data = excinfo.value.to_dict()
    assert data["code"] == "hub_unavailable" and ExportError.from_dict(data).message == excinfo.value.message


# ---------------------------------------------------------------------------------------------
# misc


def test_select_export_files_prefers_safetensors():
    files = [hub.RepoFileInfo(p, 1) for p in (
        "config.json", "pytorch_model.bin", "model.safetensors", "tf_model.h5", "flax_model.msgpack",
        "onnx/model.onnx", "tokenizer.json", "rust_model.ot", "checkpoint-10/model.safetensors", "vocab.txt")]
    assert [f.path for f in hub.select_export_files(files)] == [
        "config.json", "model.safetensors", "tokenizer.json", "vocab.txt"]
    only_bin = [hub.RepoFileInfo(p, 1) for p in ("config.json", "pytorch_model.bin", "tf_model.h5")]
    assert [f.path for f in hub.select_export_files(only_bin)] == ["config.json", "pytorch_model.bin"]


@pytest.mark.parametrize("value, text", [(None, "?"), (0, "0 B"), (999, "999 B"), (1500, "1.5 kB"),
                                         (2_300_000, "2.3 MB"), (4_000_000_000, "4.0 GB")])
def test_format_size(value, text):
    assert hub.format_size(value) == text


def test_endpoint_and_cache_are_read_at_call_time(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9/")
    assert hub.endpoint() == "http://127.0.0.1:9"
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    assert hub.default_cache_dir() == tmp_path / "hub"


def test_hub_module_is_light():
    code = ("import sys, exportcore.hub as h; h.parse_model_ref('a/b'); "
            "bad = [m for m in ('torch', 'transformers', 'PySide6') if m in sys.modules]; "
            "print(','.join(bad)); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------------------------------------
# a hostile endpoint cannot write outside the cache


def _outside(root: Path, cache: Path) -> list[str]:
    """Everything under ``root`` that is not the cache folder (or inside it)."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p != cache and cache not in p.parents)


def test_a_malicious_etag_writes_nothing_outside_the_cache(fake_hub, hf_cache):
    """huggingface_hub stores a blob at blobs/<ETag>: "../../../escaped" would be tmp_path/escaped."""
    root = Path(hf_cache).parent
    repo = fake_hub.add_model("evil/etag", "bert", weights={"model.safetensors": 256})
    repo.etags["model.safetensors"] = "../../../escaped"
    repo.etags["config.json"] = "../../../escaped-config"
    for call in (lambda: hub.download_config("evil/etag"), lambda: hub.snapshot_download("evil/etag"),
                 lambda: hub.download_file("evil/etag", "model.safetensors")):
        with pytest.raises(ExportError) as excinfo:
            call()
        assert _code(excinfo) == "hub_unsafe_path"
        assert "escaped" in excinfo.value.message
    assert _outside(root, Path(hf_cache)) == []
    assert not fake_hub.requests_to(r"/resolve/", method="GET")  # refused on the HEAD: no body was fetched


def test_a_malicious_commit_or_file_name_writes_nothing_outside_the_cache(fake_hub, hf_cache):
    root = Path(hf_cache).parent
    repo = fake_hub.add_model("evil/commit", "bert")
    repo.commit_header = "../../../escaped-snapshot"
    with pytest.raises(ExportError) as excinfo:
        hub.snapshot_download("evil/commit")
    assert _code(excinfo) == "hub_unsafe_path"
    listed = fake_hub.add_model("evil/names", "bert", extra_files={"../../../escaped.json": b"{}"})
    with pytest.raises(ExportError) as excinfo:
        hub.snapshot_download("evil/names")
    assert _code(excinfo) == "hub_unsafe_path" and "escaped.json" in excinfo.value.message
    assert not fake_hub.requests_to(r"^/evil/names/resolve/")  # refused from the listing, before any file
    assert "../../../escaped.json" in listed.files  # (the repo really lists it)
    assert _outside(root, Path(hf_cache)) == []


# ---------------------------------------------------------------------------------------------
# what the Hub says about access, mapped to what the user must do


def test_a_token_without_access_to_a_gated_repo_is_access_denied_not_log_in(fake_hub, monkeypatch):
    from tests.fakehub import VALID_TOKEN

    fake_hub.repo(GATED).authorized_tokens = set()  # the account has not accepted the terms
    monkeypatch.setenv("HF_TOKEN", VALID_TOKEN)
    for call in (lambda: hub.download_config(GATED), lambda: hub.snapshot_download(GATED)):
        with pytest.raises(ExportError) as excinfo:
            call()
        assert _code(excinfo) == "hub_access_denied"
        assert "log in" not in excinfo.value.next_step.lower()
    assert fake_hub.requests_to(r"/resolve/")[-1].headers["authorization"] == f"Bearer {VALID_TOKEN}"
    monkeypatch.setenv("HF_TOKEN", "")
    with pytest.raises(ExportError) as excinfo:  # without a token it is still "log in"
        hub.download_config(GATED)
    assert _code(excinfo) == "hub_gated"


def test_an_invalid_token_is_said_to_be_invalid(fake_hub, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_revoked_token")
    for call in (lambda: hub.model_info(BERT), lambda: hub.download_config(BERT), lambda: hub.snapshot_download(GATED),
                 lambda: hub.search_models("tiny")):
        with pytest.raises(ExportError) as excinfo:
            call()
        assert _code(excinfo) == "hub_token_invalid", excinfo.value


def test_a_disabled_repo_is_disabled_not_gated(fake_hub):
    fake_hub.repo(BERT).disabled = True
    for call in (lambda: hub.model_info(BERT), lambda: hub.download_config(BERT), lambda: hub.snapshot_download(BERT)):
        with pytest.raises(ExportError) as excinfo:
            call()
        assert _code(excinfo) == "hub_disabled"


def test_a_hub_that_answers_503_is_unavailable_and_says_what_it_said(fake_hub):
    fake_hub.inject("503")
    for call in (lambda: hub.model_info(BERT), lambda: hub.download_config(BERT, timeout=1)):
        with pytest.raises(ExportError) as excinfo:
            call()
        assert _code(excinfo) == "hub_unavailable"
        assert "503" in excinfo.value.message and "working hard" in excinfo.value.message
        assert "network" not in excinfo.value.next_step
    fake_hub.clear_faults()
    fake_hub.inject("reset")  # no answer at all: that is the network
    with pytest.raises(ExportError) as excinfo:
        hub.model_info(BERT, timeout=1)
    assert _code(excinfo) == "hub_unreachable"


# ---------------------------------------------------------------------------------------------
# the cache's disk


def test_a_download_the_cache_cannot_hold_is_refused_before_any_byte(fake_hub, hf_cache):
    repo = fake_hub.add_model("acme/huge", "bert", weights={"model.safetensors": 256})
    repo.declared_sizes["model.safetensors"] = 145 * 10**15  # the listing says 145 PB
    with pytest.raises(ExportError) as excinfo:
        hub.snapshot_download("acme/huge")
    error = excinfo.value
    assert _code(excinfo) == "disk_full"
    assert error.params["path"] == str(hf_cache)
    assert error.params["needed_mb"] >= 145 * 10**15 // 2**20 and error.params["free_mb"] > 0
    assert f"{hub.format_size(error.params['needed_bytes'])} needed" in error.message
    assert not fake_hub.requests_to(r"/resolve/")
    # the caller may try anyway (what the listing claims is not what is served here)
    snapshot = hub.snapshot_download("acme/huge", check_space=False)
    assert (snapshot / "model.safetensors").is_file()


def test_a_cache_that_cannot_be_written_is_named_not_the_network(fake_hub, tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache should be")
    monkeypatch.setenv("HF_HUB_CACHE", str(blocked))
    for call in (lambda: hub.download_config(BERT), lambda: hub.snapshot_download(BERT, check_space=False)):
        with pytest.raises(ExportError) as excinfo:
            call()
        assert _code(excinfo) == "cache_not_writable", excinfo.value
        assert excinfo.value.params["path"] == str(blocked)
        assert "network" not in excinfo.value.message + excinfo.value.next_step


@pytest.fixture
def tiny_disk(tmp_path):
    """A 1 MiB file system (tmpfs), when this process may mount one."""
    mount = tmp_path / "tiny-disk"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if result.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


@pytest.mark.filterwarnings("ignore:Not enough free disk space")  # huggingface_hub's own warning, then ENOSPC
def test_a_full_cache_disk_during_a_download_is_disk_full_naming_the_cache(fake_hub, tiny_disk, monkeypatch):
    fake_hub.add_model("acme/two-mb", "bert", weights={"model.safetensors": 2 * 2**20})
    monkeypatch.setenv("HF_HUB_CACHE", str(tiny_disk / "hub"))
    with pytest.raises(ExportError) as excinfo:  # the pre-flight check refuses it first
        hub.snapshot_download("acme/two-mb")
    assert _code(excinfo) == "disk_full" and not fake_hub.requests_to(r"/resolve/")
    with pytest.raises(ExportError) as excinfo:  # and when told to try anyway, ENOSPC is the disk, not the network
        hub.snapshot_download("acme/two-mb", check_space=False)
    assert _code(excinfo) == "disk_full", excinfo.value
    assert excinfo.value.params["path"] == str(tiny_disk / "hub")
    assert "network" not in excinfo.value.next_step
    assert not list((tiny_disk / "hub").rglob("*.incomplete"))


# ---------------------------------------------------------------------------------------------
# download progress in bytes


def test_progress_names_the_file_being_downloaded_and_counts_only_what_is_missing(fake_hub, hf_cache):
    events = []
    first = hub.snapshot_download(BIG, files=["config.json"], progress=lambda *a: events.append(a))
    assert first.is_dir()
    events.clear()
    hub.snapshot_download(BIG, progress=lambda *a: events.append(a))
    repo = fake_hub.repo(BIG)
    missing = sum(len(data) for name, data in repo.files.items() if name != "config.json")
    assert {total for _, total, _ in events} == {missing}  # config.json is cached: not in the bytes to download
    shard = "model-00002-of-00003.safetensors"
    start = sum(len(repo.files[n]) for n in sorted(repo.files) if n != "config.json" and not n.endswith(".safetensors"))
    start += len(repo.files["model-00001-of-00003.safetensors"])
    # the file is named when it starts, before its first byte (not the last finished file)
    assert (start, missing, shard) in events
    assert all(name != "config.json" for _, _, name in events)
    assert events[-1][0] == missing


def test_transfer_meter_paces_reports_and_measures_the_rate():
    clock = [0.0]
    meter = hub.TransferMeter(interval=0.1, window=5.0, clock=lambda: clock[0])
    reports = []
    for step in range(100):  # 1 MB every 10 ms for one second, one file
        clock[0] = step * 0.01
        done = step * 10**6
        rate = meter.add(done)
        if meter.due(done, 200 * 10**6, "model.safetensors"):
            reports.append((clock[0], rate))
    assert 9 <= len(reports) <= 11  # about ten a second
    assert reports[0][1] is None  # no rate before half a second of data
    assert reports[-1][1] == pytest.approx(100 * 10**6, rel=0.01)
    clock[0] += 0.001
    assert meter.due(100 * 10**6, 200 * 10**6, "other.safetensors")  # a new file is reported at once
    clock[0] += 0.001
    assert meter.due(200 * 10**6, 200 * 10**6, "other.safetensors")  # and the end


def test_our_downloads_read_small_chunks_and_leave_huggingface_hubs_setting_as_it_was():
    from huggingface_hub import constants

    from exportcore.hub.transfer import CHUNK_SIZE, small_chunks

    usual = constants.DOWNLOAD_CHUNK_SIZE
    with small_chunks():
        with small_chunks():  # two downloads at once (the app's threads)
            assert constants.DOWNLOAD_CHUNK_SIZE == CHUNK_SIZE
        assert constants.DOWNLOAD_CHUNK_SIZE == CHUNK_SIZE
    assert constants.DOWNLOAD_CHUNK_SIZE == usual
