"""Code submissions through the API, graded by a real worker in Docker."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from exercises.definition import ExerciseDefinition
from gradewell.courses.models import Assignment, AssignmentExercise
from gradewell.exercises.models import Exercise
from gradewell.exercises.services import do_sync_bank
from gradewell.submissions.models import Status
from tests.pipeline.test_worker_grading import FINISHED, submit, wait_for_status
from tests.support.worker import WorkerProcess

pytestmark = [
    pytest.mark.worker,
    pytest.mark.docker,
    pytest.mark.django_db(transaction=True),
]

SPEEDUP_FUNCTION = ExerciseDefinition(
    slug="test-code-speedup",
    title="Speedup function",
    topic="parallel-computing",
    kind="python_function",
    points=4,
    statement="Write speedup(sequential, parallel).",
    grading={
        "function": "speedup",
        "tolerance": 1e-6,
        "samples": [{"args": [10, 5], "expected": 2.0}],
        "cases": [
            {"name": "even", "args": [12, 4], "expected": 3.0},
            {"name": "uneven", "args": [10, 4], "expected": 2.5},
        ],
        "limits": {"case_time_s": 2, "wall_time_s": 20},
    },
)


@pytest.fixture
def code_assignment(
    make_assignment: Callable[..., Assignment],
) -> Assignment:
    do_sync_bank([SPEEDUP_FUNCTION], deactivate_missing=False)
    assignment = make_assignment(slugs=["test-status-created"])
    AssignmentExercise.objects.create(
        assignment=assignment, exercise=Exercise.objects.get(slug="test-code-speedup")
    )
    return assignment


@pytest.fixture(autouse=True)
def docker_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    """Grade with Docker; autouse, so worker processes inherit the setting."""
    monkeypatch.setenv("GRADEWELL_SANDBOX_BACKEND", "docker")


def test_correct_code_passes(
    celery_worker_process: WorkerProcess,
    student_client: APIClient,
    code_assignment: Assignment,
) -> None:
    source = "def speedup(sequential, parallel):\n    return sequential / parallel\n"

    submission = wait_for_status(
        submit(student_client, "test-code-speedup", source), FINISHED
    )

    assert submission.status == Status.GRADED, celery_worker_process.log_tail()
    assert submission.verdict == "passed"
    assert submission.score == 4


def test_infinite_loop_then_normal_grading(
    celery_worker_process: WorkerProcess,
    student_client: APIClient,
    code_assignment: Assignment,
) -> None:
    looping = "def speedup(a, b):\n    while True:\n        pass\n"
    correct = "def speedup(a, b):\n    return a / b\n"

    first = wait_for_status(
        submit(student_client, "test-code-speedup", looping), FINISHED, timeout=120
    )
    second = wait_for_status(
        submit(student_client, "test-code-speedup", correct), FINISHED, timeout=120
    )

    assert first.verdict == "time_limit_exceeded", celery_worker_process.log_tail()
    assert first.score == 0
    assert second.verdict == "passed"
    assert celery_worker_process.is_alive()


def test_samples_shown_hidden_cases_not(
    student_client: APIClient, code_assignment: Assignment
) -> None:
    body = student_client.get("/api/v1/exercises/test-code-speedup").json()

    assert body["code"]["function"] == "speedup"
    assert body["code"]["samples"] == [
        {"name": "sample 1", "args": [10, 5], "kwargs": {}, "expected": 2.0}
    ]
    assert "uneven" not in str(body)
