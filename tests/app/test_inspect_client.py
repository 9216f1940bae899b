"""InspectClient against the fake inspect server: warm-up, newest-wins, errors, cache, restart after a crash."""

from __future__ import annotations

import pytest

from conftest import fake_inspect_cmd

from app.inspect_client import InspectClient


@pytest.fixture
def client_factory(qtbot):
    made = []

    def make(*args, **kw):
        c = InspectClient(fake_inspect_cmd(*args), **kw)
        made.append(c)
        return c

    yield make
    for c in made:
        c.shutdown_now()


def test_warms_up_then_answers(qtbot, client_factory):
    client = client_factory("--warmup", "0.3")
    states = []
    client.stateChanged.connect(states.append)
    client.start()
    assert client.state == "warming"
    rid = client.inspect("demo:tiny-gpt2", {"task": "auto"})  # asked while warming: answered once ready
    with qtbot.waitSignal(client.planReady, timeout=10000) as blocker:
        pass
    assert blocker.args[0] == rid
    assert blocker.args[1]["model_type"] == "gpt2"
    assert states[-1] == "ready" and client.warmup_seconds is not None


def test_newest_request_wins(qtbot, client_factory):
    client = client_factory("--delay", "0.15")
    client.start()
    qtbot.waitUntil(lambda: client.is_ready, timeout=10000)
    answered = []
    client.planReady.connect(lambda rid, plan, req: answered.append((rid, req["options"].get("opset"))))
    ids = [client.inspect("demo:tiny-bert", {"opset": o}) for o in (14, 15, 16, 17)]
    qtbot.waitUntil(lambda: bool(answered) and answered[-1][0] == ids[-1], timeout=10000)
    qtbot.wait(400)  # nothing stale arrives afterwards
    assert answered == [(ids[-1], 17)]


def test_error_reply_and_cache(qtbot, client_factory):
    client = client_factory()
    client.start()
    qtbot.waitUntil(lambda: client.is_ready, timeout=10000)
    with qtbot.waitSignal(client.inspectFailed, timeout=5000) as blocker:
        client.inspect("org/bad-model", {})
    assert blocker.args[1]["code"] == "unsupported_model_type"
    with qtbot.waitSignal(client.planReady, timeout=5000):
        client.inspect("demo:tiny-t5", {"use_past": False})
    with qtbot.waitSignal(client.planReady, timeout=1000):
        client.inspect("demo:tiny-t5", {"use_past": False})  # served from the cache
    assert client.last_latency == 0.0


def test_restarts_after_a_crash(qtbot, client_factory):
    client = client_factory("--crash-after", "1", warmup_model=None)
    client.start()
    qtbot.waitUntil(lambda: client.is_ready, timeout=10000)
    with qtbot.waitSignal(client.planReady, timeout=5000):
        client.inspect("demo:tiny-bert", {})
    # the second request kills the helper; the client restarts it and asks again
    with qtbot.waitSignal(client.planReady, timeout=10000) as blocker:
        client.inspect("demo:tiny-gpt2", {})
    assert blocker.args[1]["model_type"] == "gpt2"


def test_gives_up_when_helper_cannot_start(qtbot):
    client = InspectClient(["/nonexistent/python-helper"], max_restarts=1)
    client.start()
    failures = []
    client.inspectFailed.connect(lambda rid, err, req: failures.append(err))
    client.inspect("demo:tiny-bert", {})
    qtbot.waitUntil(lambda: client.state == "failed", timeout=5000)
    assert failures and failures[0]["code"] == "helper_failed"


def test_stop_is_asynchronous(qtbot, client_factory):
    client = client_factory()
    client.start()
    qtbot.waitUntil(lambda: client.is_ready, timeout=10000)
    client.stop()
    assert client.state == "stopped"
    qtbot.waitUntil(lambda: client._link is None, timeout=3000)
