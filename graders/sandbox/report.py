"""Build the harness request and read the harness report; shared by all backends."""

from __future__ import annotations

import secrets
from typing import Any

from graders.harness import protocol
from graders.sandbox.base import HarnessInput
from graders.sandbox.limits import Limits
from graders.sandbox.results import (
    CapturedText,
    CaseResult,
    HarnessReport,
    SyntaxErrorInfo,
)

# JSON escapes a control character as six bytes (\u0000), so a report can
# be up to six times the size of the output it carries.
_JSON_ESCAPE_FACTOR = 6
_REPORT_OVERHEAD_BYTES = 1024 * 1024


def build_request(
    source: str, harness_input: HarnessInput, limits: Limits
) -> tuple[bytes, str]:
    """Return the request for the supervisor's stdin and the nonce it must echo."""
    nonce = secrets.token_hex(16)
    request = {
        "protocol": protocol.PROTOCOL_VERSION,
        "nonce": nonce,
        "mode": harness_input.mode,
        "function": harness_input.function,
        "app": harness_input.app,
        "source": source,
        "cases": [
            _encode_case(harness_input.mode, case) for case in harness_input.cases
        ],
        "limits": {
            "case_time_s": limits.case_time_s,
            "wall_time_s": limits.wall_time_s,
            "memory_bytes": limits.memory_bytes,
            "file_size_bytes": limits.file_size_bytes,
            "open_files": limits.open_files,
            "output_bytes": limits.output_bytes,
            "return_value_bytes": limits.return_value_bytes,
        },
    }
    return protocol.dumps(request), nonce


def report_stream_cap(limits: Limits, case_count: int) -> int:
    """Return the most bytes a correct supervisor can write to stdout.

    Backends stop reading, and kill the sandbox, past this, so a broken
    harness cannot make the worker buffer unbounded output.
    """
    per_case = 2 * limits.output_bytes + limits.return_value_bytes
    return case_count * per_case * _JSON_ESCAPE_FACTOR + _REPORT_OVERHEAD_BYTES


def parse_report(
    data: bytes, nonce: str, limits: Limits
) -> tuple[HarnessReport | None, str]:
    """Parse the supervisor's stdout; return the report or None and the reason."""
    if not data:
        return None, "the harness wrote no report"
    try:
        raw = protocol.loads(data)
    except (ValueError, RecursionError) as error:
        return None, f"the harness report is not valid JSON: {error!r}"
    if not isinstance(raw, dict):
        return None, "the harness report is not a JSON object"
    if raw.get("nonce") != nonce:
        return None, "the harness report carries the wrong nonce"

    try:
        report = _report_from_raw(raw, limits.output_bytes)
    except (
        TypeError,
        ValueError,
        KeyError,
        AttributeError,
        ArithmeticError,
        RecursionError,
    ) as error:
        return None, f"the harness report is malformed: {error!r}"
    return report, ""


def _encode_case(mode: str, case: Any) -> dict[str, Any]:
    if mode == protocol.MODE_PROGRAM:
        return {"stdin": case.stdin}
    if mode == protocol.MODE_HTTP:
        return {"step": dict(case.step)}
    return {
        "args": protocol.encode_value(list(case.args)),
        "kwargs": protocol.encode_value(dict(case.kwargs)),
    }


def _report_from_raw(raw: dict[str, Any], output_limit: int) -> HarnessReport:
    status = str(raw["status"])
    syntax_error = None
    if status == protocol.REPORT_SYNTAX_ERROR:
        details = raw.get("syntax_error") or {}
        syntax_error = SyntaxErrorInfo(
            message=str(details.get("message", "")),
            line=_optional_int(details.get("line")),
            offset=_optional_int(details.get("offset")),
            text=str(details.get("text", "")),
        )
    return HarnessReport(
        status=status,
        cases=[_case_from_raw(case, output_limit) for case in raw.get("cases", [])],
        syntax_error=syntax_error,
        error=str(raw.get("error", "")),
        duration_s=float(raw.get("duration_s", 0.0)),
    )


def _case_from_raw(raw: dict[str, Any], output_limit: int) -> CaseResult:
    exception = raw.get("exception") or {}
    return CaseResult(
        status=str(raw["status"]),
        duration_s=float(raw.get("duration_s", 0.0)),
        value=protocol.decode_value(raw.get("value")),
        exit_code=_optional_int(raw.get("exit_code")),
        signal=_optional_int(raw.get("signal")),
        exception_type=str(exception.get("type", "")),
        exception_message=str(exception.get("message", "")),
        traceback=str(exception.get("traceback", "")),
        stdout=_captured(raw, "stdout", output_limit),
        stderr=_captured(raw, "stderr", output_limit),
        response=_response(raw.get("response")),
        not_run_reason=str(raw.get("reason", "")),
        stopped_at=_optional_int(raw.get("stopped_at")),
        missing_capture=str(raw.get("capture", "")),
    )


def _response(raw: Any) -> dict[str, Any] | None:
    """Return an http step's response with its fields checked, or None."""
    if not isinstance(raw, dict):
        return None
    headers = raw.get("headers") or {}
    return {
        "status": int(raw["status"]),
        "headers": {str(name): str(value) for name, value in headers.items()},
        "body": str(raw.get("body", "")),
        "body_bytes": int(raw.get("body_bytes", 0)),
        "body_truncated": bool(raw.get("body_truncated", False)),
    }


def _captured(raw: dict[str, Any], name: str, limit: int) -> CapturedText:
    return CapturedText(str(raw.get(name, "")), int(raw.get(f"{name}_bytes", 0)), limit)


def _optional_int(value: Any) -> int | None:
    if value is None:
        return None
    return int(value)
