"""Exercise serializers, split by audience.

The student serializer is built from the rendered variant alone and has no
field through which an answer key or hidden test could travel.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from exercises.variants import Variant
from gradewell.exercises.models import Exercise
from gradewell.exercises.rendering import markdown_to_html


class OptionSerializer(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()


class ExerciseStudentSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    topic = serializers.CharField()
    kind = serializers.CharField()
    points = serializers.DecimalField(max_digits=8, decimal_places=2)
    version = serializers.IntegerField()
    statement = serializers.SerializerMethodField(
        help_text="The Markdown statement rendered with the caller's parameters."
    )
    statement_html = serializers.SerializerMethodField()
    options = serializers.SerializerMethodField()
    answer_hint = serializers.SerializerMethodField(
        help_text="How to write the answer, for example the accepted number forms."
    )

    def _variant(self, exercise: Exercise) -> Variant:
        return self.context["variants"][exercise.pk]

    def get_statement(self, exercise: Exercise) -> str:
        return self._variant(exercise).statement

    def get_statement_html(self, exercise: Exercise) -> str:
        return markdown_to_html(self._variant(exercise).statement)

    def get_options(self, exercise: Exercise) -> list[dict[str, str]]:
        return OptionSerializer(self._variant(exercise).options, many=True).data

    def get_answer_hint(self, exercise: Exercise) -> str:
        return exercise.current_version.definition.get("answer_hint", "")


class ExerciseTeacherSerializer(ExerciseStudentSerializer):
    """Adds the full definition, grading section included, for authors."""

    definition = serializers.SerializerMethodField()
    parameters = serializers.SerializerMethodField(
        help_text="The caller's own variant parameters, derived values included."
    )

    def get_definition(self, exercise: Exercise) -> dict[str, Any]:
        return exercise.current_version.definition

    def get_parameters(self, exercise: Exercise) -> dict[str, Any]:
        return self._variant(exercise).params
