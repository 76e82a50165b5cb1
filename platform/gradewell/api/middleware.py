"""Middleware for the API's request limits."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from gradewell.api.errors import request_too_large_response


class RequestSizeLimitMiddleware:
    """Answer 413 before reading a body whose declared length is over the limit.

    Django would otherwise raise RequestDataTooBig only when the view reads
    the body, and turn it into a bare 400.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return request_too_large_response(limit)
        return self.get_response(request)
