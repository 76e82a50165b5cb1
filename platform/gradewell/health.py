"""Liveness endpoint for process supervisors and load balancers."""

from django.http import HttpRequest, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    """Report that the process serves requests; checks no dependency."""
    return JsonResponse({"status": "ok"})
