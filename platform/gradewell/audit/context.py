"""The request id and client address of the work in progress.

The request middleware sets them for a web request; the grading task sets
the request id it was sent with, so audit records and log lines of one
submission share it from the API to the worker.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

import structlog

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
client_ip_var: ContextVar[str] = ContextVar("client_ip", default="")

# Accept a caller's X-Request-ID only when it is a plain token, so that log
# lines and headers never carry arbitrary text.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def accept_request_id(header_value: str | None) -> str:
    """Return the caller's request id when valid, or a new one."""
    if header_value and _VALID_REQUEST_ID.match(header_value):
        return header_value
    return uuid.uuid4().hex


def bind(request_id: str, client_ip: str = "") -> None:
    request_id_var.set(request_id)
    client_ip_var.set(client_ip)
    structlog.contextvars.bind_contextvars(request_id=request_id)


def clear() -> None:
    request_id_var.set("")
    client_ip_var.set("")
    structlog.contextvars.clear_contextvars()
