"""Axes a model can only run at one size: exported static, declared with their size and why.

A configuration that mixes in ``StaticAxesMixin`` names, per shape keyword, the config.json attribute that fixes it
and a reason (``STATIC_SHAPES``). Every axis whose symbol is that keyword then leaves the ONNX file's dynamic axes
(inputs and outputs), the dummy inputs of the trace and of every validation shape set use that size (the other
keywords still vary), and ``static_axes()`` says which tensor axes are fixed, at what size, and why: the plan
document's ``static_axes`` per submodel, which ``exportcore inspect`` and the app's inspector show. Light: no torch,
no transformers.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..errors import ExportError
from .base import TensorSpec


class StaticAxesMixin:
    """Put it before the configuration class in the bases (it filters that class's ``inputs`` and ``outputs``)."""

    #: shape keyword -> (config attribute giving its size, why the model cannot run at another size).
    STATIC_SHAPES: ClassVar[dict[str, tuple[str, str]]] = {}

    _config: Any

    def static_shape_sources(self) -> dict[str, tuple[str, str]]:
        """``STATIC_SHAPES`` where this configuration really fixes them (a family overrides it when some of its
        configurations run at any size)."""
        return self.STATIC_SHAPES

    def static_shapes(self) -> dict[str, int]:
        """shape keyword -> the only size the model runs at (from its configuration)."""
        sizes = {}
        for keyword, (attribute, _) in self.static_shape_sources().items():
            size = getattr(self._config, attribute, None)
            if not isinstance(size, int) or isinstance(size, bool) or size < 1:
                raise ExportError("malformed_config", path=getattr(self._config, "_name_or_path", "") or "config.json",
                                  reason=f"{attribute} must be a positive integer (it fixes {keyword}), not {size!r}")
            sizes[keyword] = size
        return sizes

    def static_axes(self) -> dict[str, dict[int, dict[str, Any]]]:
        """tensor name -> axis -> {"shape": keyword, "size": n, "reason": why}, over the ONNX inputs (their ONNX
        names) and the outputs."""
        sizes, sources = self.static_shapes(), self.static_shape_sources()
        tensors = {**self.rename_ambiguous_inputs(super().inputs), **super().outputs}  # type: ignore[misc]
        return {name: {axis: {"shape": symbol, "size": sizes[symbol], "reason": sources[symbol][1]}
                       for axis, symbol in axes.items() if symbol in sizes}
                for name, axes in tensors.items() if any(symbol in sizes for symbol in axes.values())}

    def _drop_static(self, spec: TensorSpec) -> TensorSpec:
        static = self.static_shape_sources()
        return {name: {axis: symbol for axis, symbol in axes.items() if symbol not in static}
                for name, axes in spec.items()}

    @property
    def inputs(self) -> TensorSpec:
        return self._drop_static(super().inputs)  # type: ignore[misc]

    @property
    def outputs(self) -> TensorSpec:
        return self._drop_static(super().outputs)  # type: ignore[misc]

    def _shape_keywords(self, shapes: dict[str, int]) -> dict[str, int]:
        return {**super()._shape_keywords(shapes), **self.static_shapes()}  # type: ignore[misc]


def static_axes_of(cfg: Any) -> dict[str, dict[int, dict[str, Any]]]:
    """``cfg.static_axes()`` for a configuration with static axes, else ``{}``."""
    return cfg.static_axes() if isinstance(cfg, StaticAxesMixin) else {}


def static_shapes_of(cfg: Any) -> dict[str, int]:
    return cfg.static_shapes() if isinstance(cfg, StaticAxesMixin) else {}
