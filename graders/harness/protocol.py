"""Messages between the worker, the supervisor and the runner, and the value codec.

This module runs on both sides: inside the sandbox it is imported as the
top-level module ``protocol`` (standard library only, Python 3.11), and in
the worker as ``graders.harness.protocol``.

Values cross the sandbox boundary as JSON with tags for the Python types
that JSON lacks, so a tuple, a set or a dict with integer keys returned by a
student's function reaches the worker as the same type.
"""

from __future__ import annotations

import base64
import json
import math
from typing import Any

# Bump on any incompatible change to the request or report format, so a
# worker paired with an outdated image fails loudly instead of misgrading.
PROTOCOL_VERSION = 1

MODE_FUNCTION = "function"
MODE_PROGRAM = "program"
# Runs a request script against the student's Flask app; see ``steps``.
MODE_HTTP = "http"

# Case statuses in the report. Only the supervisor sets TIMEOUT, OUTPUT_LIMIT,
# KILLED and NOT_RUN; the others come from the runner process, which runs
# the student's code and so cannot be trusted further than the student.
STATUS_OK = "ok"
STATUS_EXCEPTION = "exception"
STATUS_EXIT = "exit"
STATUS_MEMORY = "memory"
STATUS_TIMEOUT = "timeout"
STATUS_OUTPUT_LIMIT = "output_limit"
STATUS_KILLED = "killed"
STATUS_NOT_RUN = "not_run"
STATUS_SYNTAX_ERROR = "syntax_error"
STATUS_INVALID_RESULT = "invalid_result"

# Why an http-mode step has STATUS_NOT_RUN; without a reason, the wall time
# of the whole run was used up.
NOT_RUN_APP_STOPPED = "app_stopped"
NOT_RUN_MISSING_CAPTURE = "missing_capture"

REPORT_OK = "ok"
REPORT_SYNTAX_ERROR = "syntax_error"
REPORT_HARNESS_ERROR = "harness_error"

# Deeper values are reported as unsupported instead of risking a
# RecursionError while encoding or decoding them.
MAX_VALUE_DEPTH = 100

_TAG_FLOAT = "$float"
_TAG_TUPLE = "$tuple"
_TAG_SET = "$set"
_TAG_FROZENSET = "$frozenset"
_TAG_DICT = "$dict"
_TAG_BYTES = "$bytes"
_TAG_UNSUPPORTED = "$unsupported"
_REPR_LIMIT = 200


class UnsupportedValue:
    """A returned value the codec cannot carry; it equals nothing.

    ``type_name`` and ``text`` (a shortened ``repr``) are shown to the
    student so they can see what their function returned.
    """

    def __init__(self, type_name: str, text: str) -> None:
        self.type_name = type_name
        self.text = text

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return self.text


def encode_value(value: Any, depth: int = 0) -> Any:
    """Encode ``value`` into a JSON-compatible tree with type tags."""
    if depth > MAX_VALUE_DEPTH:
        return _unsupported(value, "nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return _encode_int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else {_TAG_FLOAT: repr(value)}
    if isinstance(value, list):
        return [encode_value(item, depth + 1) for item in value]
    if isinstance(value, tuple):
        return {_TAG_TUPLE: [encode_value(item, depth + 1) for item in value]}
    if isinstance(value, (set, frozenset)):
        tag = _TAG_SET if isinstance(value, set) else _TAG_FROZENSET
        return {tag: [encode_value(item, depth + 1) for item in value]}
    if isinstance(value, dict):
        pairs = [
            [encode_value(key, depth + 1), encode_value(item, depth + 1)]
            for key, item in value.items()
        ]
        return {_TAG_DICT: pairs}
    if isinstance(value, (bytes, bytearray)):
        return {_TAG_BYTES: base64.b64encode(bytes(value)).decode("ascii")}
    return _unsupported(value, "")


def decode_value(data: Any, depth: int = 0) -> Any:
    """Decode a tree made by ``encode_value``; malformed parts become unsupported.

    The input comes from the sandbox, so every shape is checked instead of
    trusted, and decoding never raises.
    """
    if depth > MAX_VALUE_DEPTH:
        return UnsupportedValue("?", "<nested too deeply>")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode_value(item, depth + 1) for item in data]
    if isinstance(data, dict) and len(data) == 1:
        tag, payload = next(iter(data.items()))
        try:
            return _decode_tagged(tag, payload, depth)
        except (TypeError, ValueError, KeyError):
            pass
    return UnsupportedValue("?", "<malformed value>")


def dumps(message: dict[str, Any]) -> bytes:
    """Serialize a protocol message as compact UTF-8 JSON."""
    text = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass")


def loads(data: bytes) -> Any:
    """Parse a protocol message; raises ``ValueError`` when it is not JSON."""
    return json.loads(data.decode("utf-8", "surrogatepass"))


def _encode_int(value: int) -> Any:
    # Integers beyond the str-conversion digit limit (4300 digits in Python
    # 3.11) cannot be written as JSON.
    try:
        json.dumps(value)
    except ValueError:
        return _unsupported(value, "integer too large")
    return value


def _unsupported(value: Any, reason: str) -> dict[str, Any]:
    type_name = type(value).__name__
    if reason:
        text = f"<{type_name}: {reason}>"
    else:
        try:
            text = repr(value)
        except Exception:  # A student's __repr__ may raise anything.
            text = f"<{type_name} with a failing __repr__>"
        if len(text) > _REPR_LIMIT:
            text = text[:_REPR_LIMIT] + "..."
    return {_TAG_UNSUPPORTED: {"type": type_name, "repr": text}}


def _decode_tagged(tag: str, payload: Any, depth: int) -> Any:
    if tag == _TAG_FLOAT:
        if payload not in ("nan", "inf", "-inf"):
            raise ValueError(payload)
        return float(payload)
    if tag == _TAG_BYTES:
        return base64.b64decode(payload, validate=True)
    if tag == _TAG_UNSUPPORTED:
        return UnsupportedValue(str(payload["type"]), str(payload["repr"]))
    if not isinstance(payload, list):
        raise TypeError(tag)
    items = [decode_value(item, depth + 1) for item in payload]
    if tag == _TAG_TUPLE:
        return tuple(items)
    if tag == _TAG_SET:
        return set(items)
    if tag == _TAG_FROZENSET:
        return frozenset(items)
    if tag == _TAG_DICT:
        return dict(_pair(item) for item in items)
    raise ValueError(tag)


def _pair(item: Any) -> tuple[Any, Any]:
    if not isinstance(item, list) or len(item) != 2:
        raise ValueError("dict entries must be [key, value] pairs")
    return item[0], item[1]
