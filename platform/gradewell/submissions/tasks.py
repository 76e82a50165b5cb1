"""Celery tasks for grading.

Task names are fixed strings so that queued work survives a module rename.
Tasks take submission ids, never model instances.
"""

from __future__ import annotations

import structlog
from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded

from graders.base import InfrastructureError
from gradewell.audit import context
from gradewell.conf import gradewell_setting
from gradewell.submissions import services

logger = structlog.get_logger(__name__)


@shared_task(
    bind=True,
    name="gradewell.grade_submission",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=gradewell_setting("GRADING_MAX_RETRIES"),
    soft_time_limit=gradewell_setting("GRADING_SOFT_TIME_LIMIT"),
    time_limit=gradewell_setting("GRADING_HARD_TIME_LIMIT"),
)
def grade_submission(self: Task, submission_id: str, request_id: str = "") -> None:
    """Grade one submission; safe to run twice for the same id.

    A second delivery (after a worker died, or a sweep re-sent the task)
    finds the submission finished and does nothing, or races to store the
    same deterministic result, of which only the first is kept.
    """
    context.bind(request_id or context.accept_request_id(None))
    structlog.contextvars.bind_contextvars(
        submission_id=submission_id, task_id=self.request.id
    )
    try:
        _grade(self, submission_id)
    finally:
        context.clear()


def _grade(task: Task, submission_id: str) -> None:
    submission = services.do_start_grading(submission_id)
    if submission is None:
        return
    try:
        result, duration_ms = services.run_grader(submission)
    except InfrastructureError as exc:
        retries = task.request.retries
        if retries >= task.max_retries:
            services.do_fail(
                submission_id,
                f"Grading failed {retries + 1} times for an infrastructure "
                f"reason ({exc}); the attempt was not counted.",
            )
            return
        delay = min(gradewell_setting("GRADING_RETRY_BACKOFF") * 2**retries, 300)
        logger.warning(
            "grading retry scheduled", error=str(exc), retry=retries + 1, delay=delay
        )
        services.do_requeue_for_retry(submission_id, delay)
        raise task.retry(exc=exc, countdown=delay) from exc
    except SoftTimeLimitExceeded:
        services.do_fail(
            submission_id,
            "Grading took longer than "
            f"{gradewell_setting('GRADING_SOFT_TIME_LIMIT')} seconds and was "
            "stopped; the attempt was not counted.",
        )
        return
    except Exception as exc:
        logger.exception("grader raised an unexpected error")
        services.do_fail(
            submission_id,
            f"The grader failed unexpectedly ({type(exc).__name__}); "
            "the attempt was not counted.",
        )
        return
    services.do_record_result(submission, result, duration_ms)


@shared_task(name="gradewell.sweep_stale_submissions")
def sweep_stale_submissions() -> dict[str, int]:
    return services.do_sweep_stale()


@shared_task(
    bind=True,
    name="gradewell.regrade_submission",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=gradewell_setting("GRADING_MAX_RETRIES"),
    soft_time_limit=gradewell_setting("GRADING_SOFT_TIME_LIMIT"),
    time_limit=gradewell_setting("GRADING_HARD_TIME_LIMIT"),
)
def regrade_submission(
    self: Task, submission_id: str, job_id: str, request_id: str = ""
) -> None:
    """Regrade one submission of a job and count it in the job's progress."""
    from gradewell.submissions import regrades

    context.bind(request_id or context.accept_request_id(None))
    structlog.contextvars.bind_contextvars(
        submission_id=submission_id, task_id=self.request.id, regrade_job=job_id
    )
    try:
        try:
            regrades.do_regrade(submission_id)
        except InfrastructureError as exc:
            if self.request.retries < self.max_retries:
                delay = min(
                    gradewell_setting("GRADING_RETRY_BACKOFF")
                    * 2**self.request.retries,
                    300,
                )
                logger.warning("regrade retry scheduled", error=str(exc), delay=delay)
                raise self.retry(exc=exc, countdown=delay) from exc
            logger.error("regrade failed", error=str(exc))
            regrades.do_count_progress(job_id, failed=True)
            return
        except Exception:
            logger.exception("regrade failed unexpectedly")
            regrades.do_count_progress(job_id, failed=True)
            return
        regrades.do_count_progress(job_id, failed=False)
    finally:
        context.clear()
