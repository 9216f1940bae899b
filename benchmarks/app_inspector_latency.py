"""Inspector update latency once the helper is warm (target ≤ 150 ms): option change -> new plan on screen.

    python benchmarks/app_inspector_latency.py [--changes 20]

Runs the main window with the real inspect helper (offscreen unless DISPLAY is set), waits until it is warm, then
changes options (dtypes, opset, shapes, past) on the demo models and measures, in app.exec(), the wall time from the
change to the inspector showing the matching plan. Prints the numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--changes", type=int, default=20)
    a = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="oes-bench-")
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["OES_SETTINGS_FILE"] = os.path.join(tmp, "s.ini")
    os.environ["HF_HUB_OFFLINE"] = "1"

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    import app  # noqa: F401
    from app.main_window import MainWindow
    from app.settings import Settings

    qapp = QApplication(sys.argv[:1])
    cache = os.path.join(tmp, "hf-cache")
    t_launch = time.perf_counter()
    w = MainWindow(Settings(), hub_options={"auto_search": False, "offline": True, "cache_dir": cache},
                   cache_options={"cache_dir": cache})
    w.show()
    panel = w.options
    steps = []
    models = ["demo:tiny-bert", "demo:tiny-gpt2", "demo:tiny-t5", "demo:tiny-vit"]
    for i in range(a.changes):
        kind = i % 5
        if kind == 0:
            steps.append(("model", models[(i // 5) % len(models)]))
        elif kind == 1:
            steps.append(("int_dtype", "int32" if (i // 5) % 2 == 0 else "int64"))
        elif kind == 2:
            steps.append(("opset", 14 + (i % 5)))
        elif kind == 3:
            steps.append(("batch", 2 + i))
        else:
            steps.append(("float_dtype", "fp16" if (i // 5) % 2 == 0 else "fp32"))
    latencies: list[tuple[str, float]] = []
    state = {"i": 0, "t": 0.0, "warm": None, "missed": 0}

    def apply(step) -> None:
        kind, value = step
        if kind == "model":
            w.select_model(value)
        elif kind == "int_dtype":
            panel.int_dtype.setCurrentText(value)
        elif kind == "float_dtype":
            panel.float_dtype.setCurrentText(value)
        elif kind == "opset":
            panel.opset.setValue(value)
        elif kind == "batch":
            panel.shape_spins["batch_size"].setValue(value)

    def on_plan(_rid, _plan, request) -> None:
        if state["t"] and request.get("options") == panel.inspect_options() and request.get("model") == w.session.ref:
            QTimer.singleShot(0, shown)

    def shown() -> None:
        if not state["t"]:
            return
        latencies.append((steps[state["i"]][0], time.perf_counter() - state["t"]))
        state["t"] = 0.0
        state["i"] += 1
        QTimer.singleShot(30, next_step)

    def next_step() -> None:
        if state["i"] >= len(steps):
            qapp.quit()
            return
        state["t"] = time.perf_counter()
        i = state["i"]
        apply(steps[i])
        QTimer.singleShot(2000, lambda: give_up(i))

    def give_up(i: int) -> None:
        if state["i"] == i and state["t"]:
            state["missed"] += 1
            state["t"] = 0.0
            state["i"] += 1
            next_step()

    def wait_ready() -> None:
        if not w.client.is_ready:
            QTimer.singleShot(20, wait_ready)
            return
        state["warm"] = time.perf_counter() - t_launch
        w.select_model("demo:tiny-bert")
        QTimer.singleShot(500, next_step)

    w.client.planReady.connect(on_plan)
    QTimer.singleShot(0, wait_ready)
    QTimer.singleShot(300_000, qapp.quit)
    qapp.exec()
    w.close()
    values = sorted(v * 1000 for _, v in latencies)
    if not values:
        print("no measurement")
        return 1
    print(f"inspect helper warm after {state['warm']:.2f} s (window stayed responsive meanwhile)")
    print(f"inspector update after an option/model change ({len(values)} changes): median "
          f"{statistics.median(values):.1f} ms, p90 {values[int(len(values) * 0.9) - 1]:.1f} ms, "
          f"max {values[-1]:.1f} ms")
    slowest = sorted(latencies, key=lambda kv: -kv[1])[:3]
    print("slowest: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in slowest))
    if state["missed"]:
        print(f"{state['missed']} changes produced no new plan within 2 s (no-op changes)")
    print(f"target <= 150 ms: {'OK' if values[-1] <= 150 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
