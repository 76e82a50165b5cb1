"""Courses, who is in them, and the assignments they set."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

if TYPE_CHECKING:
    from gradewell.accounts.models import User


def new_enrollment_code() -> str:
    return secrets.token_urlsafe(9)


class GradingPolicy(models.TextChoices):
    BEST = "best", "Best attempt"
    LAST = "last", "Last attempt"
    AVERAGE = "average", "Average of attempts"


class EnrollmentRole(models.TextChoices):
    STUDENT = "student", "Student"
    TEACHER = "teacher", "Teacher"


class CourseQuerySet(models.QuerySet["Course"]):
    def for_user(self, user: User) -> CourseQuerySet:
        """Courses ``user`` belongs to; admins see every course."""
        if user.is_platform_admin:
            return self.all()
        return self.filter(enrollments__user=user).distinct()

    def taught_by(self, user: User) -> CourseQuerySet:
        if user.is_platform_admin:
            return self.all()
        return self.filter(
            enrollments__user=user, enrollments__role=EnrollmentRole.TEACHER
        ).distinct()


class Course(models.Model):
    title = models.CharField(max_length=200)
    code = models.SlugField(max_length=50, unique=True)
    description = models.TextField(blank=True)
    enrollment_code = models.CharField(
        max_length=32, unique=True, default=new_enrollment_code
    )
    enrollment_open = models.BooleanField(default=True)
    grading_policy = models.CharField(
        max_length=16, choices=GradingPolicy.choices, default=GradingPolicy.BEST
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.code


class Enrollment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="enrollments"
    )
    role = models.CharField(
        max_length=16, choices=EnrollmentRole.choices, default=EnrollmentRole.STUDENT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="unique_enrollment")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_id} as {self.role}"


class LatePolicy(models.TextChoices):
    REJECT = "reject", "Reject late submissions"
    PENALTY = "penalty", "Accept with a penalty"


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def for_user(self, user: User) -> AssignmentQuerySet:
        """Assignments of ``user``'s courses; students see published ones only."""
        visible = self.filter(course__in=Course.objects.for_user(user))
        if user.is_platform_admin:
            return visible
        taught = Course.objects.taught_by(user)
        return visible.filter(models.Q(is_published=True) | models.Q(course__in=taught))


class Assignment(models.Model):
    """An ordered set of exercises with a submission window and limits."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="assignments"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    is_published = models.BooleanField(default=True)
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    late_policy = models.CharField(
        max_length=16, choices=LatePolicy.choices, default=LatePolicy.REJECT
    )
    # Percentage of the score removed from a late submission under the
    # penalty policy; late submissions stop being accepted at late_until.
    late_penalty_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    late_until = models.DateTimeField(null=True, blank=True)
    # Null means unlimited attempts.
    max_attempts = models.PositiveIntegerField(null=True, blank=True)
    exercises = models.ManyToManyField(
        "exercises.Exercise", through="AssignmentExercise", related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["course", "position", "opens_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_at__gte=models.F("opens_at")),
                name="assignment_due_after_open",
            ),
            models.CheckConstraint(
                condition=models.Q(late_until__isnull=True)
                | models.Q(late_until__gte=models.F("due_at")),
                name="assignment_late_until_after_due",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AssignmentExercise(models.Model):
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="exercise_links"
    )
    exercise = models.ForeignKey(
        "exercises.Exercise", on_delete=models.PROTECT, related_name="assignment_links"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["assignment", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "exercise"], name="unique_assignment_exercise"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.exercise_id}"


class Extension(models.Model):
    """A later due time or extra attempts for one student on one assignment."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="extensions"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # Null keeps the assignment's due time.
    due_at = models.DateTimeField(null=True, blank=True)
    extra_attempts = models.PositiveIntegerField(default=0)
    reason = models.TextField(blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"], name="unique_extension"
            )
        ]

    def __str__(self) -> str:
        return f"extension of {self.assignment_id} for {self.student_id}"
