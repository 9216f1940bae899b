"""One export, start to finish, and everything about its run folder.

``runner`` drives the stages (resolve -> plan -> load -> export -> post-process -> validate -> publish) and emits
their events. The rest is the run folder's life: ``destination`` (where a run may publish, the names beside it),
``run_folder`` (the private folder beside it, free space), ``model_files`` (what is copied beside the ONNX files),
``records`` (what a run keeps about itself), ``publish`` (moved into place, or kept aside), ``disk_errors`` (a full
disk said as such). Light at import: the stages import torch, transformers and onnx when they run.
"""

from .runner import RunOutcome, Runner, run_export

__all__ = ["RunOutcome", "Runner", "run_export"]
