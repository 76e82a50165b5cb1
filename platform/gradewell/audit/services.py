"""Writing to and checking the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import structlog
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gradewell.audit import context
from gradewell.audit.models import GENESIS_HASH, AuditRecord

logger = structlog.get_logger(__name__)

# Any constant works: it names the one PostgreSQL advisory lock that
# serializes appends, so two writers never read the same chain head.
_APPEND_LOCK_KEY = 0x67726164


def record(
    action: str,
    *,
    actor: Any = None,
    target: Any = None,
    target_type: str = "",
    target_id: str = "",
    course_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one record to the chain; call inside the action's transaction.

    ``target`` may be a model instance, whose type and primary key are used.
    The request id and client address come from the current context.
    """
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    values = {
        "actor_id": getattr(actor, "pk", None),
        "actor_username": getattr(actor, "username", "") or "",
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "course_id": course_id,
        "request_id": context.request_id_var.get(),
        "client_ip": context.client_ip_var.get(),
        "details": details or {},
    }
    for attempt in range(5):
        try:
            with transaction.atomic():
                return _append(values)
        except IntegrityError:
            # Another writer took this sequence number; read the head again.
            logger.warning("audit append retried", action=action, attempt=attempt)
    raise RuntimeError(f"could not append audit record {action!r} after 5 tries")


def _append(values: dict[str, Any]) -> AuditRecord:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_APPEND_LOCK_KEY])
    head = AuditRecord.objects.order_by("-sequence").first()
    entry = AuditRecord(
        sequence=(head.sequence + 1) if head else 1,
        created_at=timezone.now(),
        previous_hash=head.hash if head else GENESIS_HASH,
        **values,
    )
    entry.hash = entry.compute_hash()
    entry.save(force_insert=True)
    return entry


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    record_id: int
    message: str


def verify_chain(batch_size: int = 2000) -> tuple[int, ChainProblem | None]:
    """Check every record; return how many were checked and the first problem.

    NOTE: deleting the newest records leaves a shorter chain that is still
    valid; only a copy of the head's hash kept elsewhere detects that.
    """
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    checked = 0
    for entry in _in_order(batch_size):
        if entry.sequence != expected_sequence:
            problem = (
                f"sequence {entry.sequence} follows {expected_sequence - 1}: "
                "a record was deleted or inserted before it"
            )
            return checked, ChainProblem(entry.sequence, entry.pk, problem)
        if entry.previous_hash != previous_hash:
            problem = (
                "previous_hash does not match the record before it: records "
                "were reordered, deleted or inserted"
            )
            return checked, ChainProblem(entry.sequence, entry.pk, problem)
        if entry.compute_hash() != entry.hash:
            problem = "hash does not match the content: the record was edited"
            return checked, ChainProblem(entry.sequence, entry.pk, problem)
        previous_hash = entry.hash
        expected_sequence += 1
        checked += 1
    return checked, None


def _in_order(batch_size: int) -> Iterator[AuditRecord]:
    last = 0
    while True:
        batch = list(
            AuditRecord.objects.filter(sequence__gt=last).order_by("sequence")[
                :batch_size
            ]
        )
        if not batch:
            return
        yield from batch
        last = batch[-1].sequence
