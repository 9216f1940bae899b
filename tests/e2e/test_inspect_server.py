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
