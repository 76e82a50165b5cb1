"""Submission actions: accepting an answer, grading it, and recovering."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

import structlog
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework import status

from exercises.variants import draw_parameters
from graders.base import GradeResult, GradingContext, Verdict
from graders.registry import get_grader
from gradewell import metrics
from gradewell.accounts.models import User
from gradewell.api.errors import ApiError
from gradewell.audit import context
from gradewell.audit import services as audit
from gradewell.conf import gradewell_setting
from gradewell.courses.models import Assignment, Extension
from gradewell.exercises.models import Exercise, VariantSeed
from gradewell.exercises.services import seed_for
from gradewell.submissions import policies
from gradewell.submissions.models import (
    FINAL_STATUSES,
    GradingRecord,
    HistoryKind,
    Status,
    Submission,
)

logger = structlog.get_logger(__name__)

SCORE_PLACES = Decimal("0.0001")


def do_submit(
    *,
    user: User,
    exercise: Exercise,
    assignment_id: int | None,
    answer: Any,
    idempotency_key: str | None,
) -> tuple[Submission, bool]:
    """Store a submission and queue its grading; return it and whether it is new.

    A repeated ``idempotency_key`` returns the first submission made with it,
    provided the request is the same; a different request is rejected.
    """
    fingerprint = _fingerprint(exercise.slug, assignment_id, answer)
    if idempotency_key:
        previous = _find_idempotent(user, idempotency_key, fingerprint)
        if previous is not None:
            return previous, False

    if not exercise.is_active or exercise.current_version is None:
        raise ApiError(
            f"Exercise {exercise.slug!r} has been retired and takes no submissions.",
            code="exercise_retired",
            field="exercise",
        )
    policies.check_answer(exercise, answer, gradewell_setting("MAX_ANSWER_BYTES"))
    assignment, is_preview = policies.check_assignment(user, exercise, assignment_id)
    seed = seed_for(user, exercise)

    try:
        with transaction.atomic():
            submission = _create_locked(
                user, exercise, assignment, is_preview, answer, seed
            )
            submission.idempotency_key = idempotency_key
            submission.request_fingerprint = fingerprint
            submission.save(update_fields=["idempotency_key", "request_fingerprint"])
            audit.record(
                "submission_received",
                actor=user,
                target=submission,
                course_id=course_id_of(submission),
                details={
                    "exercise": exercise.slug,
                    "exercise_version": exercise.version,
                    "attempt": submission.attempt,
                    "is_late": submission.is_late,
                },
            )
            request_id = context.request_id_var.get()
            transaction.on_commit(lambda: enqueue_grading(submission, request_id))
    except IntegrityError:
        # Two requests with one idempotency key raced; the first one won.
        previous = (
            _find_idempotent(user, idempotency_key, fingerprint)
            if idempotency_key
            else None
        )
        if previous is None:
            raise
        return previous, False

    logger.info(
        "submission received",
        submission_id=str(submission.id),
        user_id=user.pk,
        exercise=exercise.slug,
        assignment_id=submission.assignment_id,
        attempt=submission.attempt,
        is_late=submission.is_late,
    )
    metrics.record_submission_received(exercise.kind)
    return submission, True


def _create_locked(
    user: User,
    exercise: Exercise,
    assignment: Assignment | None,
    is_preview: bool,
    answer: Any,
    seed: int,
) -> Submission:
    # Locking the student's seed row serializes concurrent submissions to one
    # exercise, so two requests cannot both take the last attempt.
    VariantSeed.objects.select_for_update().get(user=user, exercise=exercise)
    now = timezone.now()
    is_late, penalty = False, Decimal(0)
    if assignment is not None and not is_preview:
        extension = Extension.objects.filter(
            assignment=assignment, student=user
        ).first()
        is_late, penalty = policies.check_window(assignment, now, extension)
        policies.check_attempts(user, exercise, assignment, extension)
    return Submission.objects.create(
        user=user,
        exercise=exercise,
        exercise_version=exercise.current_version,
        assignment=assignment,
        seed=seed,
        answer=answer,
        max_score=exercise.points,
        attempt=policies.next_attempt(user, exercise, assignment),
        is_late=is_late,
        late_penalty_percent=penalty,
        queued_at=now,
    )


def _fingerprint(slug: str, assignment_id: int | None, answer: Any) -> str:
    payload = json.dumps(
        {"exercise": slug, "assignment": assignment_id, "answer": answer},
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _find_idempotent(user: User, key: str, fingerprint: str) -> Submission | None:
    previous = Submission.objects.filter(user=user, idempotency_key=key).first()
    if previous is None:
        return None
    if previous.request_fingerprint != fingerprint:
        raise ApiError(
            "This Idempotency-Key was already used for a different submission. "
            "Use a new key for a new submission.",
            code="idempotency_key_reused",
            status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
            field="Idempotency-Key",
        )
    return previous


def queue_for_kind(kind: str) -> str:
    queues: dict[str, str] = gradewell_setting("GRADING_QUEUES")
    return queues.get(kind, queues["default"])


def enqueue_grading(submission: Submission, request_id: str = "") -> None:
    """Send the grading task; a broker failure leaves the sweep to re-send it.

    The request id travels with the task, so the worker's log lines and
    audit records of this grading carry the id of the request that caused it.
    """
    from gradewell.submissions.tasks import grade_submission

    queue = queue_for_kind(submission.exercise.kind)
    try:
        grade_submission.apply_async(
            args=[str(submission.id)],
            kwargs={"request_id": request_id},
            queue=queue,
        )
    except Exception as exc:  # kombu raises transport-specific errors.
        logger.error(
            "grading task could not be queued; the sweep will retry",
            submission_id=str(submission.id),
            queue=queue,
            error=repr(exc),
        )


def do_start_grading(submission_id: str) -> Submission | None:
    """Mark a submission running; return None when it needs no grading."""
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update()
            .select_related("exercise", "exercise_version")
            .filter(pk=submission_id)
            .first()
        )
        if submission is None:
            logger.warning("grading skipped: no such submission")
            return None
        if submission.status in FINAL_STATUSES:
            logger.info("grading skipped: already finished", status=submission.status)
            return None
        submission.status = Status.RUNNING
        submission.started_at = timezone.now()
        submission.deliveries += 1
        submission.save(update_fields=["status", "started_at", "deliveries"])
        audit.record(
            "grading_started",
            target=submission,
            course_id=course_id_of(submission),
            details={"delivery": submission.deliveries},
        )
    logger.info(
        "grading started",
        exercise=submission.exercise.slug,
        version=submission.exercise_version.number,
        delivery=submission.deliveries,
    )
    return submission


def run_grader(submission: Submission) -> tuple[GradeResult, int]:
    """Grade ``submission`` and return the result and the time taken in ms."""
    version = submission.exercise_version
    definition = version.to_definition()
    context = GradingContext(
        slug=definition.slug,
        kind=definition.kind,
        version=version.number,
        points=float(submission.max_score),
        spec=definition.grading,
        params=draw_parameters(definition, submission.seed),
        submission_id=str(submission.id),
        fields=definition.fields,
    )
    started = time.monotonic()
    result = get_grader(definition.kind).grade(context, submission.answer)
    return result, int((time.monotonic() - started) * 1000)


def penalized_scores(
    submission: Submission, result: GradeResult
) -> tuple[Decimal, Decimal]:
    """Return the grader's score and the score after the late penalty."""
    raw = Decimal(str(result.score)).quantize(SCORE_PLACES)
    factor = 1 - submission.late_penalty_percent / 100
    return raw, (raw * factor).quantize(SCORE_PLACES)


def do_record_result(
    submission: Submission, result: GradeResult, duration_ms: int
) -> bool:
    """Store a result unless another delivery finished first."""
    raw, score = penalized_scores(submission, result)
    # An answer the grader could not read (such as "abc" for a number) earns
    # feedback but does not use up one of the student's attempts.
    counts = result.verdict != Verdict.INVALID_ANSWER
    with transaction.atomic():
        updated = _store_result(submission, result, raw, score, counts, duration_ms)
        if updated:
            record_history(submission.pk, HistoryKind.GRADED)
            audit.record(
                "grading_finished",
                target=submission,
                course_id=course_id_of(submission),
                details={
                    "verdict": str(result.verdict),
                    "score": str(score),
                    "max_score": str(submission.max_score),
                    "grader": submission.exercise.kind,
                    "exercise_version": submission.exercise_version.number,
                    "sandbox_backend": result.details.get("backend", ""),
                    "container_id": result.details.get("container_id", ""),
                    "duration_ms": duration_ms,
                },
            )
    if updated:
        logger.info(
            "grading finished",
            verdict=str(result.verdict),
            score=str(score),
            max_score=str(submission.max_score),
            duration_ms=duration_ms,
        )
        metrics.record_grading_finished(
            submission.exercise.kind, str(result.verdict), duration_ms / 1000
        )
    else:
        logger.info("grading result discarded: another delivery finished first")
    return bool(updated)


def _store_result(
    submission: Submission,
    result: GradeResult,
    raw: Decimal,
    score: Decimal,
    counts: bool,
    duration_ms: int,
) -> int:
    return Submission.objects.filter(pk=submission.pk, status=Status.RUNNING).update(
        status=Status.GRADED,
        counts_as_attempt=counts,
        verdict=str(result.verdict),
        raw_score=raw,
        score=score,
        checks=[check.as_dict() for check in result.checks],
        feedback=result.feedback,
        grader_details=result.details,
        grading_duration_ms=duration_ms,
        graded_at=timezone.now(),
        error_reason="",
    )


def do_fail(submission_id: str, reason: str) -> None:
    """End a submission in error and give the student the attempt back."""
    with transaction.atomic():
        updated = (
            Submission.objects.filter(pk=submission_id)
            .exclude(status__in=FINAL_STATUSES)
            .update(
                status=Status.ERROR,
                verdict="internal_error",
                counts_as_attempt=False,
                error_reason=reason,
                graded_at=timezone.now(),
            )
        )
        if updated:
            submission = Submission.objects.select_related("assignment").get(
                pk=submission_id
            )
            audit.record(
                "grading_failed",
                target=submission,
                course_id=course_id_of(submission),
                details={"reason": reason},
            )
    if updated:
        metrics.record_grading_finished(
            submission.exercise.kind, "internal_error", None
        )
    logger.error("grading failed", submission_id=submission_id, reason=reason)


def course_id_of(submission: Submission) -> int | None:
    assignment = submission.assignment
    return assignment.course_id if assignment is not None else None


def do_requeue_for_retry(submission_id: str, delay_seconds: float) -> None:
    """Put a submission back to queued while its task waits for a retry."""
    Submission.objects.filter(pk=submission_id, status=Status.RUNNING).update(
        status=Status.QUEUED,
        queued_at=timezone.now() + timedelta(seconds=delay_seconds),
    )


def do_sweep_stale() -> dict[str, int]:
    """Re-send gradings that no worker finished, or fail them after too many tries.

    A submission counts as stale when it stayed queued longer than
    STALE_QUEUED_SECONDS, or stayed running past the hard time limit plus
    STALE_RUNNING_MARGIN_SECONDS, which covers a worker that died mid-task.
    """
    now = timezone.now()
    queued_cutoff = now - timedelta(seconds=gradewell_setting("STALE_QUEUED_SECONDS"))
    running_cutoff = now - timedelta(
        seconds=gradewell_setting("GRADING_HARD_TIME_LIMIT")
        + gradewell_setting("STALE_RUNNING_MARGIN_SECONDS")
    )
    max_requeues = gradewell_setting("MAX_REQUEUES")
    counts = {"requeued": 0, "failed": 0}
    with transaction.atomic():
        stale = (
            Submission.objects.select_for_update(skip_locked=True)
            .select_related("exercise")
            .filter(
                Q(status=Status.QUEUED, queued_at__lt=queued_cutoff)
                | Q(status=Status.RUNNING, started_at__lt=running_cutoff)
            )
        )
        for submission in stale:
            if submission.requeues >= max_requeues:
                do_fail(
                    str(submission.id),
                    f"No worker finished grading after {submission.requeues} "
                    "re-sends; the attempt was not counted.",
                )
                counts["failed"] += 1
                continue
            submission.status = Status.QUEUED
            submission.queued_at = now
            submission.requeues += 1
            submission.save(update_fields=["status", "queued_at", "requeues"])
            transaction.on_commit(
                lambda submission=submission: enqueue_grading(submission)
            )
            audit.record(
                "grading_requeued",
                target=submission,
                course_id=course_id_of(submission),
                details={"requeues": submission.requeues},
            )
            logger.warning(
                "stale submission re-sent",
                submission_id=str(submission.id),
                requeues=submission.requeues,
            )
            counts["requeued"] += 1
    if any(counts.values()):
        logger.info("stale submission sweep finished", **counts)
    return counts


def record_history(
    submission_id: Any,
    kind: str,
    actor: User | None = None,
    reason: str = "",
) -> GradingRecord:
    """Copy the submission's current result into its history."""
    submission = Submission.objects.select_related("exercise_version").get(
        pk=submission_id
    )
    return GradingRecord.objects.create(
        submission=submission,
        kind=kind,
        actor=actor,
        exercise_version=submission.exercise_version.number,
        verdict=submission.verdict,
        score=(
            submission.override_score
            if kind == HistoryKind.OVERRIDDEN
            else submission.score
        ),
        raw_score=submission.raw_score,
        checks=submission.checks,
        feedback=submission.feedback,
        reason=reason,
    )
