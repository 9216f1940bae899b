"""A configuration exported as several files that work together (a vision-language model's parts, SAM's encoder
and prompt decoder): which part an instance describes, and the same configuration for another part."""

from __future__ import annotations

import copy
from typing import ClassVar


class PartsMixin:
    """``PARTS``: the files' names in export order; ``part``: the one this instance describes."""

    PARTS: ClassVar[tuple[str, ...]] = ()
    part: str

    def _set_part(self, part: str) -> None:
        if part not in self.PARTS:
            raise ValueError(f"part must be one of {self.PARTS}, got {part!r}")
        self.part = part

    def __repr__(self) -> str:
        return f"{type(self).__name__}(task={getattr(self, 'task', None)!r}, part={self.part!r})"

    def parts(self) -> tuple[str, ...]:
        return self.PARTS

    def with_part(self, part: str):
        clone = copy.copy(self)
        clone._set_part(part)
        return clone
