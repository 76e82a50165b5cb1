from rest_framework import serializers

from gradewell.audit.models import AuditRecord


class AuditRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditRecord
        fields = [
            "sequence",
            "created_at",
            "actor_id",
            "actor_username",
            "action",
            "target_type",
            "target_id",
            "course_id",
            "request_id",
            "client_ip",
            "details",
            "previous_hash",
            "hash",
        ]
        read_only_fields = fields
