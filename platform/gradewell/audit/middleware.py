"""Request ids: taken from X-Request-ID or generated, logged and returned."""

from __future__ import annotations

from collections.abc import Callable

import structlog
from django.http import HttpRequest, HttpResponse

from gradewell.audit import context

logger = structlog.get_logger(__name__)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = context.accept_request_id(request.headers.get("X-Request-ID"))
        context.bind(request_id, request.META.get("REMOTE_ADDR", ""))
        request.request_id = request_id  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            context.clear()
        response["X-Request-ID"] = request_id
        return response
