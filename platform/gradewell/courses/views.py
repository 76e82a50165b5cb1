"""Courses the caller belongs to, joining one, and its assignments."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle

from gradewell.courses import services
from gradewell.courses.assignment_authoring import (
    AssignmentWriteSerializer,
    create_assignment,
)
from gradewell.courses.models import Assignment, AssignmentExercise, Course
from gradewell.courses.serializers import (
    AssignmentSerializer,
    CourseSerializer,
    JoinCourseSerializer,
)


class CourseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CourseSerializer

    def get_queryset(self) -> QuerySet[Course]:
        if getattr(self, "swagger_fake_view", False):
            return Course.objects.none()
        return Course.objects.for_user(self.request.user)

    def get_throttles(self) -> list[BaseThrottle]:
        # Enrollment codes are secrets: limit how fast one user can guess.
        if self.action == "join":
            self.throttle_scope = "join"
            return [ScopedRateThrottle()]
        return super().get_throttles()

    @extend_schema(
        request=JoinCourseSerializer,
        responses={201: CourseSerializer, 200: CourseSerializer},
    )
    @action(detail=False, methods=["post"])
    def join(self, request: Request) -> Response:
        """Join a course as a student with the enrollment code its teacher gave."""
        serializer = JoinCourseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enrollment, created = services.do_join_course(
            request.user, serializer.validated_data["enrollment_code"]
        )
        data = CourseSerializer(enrollment.course, context={"request": request}).data
        return Response(
            data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class CourseAssignmentsView(generics.ListCreateAPIView):
    """Assignments of one course, in order; its teachers may add one."""

    serializer_class = AssignmentSerializer

    def get_queryset(self) -> QuerySet[Assignment]:
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()  # Schema generation has no user.
        course = generics.get_object_or_404(
            Course.objects.for_user(self.request.user), pk=self.kwargs["course_id"]
        )
        self.course_role = (
            course.enrollments.filter(user=self.request.user)
            .values_list("role", flat=True)
            .first()
        )
        links = AssignmentExercise.objects.select_related("exercise")
        return (
            Assignment.objects.for_user(self.request.user)
            .filter(course=course)
            .prefetch_related(Prefetch("exercise_links", queryset=links))
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["course_role"] = getattr(self, "course_role", None)
        return context

    @extend_schema(
        request=AssignmentWriteSerializer, responses={201: AssignmentSerializer}
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        course = generics.get_object_or_404(
            Course.objects.for_user(request.user), pk=self.kwargs["course_id"]
        )
        return create_assignment(request, course)
