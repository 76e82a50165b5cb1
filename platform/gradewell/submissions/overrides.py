"""Manual score overrides by a course's teachers."""

from __future__ import annotations

from decimal import Decimal

import structlog
from django.db import transaction
from django.utils import timezone
from rest_framework import status

from gradewell.accounts.models import User
from gradewell.api.errors import ApiError
from gradewell.audit import services as audit
from gradewell.submissions.models import HistoryKind, Status, Submission
from gradewell.submissions.services import course_id_of, record_history

logger = structlog.get_logger(__name__)


@transaction.atomic
def do_override(
    submission: Submission, actor: User, score: Decimal, reason: str
) -> Submission:
    """Set the score that counts, whatever grading and regrading give later."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.status != Status.GRADED:
        raise ApiError(
            f"Submission {locked.pk} is {locked.status}; only a graded "
            "submission's score can be overridden.",
            code="not_graded",
            status_code=status.HTTP_409_CONFLICT,
        )
    if not Decimal(0) <= score <= locked.max_score:
        raise ApiError(
            f"score must be between 0 and the maximum {locked.max_score.normalize()}.",
            code="invalid",
            field="score",
        )
    before = locked.effective_score
    locked.override_score = score
    locked.override_reason = reason
    locked.override_by = actor
    locked.override_at = timezone.now()
    locked.save(
        update_fields=[
            "override_score",
            "override_reason",
            "override_by",
            "override_at",
        ]
    )
    record_history(locked.pk, HistoryKind.OVERRIDDEN, actor=actor, reason=reason)
    audit.record(
        "grade_overridden",
        actor=actor,
        target=locked,
        course_id=course_id_of(locked),
        details={"before": str(before), "after": str(score), "reason": reason},
    )
    logger.info("score overridden", submission_id=str(locked.pk), user_id=actor.pk)
    return locked


@transaction.atomic
def do_remove_override(submission: Submission, actor: User, reason: str) -> Submission:
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.override_score is None:
        raise ApiError(
            f"Submission {locked.pk} has no override to remove.",
            code="no_override",
            status_code=status.HTTP_409_CONFLICT,
        )
    before = locked.override_score
    locked.override_score = None
    locked.override_reason = ""
    locked.override_by = None
    locked.override_at = None
    locked.save(
        update_fields=[
            "override_score",
            "override_reason",
            "override_by",
            "override_at",
        ]
    )
    record_history(locked.pk, HistoryKind.OVERRIDE_REMOVED, actor=actor, reason=reason)
    audit.record(
        "grade_override_removed",
        actor=actor,
        target=locked,
        course_id=course_id_of(locked),
        details={"before": str(before), "after": str(locked.score), "reason": reason},
    )
    return locked
