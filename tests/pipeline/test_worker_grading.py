"""The grading pipeline end to end, with real Celery worker processes."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from gradewell.audit.models import AuditRecord
from gradewell.courses.models import Assignment
from gradewell.submissions.models import Status, Submission
from gradewell.submissions.services import do_sweep_stale
from tests.support import fake_graders
from tests.support.worker import WorkerProcess

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FINISHED = {Status.GRADED, Status.ERROR}


def submit(client: APIClient, exercise: str, answer: Any) -> str:
    response = client.post(
        "/api/v1/submissions", {"exercise": exercise, "answer": answer}
    )
    assert response.status_code == 202, response.content
    return response.json()["id"]


def wait_for_status(
    submission_id: str, statuses: set[str], timeout: float = 60
) -> Submission:
    deadline = time.monotonic() + timeout
    while True:
        submission = Submission.objects.get(pk=submission_id)
        if submission.status in statuses or time.monotonic() > deadline:
            return submission
        time.sleep(0.2)


def wait_for_file(path: Path, timeout: float = 30) -> Path:
    deadline = time.monotonic() + timeout
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return path


def test_worker_grades_right_answer(
    celery_worker_process: WorkerProcess,
    student_client: APIClient,
    assignment: Assignment,
) -> None:
    submission_id = submit(student_client, "test-status-created", "s201")

    wait_for_status(submission_id, FINISHED)
    body = student_client.get(f"/api/v1/submissions/{submission_id}").json()

    assert body["status"] == "graded", celery_worker_process.log_tail()
    assert body["verdict"] == "passed"
    assert body["score"] == "2.0000"
    assert body["checks"][0]["passed"] is True
    assert body["graded_at"] is not None


def test_request_id_reaches_worker(
    celery_worker_process: WorkerProcess,
    student_client: APIClient,
    assignment: Assignment,
) -> None:
    response = student_client.post(
        "/api/v1/submissions",
        {"exercise": "test-status-created", "answer": "s201"},
        HTTP_X_REQUEST_ID="trace-4242",
    )

    wait_for_status(response.json()["id"], FINISHED)
    finished = AuditRecord.objects.get(action="grading_finished")

    assert finished.request_id == "trace-4242"
    assert "trace-4242" in celery_worker_process.log_tail(20000)


def test_worker_grades_wrong_answer(
    celery_worker_process: WorkerProcess,
    student_client: APIClient,
    assignment: Assignment,
) -> None:
    submission_id = submit(student_client, "test-status-created", "s200")

    submission = wait_for_status(submission_id, FINISHED)

    assert submission.status == Status.GRADED, celery_worker_process.log_tail()
    assert submission.verdict == "wrong_answer"
    assert submission.score == 0
    assert submission.feedback == "The resource is new."


def test_killed_pool_process_grades_once(
    celery_worker_process: WorkerProcess,
    student_client: APIClient,
    assignment: Assignment,
) -> None:
    submission_id = submit(student_client, "test-slow", "anything")
    running = wait_for_status(submission_id, {Status.RUNNING})
    assert running.status == Status.RUNNING, celery_worker_process.log_tail()

    # SIGKILL the pool process that is grading, as an out-of-memory kill would.
    pid = int(wait_for_file(fake_graders.pid_file(submission_id)).read_text())
    os.kill(pid, signal.SIGKILL)
    submission = wait_for_status(submission_id, FINISHED, timeout=90)

    assert submission.status == Status.GRADED, celery_worker_process.log_tail()
    assert submission.deliveries == 2
    assert submission.attempt == 1
    assert Submission.objects.count() == 1
    assert celery_worker_process.is_alive()


def test_sweep_recovers_from_dead_worker(
    worker_env: dict[str, str],
    tmp_path: Path,
    student_client: APIClient,
    assignment: Assignment,
) -> None:
    first = WorkerProcess(worker_env, tmp_path / "first.log")
    first.start()
    submission_id = submit(student_client, "test-slow", "anything")
    running = wait_for_status(submission_id, {Status.RUNNING})
    first.kill()
    assert running.status == Status.RUNNING, first.log_tail()

    second = WorkerProcess(worker_env, tmp_path / "second.log")
    second.start()
    try:
        stale_now = {"GRADING_HARD_TIME_LIMIT": 0, "STALE_RUNNING_MARGIN_SECONDS": 0}
        with override_settings(GRADEWELL=stale_now):
            counts = do_sweep_stale()
        submission = wait_for_status(submission_id, FINISHED, timeout=90)
    finally:
        second.stop()

    assert counts["requeued"] == 1
    assert submission.status == Status.GRADED, second.log_tail()
    assert submission.requeues == 1
    assert submission.attempt == 1
    assert Submission.objects.count() == 1
