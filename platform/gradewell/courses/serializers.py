"""Serializers for courses and assignments."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from gradewell.courses.models import Assignment, Course, EnrollmentRole, LatePolicy


class CourseSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(
        help_text="The caller's role in this course, or null for admins outside it."
    )
    enrollment_code = serializers.SerializerMethodField(
        help_text="Shown to the course's teachers only."
    )

    class Meta:
        model = Course
        fields = [
            "id",
            "title",
            "code",
            "description",
            "grading_policy",
            "enrollment_open",
            "role",
            "enrollment_code",
        ]

    def get_role(self, course: Course) -> str | None:
        return self._roles().get(course.pk)

    def get_enrollment_code(self, course: Course) -> str | None:
        user = self.context["request"].user
        if user.is_platform_admin or self._roles().get(course.pk) == "teacher":
            return course.enrollment_code
        return None

    def _roles(self) -> dict[int, str]:
        # One query per response rather than one per course.
        if "roles" not in self.context:
            user = self.context["request"].user
            self.context["roles"] = dict(
                user.enrollments.values_list("course_id", "role")
            )
        return self.context["roles"]


class JoinCourseSerializer(serializers.Serializer):
    enrollment_code = serializers.CharField(max_length=64)


class AssignmentExerciseSerializer(serializers.Serializer):
    slug = serializers.CharField(source="exercise.slug")
    title = serializers.CharField(source="exercise.title")
    kind = serializers.CharField(source="exercise.kind")
    points = serializers.DecimalField(
        source="exercise.points", max_digits=8, decimal_places=2
    )
    position = serializers.IntegerField()


class AssignmentSerializer(serializers.ModelSerializer):
    is_open = serializers.SerializerMethodField(
        help_text="Whether a submission made now would be accepted."
    )
    exercises = serializers.SerializerMethodField(
        help_text="Listed once the assignment opens, or always for its teachers."
    )

    class Meta:
        model = Assignment
        fields = [
            "id",
            "course",
            "title",
            "description",
            "position",
            "opens_at",
            "due_at",
            "late_policy",
            "late_penalty_percent",
            "late_until",
            "max_attempts",
            "is_published",
            "is_open",
            "exercises",
        ]

    def get_is_open(self, assignment: Assignment) -> bool:
        now = timezone.now()
        if now < assignment.opens_at:
            return False
        if now <= assignment.due_at:
            return True
        if assignment.late_policy == LatePolicy.REJECT:
            return False
        return assignment.late_until is None or now <= assignment.late_until

    def get_exercises(self, assignment: Assignment) -> list[dict[str, Any]]:
        role = self.context.get("course_role")
        user = self.context["request"].user
        teaches = role == EnrollmentRole.TEACHER or user.is_platform_admin
        if not teaches and assignment.opens_at > timezone.now():
            return []
        links = assignment.exercise_links.all()
        return AssignmentExerciseSerializer(links, many=True).data
