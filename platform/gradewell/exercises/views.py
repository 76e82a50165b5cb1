"""Exercises as the caller sees them: their own variant, never the key."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from gradewell.api.negotiation import FirstRendererNegotiation
from gradewell.exercises.authoring_views import ExerciseAuthoringMixin
from gradewell.exercises.filters import ExerciseFilter
from gradewell.exercises.models import Exercise
from gradewell.exercises.serializers import (
    ExerciseStudentSerializer,
    ExerciseTeacherSerializer,
)
from gradewell.exercises.services import figure_for, seed_for, variant_for

# A browser may open a figure's SVG directly, as a page. This policy stops the
# page from loading or running anything, even if a drawing were ever wrong.
FIGURE_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


class ExerciseViewSet(ExerciseAuthoringMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    filterset_class = ExerciseFilter

    def get_queryset(self) -> QuerySet[Exercise]:
        if getattr(self, "swagger_fake_view", False):
            return Exercise.objects.none()
        return (
            Exercise.objects.for_user(self.request.user)
            .select_related("current_version")
            .order_by("topic", "slug")
        )

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.request.user.is_authenticated and self.request.user.is_teacher:
            return ExerciseTeacherSerializer
        return ExerciseStudentSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        exercises = list(page if page is not None else queryset)
        serializer = self._serialize(exercises, many=True)
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._serialize(self.get_object()).data)

    @extend_schema(
        operation_id="exercises_figure_retrieve",
        responses={
            (200, "image/svg+xml"): OpenApiResponse(
                OpenApiTypes.STR, description="The figure drawn for your variant."
            ),
            404: OpenApiResponse(description="No such exercise or figure."),
        },
    )
    @action(
        detail=True,
        url_path=r"figures/(?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)\.svg",
        url_name="figure",
        content_negotiation_class=FirstRendererNegotiation,
    )
    def figure(self, request: Request, slug: str, name: str) -> HttpResponse:
        """Draw figure ``name`` of the caller's own variant as SVG."""
        exercise = self.get_object()
        svg = figure_for(exercise, seed_for(request.user, exercise), name)
        if svg is None:
            raise NotFound(f"Exercise {exercise.slug} has no figure named {name}.")
        response = HttpResponse(svg, content_type="image/svg+xml")
        response["Content-Security-Policy"] = FIGURE_SECURITY_POLICY
        # The picture belongs to one student, so shared caches must not keep it.
        response["Cache-Control"] = "private, no-cache"
        return response

    def _serialize(self, data: Any, many: bool = False) -> BaseSerializer:
        exercises = data if many else [data]
        variants = {
            exercise.pk: variant_for(exercise, seed_for(self.request.user, exercise))
            for exercise in exercises
        }
        context = {**self.get_serializer_context(), "variants": variants}
        return self.get_serializer_class()(data, many=many, context=context)
