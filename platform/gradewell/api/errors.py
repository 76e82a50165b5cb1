"""One JSON error shape for every API failure.

Every error body is ``{"error": {"code", "message", "field", "details"}}``:
``code`` is a stable machine-readable string, ``message`` a sentence for
people, ``field`` the request field at fault (or null), and ``details`` a list
of every field problem when there are several.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ApiError(exceptions.APIException):
    """An error with an explicit code, status and optional field."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status_code: int = status.HTTP_400_BAD_REQUEST,
        field: str | None = None,
    ) -> None:
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.field = field
        self.error_code = code


def error_body(
    code: str,
    message: str,
    field: str | None = None,
    details: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "field": field,
            "details": details or [],
        }
    }


def request_too_large_body(limit: int) -> dict[str, Any]:
    return error_body(
        "request_too_large",
        f"The request body is larger than the limit of {limit} bytes. "
        "Send a smaller body.",
    )


def request_too_large_response(limit: int) -> JsonResponse:
    return JsonResponse(
        request_too_large_body(limit), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        return Response(
            request_too_large_body(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    if isinstance(exc, ApiError):
        details = getattr(exc, "details", None)
        response.data = error_body(exc.error_code, str(exc.detail), exc.field, details)
    elif isinstance(exc, exceptions.ValidationError):
        details = list(_flatten_validation_errors(exc.detail))
        first = details[0] if details else {"field": None, "message": "Invalid."}
        message = first["message"]
        if first["field"]:
            message = f"{first['field']}: {message}"
        response.data = error_body("invalid", message, first["field"], details)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else exc
        response.data = error_body(_code_of(exc), _message_of(detail))
    return response


def _code_of(exc: Exception) -> str:
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        if isinstance(codes, str):
            return codes
        if isinstance(codes, dict) and "code" in codes:
            code = codes["code"]
            return code if isinstance(code, str) else str(code)
        return exc.default_code
    return "error"


def _message_of(detail: Any) -> str:
    if isinstance(detail, dict):
        if "detail" in detail:
            return str(detail["detail"])
        return "; ".join(
            f"{key}: {_message_of(value)}" for key, value in detail.items()
        )
    if isinstance(detail, list):
        return " ".join(_message_of(item) for item in detail)
    return str(detail)


def _flatten_validation_errors(
    detail: Any, prefix: str = ""
) -> Iterator[dict[str, Any]]:
    """Yield one {"field", "code", "message"} per leaf of a DRF error tree."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = prefix if key == "non_field_errors" else _join(prefix, str(key))
            yield from _flatten_validation_errors(value, name)
    elif isinstance(detail, list):
        if all(isinstance(item, exceptions.ErrorDetail) for item in detail):
            for item in detail:
                yield _leaf(prefix, item)
        else:
            for index, item in enumerate(detail):
                yield from _flatten_validation_errors(item, f"{prefix}[{index}]")
    else:
        yield _leaf(prefix, detail)


def _leaf(field: str, item: Any) -> dict[str, Any]:
    return {
        "field": field or None,
        "code": getattr(item, "code", "invalid"),
        "message": str(item),
    }


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key
