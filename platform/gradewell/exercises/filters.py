"""Query filters for the exercise list."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from gradewell.api.filters import IdFilter
from gradewell.courses.models import Assignment
from gradewell.exercises.models import Exercise


class ExerciseFilter(django_filters.FilterSet):
    course = IdFilter(
        method="filter_course", help_text="Only exercises assigned in this course."
    )
    assignment = IdFilter(
        method="filter_assignment", help_text="Only exercises of this assignment."
    )
    topic = django_filters.CharFilter()
    kind = django_filters.CharFilter()

    class Meta:
        model = Exercise
        fields = ["course", "assignment", "topic", "kind"]

    def filter_course(
        self, queryset: QuerySet[Exercise], name: str, value: int
    ) -> QuerySet[Exercise]:
        return self._in_assignments(queryset, self._visible().filter(course_id=value))

    def filter_assignment(
        self, queryset: QuerySet[Exercise], name: str, value: int
    ) -> QuerySet[Exercise]:
        return self._in_assignments(queryset, self._visible().filter(pk=value))

    def _visible(self) -> QuerySet[Assignment]:
        # Only assignments the caller may see, so a draft's exercises never
        # show through the filter to a student.
        user = self.request.user if self.request is not None else None
        if user is None or not user.is_authenticated:
            return Assignment.objects.none()
        return Assignment.objects.for_user(user)

    @staticmethod
    def _in_assignments(
        queryset: QuerySet[Exercise], assignments: QuerySet[Assignment]
    ) -> QuerySet[Exercise]:
        return queryset.filter(assignment_links__assignment__in=assignments).distinct()
