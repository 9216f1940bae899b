"""JSON that comes from outside — config.json, a worker job file, the inspect helper's requests, a model's tokenizer
and processor configs, safetensors headers, the HF cache's files — read by one reader.

``json.loads`` fails in more ways than ``JSONDecodeError``: bytes that are not UTF-8 (``UnicodeDecodeError``), a
whole number longer than Python converts (``ValueError: Exceeds the limit (4300 digits)``), nesting deeper than
the interpreter's recursion limit (``RecursionError``, which also kills a reading loop that catches only
``ValueError``). Each comes out of here as :class:`BadJson` with a reason in words, so every caller turns it into
its own coded error with one ``except``. Light: standard library only.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any


class BadJson(ValueError):
    """Text that is not a JSON document we can read; ``reason`` says why, as a clause ("it is not UTF-8 text")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def loads(data: str | bytes) -> Any:
    """The JSON value in ``data`` (UTF-8 when bytes); :class:`BadJson` when there is none."""
    try:
        text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
        return json.loads(text)
    except UnicodeDecodeError as exc:
        raise BadJson(f"it is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise BadJson(f"it is not JSON ({exc})") from None
    except RecursionError:
        raise BadJson("it nests objects or lists too deeply") from None
    except ValueError as exc:  # int(): "Exceeds the limit (4300 digits) for integer string conversion: value has …"
        digits = re.search(r"limit \((\d+) digits\).*value has (\d+) digits", str(exc))
        said = f"a number of {digits[2]} digits (at most {digits[1]} are read)" if digits else "a number too long"
        raise BadJson(f"it holds {said}") from None


def read(path: str | os.PathLike) -> Any:
    """The JSON value in the file at ``path``. ``OSError`` when it cannot be read, :class:`BadJson` when it is no
    JSON we can read."""
    with open(path, "rb") as stream:
        return loads(stream.read())
