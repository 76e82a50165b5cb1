"""Runner side of the ``http`` mode: send one step to the app's test client.

Imported by ``runner.py``. Flask's test client calls the app in this
process, so no socket is opened. Flask is imported only when an http run
starts, so the other modes work without it.
"""

from __future__ import annotations

from typing import Any

# Reported header values are cut to this many characters.
_HEADER_CHARS = 2000


def make_test_client(candidate: Any) -> Any:
    """Return a test client for ``candidate``, or None when it is no Flask app.

    Unhandled exceptions propagate out of the client, so the runner reports
    the student's traceback instead of Flask's generic 500 page. Error
    handlers the app registers still run first.
    """
    import flask

    if not isinstance(candidate, flask.Flask):
        return None
    candidate.config["PROPAGATE_EXCEPTIONS"] = True
    return candidate.test_client()


def run_step(client: Any, step: dict[str, Any]) -> dict[str, Any]:
    """Send ``step`` and describe the response, its body cut at the limit."""
    options: dict[str, Any] = {
        "method": step["method"],
        "headers": step.get("headers") or {},
    }
    if "json" in step:
        options["json"] = step["json"]
    if "data" in step:
        options["data"] = step["data"]
    response = client.open(step["path"], **options)
    try:
        body, body_bytes = _read_body(response, step["body_limit"])
        headers = {}
        for name in step.get("report_headers", []):
            values = response.headers.getlist(name)
            if values:
                headers[name] = ", ".join(values)[:_HEADER_CHARS]
        status = response.status_code
    finally:
        response.close()
    return {
        "status": status,
        "headers": headers,
        "body": body.decode("utf-8", "replace"),
        "body_bytes": body_bytes,
        "body_truncated": body_bytes > len(body),
    }


def _read_body(response: Any, limit: int) -> tuple[bytes, int]:
    """Read at most ``limit`` bytes, so an endless streamed body ends too."""
    data = bytearray()
    total = 0
    for chunk in response.iter_encoded():
        total += len(chunk)
        room = limit - len(data)
        if room > 0:
            data += chunk[:room]
        if total > limit:
            break
    return bytes(data), total
