"""Query filters for the exercise list."""

from __future__ import annotations

import django_filters

from gradewell.api.filters import IdFilter
from gradewell.exercises.models import Exercise


class ExerciseFilter(django_filters.FilterSet):
    course = IdFilter(
        field_name="assignment_links__assignment__course",
        distinct=True,
        help_text="Only exercises assigned in this course.",
    )
    assignment = IdFilter(
        field_name="assignment_links__assignment",
        distinct=True,
        help_text="Only exercises of this assignment.",
    )
    topic = django_filters.CharFilter()
    kind = django_filters.CharFilter()

    class Meta:
        model = Exercise
        fields = ["course", "assignment", "topic", "kind"]
