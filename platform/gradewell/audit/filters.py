"""Query filters for the audit trail."""

from __future__ import annotations

import django_filters

from gradewell.api.filters import BoundedIsoDateTimeFilter, IdFilter
from gradewell.audit.models import AuditRecord


class AuditRecordFilter(django_filters.FilterSet):
    actor = IdFilter(field_name="actor_id", help_text="The acting user's id.")
    action = django_filters.CharFilter()
    target_type = django_filters.CharFilter()
    target_id = django_filters.CharFilter()
    course = IdFilter(field_name="course_id")
    since = BoundedIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    until = BoundedIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = AuditRecord
        fields = ["actor", "action", "target_type", "target_id", "course"]
