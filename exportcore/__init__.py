"""ONNX Export Studio's export core.

``import exportcore`` is light (errors, events, options, task vocabulary): it imports neither torch
nor transformers. The export itself (``exportcore.run``) imports them when it runs.
"""

from .errors import ExportError
from .events import Event
from .options import ExportOptions

__version__ = "0.1.0"
__all__ = ["Event", "ExportError", "ExportOptions", "__version__"]
