"""Nothing of the user's is lost or leaked at the destination (issue 11, items 3 and 4).

- an empty output path, the working folder, the home folder or a folder above them is never replaced;
- publishing never replaces what appeared at the destination during the run (two runs to one new folder: exactly
  one publishes, the other is kept aside); ``--overwrite`` never leaves the old folder hidden;
- only what a tokenizer, processor, generation config or chat template needs is copied, never through a link
  leading out of the model folder; what stayed behind is listed in export.log;
- a job file's fields are type-checked (``"trust_remote_code": "false"`` runs no code);
- a full disk is ``disk_full`` naming the folder, an unwritable folder is coded, long names work.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from exportcore.errors import ExportError, exit_code_for
from tests.e2e.models import run_collecting, tiny_models  # noqa: F401 - fixture
from tests.e2e.test_export_errors import _assert_one_error, _beside, _cli, _env

REPO = Path(__file__).resolve().parents[2]


def _run(args: list[str], tmp_path: Path, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True,
                          env={**_env(tmp_path), **env}, cwd=cwd, timeout=180)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _worker_events(proc: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.splitlines()]


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A working folder holding the user's files."""
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "thesis.tex").write_text("years of work")
    return folder


# --------------------------------------------------------------------------------------------- empty and precious paths
@pytest.mark.parametrize("extra", [["--overwrite"], []], ids=["overwrite", "plain"])
def test_an_empty_output_path_is_refused_and_the_working_folder_survives(extra, tiny_models, tmp_path, work):
    before = _tree(work)
    proc = _run(["exportcore", "export", str(tiny_models("bert-text-classification")), "", *extra], tmp_path, work)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "output folder is empty" in _assert_one_error(proc.stderr, "invalid_option")
    assert _tree(work) == before and sorted(os.listdir(work)) == ["thesis.tex"]


@pytest.mark.parametrize("where", [".", "..", "~", "/"])
def test_overwrite_never_replaces_the_working_or_home_folder_or_those_above(where, tiny_models, tmp_path, work):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("mine")
    before = _tree(tmp_path)
    proc = _run(["exportcore", "export", str(tiny_models("bert-text-classification")), where, "--overwrite"],
                tmp_path, work, HOME=str(home))
    assert proc.returncode == 2, proc.stderr[-2000:]
    _assert_one_error(proc.stderr, "invalid_option")
    assert _tree(tmp_path) == before


def test_overwrite_may_replace_an_earlier_export_even_in_the_working_folder(tiny_models, tmp_path):
    earlier = tmp_path / "onnx"
    source = str(tiny_models("bert-text-classification"))
    assert _run(["exportcore", "export", source, str(earlier), "--no-validation"], tmp_path, tmp_path).returncode == 0
    (earlier / "model.onnx").write_bytes(b"stale")
    proc = _run(["exportcore", "export", source, ".", "--overwrite", "--no-validation"], tmp_path, earlier)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (earlier / "model.onnx").stat().st_size > 1000 and _beside(earlier) == []


def test_a_worker_job_without_output_dir_is_refused_and_the_working_folder_survives(tiny_models, tmp_path, work):
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"model": str(tiny_models("bert-text-classification")), "overwrite": True}))
    before = _tree(work)
    proc = _run(["exportcore.worker", str(job)], tmp_path, work)
    assert proc.returncode == 2, proc.stderr[-2000:]
    (event,) = _worker_events(proc)
    assert (event["code"], "output_dir" in event["message"]) == ("invalid_option", True)
    assert _tree(work) == before


def test_a_job_saying_overwrite_false_as_a_string_replaces_nothing(tiny_models, tmp_path):
    destination = tmp_path / "taken"
    destination.mkdir()
    (destination / "mine.txt").write_text("mine")
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"model": str(tiny_models("bert-text-classification")), "output_dir": str(destination),
                               "overwrite": "false"}))
    proc = _run(["exportcore.worker", str(job)], tmp_path, tmp_path)
    assert proc.returncode == 2, proc.stderr[-2000:]
    (event,) = _worker_events(proc)
    assert event["code"] == "invalid_option" and "'overwrite' is 'false'" in event["message"]
    assert _tree(destination) == {"mine.txt": b"mine"}


def test_a_job_saying_trust_remote_code_false_as_a_string_runs_no_code(tiny_models, tmp_path):
    """The repository's module would leave a marker when imported: it must never be imported."""
    source = tmp_path / "model"
    shutil.copytree(tiny_models("bert-text-classification"), source)
    marker = tmp_path / "the-repository-code-ran"
    config = json.loads((source / "config.json").read_text())
    config["auto_map"] = {"AutoConfig": "configuration_evil.EvilConfig"}
    (source / "config.json").write_text(json.dumps(config))
    (source / "configuration_evil.py").write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n"
        "from transformers import BertConfig\n\nclass EvilConfig(BertConfig):\n    model_type = 'bert'\n")
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"model": str(source), "output_dir": str(tmp_path / "out"), "trust_remote_code": "false"}))
    proc = _run(["exportcore.worker", str(job)], tmp_path, tmp_path)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert [e["code"] for e in _worker_events(proc) if e["event"] == "error"] == ["invalid_option"]
    assert not marker.exists(), "the repository's code ran"


# --------------------------------------------------------------------------------------------- publishing
def _at_publish(action):
    """An event callback that runs ``action`` once, when the run starts publishing (its files are ready)."""
    from exportcore.events import StageStarted

    done = []

    def on_event(event):
        if isinstance(event, StageStarted) and event.stage == "publish" and not done:
            done.append(True)
            action()

    return on_event


def test_two_exports_to_the_same_new_folder_exactly_one_publishes(tiny_models, tmp_path):
    """The second run starts and finishes while the first is about to publish: the first must not replace it."""
    from exportcore.options import ExportOptions
    from exportcore.run import run_export

    source = str(tiny_models("bert-text-classification"))
    destination = tmp_path / "out"
    second = []
    on_event = _at_publish(lambda: second.append(run_export(ExportOptions(model=source, output_dir=str(destination)))))
    with pytest.raises(ExportError) as info:
        run_export(ExportOptions(model=source, output_dir=str(destination), validate=False), on_event=on_event)
    assert second and second[0].validation == "passed"
    assert info.value.code == "destination_not_empty" and exit_code_for(info.value.code) == 2
    kept = Path(info.value.params["kept"])
    assert kept.parent == tmp_path and kept.name.startswith("out.unpublished-")
    assert json.loads((destination / "validation_report.json").read_text())["status"] == "passed", "the winner's files"
    assert json.loads((kept / "validation_report.json").read_text())["status"] == "skipped", "the loser's, kept"
    assert (kept / "model.onnx").stat().st_size > 1000
    assert _beside(destination) == [kept.name]


def test_files_added_to_the_destination_during_the_run_are_kept_and_the_run_is_set_aside(tiny_models, tmp_path, capsys,
                                                                                          monkeypatch):
    import exportcore.run

    destination = tmp_path / "out"
    destination.mkdir()  # empty: a fine destination when the run starts
    real_run = exportcore.run.run_export

    def run_export(options, on_event=None, cancel=None):
        def also(event):
            on_event(event)
            hook(event)

        hook = _at_publish(lambda: (destination / "mine.txt").write_text("written meanwhile"))
        return real_run(options, on_event=also, cancel=cancel)

    monkeypatch.setattr(exportcore.run, "run_export", run_export)
    code, _, err = _cli(capsys, str(tiny_models("bert-text-classification")), str(destination), "--no-validation")
    assert code == 2, err
    _assert_one_error(err, "destination_not_empty")
    assert _tree(destination) == {"mine.txt": b"written meanwhile"}
    (kept,) = _beside(destination)
    assert kept.startswith("out.unpublished-") and str(tmp_path / kept) in err, "the user is told where the files are"
    assert (tmp_path / kept / "model.onnx").is_file()


@pytest.mark.parametrize("put_back_works", [True, False], ids=["put-back", "put-beside"])
def test_overwrite_without_an_atomic_swap_never_leaves_the_old_folder_hidden(put_back_works, tiny_models, tmp_path,
                                                                             capsys, monkeypatch):
    """Where the two folders cannot be swapped in one step, the old one is moved aside first; when the new one then
    cannot take its place, the old one goes back (or, if even that fails, to a visible name the error gives)."""
    import exportcore.run.publish

    destination = tmp_path / "out"
    destination.mkdir()
    (destination / "model.onnx").write_bytes(b"the previous export")
    monkeypatch.setattr(exportcore.run.publish, "exchange", lambda a, b: False, raising=False)
    real_rename = Path.rename

    def rename(self, target):
        if Path(target) == destination and (".partial-" in self.name or (".old-" in self.name and not put_back_works)):
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(target))
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    code, _, err = _cli(capsys, str(tiny_models("bert-text-classification")), str(destination), "--overwrite",
                        "--no-validation")
    assert code == 3, err
    message = _assert_one_error(err, "output_not_writable")
    hidden = [n for n in os.listdir(tmp_path) if n.startswith(".")]
    assert hidden == [], f"left hidden: {hidden}"
    if put_back_works:
        assert _tree(destination) == {"model.onnx": b"the previous export"} and _beside(destination) == []
    else:
        (previous,) = _beside(destination)
        assert previous.startswith("out.previous-") and previous in message
        assert _tree(tmp_path / previous) == {"model.onnx": b"the previous export"}


# --------------------------------------------------------------------------------------------- what is copied
def _export_folder(source: Path, tmp_path: Path) -> tuple[Path, list]:
    from exportcore.events import LogLine
    from exportcore.options import ExportOptions

    out = tmp_path / "out"
    events, _ = run_collecting(ExportOptions(model=str(source), output_dir=str(out), validate=False))
    return out, [e for e in events if isinstance(e, LogLine)]


def test_private_files_of_a_model_folder_are_not_published_and_the_log_lists_them(tiny_models, tmp_path):
    source = tmp_path / "model"
    shutil.copytree(tiny_models("bert-feature-extraction"), source)
    private = {"credentials.json": b'{"aws_secret": "x"}', "notes.txt": b"call the bank", "train.jsonl": b'{"t": 1}',
               "data/train.txt": b"private corpus", "eval_results.json": b"{}"}
    for name, data in private.items():
        (source / name).parent.mkdir(exist_ok=True)
        (source / name).write_bytes(data)
    out, _ = _export_folder(source, tmp_path)
    published = set(_tree(out))
    assert not published & set(private), published & set(private)
    assert {"tokenizer.json", "tokenizer_config.json", "config.json", "model.onnx"} <= published
    log = (out / "export.log").read_text()
    left = next(line for line in log.splitlines() if "left behind" in line)
    for name in ("credentials.json", "notes.txt", "train.jsonl", "data/", "eval_results.json", "model.safetensors"):
        assert name in left, name


def test_links_out_of_the_model_folder_are_not_followed(tiny_models, tmp_path):
    source = tmp_path / "model"
    shutil.copytree(tiny_models("bert-feature-extraction"), source)
    outside = tmp_path / "home"
    (outside / ".ssh").mkdir(parents=True)
    (outside / ".ssh" / "id_rsa").write_text("-----BEGIN PRIVATE KEY-----")
    (outside / "documents").mkdir()
    (outside / "documents" / "taxes.jinja").write_text("private")
    (source / "vocab.txt").symlink_to(outside / ".ssh" / "id_rsa")
    (source / "additional_chat_templates").symlink_to(outside / "documents")
    (source / "templates").mkdir()
    (source / "templates" / "tool_use.jinja").write_text("{{ tools }}")
    (source / "chat_template.jinja").symlink_to(source / "templates" / "tool_use.jinja")  # inside: fine
    out, logs = _export_folder(source, tmp_path)
    assert not (out / "vocab.txt").exists() and not (out / "additional_chat_templates").exists()
    assert all("PRIVATE KEY" not in p.read_text(errors="replace") for p in out.rglob("*") if p.is_file())
    assert (out / "chat_template.jinja").read_text() == "{{ tools }}"
    warnings = [e.message for e in logs if e.level == "warning"]
    assert any("vocab.txt" in w and "outside the model folder" in w for w in warnings), warnings
    assert any("additional_chat_templates" in w for w in warnings), warnings


def test_a_file_left_out_is_a_warning_on_the_console_under_the_result(tiny_models, tmp_path):
    """The published folder then lacks a tokenizer file: the console says so, and says it again under the result
    (it was a line in export.log that scrolled by)."""
    source = tmp_path / "model"
    shutil.copytree(tiny_models("bert-feature-extraction"), source)
    (tmp_path / "outside.txt").write_text("[PAD]\n")
    (source / "vocab.txt").symlink_to(tmp_path / "outside.txt")
    proc = _run(["exportcore", "export", str(source), str(tmp_path / "out"), "--no-validation"], tmp_path, tmp_path,
                OES_NO_SERVER="1")
    assert proc.returncode == 0, proc.stderr[-2000:]
    said = [line for line in proc.stderr.splitlines() if line.startswith("  warning: not copied: vocab.txt")]
    assert len(said) == 2, proc.stderr[-3000:]
    assert "the exported folder has no vocab.txt" in said[0]
    assert proc.stderr.index(said[1], proc.stderr.index("Exported to ")) > 0
    assert not (tmp_path / "out" / "vocab.txt").exists()


def test_a_snapshot_of_the_hf_cache_is_published_through_its_blob_links(tiny_models, tmp_path):
    """Every Hub model in the cache is a snapshot folder of links into ``../../blobs``: those are followed."""
    model = tiny_models("bert-feature-extraction")
    repo = tmp_path / "hub" / "models--org--tiny"
    blobs, snapshot = repo / "blobs", repo / "snapshots" / ("a" * 40)
    blobs.mkdir(parents=True)
    snapshot.mkdir(parents=True)
    for index, path in enumerate(sorted(model.iterdir())):
        blob = blobs / f"{index:040x}"
        shutil.copyfile(path, blob)
        (snapshot / path.name).symlink_to(Path("../../blobs") / blob.name)
    out, _ = _export_folder(snapshot, tmp_path)
    for name in ("tokenizer.json", "tokenizer_config.json", "config.json"):
        assert (out / name).read_bytes() == (model / name).read_bytes() and not (out / name).is_symlink()


def test_a_local_dir_download_links_only_to_its_own_repositorys_blobs(tiny_models, tmp_path, hf_cache):
    """A ``--local-dir`` download links its files to blobs of the repository it came from: those are copied. A link
    to another cached repository's blob (possibly a private one), under any name, or to a blob no snapshot names,
    is not: any blob of any cache used to be accepted."""
    model = tiny_models("bert-feature-extraction")
    files = {p.name: p.read_bytes() for p in model.iterdir() if p.is_file()}
    snapshot = hf_cache.add("org/tiny", files)
    secret = hf_cache.add("someone/private", {"secret.txt": b"private words\n", "vocab.txt": b"their vocab\n"})
    source = tmp_path / "local-dir"
    source.mkdir()
    for name in files:
        (source / name).symlink_to((snapshot / name).resolve())  # as huggingface_hub's local_dir symlinks did
    (source / "vocab.txt").symlink_to((secret / "secret.txt").resolve())  # another repository's file, renamed
    (source / "merges.txt").symlink_to((secret / "vocab.txt").resolve())  # its file of another name
    stray = hf_cache / "models--org--tiny" / "blobs" / ("f" * 64)
    stray.write_bytes(b"named by no snapshot")
    (source / "special_tokens_map.json").symlink_to(stray)
    out, logs = _export_folder(source, tmp_path)
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        assert (out / name).read_bytes() == files[name], name
    for name in ("vocab.txt", "merges.txt", "special_tokens_map.json"):
        assert not (out / name).exists(), name
        assert any(e.level == "warning" and f"not copied: {name}" in e.message for e in logs), name
    assert all(b"private words" not in p.read_bytes() for p in out.rglob("*") if p.is_file())


def test_files_the_configs_name_travel_with_the_model(tiny_models, tmp_path):
    """By what tokenizer_config.json names (vocab_file, a custom tokenizer's module, the files and modules that one
    names), and sentence-transformers' pipeline description with its modules' configs."""
    source = tmp_path / "model"
    shutil.copytree(tiny_models("bert-feature-extraction"), source)
    tokenizer_config = json.loads((source / "tokenizer_config.json").read_text())
    tokenizer_config["vocab_file"] = "my_words.txt"
    tokenizer_config["auto_map"] = {"AutoTokenizer": ["tokenization_mine.MyTokenizer", None]}
    files = {
        "tokenizer_config.json": json.dumps(tokenizer_config).encode(),
        "my_words.txt": b"[PAD]\n[UNK]\n",
        "tokenization_mine.py": b"from .mine_helpers import x\nVOCAB_FILES_NAMES = {'vocab_file': 'mine.tiktoken.bpe'}\n",
        "mine_helpers.py": b"x = 1\n",
        "mine.tiktoken.bpe": b"bytes",
        "modules.json": json.dumps([{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                                    {"idx": 1, "name": "1", "path": "1_Pooling",
                                     "type": "sentence_transformers.models.Pooling"}]).encode(),
        "1_Pooling/config.json": b'{"pooling_mode_mean_tokens": true}',
        "sentence_bert_config.json": b'{"max_seq_length": 64}',
    }
    for name, data in files.items():
        (source / name).parent.mkdir(exist_ok=True)
        (source / name).write_bytes(data)
    (source / "1_Pooling" / "notes.txt").write_text("not needed")
    out, _ = _export_folder(source, tmp_path)
    for name, data in files.items():
        assert (out / name).read_bytes() == data, name
    assert not (out / "1_Pooling" / "notes.txt").exists()


# --------------------------------------------------------------------------------------------- disk full, unwritable
def _no_space(path=None):
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), *([str(path)] if path else []))


def test_a_disk_full_while_the_exporter_writes_is_disk_full_naming_the_folder(tiny_models, tmp_path, capsys, monkeypatch):
    import exportcore.export.initializers

    def write_model(graph, params, path):
        raise _no_space(path)

    monkeypatch.setattr(exportcore.export.initializers, "write_model", write_model)
    destination = tmp_path / "exports" / "bert"
    code, _, err = _cli(capsys, str(tiny_models("bert-text-classification")), str(destination))
    assert code == 3, err
    message = _assert_one_error(err, "disk_full")
    assert f"'{destination.parent}'" in message and "model.onnx" in message
    assert "--opset" not in err, "not an exporter problem"
    assert not destination.parent.exists()


def test_a_disk_full_reported_by_cpp_code_is_disk_full(tiny_models, tmp_path, capsys, monkeypatch):
    import exportcore.export.initializers

    def write_model(graph, params, path):
        raise RuntimeError(f"[enforce fail at inline_container.cc:595] . PytorchStreamWriter failed writing file "
                           f"data/0: {os.strerror(errno.ENOSPC)}")

    monkeypatch.setattr(exportcore.export.initializers, "write_model", write_model)
    code, _, err = _cli(capsys, str(tiny_models("bert-text-classification")), str(tmp_path / "out"))
    assert code == 3, err
    assert f"'{tmp_path}'" in _assert_one_error(err, "disk_full")


@pytest.mark.parametrize(("target", "error", "names"), [("model_files.shutil.copyfile", errno.ENOSPC, False),
                                                        ("model_files.shutil.copyfile", errno.ENOSPC, True),
                                                        ("records.write_json", errno.EDQUOT, False)],
                         ids=["copying-tokenizer-files", "copying-as-shutil-says", "writing-records-over-quota"])
def test_a_disk_full_while_publishing_is_disk_full(target, error, names, tiny_models, tmp_path, capsys, monkeypatch):
    """``names``: the error names the source and the target, as shutil's copy does (filename = the source): the
    message named the model folder and its disk's free space, not the output folder's."""
    import importlib

    def full(*args, **kwargs):
        if names:  # shutil._fastcopy_sendfile: err.filename = the source, err.filename2 = the target
            raise OSError(error, os.strerror(error), str(args[0]), None, str(args[1]))
        raise OSError(error, os.strerror(error))

    module, _, rest = target.partition(".")
    owner, _, name = rest.rpartition(".")
    run_module = importlib.import_module(f"exportcore.run.{module}")
    monkeypatch.setattr(getattr(run_module, owner) if owner else run_module, name, full)
    destination = tmp_path / "out"
    code, _, err = _cli(capsys, str(tiny_models("bert-feature-extraction")), str(destination), "--no-validation")
    assert code == 3, err
    message = _assert_one_error(err, "disk_full")
    assert f"'{tmp_path}'" in message and ("quota" in message) == (error == errno.EDQUOT)
    assert str(tiny_models("bert-feature-extraction")) not in message
    assert not destination.exists() and _beside(destination) == []


def test_a_full_studio_cache_is_disk_full_naming_the_cache(tmp_path, capsys, monkeypatch):
    import exportcore.source.demo_build

    def build(source, target):
        raise _no_space()

    monkeypatch.setenv("EXPORTSTUDIO_CACHE", str(tmp_path / "studio"))
    monkeypatch.setattr(exportcore.source.demo_build, "build_demo_model", build)
    code, _, err = _cli(capsys, "demo:tiny-bert", str(tmp_path / "out"))
    assert code == 3, err
    assert str(tmp_path / "studio") in _assert_one_error(err, "disk_full")


def _shared_folder() -> Path:
    """A folder an unprivileged user may use (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="oes-unprivileged-"))
    folder.chmod(0o777)
    return folder


def _unprivileged(args: list[str], folder: Path, _input: str | None = None, **env: str) -> subprocess.CompletedProcess:
    """Run ``python -m args`` as a user without the root's right to ignore permissions (chmod 000 binds it)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: permissions cannot be tested")
        prefix = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"]
    environment = {**os.environ, "HF_HUB_OFFLINE": "1", "HOME": str(folder), "HF_HOME": str(folder / "hf"),
                   "PYTHONPATH": str(REPO), "EXPORTSTUDIO_CACHE": str(folder / "studio"), "OES_NO_SERVER": "1", **env}
    return subprocess.run([*prefix, sys.executable, "-m", *args], capture_output=True, text=True, env=environment,
                          cwd=folder, timeout=180, input=_input)


def test_an_output_folder_without_permissions_is_output_not_writable(tiny_models):
    folder = _shared_folder()
    try:
        model = folder / "model"
        shutil.copytree(tiny_models("bert-text-classification"), model)
        for path in (model, *model.iterdir()):
            path.chmod(0o755 if path.is_dir() else 0o644)
        locked = folder / "locked"
        locked.mkdir(mode=0o000)
        locked.chmod(0o000)
        for extra in ([], ["--overwrite"]):
            proc = _unprivileged(["exportcore", "export", str(model), str(locked), *extra], folder)
            assert proc.returncode == 3, proc.stderr[-2000:]
            assert str(locked) in _assert_one_error(proc.stderr, "output_not_writable")
    finally:
        (folder / "locked").chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("mode", [0o555, 0o000], ids=["read-only", "untraversable"])
def test_an_unwritable_studio_cache_is_coded_and_named(mode):
    """0555: the demo build cannot write; 0000: not even the pre-flight can look inside (a PermissionError
    traceback from is_dir, and internal_error in the inspect helper, before)."""
    folder = _shared_folder()
    cache = folder / "studio"
    try:
        cache.mkdir(mode=mode)
        cache.chmod(mode)  # not writable (or not even enterable) by the unprivileged user
        proc = _unprivileged(["exportcore", "export", "demo:tiny-bert", str(folder / "out")], folder)
        assert proc.returncode == 3, proc.stderr[-2000:]
        assert str(cache) in _assert_one_error(proc.stderr, "studio_cache_not_writable")
        if mode == 0o000:
            proc = _unprivileged(["exportcore", "preflight", "demo:tiny-bert"], folder)
            assert proc.returncode == 3, proc.stderr[-2000:]
            assert str(cache) in _assert_one_error(proc.stderr, "studio_cache_not_writable")
            proc = _unprivileged(["exportcore.inspect_server"], folder,
                                 _input='{"id": 1, "cmd": "preflight", "model": "demo:tiny-bert"}\n')
            reply = json.loads(proc.stdout.splitlines()[-1])
            assert reply["error"]["code"] == "studio_cache_not_writable", reply
    finally:
        cache.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_model_we_may_not_read_is_model_not_readable(tiny_models):
    """A chmod 000 model folder was a PermissionError traceback from inspect and export; a chmod 000
    model.safetensors a model_load_failed "No such file or directory"."""
    folder = _shared_folder()
    model = folder / "model"
    try:
        shutil.copytree(tiny_models("bert-text-classification"), model)
        for path in (model, *model.iterdir()):
            path.chmod(0o755 if path.is_dir() else 0o644)
        (model / "model.safetensors").chmod(0o000)
        proc = _unprivileged(["exportcore", "export", str(model), str(folder / "out")], folder)
        assert proc.returncode == 2, proc.stderr[-2000:]
        message = _assert_one_error(proc.stderr, "model_not_readable")
        assert str(model / "model.safetensors") in message and "Permission denied" in message
        model.chmod(0o000)
        for args in (["inspect", str(model)], ["preflight", str(model)], ["export", str(model), str(folder / "o")]):
            proc = _unprivileged(["exportcore", *args], folder)
            assert proc.returncode == 2, (args, proc.stderr[-2000:])
            assert str(model) in _assert_one_error(proc.stderr, "model_not_readable"), args
        proc = _unprivileged(["exportcore.inspect_server"], folder, _input=json.dumps({"id": 1, "model": str(model)}))
        assert json.loads(proc.stdout.splitlines()[-1])["error"]["code"] == "model_not_readable"
    finally:
        model.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------------------------- long names
def test_a_long_but_legal_destination_name_works(tiny_models, tmp_path, capsys):
    destination = tmp_path / ("n" * 240)
    code, _, err = _cli(capsys, str(tiny_models("bert-text-classification")), str(destination), "--no-validation")
    assert code == 0, err
    assert (destination / "model.onnx").is_file() and _beside(destination) == []


def test_a_long_name_that_fails_validation_is_kept_beside_under_a_legal_name(tiny_models, tmp_path, capsys):
    destination = tmp_path / ("n" * 250)
    code, _, err = _cli(capsys, str(tiny_models("gpt2")), str(destination), "--atol", "1e-30")
    assert code == 1, err
    (kept,) = [p for p in tmp_path.iterdir() if ".failed-" in p.name]
    assert (kept / "validation_report.json").is_file() and str(kept) in err


@pytest.mark.parametrize("name", ["n" * 256, "ü" * 128], ids=["256-chars", "256-bytes-utf8"])
def test_a_name_longer_than_the_file_system_allows_is_invalid_option_before_any_work(name, tmp_path, capsys):
    code, _, err = _cli(capsys, "demo:tiny-bert", str(tmp_path / name))
    assert code == 2, err
    assert "bytes long" in _assert_one_error(err, "invalid_option")
    assert "▸" not in err and list(tmp_path.iterdir()) == []
