"""torch -> ONNX, one submodel at a time. Imports torch (and transformers); the run imports it lazily.

``torch_stages`` (load the model for the plan, the padding token, export each submodel) -> ``traced_module`` (the
flat-tensor module the exporter traces) -> ``onnx_export`` (either torch exporter) -> ``initializers`` (the weights
streamed into the file). ``adapter`` is the one place that knows the installed transformers, ``torch_hooks`` the
one place that touches torch's internals; ``load_report`` judges whether the checkpoint's weights fill the model.
"""
