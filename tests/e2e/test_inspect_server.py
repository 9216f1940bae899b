"""The inspect helper (``python -m exportcore.inspect_server``) answers every request and survives bad ones."""

from __future__ import annotations

import json
import subprocess
import sys


def _talk(lines: list[str]) -> list[dict]:
    proc = subprocess.run([sys.executable, "-m", "exportcore.inspect_server"], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def test_bad_requests_get_a_coded_error_and_the_helper_keeps_answering():
    bad = ["[1, 2]", "42", '"demo:tiny-bert"', "null", "{not json", '{"id": 3}', '{"id": 4, "model": 7}',
           '{"id": 5, "model": "demo:tiny-bert", "options": [1]}', '{"id": 6, "model": "demo:tiny-bert", "options": {"opset": "x"}}']
    replies = _talk([*bad, '{"id": 9, "model": "demo:tiny-bert"}'])
    assert replies[0]["ready"] is True
    answers = replies[1:]
    assert len(answers) == len(bad) + 1
    for reply in answers[:-1]:
        assert reply["error"]["code"] == "invalid_option", reply
    assert answers[-1]["id"] == 9 and answers[-1]["plan"]["model_type"] == "bert"


def test_requests_json_cannot_read_are_one_bad_request_each():
    """A line nested 200,000 deep (RecursionError), bytes that are not UTF-8, a 5000-digit number, an id that is
    no scalar: each used to end the helper (or its reply); each is one coded answer now."""
    lines = [b"[" * 200_000, b"\xff\xfe{}", b'{"id": ' + b"9" * 5000 + b"}",
             b'{"id": [[1]], "model": "demo:tiny-bert"}', b'"demo:tiny-bert"', b'{"id": 9, "model": "demo:tiny-bert"}']
    proc = subprocess.run([sys.executable, "-m", "exportcore.inspect_server"], input=b"\n".join(lines) + b"\n",
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    replies = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()][1:]
    assert len(replies) == len(lines), replies
    reasons = [reply["error"]["params"]["reason"] for reply in replies[:-1]]
    assert reasons[0] == "bad request: it nests objects or lists too deeply"
    assert reasons[1].startswith("bad request: it is not UTF-8 text")
    assert reasons[2] == "bad request: it holds a number of 5000 digits (at most 4300 are read)"
    assert reasons[4] == "bad request: a request must be a JSON object"  # was "bad request: demo:tiny-bert"
    assert replies[-1]["id"] == 9 and replies[-1]["plan"]["model_type"] == "bert"


def test_a_config_json_that_cannot_be_read_is_malformed_config_not_internal_error(tmp_path):
    (tmp_path / "config.json").write_text('{"model_type": "bert", "hidden_size": ' + "9" * 5000 + "}")
    replies = _talk([json.dumps({"id": 1, "model": str(tmp_path)}),
                     json.dumps({"id": 2, "cmd": "preflight", "model": str(tmp_path)})])[1:]
    for reply in replies:
        assert reply["error"]["code"] == "malformed_config", reply
        assert "5000 digits" in reply["error"]["message"]


def test_the_hubs_pipeline_tag_given_with_a_folder_decides_the_task(tmp_path):
    """A model downloaded by the app: its folder has no `architectures`, the Hub said text-classification."""
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "bert", "hidden_size": 32, "num_hidden_layers": 2,
                                                      "num_attention_heads": 4, "intermediate_size": 37}))
    folder = str(tmp_path)
    replies = _talk([json.dumps({"id": 1, "model": folder}),
                     json.dumps({"id": 2, "model": folder, "pipeline_tag": "text-classification"}),
                     json.dumps({"id": 3, "cmd": "preflight", "model": folder, "pipeline_tag": "text-classification",
                                 "options": {"output_dir": str(tmp_path / "out")}}),
                     json.dumps({"id": 4, "model": folder, "pipeline_tag": 5})])[1:]
    assert replies[0]["plan"]["task"] == "feature-extraction"
    assert replies[1]["plan"]["task"] == "text-classification"
    assert (replies[2]["preflight"]["task"], replies[2]["preflight"]["task_source"]) == ("text-classification", "pipeline_tag")
    assert replies[3]["error"]["code"] == "invalid_option"
