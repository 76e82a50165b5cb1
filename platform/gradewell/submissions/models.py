"""Submissions and their grading results."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from gradewell.accounts.models import User


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    GRADED = "graded", "Graded"
    ERROR = "error", "Error"


FINAL_STATUSES = (Status.GRADED, Status.ERROR)


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def for_user(self, user: User) -> SubmissionQuerySet:
        """Submissions ``user`` may read: their own, or their courses' as teacher."""
        if user.is_platform_admin:
            return self.all()
        from gradewell.courses.models import Course

        taught = Course.objects.taught_by(user)
        return self.filter(
            models.Q(user=user) | models.Q(assignment__course__in=taught)
        )

    def counting_attempts(self) -> SubmissionQuerySet:
        return self.filter(counts_as_attempt=True)


class Submission(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    exercise = models.ForeignKey(
        "exercises.Exercise", on_delete=models.PROTECT, related_name="submissions"
    )
    exercise_version = models.ForeignKey(
        "exercises.ExerciseVersion", on_delete=models.PROTECT, related_name="+"
    )
    assignment = models.ForeignKey(
        "courses.Assignment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
    )
    seed = models.BigIntegerField()
    answer = models.JSONField()

    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    verdict = models.CharField(max_length=32, blank=True)
    # raw_score is what the grader gave; score has the late penalty applied.
    raw_score = models.DecimalField(
        max_digits=10, decimal_places=4, null=True, blank=True
    )
    score = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    max_score = models.DecimalField(max_digits=10, decimal_places=4)
    checks = models.JSONField(default=list, blank=True)
    feedback = models.TextField(blank=True)
    grader_details = models.JSONField(default=dict, blank=True)
    error_reason = models.TextField(blank=True)

    attempt = models.PositiveIntegerField()
    # False once grading failed for a reason that is not the student's, so
    # the attempt is given back.
    counts_as_attempt = models.BooleanField(default=True)
    is_late = models.BooleanField(default=False)
    late_penalty_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=0
    )

    # NULL rather than "" when absent, so the unique constraint below skips it.
    idempotency_key = models.CharField(  # noqa: DJ001
        max_length=255, null=True, blank=True
    )
    request_fingerprint = models.CharField(max_length=64, blank=True)

    # How many times a worker started grading, and how many times the sweep
    # re-sent the task because no worker finished it.
    deliveries = models.PositiveIntegerField(default=0)
    requeues = models.PositiveIntegerField(default=0)
    grading_duration_ms = models.PositiveIntegerField(null=True, blank=True)

    # A teacher's manual score wins over grading and regrading until removed.
    override_score = models.DecimalField(
        max_digits=10, decimal_places=4, null=True, blank=True
    )
    override_reason = models.TextField(blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    override_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="unique_submission_idempotency_key",
            )
        ]
        indexes = [
            models.Index(fields=["user", "exercise", "assignment"]),
            models.Index(fields=["status", "queued_at"]),
        ]

    def __str__(self) -> str:
        return str(self.id)

    @property
    def effective_score(self) -> Decimal | None:
        """The score that counts: the override when there is one."""
        if self.override_score is not None:
            return self.override_score
        return self.score


class HistoryKind(models.TextChoices):
    GRADED = "graded", "Graded"
    REGRADED = "regraded", "Regraded"
    OVERRIDDEN = "overridden", "Score overridden"
    OVERRIDE_REMOVED = "override_removed", "Override removed"


class GradingRecord(models.Model):
    """One entry of a submission's grading history, kept when results change."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="history"
    )
    kind = models.CharField(max_length=32, choices=HistoryKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    exercise_version = models.PositiveIntegerField(null=True, blank=True)
    verdict = models.CharField(max_length=32, blank=True)
    score = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    raw_score = models.DecimalField(
        max_digits=10, decimal_places=4, null=True, blank=True
    )
    checks = models.JSONField(default=list, blank=True)
    feedback = models.TextField(blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["submission", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.kind}"


class RegradeScope(models.TextChoices):
    SUBMISSION = "submission", "One submission"
    EXERCISE = "exercise", "An exercise in a course"
    ASSIGNMENT = "assignment", "An assignment"


class RegradeJob(models.Model):
    """A batch of regradings and its progress."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(max_length=16, choices=RegradeScope.choices)
    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="+"
    )
    exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    assignment = models.ForeignKey(
        "courses.Assignment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.scope} regrade {self.id}"
