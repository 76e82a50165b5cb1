"""Exercise serializers, split by audience.

The student serializer is built from the rendered variant alone and has no
field through which an answer key or hidden test could travel.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exercises.variants import Variant
from graders.code_spec import load_cases
from graders.harness import protocol
from gradewell.exercises.models import Exercise
from gradewell.exercises.rendering import markdown_to_html

CODE_MODES = {
    "python_function": protocol.MODE_FUNCTION,
    "python_program": protocol.MODE_PROGRAM,
}


class OptionSerializer(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()


class AnswerFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    type = serializers.CharField()
    choices = serializers.ListField(child=serializers.CharField(), required=False)


class FigureSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.URLField(help_text="GET it with your token to receive SVG.")


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
    code = serializers.SerializerMethodField(
        help_text="For code exercises: the function to write and the sample "
        "cases with their expected results. Hidden cases are never listed."
    )
    # The method needs its own name: Serializer.get_fields() is part of DRF.
    fields = serializers.SerializerMethodField(
        method_name="get_answer_fields",
        help_text="For fields exercises: the named answer fields, each with "
        "its label, type (text, number or choice) and, for a choice, its "
        "choices. Empty for other kinds.",
    )

    figures = serializers.SerializerMethodField(
        help_text="The pictures of the caller's own variant, each with the URL "
        "of its SVG. The statement refers to them as figures/NAME.svg, and "
        "statement_html already points at these URLs."
    )

    def _variant(self, exercise: Exercise) -> Variant:
        return self.context["variants"][exercise.pk]

    def get_statement(self, exercise: Exercise) -> str:
        return self._variant(exercise).statement

    def get_statement_html(self, exercise: Exercise) -> str:
        html = markdown_to_html(self._variant(exercise).statement)
        return _link_figures(html, self._figure_urls(exercise))

    @extend_schema_field(FigureSerializer(many=True))
    def get_figures(self, exercise: Exercise) -> list[dict[str, str]]:
        urls = self._figure_urls(exercise)
        return [{"name": name, "url": url} for name, url in urls.items()]

    def _figure_urls(self, exercise: Exercise) -> dict[str, str]:
        figures = exercise.current_version.definition.get("figures", {})
        urls: dict[str, str] = {}
        for name in sorted(figures):
            path = reverse(
                "exercise-figure", kwargs={"slug": exercise.slug, "name": name}
            )
            request = self.context.get("request")
            urls[name] = request.build_absolute_uri(path) if request else path
        return urls

    def get_options(self, exercise: Exercise) -> list[dict[str, str]]:
        return OptionSerializer(self._variant(exercise).options, many=True).data

    def get_answer_hint(self, exercise: Exercise) -> str:
        return exercise.current_version.definition.get("answer_hint", "")

    def get_answer_fields(self, exercise: Exercise) -> list[dict[str, Any]]:
        return AnswerFieldSerializer(self._variant(exercise).fields, many=True).data

    def get_code(self, exercise: Exercise) -> dict[str, Any] | None:
        mode = CODE_MODES.get(exercise.kind)
        if mode is None:
            return None
        grading = exercise.current_version.definition["grading"]
        params = self._variant(exercise).params
        samples = [
            _sample_as_dict(case, mode)
            for case in load_cases(grading, params, mode)
            if not case.hidden
        ]
        return {"function": grading.get("function"), "samples": samples}


# An image source as nh3 writes it for a statement's ![...](figures/NAME.svg).
FIGURE_SOURCE = re.compile(r'src="figures/([a-z0-9]+(?:-[a-z0-9]+)*)\.svg"')


def _link_figures(html: str, urls: dict[str, str]) -> str:
    """Point each declared figure's image at its URL, and leave other sources."""

    def replace(match: re.Match[str]) -> str:
        url = urls.get(match.group(1))
        return f'src="{escape(url)}"' if url else match.group(0)

    return FIGURE_SOURCE.sub(replace, html)


def _sample_as_dict(case: Any, mode: str) -> dict[str, Any]:
    if mode == protocol.MODE_FUNCTION:
        inputs = {
            "args": list(case.harness_case.args),
            "kwargs": dict(case.harness_case.kwargs),
        }
    else:
        inputs = {"stdin": case.harness_case.stdin}
    return {"name": case.name, **inputs, "expected": case.expected}


class ExerciseTeacherSerializer(ExerciseStudentSerializer):
    """Adds the full definition, grading section included, for authors.

    NOTE: every user whose platform role is teacher or admin gets it, also
    in a course where they are enrolled as a student; the bank is shared
    among staff, and keys are not restricted per course.
    """

    definition = serializers.SerializerMethodField()
    parameters = serializers.SerializerMethodField(
        help_text="The caller's own variant parameters, derived values included."
    )

    def get_definition(self, exercise: Exercise) -> dict[str, Any]:
        return exercise.current_version.definition

    def get_parameters(self, exercise: Exercise) -> dict[str, Any]:
        return self._variant(exercise).params
