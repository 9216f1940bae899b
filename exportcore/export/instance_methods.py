"""Stand-ins installed on module instances for the time of an export: an instance attribute shadows the class's
method, and deleting it brings the class's back (the model object stays the user's, unchanged afterwards)."""

from __future__ import annotations

import contextlib
import types
from typing import Callable, Iterable, Iterator

from torch import nn


@contextlib.contextmanager
def methods_replaced(modules: Iterable[nn.Module], **methods: Callable) -> Iterator[None]:
    """Each of ``modules`` runs ``methods`` (name -> function taking the module first) instead of its own."""
    modules = list(modules)
    for module in modules:
        for name, function in methods.items():
            setattr(module, name, types.MethodType(function, module))
    try:
        yield
    finally:
        for module in modules:
            for name in methods:
                delattr(module, name)
