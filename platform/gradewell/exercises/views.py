"""Exercises as the caller sees them: their own variant, never the key."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from gradewell.exercises.filters import ExerciseFilter
from gradewell.exercises.models import Exercise
from gradewell.exercises.serializers import (
    ExerciseStudentSerializer,
    ExerciseTeacherSerializer,
)
from gradewell.exercises.services import seed_for, variant_for


class ExerciseViewSet(viewsets.ReadOnlyModelViewSet):
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

    def _serialize(self, data: Any, many: bool = False) -> BaseSerializer:
        exercises = data if many else [data]
        variants = {
            exercise.pk: variant_for(exercise, seed_for(self.request.user, exercise))
            for exercise in exercises
        }
        context = {**self.get_serializer_context(), "variants": variants}
        return self.get_serializer_class()(data, many=many, context=context)
