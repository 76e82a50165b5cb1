"""Reading the audit trail: teachers see their courses, admins everything."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from gradewell.audit.filters import AuditRecordFilter
from gradewell.audit.models import AuditRecord
from gradewell.audit.serializers import AuditRecordSerializer
from gradewell.courses.models import Course


class IsTeacherOrAdmin(BasePermission):
    message = "Only teachers and admins may read the audit trail."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_teacher)


class AuditRecordViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AuditRecordSerializer
    filterset_class = AuditRecordFilter
    permission_classes = [IsTeacherOrAdmin]
    lookup_field = "sequence"

    def get_queryset(self) -> QuerySet[AuditRecord]:
        if getattr(self, "swagger_fake_view", False):
            return AuditRecord.objects.none()
        user = self.request.user
        records = AuditRecord.objects.order_by("-sequence")
        if user.is_platform_admin:
            return records
        taught = Course.objects.taught_by(user).values("pk")
        return records.filter(course_id__in=taught)
