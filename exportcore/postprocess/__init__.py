"""After the export, before validation: ONNX files in their final form. Imports onnx.

``steps`` is the run's post-process stage; ``merge`` joins a decoder with and without past into
``decoder_model_merged.onnx``; ``dedupe`` stores identical (and tied, transposed) weights once; ``onnx_files`` owns
the file layout (self-contained below 2 GB, ``<name>.onnx_data`` above) and small file operations.
"""
