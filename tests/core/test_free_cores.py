"""Thread pools sized to the cores other processes leave free (decision 186): a busy process beside us is seen,
and the count is what PyTorch's and onnxruntime's validation pools get."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from exportcore import machine

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def test_a_busy_process_beside_us_counts_as_a_core_in_use():
    spinner = subprocess.Popen([sys.executable, "-c", "import time\nend = time.time() + 3\nwhile time.time() < end: pass"])
    try:
        time.sleep(0.3)  # let it start spinning
        used = machine.cores_used_by_others(0.5)
    finally:
        spinner.kill()
        spinner.wait()
    assert used is not None and used >= 0.6


@pytest.mark.parametrize("others, cores, expected", [(None, 2, 2), (0.2, 2, 2), (0.6, 2, 1), (1.9, 2, 1),
                                                     (5.0, 2, 1), (2.4, 8, 6)])
def test_free_cores_leaves_what_others_use_and_at_least_one(monkeypatch, others, cores, expected):
    monkeypatch.setattr(machine, "_last_count", [])
    monkeypatch.setattr(machine, "cores_used_by_others", lambda interval: others)
    monkeypatch.setattr(machine.os, "cpu_count", lambda: cores)
    assert machine.free_cores() == expected


def test_free_cores_samples_once_in_a_while(monkeypatch):
    samples = []
    monkeypatch.setattr(machine, "_last_count", [])
    monkeypatch.setattr(machine, "cores_used_by_others", lambda interval: samples.append(interval) or 0.0)
    machine.free_cores()
    machine.free_cores()
    assert len(samples) == 1
    machine.free_cores(max_age=0.0)
    assert len(samples) == 2
