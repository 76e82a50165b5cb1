"""Submitting answers and reading their grading results."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from gradewell.api.errors import ApiError
from gradewell.conf import gradewell_setting
from gradewell.exercises.models import Exercise
from gradewell.submissions import services
from gradewell.submissions.filters import SubmissionFilter
from gradewell.submissions.models import Submission
from gradewell.submissions.serializers import (
    SubmissionCreateSerializer,
    SubmissionReviewSerializer,
    SubmissionSerializer,
)

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Any unique string; a retried request with the same key returns "
    "the first submission instead of making a second one.",
)


class SubmissionViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilter

    def get_queryset(self) -> QuerySet[Submission]:
        if getattr(self, "swagger_fake_view", False):
            return Submission.objects.none()
        queryset = Submission.objects.for_user(self.request.user)
        if self.action == "list":
            # The list is the caller's own work; teachers review their
            # courses' submissions through the review endpoints.
            queryset = queryset.filter(user=self.request.user)
        return queryset.select_related("exercise", "exercise_version")

    @extend_schema(
        request=SubmissionCreateSerializer,
        responses={202: SubmissionSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Submit an answer; it is graded in the background."""
        serializer = SubmissionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        key = self._idempotency_key(request)
        exercise = (
            Exercise.objects.select_related("current_version")
            .filter(slug=data["exercise"])
            .first()
        )
        if exercise is None:
            raise ApiError(
                f"No exercise with slug {data['exercise']!r} exists. Use a slug "
                "from GET /api/v1/exercises.",
                code="not_found",
                field="exercise",
            )
        submission, created = services.do_submit(
            user=request.user,
            exercise=exercise,
            assignment_id=data.get("assignment"),
            answer=data["answer"],
            idempotency_key=key,
        )
        body = SubmissionSerializer(submission).data
        response = Response(body, status=status.HTTP_202_ACCEPTED)
        response["Location"] = reverse("submission-detail", args=[submission.pk])
        if not created:
            response["Idempotent-Replayed"] = "true"
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        submission = self.get_object()
        if submission.user_id == request.user.pk:
            return Response(SubmissionSerializer(submission).data)
        # Only the course's teachers and admins reach another user's work.
        return Response(SubmissionReviewSerializer(submission).data)

    def _idempotency_key(self, request: Request) -> str | None:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return None
        limit = gradewell_setting("MAX_IDEMPOTENCY_KEY_CHARS")
        key = key.strip()
        if not key or len(key) > limit or not key.isprintable():
            raise ApiError(
                f"Idempotency-Key must be 1 to {limit} printable characters long.",
                code="invalid",
                field="Idempotency-Key",
            )
        return key
