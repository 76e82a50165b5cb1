"""The append-only audit trail, chained by hashes.

Each record stores the hash of the record before it and a hash of its own
content, so editing, deleting, reordering or inserting a record breaks the
chain where it happened; ``manage.py verify_audit`` finds that place.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, NoReturn

from django.db import models


class AuditRecordQuerySet(models.QuerySet["AuditRecord"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit records are append-only and cannot be updated.")

    def delete(self) -> NoReturn:
        raise PermissionError("Audit records are append-only and cannot be deleted.")


class AuditRecord(models.Model):
    """One action that matters: who did what to which object, when and whence.

    Actor and course are stored as plain ids, not foreign keys, so deleting a
    user or a course never deletes or changes its records.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    course_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    request_id = models.CharField(max_length=128, blank=True)
    client_ip = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit records are append-only and cannot change.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit records are append-only and cannot be deleted.")

    def content(self) -> dict[str, Any]:
        """Return the fields the hash covers, in a stable JSON-ready form."""
        return {
            "sequence": self.sequence,
            "created_at": self.created_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "course_id": self.course_id,
            "request_id": self.request_id,
            "client_ip": self.client_ip,
            "details": self.details,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(self.content(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256((self.previous_hash + canonical).encode()).hexdigest()


GENESIS_HASH = "0" * 64
