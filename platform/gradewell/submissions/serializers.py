"""Submission serializers: what a client sends, and what it reads back."""

from __future__ import annotations

from rest_framework import serializers

from gradewell.submissions.models import Submission


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
