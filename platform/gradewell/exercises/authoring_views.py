"""Create, edit and copy exercises through the API (teachers and admins)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from gradewell.exercises import authoring

COPY_REQUEST = inline_serializer(
    "ExerciseCopy",
    {"slug": serializers.CharField(), "title": serializers.CharField(required=False)},
)


class ExerciseAuthoringMixin:
    """Adds POST (create), PUT (edit) and POST .../copy to the exercise viewset.

    The body is an exercise definition with the keys of an ``exercise.yaml``
    file and the statement inline; see exercises/README.md.
    """

    @extend_schema(request=OpenApiTypes.OBJECT)
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _require_author(request)
        exercise = authoring.do_create(request.user, request.data)
        body = self._serialize(exercise).data  # type: ignore[attr-defined]
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=OpenApiTypes.OBJECT)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        _require_author(request)
        exercise = self.get_object()  # type: ignore[attr-defined]
        updated, _ = authoring.do_update(exercise, request.user, request.data)
        return Response(self._serialize(updated).data)  # type: ignore[attr-defined]

    @extend_schema(request=COPY_REQUEST)
    @action(detail=True, methods=["post"])
    def copy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Copy an exercise, bank or authored, under a new slug you can edit."""
        _require_author(request)
        source = self.get_object()  # type: ignore[attr-defined]
        body = request.data if isinstance(request.data, dict) else {}
        copied = authoring.do_copy(
            source, request.user, body.get("slug"), body.get("title")
        )
        data = self._serialize(copied).data  # type: ignore[attr-defined]
        return Response(data, status=status.HTTP_201_CREATED)


def _require_author(request: Request) -> None:
    if not request.user.is_teacher:
        raise PermissionDenied("Only teachers and admins may write exercises.")
