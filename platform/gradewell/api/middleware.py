"""Middleware for the API's request limits."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from gradewell.api.errors import error_body, request_too_large_response


class RequestSizeLimitMiddleware:
    """Answer 413 before reading a body whose declared length is over the limit.

    Django would otherwise raise RequestDataTooBig only when the view reads
    the body, and turn it into a bare 400.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _is_chunked(request) and not request.META.get("CONTENT_LENGTH"):
            # WSGI servers hand Django no body for chunked requests, so it
            # would be read as empty; ask for a length instead.
            return JsonResponse(
                error_body(
                    "length_required",
                    "Chunked request bodies are not supported. Send the body "
                    "with a Content-Length header.",
                ),
                status=411,
            )
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return request_too_large_response(limit)
        return self.get_response(request)


def _is_chunked(request: HttpRequest) -> bool:
    encoding = request.META.get("HTTP_TRANSFER_ENCODING", "")
    return "chunked" in encoding.lower()
