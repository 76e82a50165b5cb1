"""The response django-axes sends once a client or account is locked out."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.http import HttpRequest, JsonResponse

from gradewell.api.errors import error_body


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    response = JsonResponse(
        error_body(
            "too_many_failed_sign_ins",
            "Too many failed sign-ins from this address or for this account. "
            f"Try again in {seconds} seconds.",
        ),
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
