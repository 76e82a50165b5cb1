"""Submission serializers: what a client sends, and what it reads back."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from gradewell.submissions.models import GradingRecord, RegradeJob, Submission


class SubmissionCreateSerializer(serializers.Serializer):
    exercise = serializers.CharField(max_length=100, help_text="The exercise's slug.")
    assignment = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="The assignment this attempt counts towards. Needed only when "
        "the exercise is in several of the caller's assignments.",
    )
    answer = serializers.JSONField(
        help_text="An option id, a list of option ids, a number as typed, text, "
        "or source code, as the exercise's kind needs."
    )


class SubmissionSerializer(serializers.ModelSerializer):
    exercise = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    exercise_version = serializers.IntegerField(source="exercise_version.number")
    error = serializers.CharField(source="error_reason")
    effective_score = serializers.DecimalField(
        max_digits=10,
        decimal_places=4,
        read_only=True,
        help_text="The score that counts: a teacher's override when there is one.",
    )
    override_reason = serializers.CharField(read_only=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "exercise",
            "exercise_version",
            "assignment",
            "status",
            "verdict",
            "score",
            "raw_score",
            "effective_score",
            "override_reason",
            "max_score",
            "checks",
            "feedback",
            "error",
            "attempt",
            "counts_as_attempt",
            "is_late",
            "late_penalty_percent",
            "answer",
            "created_at",
            "started_at",
            "graded_at",
        ]
        read_only_fields = fields


class GradingRecordSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = GradingRecord
        fields = [
            "kind",
            "created_at",
            "actor",
            "exercise_version",
            "verdict",
            "score",
            "raw_score",
            "checks",
            "feedback",
            "reason",
        ]
        read_only_fields = fields


class AttemptSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Submission
        fields = ["id", "attempt", "status", "verdict", "score", "created_at"]
        read_only_fields = fields


class SubmissionReviewSerializer(SubmissionSerializer):
    """Everything a teacher needs to review one submission in full."""

    student = serializers.SerializerMethodField()
    override = serializers.SerializerMethodField()
    grading_duration_ms = serializers.IntegerField(read_only=True)
    grader = serializers.CharField(source="exercise.kind", read_only=True)
    grader_details = serializers.JSONField(read_only=True)
    history = GradingRecordSerializer(many=True, read_only=True)
    attempt_history = serializers.SerializerMethodField(
        help_text="This student's submissions to the same exercise and assignment."
    )

    class Meta(SubmissionSerializer.Meta):
        fields = [
            *SubmissionSerializer.Meta.fields,
            "student",
            "override",
            "grading_duration_ms",
            "grader",
            "grader_details",
            "deliveries",
            "history",
            "attempt_history",
        ]
        read_only_fields = fields

    def get_student(self, submission: Submission) -> dict[str, Any]:
        user = submission.user
        return {"id": user.pk, "username": user.username, "email": user.email}

    def get_override(self, submission: Submission) -> dict[str, Any] | None:
        if submission.override_score is None:
            return None
        return {
            "score": str(submission.override_score),
            "reason": submission.override_reason,
            "by": submission.override_by.username if submission.override_by else None,
            "at": submission.override_at,
        }

    def get_attempt_history(self, submission: Submission) -> list[dict[str, Any]]:
        attempts = Submission.objects.filter(
            user_id=submission.user_id,
            exercise_id=submission.exercise_id,
            assignment_id=submission.assignment_id,
        ).order_by("created_at")
        return AttemptSummarySerializer(attempts, many=True).data


class OverrideSerializer(serializers.Serializer):
    score = serializers.DecimalField(max_digits=10, decimal_places=4)
    reason = serializers.CharField(max_length=2000)


class RemoveOverrideSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, default="")


class RegradeRequestSerializer(serializers.Serializer):
    """Exactly one scope: a submission, an assignment, or an exercise in a course."""

    submission = serializers.UUIDField(required=False)
    assignment = serializers.IntegerField(required=False, min_value=1)
    exercise = serializers.CharField(required=False, max_length=100)
    course = serializers.IntegerField(
        required=False, min_value=1, help_text="Required with exercise."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        scopes = [
            key for key in ("submission", "assignment", "exercise") if key in attrs
        ]
        if len(scopes) != 1:
            raise serializers.ValidationError(
                "Give exactly one of submission, assignment or exercise."
            )
        if "exercise" in attrs and "course" not in attrs:
            raise serializers.ValidationError(
                {"course": "Required when regrading an exercise."}
            )
        return attrs


class RegradeJobSerializer(serializers.ModelSerializer):
    exercise = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    finished = serializers.SerializerMethodField()

    class Meta:
        model = RegradeJob
        fields = [
            "id",
            "scope",
            "course",
            "exercise",
            "assignment",
            "submission",
            "total",
            "done",
            "failed",
            "finished",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_finished(self, job: RegradeJob) -> bool:
        return job.finished_at is not None
