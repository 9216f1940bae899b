"""A fake Hugging Face Hub on 127.0.0.1 for tests.

A threaded HTTP server that answers the requests huggingface_hub 2.4 sends (see docs/facts.md), from an
in-memory catalogue of tiny repositories, with a request log and per-request fault injection::

    with FakeHub() as hub:                       # default catalogue, random port
        os.environ["HF_ENDPOINT"] = hub.url      # or pass hub.url as endpoint=
        hub.inject("500", path="/api/models$", times=1)
        ...
        assert hub.requests_to("/api/models")   # what reached the server

Endpoints:
``GET /api/models`` (search, author, filter, pipeline_tag, sort, limit, expand, config, full,
cardData; cursor pagination through a ``Link: <…>; rel="next"`` header),
``GET /api/models/{id}`` and ``/api/models/{id}/revision/{rev}`` (``blobs=true`` adds sizes),
``GET /api/models/{id}/tree/{rev}[/{path}]?recursive=&expand=``,
``HEAD``/``GET /{id}/resolve/{rev}/{path}`` (X-Repo-Commit, ETag, Content-Length, Range).
Errors carry the Hub's ``X-Error-Code`` (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo) and
``X-Error-Message``. As the Hub does: a token the Hub does not know is refused on every request (401, "Invalid
credentials in Authorization header"); a gated repo answers 401 without a token and 403 to a valid token without
access (``FakeRepo.authorized_tokens``); a disabled repo answers 403 "Access to this resource is disabled.".
Model details carry ``safetensors`` parameter counts (read from the served files' headers, or
``FakeRepo.parameters``). A repo can misbehave for hostile-server tests: ``etags`` (the ``ETag`` of a file),
``commit_header`` (the ``X-Repo-Commit`` of every file), ``declared_sizes`` (the sizes the listing reports).

Faults (``inject(kind, path=regex, method=None, times=None, seconds=…)``):
``delay`` (sleep then answer normally), ``500``, ``503``, ``malformed`` (200 with broken JSON),
``gated`` (401 + GatedRepo), ``notfound`` (404 + RepoNotFound), ``reset`` (close without answer).
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterable
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

__all__ = ["FakeRepo", "FakeHub", "RequestRecord", "Fault", "default_catalogue", "make_repo", "VALID_TOKEN",
           "build_cache_repo"]

#: A token the fake Hub accepts for gated and private repositories.
VALID_TOKEN = "hf_fake_valid_token"

FAULT_KINDS = ("delay", "500", "503", "malformed", "gated", "notfound", "reset")


def _sha(seed: str) -> str:
    return hashlib.sha1(seed.encode()).hexdigest()


def _tiny_safetensors(seed: str, payload: int = 256) -> bytes:
    """A valid safetensors file with one small uint8 tensor (deterministic bytes)."""
    header = json.dumps({"__metadata__": {"format": "pt"},
                         "weight": {"dtype": "U8", "shape": [payload], "data_offsets": [0, payload]}},
                        separators=(",", ":")).encode()
    header += b" " * (-len(header) % 8)
    body = (hashlib.sha256(seed.encode()).digest() * (payload // 32 + 1))[:payload]
    return struct.pack("<Q", len(header)) + header + body


def _card(repo_id: str, *, pipeline_tag: str | None, library: str | None, license_: str = "apache-2.0",
          extra: str = "") -> bytes:
    meta = [f"license: {license_}"]
    if library:
        meta.append(f"library_name: {library}")
    if pipeline_tag:
        meta.append(f"pipeline_tag: {pipeline_tag}")
    name = repo_id.split("/")[-1]
    text = (
        "---\n" + "\n".join(meta) + "\n---\n\n"
        f"# {name}\n\n"
        f"A **tiny** test model (`{repo_id}`) served by the fake Hub.\n\n"
        "## Usage\n\n"
        "```python\n"
        "from transformers import AutoModel\n"
        f"model = AutoModel.from_pretrained(\"{repo_id}\")\n"
        "```\n\n"
        "| property | value |\n|---|---|\n"
        f"| task | {pipeline_tag or 'n/a'} |\n| library | {library or 'n/a'} |\n\n"
        "- randomly initialised\n- for tests only\n" + extra
    )
    return text.encode()


@dataclass
class FakeRepo:
    """One model repository of the fake Hub."""

    repo_id: str
    files: dict[str, bytes]
    pipeline_tag: str | None = None
    library_name: str | None = "transformers"
    downloads: int = 0
    likes: int = 0
    last_modified: str = "2026-01-01T00:00:00.000Z"
    created_at: str = "2025-01-01T00:00:00.000Z"
    tags: list[str] = field(default_factory=list)
    gated: bool | str = False
    private: bool = False
    sha: str = ""
    #: Extra revision names (tags/branches) that resolve to ``sha``.
    revisions: tuple[str, ...] = ("main",)
    #: Paths stored as LFS files (weights by default).
    lfs_suffixes: tuple[str, ...] = (".safetensors", ".bin", ".h5", ".onnx", ".msgpack", ".ot")
    disabled: bool = False
    #: Gated: the tokens with access (None: every valid token).
    authorized_tokens: set[str] | None = None
    #: Hostile answers: ETag per file path, an X-Repo-Commit for every file, sizes the listing claims per path.
    etags: dict[str, str] = field(default_factory=dict)
    commit_header: str | None = None
    declared_sizes: dict[str, int] = field(default_factory=dict)
    #: safetensors parameter counts per dtype for the model details (default: from the files' headers).
    parameters: dict[str, int] | None = None

    def __post_init__(self) -> None:
        if not self.sha:
            self.sha = _sha(self.repo_id + "@" + "|".join(sorted(self.files)))
        if self.library_name and self.library_name not in self.tags:
            self.tags = [self.library_name, *self.tags]
        if self.pipeline_tag and self.pipeline_tag not in self.tags:
            self.tags = [*self.tags, self.pipeline_tag]

    @property
    def config(self) -> dict[str, Any] | None:
        raw = self.files.get("config.json")
        if raw is None:
            return None
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    @property
    def card_data(self) -> dict[str, Any] | None:
        raw = self.files.get("README.md", b"").decode("utf-8", "replace")
        match = re.match(r"---\n(.*?)\n---", raw, re.S)
        if not match:
            return None
        out: dict[str, Any] = {}
        for line in match.group(1).splitlines():
            if ":" in line:
                key, value = line.split(":", 1)
                out[key.strip()] = value.strip()
        return out

    def is_lfs(self, path: str) -> bool:
        return path.endswith(self.lfs_suffixes)

    def etag(self, path: str) -> str:
        if path in self.etags:
            return self.etags[path]
        data = self.files[path]
        if self.is_lfs(path):
            return hashlib.sha256(data).hexdigest()
        return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()

    def resolves(self, revision: str) -> bool:
        return revision == self.sha or revision in self.revisions

    def size(self, path: str) -> int:
        return self.declared_sizes.get(path, len(self.files[path]))

    def safetensors_parameters(self) -> dict[str, int] | None:
        if self.parameters is not None:
            return dict(self.parameters)
        counts: dict[str, int] = {}
        for name, data in self.files.items():
            if not name.endswith(".safetensors") or len(data) < 8:
                continue
            (length,) = struct.unpack("<Q", data[:8])
            try:
                header = json.loads(data[8:8 + length])
            except ValueError:
                continue
            for key, entry in header.items():
                if key != "__metadata__":
                    n = 1
                    for dim in entry["shape"]:
                        n *= dim
                    counts[entry["dtype"]] = counts.get(entry["dtype"], 0) + n
        return counts or None


def make_repo(repo_id: str, model_type: str | None, *, pipeline_tag: str | None = None,
              library: str | None = "transformers", architectures: Iterable[str] = (),
              weights: dict[str, int] | None = None, extra_files: dict[str, bytes] | None = None,
              config_extra: dict[str, Any] | None = None, **kwargs: Any) -> FakeRepo:
    """A repo with config.json (when ``model_type`` is set), README.md and small weight files."""
    files: dict[str, bytes] = {}
    if model_type is not None or config_extra:
        config: dict[str, Any] = {}
        if architectures:
            config["architectures"] = list(architectures)
        if model_type is not None:
            config["model_type"] = model_type
        config.update({"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
                       "intermediate_size": 37, "vocab_size": 99})
        config.update(config_extra or {})
        files["config.json"] = json.dumps(config, indent=2).encode()
    files["README.md"] = _card(repo_id, pipeline_tag=pipeline_tag, library=library)
    files[".gitattributes"] = b"*.safetensors filter=lfs diff=lfs merge=lfs -text\n"
    for name, size in (weights if weights is not None else {"model.safetensors": 256}).items():
        if name.endswith(".safetensors"):
            files[name] = _tiny_safetensors(repo_id + name, size)
        else:
            files[name] = (hashlib.sha256((repo_id + name).encode()).digest() * (size // 32 + 1))[:size]
    files.update(extra_files or {})
    return FakeRepo(repo_id=repo_id, files=files, pipeline_tag=pipeline_tag, library_name=library, **kwargs)


def default_catalogue(fillers: int = 30) -> list[FakeRepo]:
    """The standard catalogue: a dozen named tiny models plus ``fillers`` look-alikes for paging."""
    repos = [
        make_repo("hf-internal-testing/tiny-random-bert", "bert", pipeline_tag="fill-mask",
                  architectures=["BertForMaskedLM"], downloads=120_000, likes=12,
                  last_modified="2026-03-02T10:00:00.000Z",
                  extra_files={"tokenizer.json": b'{"version": "1.0"}', "vocab.txt": b"[PAD]\n[UNK]\n"}),
        make_repo("hf-internal-testing/tiny-random-gpt2", "gpt2", pipeline_tag="text-generation",
                  architectures=["GPT2LMHeadModel"], downloads=98_000, likes=30,
                  last_modified="2026-06-15T08:30:00.000Z", revisions=("main", "v1.0")),
        make_repo("hf-internal-testing/tiny-random-t5", "t5", pipeline_tag="text2text-generation",
                  architectures=["T5ForConditionalGeneration"], downloads=45_000, likes=8,
                  last_modified="2025-11-20T12:00:00.000Z"),
        make_repo("google/tiny-vit", "vit", pipeline_tag="image-classification",
                  architectures=["ViTForImageClassification"], downloads=30_000, likes=55,
                  last_modified="2026-09-01T09:00:00.000Z"),
        make_repo("openai/whisper-tiny-fake", "whisper", pipeline_tag="automatic-speech-recognition",
                  architectures=["WhisperForConditionalGeneration"], downloads=76_000, likes=90,
                  last_modified="2026-02-11T16:45:00.000Z"),
        make_repo("sentence-transformers/all-MiniLM-L6-v2", "bert", pipeline_tag="sentence-similarity",
                  library="sentence-transformers", architectures=["BertModel"], downloads=150_000, likes=300,
                  last_modified="2026-04-04T04:04:00.000Z", tags=["transformers", "feature-extraction"],
                  weights={"model.safetensors": 512, "pytorch_model.bin": 512, "tf_model.h5": 512,
                           "onnx/model.onnx": 256},
                  extra_files={"1_Pooling/config.json": b'{"pooling_mode_mean_tokens": true}',
                               "modules.json": b"[]", "tokenizer.json": b"{}"}),
        make_repo("meta-llama/Llama-fake-gated", "llama", pipeline_tag="text-generation",
                  architectures=["LlamaForCausalLM"], downloads=60_000, likes=700, gated="manual",
                  last_modified="2026-10-10T10:10:00.000Z"),
        make_repo("acme/private-model", "bert", pipeline_tag="fill-mask", private=True, downloads=5, likes=0),
        make_repo("timm/resnet-fake", None, pipeline_tag="image-classification", library="timm",
                  config_extra={"architecture": "resnet18", "num_classes": 10}, downloads=20_000, likes=4,
                  last_modified="2026-05-05T05:05:00.000Z"),
        make_repo("acme/mystery-model", "mystery", pipeline_tag=None, architectures=["MysteryModel"],
                  downloads=10, likes=1, last_modified="2024-01-01T00:00:00.000Z"),
        make_repo("tiny-gpt2-legacy", "gpt2", pipeline_tag="text-generation", architectures=["GPT2LMHeadModel"],
                  downloads=1_000, likes=2, last_modified="2023-05-05T00:00:00.000Z"),
        make_repo("acme/big-weights", "bert", pipeline_tag="feature-extraction", architectures=["BertModel"],
                  weights={"model-00001-of-00003.safetensors": 200_000, "model-00002-of-00003.safetensors": 200_000,
                           "model-00003-of-00003.safetensors": 200_000},
                  extra_files={"model.safetensors.index.json": b'{"weight_map": {}}'},
                  downloads=900, likes=3, last_modified="2026-07-07T07:07:00.000Z"),
    ]
    for i in range(fillers):
        repos.append(make_repo(
            f"fillers/tiny-random-bert-{i:02d}", "bert", pipeline_tag="text-classification",
            architectures=["BertForSequenceClassification"], downloads=500 - i, likes=i,
            last_modified=f"2025-{(i % 12) + 1:02d}-{(i % 27) + 1:02d}T00:00:00.000Z",
        ))
    return repos


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]

    def param(self, name: str) -> str | None:
        values = self.query.get(name) or self.query.get(name + "[]")
        return values[0] if values else None

    def params(self, name: str) -> list[str]:
        return list(self.query.get(name, [])) + list(self.query.get(name + "[]", []))


@dataclass
class Fault:
    kind: str
    path: re.Pattern
    method: str | None = None
    times: int | None = None  # None = forever
    seconds: float = 0.0
    query: re.Pattern | None = None
    hits: int = 0

    def matches(self, method: str, path: str, query: str = "") -> bool:
        if self.method and self.method.upper() != method:
            return False
        if self.times is not None and self.hits >= self.times:
            return False
        if self.query is not None and not self.query.search(query):
            return False
        return bool(self.path.search(path))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:  # quiet: clients time out on purpose
        pass


class FakeHub:
    """The fake Hub: ``start()``/``stop()`` or use as a context manager."""

    PAGE_MAX = 1000

    def __init__(self, repos: Iterable[FakeRepo] | None = None, *, host: str = "127.0.0.1") -> None:
        self.repos: dict[str, FakeRepo] = {}
        for repo in (default_catalogue() if repos is None else repos):
            self.add_repo(repo)
        self.host = host
        self.requests: list[RequestRecord] = []
        self.faults: list[Fault] = []
        #: Streaming of file bodies: bytes per write and the pause after each write (for cancel tests).
        self.chunk_size = 64 * 1024
        self.chunk_delay = 0.0
        self.valid_tokens = {VALID_TOKEN}
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self) -> "FakeHub":
        if self._server is not None:
            return self
        hub = self

        class Handler(_Handler):
            fake = hub

        self._server = _Server((self.host, 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-hub", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None

    def __enter__(self) -> "FakeHub":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "FakeHub not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # ---- catalogue -------------------------------------------------------------------------
    def add_repo(self, repo: FakeRepo) -> FakeRepo:
        self.repos[repo.repo_id] = repo
        return repo

    def add_model(self, repo_id: str, model_type: str | None, **kwargs: Any) -> FakeRepo:
        """Add a repo built by :func:`make_repo` (config.json, README.md, small weights)."""
        return self.add_repo(make_repo(repo_id, model_type, **kwargs))

    def repo(self, repo_id: str) -> FakeRepo:
        return self.repos[repo_id]

    # ---- faults and log --------------------------------------------------------------------
    def inject(self, kind: str, *, path: str = ".*", method: str | None = None, times: int | None = None,
               seconds: float = 5.0, query: str | None = None) -> Fault:
        """Make matching requests fail.

        ``path`` is a regex searched in the decoded URL path, ``query`` one searched in the decoded
        query string; ``times`` limits how many requests the fault hits (None: all); ``seconds``
        is the pause of a ``delay`` fault.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; choose {FAULT_KINDS}")
        fault = Fault(kind=kind, path=re.compile(path), method=method, times=times, seconds=seconds,
                      query=re.compile(query) if query is not None else None)
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()

    def requests_to(self, path_regex: str = ".*", method: str | None = None) -> list[RequestRecord]:
        pattern = re.compile(path_regex)
        with self._lock:
            return [r for r in self.requests
                    if pattern.search(r.path) and (method is None or r.method == method.upper())]

    def _record(self, record: RequestRecord, raw_query: str = "") -> Fault | None:
        with self._lock:
            self.requests.append(record)
            for fault in self.faults:
                if fault.matches(record.method, record.path, unquote(raw_query.replace("+", " "))):
                    fault.hits += 1
                    return fault
        return None

    # ---- lookups used by the handler -------------------------------------------------------
    def _split_repo(self, segments: list[str]) -> tuple[FakeRepo | None, str, list[str]]:
        """Match the longest known repo id (2 then 1 segments) at the start of ``segments``."""
        for n in (2, 1):
            if len(segments) >= n:
                rid = "/".join(segments[:n])
                if rid in self.repos:
                    return self.repos[rid], rid, segments[n:]
        guess = "/".join(segments[:2]) if len(segments) >= 2 else "/".join(segments)
        return None, guess, segments[2:] if len(segments) >= 2 else []

    @staticmethod
    def _token(headers: dict[str, str]) -> str:
        auth = headers.get("authorization", "")
        return auth[7:] if auth.lower().startswith("bearer ") else ""

    def _authorized(self, repo: FakeRepo | None, headers: dict[str, str]) -> bool:
        token = self._token(headers)
        if token not in self.valid_tokens:
            return False
        return repo is None or repo.authorized_tokens is None or token in repo.authorized_tokens


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeHub  # set on the subclass made in FakeHub.start
    server_version = "FakeHub/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # silence
        pass

    # ---- plumbing --------------------------------------------------------------------------
    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
              content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), headers)

    def _error(self, status: int, code: str | None, message: str) -> None:
        headers = {"X-Error-Message": message}
        if code:
            headers["X-Error-Code"] = code
        self._json(status, {"error": message}, headers)

    def do_HEAD(self) -> None:  # noqa: N802
        self._dispatch()

    def do_GET(self) -> None:  # noqa: N802
        self._dispatch()

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in self.headers.items()}
        record = RequestRecord(self.command, path, query, headers)
        fault = self.fake._record(record, parts.query)
        try:
            if fault is not None and self._apply_fault(fault):
                return
            if self.fake._token(headers) and not self.fake._authorized(None, headers):
                return self._error(401, None, "Invalid credentials in Authorization header")
            self._route(path, query, headers, parts.path)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _apply_fault(self, fault: Fault) -> bool:
        """Returns True when the fault answered (or dropped) the request."""
        kind = fault.kind
        if kind == "delay":
            time.sleep(fault.seconds)
            return False
        if kind in ("500", "503"):
            self._error(int(kind), None, "Internal Error - We're working hard to fix this as soon as possible!")
            return True
        if kind == "malformed":
            self._send(200, b'{"id": "broken", "downloads": [1, 2,', content_type="application/json")
            return True
        if kind == "gated":
            self._error(401, "GatedRepo", "Access to model is restricted. You must have access to it and be "
                                          "authenticated to access it. Please log in.")
            return True
        if kind == "notfound":
            self._error(404, "RepoNotFound", "Repository not found")
            return True
        if kind == "reset":
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass
            return True
        return False

    # ---- routing ---------------------------------------------------------------------------
    def _route(self, path: str, query: dict[str, list[str]], headers: dict[str, str], raw_path: str) -> None:
        segments = [s for s in path.split("/") if s]
        if segments[:2] == ["api", "models"]:
            if self.command != "GET":
                return self._error(405, None, "Method not allowed")
            if len(segments) == 2:
                return self._search(query)
            return self._api_repo(segments[2:], query, headers, raw_path)
        if "resolve" in segments:
            return self._resolve(segments, headers)
        self._error(404, None, "Not found")

    def _visible(self, repo: FakeRepo, headers: dict[str, str]) -> bool:
        return not repo.private or self.fake._authorized(repo, headers)

    # ---- GET /api/models -------------------------------------------------------------------
    def _search(self, query: dict[str, list[str]]) -> None:
        rec = RequestRecord("GET", "", query, {})
        headers = {k.lower(): v for k, v in self.headers.items()}
        repos = [r for r in self.fake.repos.values() if self._visible(r, headers)]
        search = (rec.param("search") or "").lower()
        if search:
            repos = [r for r in repos if search in r.repo_id.lower()]
        author = rec.param("author")
        if author:
            repos = [r for r in repos if r.repo_id.startswith(author + "/")]
        for value in rec.params("filter"):
            repos = [r for r in repos if value in r.tags or value == r.library_name or value == r.pipeline_tag]
        pipeline_tag = rec.param("pipeline_tag")
        if pipeline_tag:
            repos = [r for r in repos if r.pipeline_tag == pipeline_tag]
        sort = rec.param("sort")
        keys = {"downloads": lambda r: r.downloads, "likes": lambda r: r.likes,
                "lastModified": lambda r: r.last_modified, "createdAt": lambda r: r.created_at,
                "trendingScore": lambda r: r.likes}
        repos.sort(key=lambda r: r.repo_id)
        if sort in keys:
            repos.sort(key=keys[sort], reverse=True)
        try:
            limit = int(rec.param("limit") or self.fake.PAGE_MAX)
            cursor = int(rec.param("cursor") or 0)
        except ValueError:
            return self._error(400, None, "Invalid limit or cursor")
        limit = max(1, min(limit, self.fake.PAGE_MAX))
        page = repos[cursor:cursor + limit]
        expand = rec.params("expand")
        full = (rec.param("full") or "").lower() in ("1", "true")
        with_config = (rec.param("config") or "").lower() in ("1", "true")
        with_card = (rec.param("cardData") or "").lower() in ("1", "true")
        items = [self._listing(r, expand, full=full, config=with_config, card=with_card) for r in page]
        extra: dict[str, str] = {}
        if cursor + limit < len(repos):
            next_query = [(k, v) for k, vs in query.items() if k != "cursor" for v in vs]
            next_query.append(("cursor", str(cursor + limit)))
            extra["Link"] = f'<{self.fake.url}/api/models?{urlencode(next_query)}>; rel="next"'
        self._json(200, items, extra)

    def _listing(self, repo: FakeRepo, expand: list[str], *, full: bool, config: bool, card: bool) -> dict:
        everything = self._info(repo, blobs=False)
        if expand:
            return {"_id": everything["_id"], "id": repo.repo_id,
                    **{k: everything[k] for k in expand if k in everything}}
        keys = ["_id", "id", "likes", "downloads", "pipeline_tag", "library_name", "tags", "createdAt",
                "private", "trendingScore", "modelId"]
        if full:
            keys += ["lastModified", "sha", "siblings", "gated", "author", "disabled"]
        if config:
            keys.append("config")
        if card:
            keys.append("cardData")
        return {k: everything[k] for k in keys if k in everything}

    # ---- /api/models/{id}[...] -------------------------------------------------------------
    def _api_repo(self, segments: list[str], query: dict[str, list[str]], headers: dict[str, str],
                  raw_path: str) -> None:
        repo, repo_id, rest = self.fake._split_repo(segments)
        if repo is None or not self._visible(repo, headers):
            # The Hub answers 401 for both missing and private repos when anonymous.
            return self._error(401, "RepoNotFound", "Repository not found")
        if repo.disabled:
            return self._error(403, None, "Access to this resource is disabled.")
        if not rest:
            return self._json(200, self._info(repo, blobs=_true(query, "blobs")))
        if rest[0] == "revision" and len(rest) >= 2:
            revision = "/".join(rest[1:])
            if not repo.resolves(revision):
                return self._error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
            return self._json(200, self._info(repo, blobs=_true(query, "blobs")))
        if rest[0] == "tree" and len(rest) >= 2:
            # the revision is one url-encoded segment: take it from the raw path
            raw_rest = raw_path.split("/tree/", 1)[1]
            rev_raw, _, sub = raw_rest.partition("/")
            revision = unquote(rev_raw)
            if not repo.resolves(revision):
                return self._error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
            return self._tree(repo, unquote(sub).strip("/"), _true(query, "recursive"))
        self._error(404, None, "Not found")

    def _info(self, repo: FakeRepo, *, blobs: bool) -> dict[str, Any]:
        siblings = []
        for name in sorted(repo.files):
            entry: dict[str, Any] = {"rfilename": name}
            if blobs:
                data = repo.files[name]
                entry["size"] = repo.size(name)
                entry["blobId"] = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
                if repo.is_lfs(name):
                    entry["lfs"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": repo.size(name),
                                    "pointerSize": 134}
            siblings.append(entry)
        info: dict[str, Any] = {
            "_id": repo.sha[:24],
            "id": repo.repo_id,
            "modelId": repo.repo_id,
            "author": repo.repo_id.split("/")[0] if "/" in repo.repo_id else None,
            "sha": repo.sha,
            "lastModified": repo.last_modified,
            "createdAt": repo.created_at,
            "private": repo.private,
            "gated": repo.gated,
            "disabled": repo.disabled,
            "downloads": repo.downloads,
            "likes": repo.likes,
            "trendingScore": repo.likes // 10,
            "library_name": repo.library_name,
            "tags": list(repo.tags),
            "pipeline_tag": repo.pipeline_tag,
            "siblings": siblings,
            "spaces": [],
            "usedStorage": sum(repo.size(name) for name in repo.files),
        }
        parameters = repo.safetensors_parameters()
        if parameters:
            info["safetensors"] = {"parameters": parameters, "total": sum(parameters.values())}
        config = repo.config
        if config is not None:
            info["config"] = {k: config[k] for k in ("architectures", "model_type") if k in config}
        card = repo.card_data
        if card is not None:
            info["cardData"] = card
        if repo.library_name == "transformers" and repo.pipeline_tag:
            info["transformersInfo"] = {"auto_model": "AutoModel", "pipeline_tag": repo.pipeline_tag,
                                        "processor": "AutoTokenizer"}
        if info["author"] is None:
            del info["author"]
        return info

    def _tree(self, repo: FakeRepo, sub: str, recursive: bool) -> None:
        prefix = sub + "/" if sub else ""
        entries: dict[str, dict[str, Any]] = {}
        for name in sorted(repo.files):
            if not name.startswith(prefix):
                continue
            rel = name[len(prefix):]
            if "/" in rel:
                first = prefix + rel.split("/", 1)[0]
                entries.setdefault(first, {"type": "directory", "oid": _sha(repo.sha + first), "path": first})
                if not recursive:
                    continue
                # intermediate folders when recursive
                parts = rel.split("/")[:-1]
                for i in range(1, len(parts) + 1):
                    folder = prefix + "/".join(parts[:i])
                    entries.setdefault(folder, {"type": "directory", "oid": _sha(repo.sha + folder),
                                                "path": folder})
            data = repo.files[name]
            if "/" in rel and not recursive:
                continue
            entry: dict[str, Any] = {"type": "file", "oid": hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest(),
                                     "size": repo.size(name), "path": name}
            if repo.is_lfs(name):
                entry["lfs"] = {"oid": hashlib.sha256(data).hexdigest(), "size": repo.size(name), "pointerSize": 134}
            entries[name] = entry
        if sub and not entries:
            return self._error(404, "EntryNotFound", f"{sub} does not exist on \"{repo.sha}\"")
        self._json(200, [entries[k] for k in sorted(entries)])

    # ---- /{id}/resolve/{rev}/{path} --------------------------------------------------------
    def _resolve(self, segments: list[str], headers: dict[str, str]) -> None:
        at = segments.index("resolve")
        repo_segments, rest = segments[:at], segments[at + 1:]
        if len(repo_segments) not in (1, 2) or len(rest) < 2:
            return self._error(404, None, "Not found")
        repo_id = "/".join(repo_segments)
        repo = self.fake.repos.get(repo_id)
        if repo is None or not self._visible(repo, headers):
            return self._error(401, "RepoNotFound", "Repository not found")
        if repo.disabled:
            return self._error(403, None, "Access to this resource is disabled.")
        revision, filename = rest[0], "/".join(rest[1:])
        if not repo.resolves(revision):
            return self._error(404, "RevisionNotFound", f"Invalid rev id: {revision}")
        if filename not in repo.files:
            return self._error(404, "EntryNotFound", "Entry not found")
        if repo.gated and filename != "README.md" and not self.fake._authorized(repo, headers):
            if self.fake._token(headers):  # a valid token, without access: 403
                return self._error(403, "GatedRepo", f"Access to model {repo_id} is restricted and you are not in "
                                                     "the authorized list. Visit the model page to ask for access.")
            return self._error(401, "GatedRepo", f"Access to model {repo_id} is restricted. You must have access "
                                                 "to it and be authenticated to access it. Please log in.")
        data = repo.files[filename]
        etag = repo.etag(filename)
        base = {"X-Repo-Commit": repo.commit_header or repo.sha, "ETag": f'"{etag}"', "Accept-Ranges": "bytes"}
        status, start, end = 200, 0, len(data)
        rng = headers.get("range")
        if rng:
            match = re.fullmatch(r"bytes=(\d+)-(\d*)", rng.strip())
            if match:
                start = int(match.group(1))
                end = int(match.group(2)) + 1 if match.group(2) else len(data)
                if start >= len(data):
                    return self._send(416, b"", {"Content-Range": f"bytes */{len(data)}"})
                status = 206
                base["Content-Range"] = f"bytes {start}-{end - 1}/{len(data)}"
        body = data[start:end]
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        for key, value in base.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        step = max(1, self.fake.chunk_size)
        for offset in range(0, len(body), step):
            self.wfile.write(body[offset:offset + step])
            self.wfile.flush()
            if self.fake.chunk_delay:
                time.sleep(self.fake.chunk_delay)


def _true(query: dict[str, list[str]], name: str) -> bool:
    values = query.get(name) or []
    return bool(values) and values[0].lower() in ("1", "true")


def build_cache_repo(cache_dir: str | os.PathLike, repo_id: str, files: dict[str, bytes], *,
                     sha: str | None = None, refs: Iterable[str] = ("main",), symlinks: bool = True) -> Path:
    """Hand-build one model in a Hugging Face cache folder (blobs + snapshot + refs).

    Returns the snapshot folder. ``symlinks=False`` copies files into the snapshot (Windows layout).
    """
    sha = sha or _sha(repo_id + "|cache|" + "|".join(sorted(files)))
    storage = Path(cache_dir) / ("models--" + repo_id.replace("/", "--"))
    snapshot = storage / "snapshots" / sha
    (storage / "blobs").mkdir(parents=True, exist_ok=True)
    snapshot.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        target = snapshot / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if symlinks:
            blob = storage / "blobs" / hashlib.sha256(data).hexdigest()
            blob.write_bytes(data)
            if target.exists() or target.is_symlink():
                target.unlink()
            target.symlink_to(os.path.relpath(blob, target.parent))
        else:
            target.write_bytes(data)
    if refs:
        (storage / "refs").mkdir(parents=True, exist_ok=True)
        for ref in refs:
            (storage / "refs" / ref).write_text(sha)
    return snapshot
