"""How the variants are built fast and small (issue 12 §6, decisions 134-137): shape inference without copies of the
weights gives what onnx's gives, onnxruntime's quantizer writes the same file with it, and a builder process's
failure reaches the run as the child raised it.

Fast: hand-made graphs of a few nodes; the builder processes run trivial work.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
import time

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from exportcore.errors import ExportError
from exportcore.postprocess import onnx_files, ort_hooks, variant_processes, variants_build
from exportcore.postprocess.shape_inference import infer_shapes_in_place

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="builder processes are forked")


def _model(k: int = 64) -> onnx.ModelProto:
    """x [batch, k] -> MatMul W -> Reshape to [batch, 2, k/2] -> Add bias -> Gemm-free tail: a weight large enough
    to be left out of inference, and a shape the Reshape reads from a constant."""
    rng = np.random.default_rng(0)
    weights = [numpy_helper.from_array(rng.standard_normal((k, k)).astype(np.float32), "W"),
               numpy_helper.from_array(rng.standard_normal((k, k)).astype(np.float32), "W2"),
               numpy_helper.from_array(np.array([0, 2, k // 2], np.int64), "shape"),
               numpy_helper.from_array(rng.standard_normal((k // 2,)).astype(np.float32), "bias")]
    nodes = [helper.make_node("MatMul", ["x", "W"], ["h"], name="mm"),
             helper.make_node("Relu", ["h"], ["r"], name="relu"),
             helper.make_node("MatMul", ["r", "W2"], ["h2"], name="mm2"),
             helper.make_node("Reshape", ["h2", "shape"], ["folded"], name="reshape"),
             helper.make_node("Add", ["folded", "bias"], ["y"], name="add")]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", k])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], weights)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def test_shape_inference_in_place_gives_onnx_shapes_and_keeps_the_weights():
    model = _model()
    expected = onnx.shape_inference.infer_shapes(model)
    weights = [t.SerializeToString() for t in model.graph.initializer]
    assert infer_shapes_in_place(model) is model
    assert model.graph.value_info == expected.graph.value_info and len(model.graph.value_info) == 4
    assert model.graph.output == expected.graph.output
    assert [d.dim_value for d in model.graph.output[0].type.tensor_type.shape.dim][1:] == [2, 32]  # read "shape"
    assert [t.SerializeToString() for t in model.graph.initializer] == weights


def _normalized(path) -> onnx.ModelProto:
    model = onnx.load(str(path))
    for tensor in model.graph.initializer:  # written by an external-data round trip or not: the same tensor
        tensor.ClearField("data_location")
        tensor.ClearField("doc_string")
    return model


def test_quantizer_writes_the_same_file_with_lighter_shape_inference(tmp_path, monkeypatch):
    source = tmp_path / "model.onnx"
    onnx.save(_model(), str(source))
    variants_build._quantize_dynamic(source, tmp_path / "light.onnx", "QInt8")
    monkeypatch.setattr(ort_hooks, "lighter_shape_inference", contextlib.nullcontext)
    variants_build._quantize_dynamic(source, tmp_path / "plain.onnx", "QInt8")
    light, plain = _normalized(tmp_path / "light.onnx"), _normalized(tmp_path / "plain.onnx")
    assert "MatMulInteger" in {n.op_type for n in light.graph.node}
    assert light.graph == plain.graph
    from onnxruntime.quantization import quant_utils  # and onnxruntime's own helpers are back in place

    assert quant_utils.save_and_reload_model_with_shape_infer.__module__ == quant_utils.__name__


def _embedding_model(vocab: int = 50, k: int = 24) -> onnx.ModelProto:
    """Gather (an embedding, quantized per tensor) -> MatMul (per column), with the columns that take
    onnxruntime's other branches: an all-zero one (no range: scale 1, zero point 0) and one of one sign."""
    rng = np.random.default_rng(1)
    table = rng.standard_normal((vocab, k)).astype(np.float32)
    weight = rng.standard_normal((k, k)).astype(np.float32)
    weight[:, 0] = 0.0
    weight[:, 1] = np.abs(weight[:, 1]) + 0.5
    nodes = [helper.make_node("Gather", ["table", "ids"], ["e"], name="embed"),
             helper.make_node("MatMul", ["e", "W"], ["y"], name="mm")]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("ids", TensorProto.INT64, ["b", "s"])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                              [numpy_helper.from_array(table, "table"), numpy_helper.from_array(weight, "W")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


@pytest.mark.parametrize("kind", ["QInt8", "QUInt8"])
def test_quantizer_writes_the_same_file_with_channels_computed_at_once(tmp_path, monkeypatch, kind):
    source = tmp_path / "model.onnx"
    onnx.save(_embedding_model(), str(source))
    monkeypatch.setattr(ort_hooks, "CHUNK_ELEMENTS", 100)  # a few columns at a time, as a large weight is done
    calls = []
    real = ort_hooks.per_channel_params
    monkeypatch.setattr(ort_hooks, "per_channel_params", lambda *a: calls.append(a[0].shape) or real(*a))
    variants_build._quantize_dynamic(source, tmp_path / "fast.onnx", kind)
    assert calls == [(24, 24)]  # the MatMul's weight took the vectorized path
    monkeypatch.setattr(ort_hooks, "vectorized_per_channel", contextlib.nullcontext)
    variants_build._quantize_dynamic(source, tmp_path / "plain.onnx", kind)
    fast, plain = _normalized(tmp_path / "fast.onnx"), _normalized(tmp_path / "plain.onnx")
    assert "MatMulInteger" in {n.op_type for n in fast.graph.node}
    assert fast.graph == plain.graph
    from onnxruntime.quantization import base_quantizer, quant_utils  # onnxruntime's own code is back in place

    assert base_quantizer.quantize_data is quant_utils.quantize_data
    assert base_quantizer.BaseQuantizer.quantize_weight_per_channel_impl.__module__ == base_quantizer.__name__


def test_fp16_variant_is_the_same_as_the_converter_inferring_by_itself(tmp_path):
    from onnxruntime.transformers import float16

    source = tmp_path / "model.onnx"
    onnx.save(_model(), str(source))
    variants_build.fp16(source, tmp_path / "light.onnx")
    plain = float16.convert_float_to_float16(str(source), keep_io_types=True)
    light = onnx.load(str(tmp_path / "light.onnx"))
    assert {n.op_type for n in light.graph.node} == {n.op_type for n in plain.graph.node}
    assert {t.name: t.SerializeToString() for t in light.graph.initializer} == \
           {t.name: t.SerializeToString() for t in plain.graph.initializer}
    assert sorted(light.graph.value_info, key=lambda v: v.name) == sorted(plain.graph.value_info, key=lambda v: v.name)


def test_float16_clamp_sets_what_onnxruntime_sets():
    from onnxruntime.transformers import float16

    edge = np.array([0.0, -0.0, 1e-9, -1e-9, 5.96e-08, 7e-08, 1e5, -1e5, 65504.0, 7e4, np.inf, -np.inf, np.nan,
                     0.5, -3.25], np.float32)
    values = np.concatenate([edge, np.random.default_rng(2).standard_normal(4000).astype(np.float32) * 1e-3])
    assert ort_hooks.clamp_to_float16(values).tobytes() == float16.convert_np_to_float16(values).tobytes()
    assert ort_hooks.clamp_to_float16(values[13:]).tobytes() == float16.convert_np_to_float16(values[13:]).tobytes()
    with ort_hooks.faster_float16_clamp():
        assert float16.convert_np_to_float16 is ort_hooks.clamp_to_float16
    assert float16.convert_np_to_float16 is not ort_hooks.clamp_to_float16


def test_float16_clamp_is_onnxruntimes_for_every_float32_near_its_bounds():
    """Float32 values of both signs from zero past twice float16's smallest subnormal, around its largest finite
    value and from float32's largest through infinity into the NaNs: the converted-then-mended clamp gives
    onnxruntime's bytes. Every 499th bit pattern there, and every 4096th, which holds every rounding tie (checked
    once over every pattern of these ranges, 1.76 billion: the same)."""
    from onnxruntime.transformers import float16

    ranges = [(0x00000000, 0x33900000), (0x477F0000, 0x47800100), (0x7F7FFF00, 0x7FC00100)]
    patterns = np.concatenate([np.arange(lo, hi, 499, dtype=np.uint64) for lo, hi in ranges]
                              + [np.arange(lo, hi, 2**12, dtype=np.uint64) for lo, hi in ranges]).astype(np.uint32)
    patterns = np.concatenate([patterns, patterns | np.uint32(0x80000000)])
    values = patterns.view(np.float32)
    assert ort_hooks.clamp_to_float16(values).tobytes() == float16.convert_np_to_float16(values).tobytes()
    with np.errstate(invalid="ignore"):  # the signalling NaNs among them
        wide = values.astype(np.float64)  # a double weight is converted as the converter converts it too
    assert ort_hooks.clamp_to_float16(wide).tobytes() == float16.convert_np_to_float16(wide).tobytes()
    # a weight in another memory order (transposed, Fortran) is mended too, and keeps its values' places
    square = np.asfortranarray(np.array([[1e-9, 2.0], [7e4, -1e-30]], np.float32))
    for weight in (square, square.T, values[:4096].reshape(64, 64).T):
        clamped = ort_hooks.clamp_to_float16(weight)
        assert clamped.shape == weight.shape
        assert clamped.tobytes() == float16.convert_np_to_float16(weight).tobytes()


def test_a_large_weight_is_clamped_and_quantized_slice_by_slice_to_the_same_values(monkeypatch):
    """Weights above ``CHUNK_ELEMENTS`` go a slice at a time (a builder's peak); every value, at the edges of the
    slices too, is what onnxruntime's own float16 conversion and per-tensor quantization give."""
    from onnx import TensorProto
    from onnxruntime.quantization import quant_utils
    from onnxruntime.transformers import float16

    monkeypatch.setattr(ort_hooks, "CHUNK_ELEMENTS", 1000)
    values = np.random.default_rng(3).standard_normal((7, 1000)).astype(np.float32) * 1e-3
    values.reshape(-1)[995:1005] = [1e-9, -1e-9, 7e4, -7e4, np.inf, 0.0, -0.0, np.nan, 65504.0, 1e5]
    values.reshape(-1)[-3:] = [1e-9, -7e4, 3.0]
    assert ort_hooks.clamp_to_float16(values).tobytes() == float16.convert_np_to_float16(values).tobytes()
    assert ort_hooks.clamp_to_float16(values).shape == values.shape

    weights = np.random.default_rng(4).standard_normal((3, 2500)).astype(np.float32)
    original = quant_utils.quantize_nparray
    for q_type, scale, zero_point, clip in ((TensorProto.INT8, np.float32(0.021), np.int8(0), ()),
                                            (TensorProto.UINT8, np.float32(0.023), np.uint8(128), ()),
                                            (TensorProto.INT8, np.float32(0.01), np.int8(3), (-100, 90))):
        sliced = ort_hooks.quantize_slices(original, q_type, weights, scale, zero_point, *clip)
        whole = original(q_type, weights, scale, zero_point, *clip)
        assert sliced.dtype == whole.dtype and sliced.shape == whole.shape
        assert sliced.tobytes() == whole.tobytes()
    with ort_hooks.quantize_in_slices():
        assert quant_utils.quantize_nparray is not original
    assert quant_utils.quantize_nparray is original


def test_external_data_is_found_without_parsing_the_weights(tmp_path):
    model = _model(k=128)
    onnx_files.save_onnx(model, tmp_path / "big.onnx", external_data=True)
    onnx_files.save_onnx(_model(k=128), tmp_path / "one.onnx", external_data=False)
    assert onnx_files.external_data_files(tmp_path / "big.onnx") == [tmp_path / "big.onnx_data"]
    assert onnx_files.external_data_files(tmp_path / "one.onnx") == []


# ---- builder processes ---------------------------------------------------------------------------------------------
def _jobs(n: int) -> list[variant_processes.Job]:
    return [variant_processes.Job(f"f{i}.onnx", ("q8",)) for i in range(n)]


def _work(job):
    if job.fp32 == "f1.onnx":
        time.sleep(0.3)  # finishes after f2: the outcomes still come back in the jobs' order
    return variant_processes.Outcome({"q8": job.fp32.replace(".onnx", "_quantized.onnx")}, [(f"pid {os.getpid()}",)])


def test_builder_processes_return_outcomes_in_job_order_from_other_processes():
    outcomes = variant_processes.run_jobs(_jobs(3), _work, processes=2)
    assert [o.built["q8"] for o in outcomes] == ["f0_quantized.onnx", "f1_quantized.onnx", "f2_quantized.onnx"]
    assert all(o.log[0][0] != f"pid {os.getpid()}" for o in outcomes)
    here = variant_processes.run_jobs(_jobs(1), _work, processes=0)
    assert here[0].log == [(f"pid {os.getpid()}",)]


def _full_disk(job):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), f"/run/{job.fp32}")


def _coded(job):
    raise ExportError("variant_failed", variant="q8", file=job.fp32, reason="a library failed")


def _dies(job):
    os._exit(3)


def test_a_builder_process_failure_is_raised_as_the_child_raised_it():
    with pytest.raises(OSError) as caught:
        variant_processes.run_jobs(_jobs(2), _full_disk, processes=2)
    assert caught.value.errno == errno.ENOSPC and caught.value.filename.startswith("/run/f")
    with pytest.raises(ExportError) as coded:
        variant_processes.run_jobs(_jobs(1), _coded, processes=1)
    assert coded.value.code == "variant_failed" and coded.value.params["reason"] == "a library failed"
    with pytest.raises(ExportError) as died:
        variant_processes.run_jobs(_jobs(1), _dies, processes=1)
    assert died.value.code == "variant_failed" and "status 3" in died.value.params["reason"]


def _sleeps(job):
    time.sleep(60)
    return variant_processes.Outcome()


def test_cancel_stops_the_builder_processes_at_once():
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    start = time.monotonic()
    with pytest.raises(ExportError) as caught:
        variant_processes.run_jobs(_jobs(2), _sleeps, processes=2, cancel=cancel)
    assert caught.value.code == "cancelled" and time.monotonic() - start < 10
    assert not [p for p in __import__("multiprocessing").active_children()]


def test_two_builders_only_when_two_fit_in_memory_and_a_core_is_idle(monkeypatch):
    import exportcore.machine as machine

    monkeypatch.delenv(variant_processes.ENV, raising=False)
    monkeypatch.setattr(machine, "memory_available", lambda: (8 * 2**30, 16 * 2**30))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (2.5, 2.0, 2.0))  # this export and one other job
    assert variant_processes.how_many(500 * 2**20) == 2
    assert variant_processes.how_many(2 * 2**30) == 1  # two builders of a 2 GiB file need more than 8 GiB
    monkeypatch.setattr(os, "getloadavg", lambda: (4.5, 4.0, 4.0))  # a busy machine: no core to gain
    assert variant_processes.how_many(500 * 2**20) == 1
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert variant_processes.how_many(500 * 2**20) == 1
    monkeypatch.setenv(variant_processes.ENV, "0")
    assert variant_processes.how_many(500 * 2**20) == 0


# ---- building in the background while the run validates (decision 199) ----------------------------------------------
def _slow_first(job):
    if job.fp32 == "f0.onnx":
        time.sleep(1.0)
    return variant_processes.Outcome({"q8": job.fp32.replace(".onnx", "_quantized.onnx")}, [(job.fp32,)])


def test_background_builders_hand_each_outcome_over_as_its_job_finishes():
    background = variant_processes.InBackground(_jobs(2), _slow_first, processes=2)
    try:
        order = [index for index, _outcome in background.outcomes()]
    finally:
        background.stop()
    assert order == [1, 0]  # f1 was done while f0 still slept


def test_a_background_builder_failure_is_raised_as_the_child_raised_it():
    for work, expected in ((_full_disk, OSError), (_coded, ExportError), (_dies, ExportError)):
        background = variant_processes.InBackground(_jobs(1), work, processes=1)
        try:
            with pytest.raises(expected) as caught:
                list(background.outcomes())
        finally:
            background.stop()
        if work is _full_disk:
            assert caught.value.errno == errno.ENOSPC
        elif work is _coded:
            assert caught.value.code == "variant_failed" and caught.value.params["reason"] == "a library failed"
        else:
            assert caught.value.code == "variant_failed" and "status 3" in caught.value.params["reason"]


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                stat = open(f"/proc/{entry}/stat").read()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
    return found


def _ended(pid: int) -> bool:
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


def _wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads the process tree from /proc")
def test_stopping_the_background_ends_its_builders():
    background = variant_processes.InBackground(_jobs(2), _sleeps, processes=2)
    manager = background.process.pid
    assert _wait_for(lambda: len(_children_of(manager)) == 2)
    builders = _children_of(manager)
    background.stop()
    assert _wait_for(lambda: all(_ended(pid) for pid in [manager, *builders]))


def _export_process_with_builders(send):
    background = variant_processes.InBackground(_jobs(2), _sleeps, processes=2)
    send.send(background.process.pid)
    time.sleep(60)


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads the process tree from /proc")
def test_the_builders_end_when_the_export_process_is_killed():
    import multiprocessing
    import signal

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    export = context.Process(target=_export_process_with_builders, args=(send,))
    export.start()
    try:
        manager = receive.recv()
        assert _wait_for(lambda: len(_children_of(manager)) == 2)
        builders = _children_of(manager)
        os.kill(export.pid, signal.SIGKILL)  # no chance to clean up: the kernel ends the manager, which ends them
        assert _wait_for(lambda: all(_ended(pid) for pid in [manager, *builders]))
    finally:
        export.kill()
        export.join()


def _by_variant(run_dir, job, cancel):
    if "q8" in job.variants and job.fp32 == "decoder_model_merged.onnx":
        time.sleep(1.5)
    return variant_processes.Outcome({v: variants_build.variant_file_name(job.fp32, v) for v in job.variants},
                                     [(f"{job.fp32} {job.variants}",)])


def test_each_variant_is_handed_over_once_all_its_files_are_built(tmp_path, monkeypatch):
    monkeypatch.setattr(variants_build, "_build_file", _by_variant)
    (tmp_path / "encoder_model.onnx").write_bytes(b"x" * 100)
    (tmp_path / "decoder_model_merged.onnx").write_bytes(b"x" * 200)
    logged = []
    building = variants_build.start_building(tmp_path, ["encoder_model.onnx", "decoder_model_merged.onnx"],
                                             ("fp16", "q8"), lambda *args: logged.append(args[0]), processes=2,
                                             background=True)
    try:
        handed = []
        for variant, files in building.ready():
            handed.append((variant, files, time.monotonic()))
        finished = building.finish()
    finally:
        building.stop()
    # q8's encoder was built first, but its decoder was the slow one: fp16 was complete before q8
    assert [variant for variant, _files, _when in handed] == ["fp16", "q8"]
    assert handed[0][1] == {"encoder_model.onnx": "encoder_model_fp16.onnx",
                            "decoder_model_merged.onnx": "decoder_model_merged_fp16.onnx"}
    assert handed[1][2] - handed[0][2] > 0.5  # fp16 came while q8 was still being built
    assert finished == {"fp16": handed[0][1], "q8": handed[1][1]}
    assert any("('q8',)" in line for line in logged)  # the builders' log lines reach the run


def test_a_builder_reuses_the_memory_it_freed():
    """The export process gives freed blocks back to the system; a builder keeps weight-sized ones for its next
    copy instead of faulting fresh pages in again (decisions 198, 201), a tied LM head's included: 48 MiB is above
    the largest threshold glibc's own adjustment reaches."""
    import subprocess
    import sys

    script = (
        "import resource\n"
        "from exportcore.allocator import give_freed_memory_back, reuse_freed_memory\n"
        "def faults():\n"
        "    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt\n"
        "    for _ in range(20):\n"
        "        block = bytearray(48 * 2**20)\n"
        "        block[::4096] = b'x' * len(block[::4096])\n"
        "        del block\n"
        "    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before\n"
        "give_freed_memory_back(); exporting = faults()\n"
        "reuse_freed_memory(); faults(); building = faults()\n"
        "print(exporting, building)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    exporting, building = map(int, out.split())
    assert exporting > 20 * 12000  # every 48 MiB block came as fresh pages
    assert building < exporting / 10
