"""Query filters for submission lists."""

from __future__ import annotations

import django_filters

from gradewell.api.filters import BoundedIsoDateTimeFilter, IdFilter
from gradewell.submissions.models import Status, Submission


class SubmissionFilter(django_filters.FilterSet):
    exercise = django_filters.CharFilter(field_name="exercise__slug")
    assignment = IdFilter()
    status = django_filters.ChoiceFilter(choices=Status.choices)
    verdict = django_filters.CharFilter()
    created_after = BoundedIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = BoundedIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Submission
        fields = ["exercise", "assignment", "status", "verdict"]
