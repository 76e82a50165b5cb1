"""Regrading submissions after an exercise changes."""

from __future__ import annotations

import structlog
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from graders.base import GradeResult
from gradewell.accounts.models import User
from gradewell.audit import context
from gradewell.audit import services as audit
from gradewell.courses.models import Assignment, Course
from gradewell.exercises.models import Exercise
from gradewell.submissions import services
from gradewell.submissions.models import (
    HistoryKind,
    RegradeJob,
    RegradeScope,
    Status,
    Submission,
)

logger = structlog.get_logger(__name__)


def regradable(queryset: QuerySet[Submission]) -> QuerySet[Submission]:
    """Submissions that have a result to replace: graded ones."""
    return queryset.filter(status=Status.GRADED)


@transaction.atomic
def do_request_regrade(
    *,
    actor: User,
    course: Course,
    scope: str,
    submissions: QuerySet[Submission],
    exercise: Exercise | None = None,
    assignment: Assignment | None = None,
    submission: Submission | None = None,
) -> RegradeJob:
    """Create a job and queue one regrading task per submission."""
    ids = [str(pk) for pk in regradable(submissions).values_list("pk", flat=True)]
    job = RegradeJob.objects.create(
        requested_by=actor,
        scope=scope,
        course=course,
        exercise=exercise,
        assignment=assignment,
        submission=submission,
        total=len(ids),
        finished_at=timezone.now() if not ids else None,
    )
    audit.record(
        "regrade_requested",
        actor=actor,
        target=job,
        course_id=course.pk,
        details={"scope": scope, "total": len(ids)},
    )
    request_id = context.request_id_var.get()

    def send() -> None:
        from gradewell.submissions.tasks import regrade_submission

        for submission_id in ids:
            regrade_submission.apply_async(
                args=[submission_id, str(job.pk)],
                kwargs={"request_id": request_id},
                queue=services.queue_for_kind(
                    exercise.kind if exercise else _kind_of(submission_id)
                ),
            )

    transaction.on_commit(send)
    logger.info("regrade requested", job_id=str(job.pk), total=len(ids), scope=scope)
    return job


def _kind_of(submission_id: str) -> str:
    return Submission.objects.values_list("exercise__kind", flat=True).get(
        pk=submission_id
    )


def do_regrade(submission_id: str) -> GradeResult | None:
    """Grade again against the exercise's current version; keep the old result.

    The new result replaces the submission's score and checks, and both
    results stay in its history. An override, when present, still counts.
    """
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("exercise__current_version", "exercise_version")
            .filter(pk=submission_id, status=Status.GRADED)
            .first()
        )
        if submission is None:
            return None
        current = submission.exercise.current_version
        if current is not None:
            submission.exercise_version = current
    result, duration_ms = services.run_grader(submission)
    with transaction.atomic():
        raw, score = services.penalized_scores(submission, result)
        Submission.objects.filter(pk=submission.pk).update(
            exercise_version=submission.exercise_version,
            verdict=str(result.verdict),
            raw_score=raw,
            score=score,
            checks=[check.as_dict() for check in result.checks],
            feedback=result.feedback,
            grader_details=result.details,
            grading_duration_ms=duration_ms,
            graded_at=timezone.now(),
        )
        services.record_history(submission.pk, HistoryKind.REGRADED)
        audit.record(
            "regraded",
            target=submission,
            course_id=services.course_id_of(submission),
            details={
                "verdict": str(result.verdict),
                "score": str(score),
                "exercise_version": submission.exercise_version.number,
            },
        )
    return result


def do_count_progress(job_id: str, failed: bool) -> None:
    field = "failed" if failed else "done"
    RegradeJob.objects.filter(pk=job_id).update(**{field: F(field) + 1})
    RegradeJob.objects.filter(
        pk=job_id, finished_at__isnull=True, total__lte=F("done") + F("failed")
    ).update(finished_at=timezone.now())


def scope_submissions(
    course: Course,
    *,
    submission: Submission | None = None,
    exercise: Exercise | None = None,
    assignment: Assignment | None = None,
) -> tuple[str, QuerySet[Submission]]:
    in_course = Submission.objects.filter(assignment__course=course)
    if submission is not None:
        return RegradeScope.SUBMISSION, in_course.filter(pk=submission.pk)
    if assignment is not None:
        return RegradeScope.ASSIGNMENT, in_course.filter(assignment=assignment)
    return RegradeScope.EXERCISE, in_course.filter(exercise=exercise)
