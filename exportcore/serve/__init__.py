"""``exportcore serve``: torch, transformers and onnxruntime imported once, each export forked from that warm process.

``client`` (``delegate``: used by ``exportcore export`` and the worker) and ``server`` (``serve``, which runs the
entry points ``exportcore serve`` hands it) share only ``protocol``; neither imports the CLI or the worker.
"""
