"""Teachers' views of submissions: review lists, overrides and regrades."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from gradewell.api.errors import ApiError
from gradewell.api.filters import IdFilter
from gradewell.courses.models import Assignment, Course
from gradewell.courses.permissions import require_teacher
from gradewell.exercises.models import Exercise
from gradewell.submissions import overrides, regrades
from gradewell.submissions.filters import SubmissionFilter
from gradewell.submissions.models import RegradeJob, Submission
from gradewell.submissions.serializers import (
    OverrideSerializer,
    RegradeJobSerializer,
    RegradeRequestSerializer,
    RemoveOverrideSerializer,
    SubmissionReviewSerializer,
)


class CourseSubmissionFilter(SubmissionFilter):
    student = IdFilter(field_name="user_id")

    class Meta(SubmissionFilter.Meta):
        fields = [*SubmissionFilter.Meta.fields, "student"]


class CourseSubmissionsView(generics.ListAPIView):
    """Every submission of a course, for its teachers to review."""

    serializer_class = SubmissionReviewSerializer
    filterset_class = CourseSubmissionFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]

    def get_queryset(self) -> QuerySet[Submission]:
        if getattr(self, "swagger_fake_view", False):
            return Submission.objects.none()
        require_teacher(self.request.user, self.kwargs["course_id"])
        return (
            Submission.objects.filter(assignment__course_id=self.kwargs["course_id"])
            .select_related("user", "exercise", "exercise_version", "override_by")
            .prefetch_related("history__actor")
            .order_by("-created_at")
        )


def teacher_submission(request: Request, submission_id: Any) -> Submission:
    """Return a submission the caller teaches, or raise 404 or 403."""
    submission = generics.get_object_or_404(
        Submission.objects.for_user(request.user).select_related("assignment"),
        pk=submission_id,
    )
    course_id = submission.assignment.course_id if submission.assignment else None
    require_teacher(request.user, course_id)
    return submission


@extend_schema(request=OverrideSerializer, responses={200: SubmissionReviewSerializer})
@api_view(["POST", "DELETE"])
def override_view(request: Request, submission_id: Any) -> Response:
    submission = teacher_submission(request, submission_id)
    if request.method == "DELETE":
        serializer = RemoveOverrideSerializer(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        updated = overrides.do_remove_override(
            submission, request.user, serializer.validated_data["reason"]
        )
    else:
        serializer = OverrideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = overrides.do_override(
            submission,
            request.user,
            serializer.validated_data["score"],
            serializer.validated_data["reason"],
        )
    return Response(SubmissionReviewSerializer(updated).data)


class RegradeJobViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Regrade a submission, an assignment, or an exercise within a course."""

    serializer_class = RegradeJobSerializer

    def get_queryset(self) -> QuerySet[RegradeJob]:
        if getattr(self, "swagger_fake_view", False):
            return RegradeJob.objects.none()
        taught = Course.objects.taught_by(self.request.user)
        return RegradeJob.objects.filter(course__in=taught)

    @extend_schema(
        request=RegradeRequestSerializer, responses={202: RegradeJobSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = RegradeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target: dict[str, Any] = {}
        if "submission" in data:
            submission = teacher_submission(request, data["submission"])
            course = submission.assignment.course
            target["submission"] = submission
        elif "assignment" in data:
            assignment = _assignment(data["assignment"])
            require_teacher(request.user, assignment.course_id)
            course = assignment.course
            target["assignment"] = assignment
        else:
            require_teacher(request.user, data["course"])
            course = Course.objects.get(pk=data["course"])
            target["exercise"] = _exercise(data["exercise"])
        scope, submissions = regrades.scope_submissions(course, **target)
        job = regrades.do_request_regrade(
            actor=request.user,
            course=course,
            scope=scope,
            submissions=submissions,
            **target,
        )
        return Response(RegradeJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


def _assignment(assignment_id: int) -> Assignment:
    assignment = Assignment.objects.select_related("course").filter(pk=assignment_id)
    found = assignment.first()
    if found is None:
        raise ApiError(
            f"No assignment with id {assignment_id} exists.",
            code="not_found",
            field="assignment",
        )
    return found


def _exercise(slug: str) -> Exercise:
    found = Exercise.objects.filter(slug=slug).first()
    if found is None:
        raise ApiError(
            f"No exercise with slug {slug!r} exists.",
            code="not_found",
            field="exercise",
        )
    return found
