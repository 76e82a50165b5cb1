"""JSON error pages for requests that never reach a DRF view."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from gradewell.api.errors import error_body


@csrf_exempt
def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(
        error_body("not_found", f"No endpoint at {request.path}."), status=404
    )


def server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        error_body("server_error", "The server failed to handle the request."),
        status=500,
    )
