"""onnxruntime against PyTorch, at several shape sets, per submodel × shape set × output.

``checks`` pairs each file with the PyTorch module it came from; ``comparison`` computes PyTorch's outputs while the
model is loaded, then runs onnxruntime once the model is freed, one row per output; ``structure`` is the strict ONNX
checker for a run without validation.
"""
