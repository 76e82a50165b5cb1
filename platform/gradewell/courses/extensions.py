"""Per-student extensions: a later due time or extra attempts."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from gradewell.accounts.models import User
from gradewell.api.filters import MAX_ID
from gradewell.audit import services as audit
from gradewell.courses.models import Assignment, EnrollmentRole, Extension
from gradewell.courses.permissions import require_teacher


class ExtensionSerializer(serializers.ModelSerializer):
    student = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    granted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Extension
        fields = [
            "id",
            "student",
            "due_at",
            "extra_attempts",
            "reason",
            "granted_by",
            "created_at",
        ]
        read_only_fields = ["id", "granted_by", "created_at"]
        # The unique (assignment, student) pair is enforced by the view,
        # which updates an existing extension instead of failing.
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        assignment: Assignment = self.context["assignment"]
        student: User = attrs["student"]
        enrolled = assignment.course.enrollments.filter(
            user=student, role=EnrollmentRole.STUDENT
        ).exists()
        if not enrolled:
            raise serializers.ValidationError(
                {"student": "This user is not a student of the assignment's course."}
            )
        due_at = attrs.get("due_at")
        if due_at is not None and due_at <= assignment.due_at:
            raise serializers.ValidationError(
                {"due_at": "An extension must end after the assignment's due time."}
            )
        if due_at is None and not attrs.get("extra_attempts"):
            raise serializers.ValidationError(
                "Give a later due_at, extra_attempts above 0, or both."
            )
        return attrs


class AssignmentExtensionsView(generics.ListCreateAPIView):
    serializer_class = ExtensionSerializer

    def assignment(self) -> Assignment:
        assignment = generics.get_object_or_404(
            Assignment.objects.select_related("course"), pk=self.kwargs["assignment_id"]
        )
        require_teacher(self.request.user, assignment.course_id)
        return assignment

    def get_queryset(self) -> QuerySet[Extension]:
        if getattr(self, "swagger_fake_view", False):
            return Extension.objects.none()
        return self.assignment().extensions.select_related("granted_by")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assignment = self.assignment()
        serializer = ExtensionSerializer(
            data=request.data, context={"assignment": assignment}
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            # A second grant for the same student changes only the fields it
            # names, so adding attempts keeps an earlier due date.
            given = {
                field: data[field]
                for field in ("due_at", "extra_attempts", "reason")
                if field in request.data
            }
            extension, created = Extension.objects.update_or_create(
                assignment=assignment,
                student=data["student"],
                defaults={**given, "granted_by": request.user},
            )
            audit.record(
                "extension_granted",
                actor=request.user,
                target=extension,
                course_id=assignment.course_id,
                details={
                    "student_id": data["student"].pk,
                    "due_at": extension.due_at.isoformat()
                    if extension.due_at
                    else None,
                    "extra_attempts": extension.extra_attempts,
                },
            )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(ExtensionSerializer(extension).data, status=code)


class AssignmentExtensionDetailView(generics.DestroyAPIView):
    serializer_class = ExtensionSerializer

    def get_object(self) -> Extension:
        assignment = generics.get_object_or_404(
            Assignment.objects.select_related("course"), pk=self.kwargs["assignment_id"]
        )
        require_teacher(self.request.user, assignment.course_id)
        student_id = self.kwargs["student_id"]
        if student_id > MAX_ID:
            raise Http404
        return generics.get_object_or_404(assignment.extensions, student_id=student_id)

    def perform_destroy(self, instance: Extension) -> None:
        with transaction.atomic():
            audit.record(
                "extension_removed",
                actor=self.request.user,
                target=instance,
                course_id=instance.assignment.course_id,
            )
            instance.delete()
