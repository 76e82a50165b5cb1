"""The grading task's body, run in this process: retries and failures."""

from __future__ import annotations

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from gradewell.courses.models import Assignment, AssignmentExercise
from gradewell.exercises.models import Exercise
from gradewell.exercises.services import do_sync_bank
from gradewell.submissions.models import Status, Submission
from gradewell.submissions.services import do_sweep_stale
from gradewell.submissions.tasks import grade_submission
from tests.conftest import flaky_definition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "gradewell.submissions.services.enqueue_grading",
        lambda submission, request_id="": None,
    )


def submit_flaky(
    client: APIClient, assignment: Assignment, failures: int
) -> Submission:
    do_sync_bank([flaky_definition(failures)], deactivate_missing=False)
    exercise = Exercise.objects.get(slug=f"test-flaky-{failures}")
    AssignmentExercise.objects.create(assignment=assignment, exercise=exercise)
    response = client.post(
        "/api/v1/submissions",
        {"exercise": exercise.slug, "answer": "x", "assignment": assignment.pk},
    )
    assert response.status_code == 202, response.content
    return Submission.objects.get(pk=response.json()["id"])


def test_infrastructure_error_is_retried(
    student_client: APIClient, assignment: Assignment
) -> None:
    submission = submit_flaky(student_client, assignment, failures=2)

    grade_submission.apply(args=[str(submission.id)])
    submission.refresh_from_db()

    assert submission.status == Status.GRADED
    assert submission.verdict == "passed"
    assert submission.deliveries == 3
    assert submission.counts_as_attempt is True


def test_exhausted_retries_end_in_error(
    student_client: APIClient, assignment: Assignment
) -> None:
    submission = submit_flaky(student_client, assignment, failures=99)

    grade_submission.apply(args=[str(submission.id)])
    submission.refresh_from_db()

    assert submission.status == Status.ERROR
    assert submission.counts_as_attempt is False
    assert "infrastructure" in submission.error_reason
    assert submission.deliveries == grade_submission.max_retries + 1


def test_second_delivery_does_not_regrade(
    student_client: APIClient, assignment: Assignment
) -> None:
    response = student_client.post(
        "/api/v1/submissions",
        {"exercise": "test-status-created", "answer": "s201"},
    )
    submission_id = response.json()["id"]

    grade_submission.apply(args=[submission_id])
    graded_at = Submission.objects.get(pk=submission_id).graded_at
    grade_submission.apply(args=[submission_id])
    submission = Submission.objects.get(pk=submission_id)

    assert submission.status == Status.GRADED
    assert submission.deliveries == 1
    assert submission.graded_at == graded_at


def test_sweep_fails_after_max_requeues(
    student_client: APIClient, assignment: Assignment
) -> None:
    response = student_client.post(
        "/api/v1/submissions",
        {"exercise": "test-status-created", "answer": "s201"},
    )
    submission_id = response.json()["id"]
    Submission.objects.filter(pk=submission_id).update(requeues=3)

    with override_settings(GRADEWELL={"STALE_QUEUED_SECONDS": -1}):
        counts = do_sweep_stale()
    submission = Submission.objects.get(pk=submission_id)

    assert counts == {"requeued": 0, "failed": 1}
    assert submission.status == Status.ERROR
    assert submission.counts_as_attempt is False


def test_sweep_leaves_fresh_submissions(
    student_client: APIClient, assignment: Assignment
) -> None:
    student_client.post(
        "/api/v1/submissions", {"exercise": "test-status-created", "answer": "s201"}
    )

    counts = do_sweep_stale()

    assert counts == {"requeued": 0, "failed": 0}
