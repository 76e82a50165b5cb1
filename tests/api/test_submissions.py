"""Submitting answers: the rules enforced on arrival, and reading results."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from gradewell.accounts.models import User
from gradewell.courses.models import Assignment, LatePolicy
from gradewell.submissions.models import Status, Submission
from gradewell.submissions.services import do_start_grading, run_grader
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SLUG = "test-status-created"


@pytest.fixture(autouse=True)
def sent_tasks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record grading tasks instead of sending them: these tests stop at the API."""
    sent: list[str] = []
    monkeypatch.setattr(
        "gradewell.submissions.services.enqueue_grading",
        lambda submission, request_id="": sent.append(str(submission.id)),
    )
    return sent


def post(client: APIClient, body: Any, **headers: str) -> Any:
    return client.post("/api/v1/submissions", body, format="json", **headers)


def error_of(response: Any) -> dict[str, Any]:
    return response.json()["error"]


def test_submit_returns_202_with_location(
    student_client: APIClient, assignment: Assignment
) -> None:
    response = post(student_client, {"exercise": SLUG, "answer": "s201"})

    body = response.json()
    assert response.status_code == 202
    assert response["Location"] == f"/api/v1/submissions/{body['id']}"
    assert body["status"] == "queued"
    assert body["attempt"] == 1
    assert body["assignment"] == assignment.pk


def test_submit_sends_grading_task_on_commit(
    student_client: APIClient,
    assignment: Assignment,
    sent_tasks: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = post(student_client, {"exercise": SLUG, "answer": "s201"})

    assert sent_tasks == [response.json()["id"]]


def test_unknown_exercise_is_400_and_stores_nothing(
    student_client: APIClient, assignment: Assignment
) -> None:
    response = post(student_client, {"exercise": "no-such", "answer": "x"})

    assert response.status_code == 400
    assert error_of(response)["field"] == "exercise"
    assert Submission.objects.count() == 0


def test_bad_json_is_400(student_client: APIClient, assignment: Assignment) -> None:
    response = student_client.post(
        "/api/v1/submissions", "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"
    assert Submission.objects.count() == 0


@pytest.mark.parametrize(
    "body, field",
    [
        ({"answer": "s201"}, "exercise"),
        ({"exercise": SLUG}, "answer"),
        ({"exercise": ["list"], "answer": "s201"}, "exercise"),
        ({"exercise": SLUG, "answer": "s201", "assignment": "abc"}, "assignment"),
        ({"exercise": SLUG, "answer": 42}, "answer"),
        ({"exercise": SLUG, "answer": ["s201"]}, "answer"),
        ({"exercise": SLUG, "answer": None}, "answer"),
    ],
)
def test_wrong_types_are_400(
    student_client: APIClient, assignment: Assignment, body: Any, field: str
) -> None:
    response = post(student_client, body)

    assert response.status_code == 400
    assert error_of(response)["field"] == field
    assert Submission.objects.count() == 0


def test_body_array_is_400(student_client: APIClient, assignment: Assignment) -> None:
    response = post(student_client, ["s201"])

    assert response.status_code == 400
    assert Submission.objects.count() == 0


def test_oversized_body_is_413(
    student_client: APIClient, assignment: Assignment
) -> None:
    response = post(student_client, {"exercise": SLUG, "answer": "x" * 300_000})

    assert response.status_code == 413
    assert "262144 bytes" in error_of(response)["message"]
    assert Submission.objects.count() == 0


def test_not_enrolled_is_403(outsider: User, assignment: Assignment) -> None:
    response = post(client_for(outsider), {"exercise": SLUG, "answer": "s201"})

    assert response.status_code == 403
    assert error_of(response)["code"] == "not_enrolled"
    assert Submission.objects.count() == 0


def test_other_course_assignment_is_403(outsider: User, assignment: Assignment) -> None:
    body = {"exercise": SLUG, "answer": "s201", "assignment": assignment.pk}

    response = post(client_for(outsider), body)

    assert response.status_code == 403
    assert error_of(response)["field"] == "assignment"


def test_exercise_outside_assignment_is_400(
    student_client: APIClient, make_assignment: Callable[..., Assignment]
) -> None:
    week = make_assignment(slugs=["speedup-two-processors"])

    response = post(
        student_client, {"exercise": SLUG, "answer": "s201", "assignment": week.pk}
    )

    assert response.status_code == 400
    assert error_of(response)["code"] == "exercise_not_in_assignment"


def test_ambiguous_assignment_is_400(
    student_client: APIClient, make_assignment: Callable[..., Assignment]
) -> None:
    make_assignment(title="Week 1")
    make_assignment(title="Week 2")

    response = post(student_client, {"exercise": SLUG, "answer": "s201"})

    assert response.status_code == 400
    assert error_of(response)["code"] == "assignment_required"


def test_before_opening_is_403(
    student_client: APIClient, make_assignment: Callable[..., Assignment]
) -> None:
    now = timezone.now()
    week = make_assignment(opens_at=now + timedelta(days=1), due_at=now + timedelta(2))

    response = post(
        student_client, {"exercise": SLUG, "answer": "s201", "assignment": week.pk}
    )

    assert response.status_code == 403
    assert error_of(response)["code"] in {"assignment_not_open", "not_enrolled"}
    assert Submission.objects.count() == 0


def test_after_deadline_rejected(
    student_client: APIClient, make_assignment: Callable[..., Assignment]
) -> None:
    now = timezone.now()
    make_assignment(opens_at=now - timedelta(days=2), due_at=now - timedelta(days=1))

    response = post(student_client, {"exercise": SLUG, "answer": "s201"})

    assert response.status_code == 403
    assert error_of(response)["code"] == "deadline_passed"
    assert Submission.objects.count() == 0


def test_late_with_penalty_accepted(
    student_client: APIClient, make_assignment: Callable[..., Assignment]
) -> None:
    now = timezone.now()
    make_assignment(
        opens_at=now - timedelta(days=2),
        due_at=now - timedelta(days=1),
        late_policy=LatePolicy.PENALTY,
        late_penalty_percent=25,
    )

    response = post(student_client, {"exercise": SLUG, "answer": "s201"})

    assert response.status_code == 202
    assert response.json()["is_late"] is True
    assert response.json()["late_penalty_percent"] == "25.00"


def test_late_penalty_reduces_score(
    student_client: APIClient, make_assignment: Callable[..., Assignment]
) -> None:
    now = timezone.now()
    make_assignment(
        opens_at=now - timedelta(days=2),
        due_at=now - timedelta(days=1),
        late_policy=LatePolicy.PENALTY,
        late_penalty_percent=25,
    )
    submission_id = post(student_client, {"exercise": SLUG, "answer": "s201"}).json()[
        "id"
    ]

    from gradewell.submissions.services import do_record_result

    submission = do_start_grading(submission_id)
    result, duration = run_grader(submission)
    do_record_result(submission, result, duration)
    graded = Submission.objects.get(pk=submission_id)

    assert graded.raw_score == 2
    assert graded.score == 1.5


def test_late_period_over_is_403(
    student_client: APIClient, make_assignment: Callable[..., Assignment]
) -> None:
    now = timezone.now()
    make_assignment(
        opens_at=now - timedelta(days=3),
        due_at=now - timedelta(days=2),
        late_until=now - timedelta(days=1),
        late_policy=LatePolicy.PENALTY,
        late_penalty_percent=10,
    )

    response = post(student_client, {"exercise": SLUG, "answer": "s201"})

    assert response.status_code == 403
    assert error_of(response)["code"] == "late_period_over"


def test_attempt_limit_enforced(
    student_client: APIClient, make_assignment: Callable[..., Assignment]
) -> None:
    make_assignment(max_attempts=2)

    first = post(student_client, {"exercise": SLUG, "answer": "s200"})
    second = post(student_client, {"exercise": SLUG, "answer": "s204"})
    third = post(student_client, {"exercise": SLUG, "answer": "s201"})

    assert first.json()["attempt"] == 1
    assert second.json()["attempt"] == 2
    assert third.status_code == 403
    assert error_of(third)["code"] == "attempts_exhausted"
    assert Submission.objects.count() == 2


def test_failed_grading_gives_attempt_back(
    student_client: APIClient, make_assignment: Callable[..., Assignment]
) -> None:
    make_assignment(max_attempts=1)
    first = post(student_client, {"exercise": SLUG, "answer": "s200"}).json()
    Submission.objects.filter(pk=first["id"]).update(
        status=Status.ERROR, counts_as_attempt=False
    )

    second = post(student_client, {"exercise": SLUG, "answer": "s201"})

    assert second.status_code == 202
    assert second.json()["attempt"] == 2


def test_teacher_preview_skips_limits(
    teacher: User, make_assignment: Callable[..., Assignment]
) -> None:
    now = timezone.now()
    make_assignment(opens_at=now - timedelta(days=2), due_at=now - timedelta(days=1))

    response = post(client_for(teacher), {"exercise": SLUG, "answer": "s201"})

    assert response.status_code == 202


def test_idempotency_key_returns_first(
    student_client: APIClient,
    assignment: Assignment,
    sent_tasks: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    body = {"exercise": SLUG, "answer": "s201"}

    with django_capture_on_commit_callbacks(execute=True):
        first = post(student_client, body, HTTP_IDEMPOTENCY_KEY="key-1")
        second = post(student_client, body, HTTP_IDEMPOTENCY_KEY="key-1")

    assert second.status_code == 202
    assert second.json()["id"] == first.json()["id"]
    assert second["Idempotent-Replayed"] == "true"
    assert Submission.objects.count() == 1
    assert len(sent_tasks) == 1


def test_idempotency_key_with_other_body_is_422(
    student_client: APIClient, assignment: Assignment
) -> None:
    post(student_client, {"exercise": SLUG, "answer": "s201"}, HTTP_IDEMPOTENCY_KEY="k")

    response = post(
        student_client, {"exercise": SLUG, "answer": "s200"}, HTTP_IDEMPOTENCY_KEY="k"
    )

    assert response.status_code == 422
    assert error_of(response)["code"] == "idempotency_key_reused"
    assert Submission.objects.count() == 1


def test_idempotency_keys_are_per_user(
    student_client: APIClient, classmate: User, assignment: Assignment
) -> None:
    body = {"exercise": SLUG, "answer": "s201"}

    post(student_client, body, HTTP_IDEMPOTENCY_KEY="shared")
    response = post(client_for(classmate), body, HTTP_IDEMPOTENCY_KEY="shared")

    assert response.status_code == 202
    assert Submission.objects.count() == 2


def test_overlong_idempotency_key_is_400(
    student_client: APIClient, assignment: Assignment
) -> None:
    response = post(
        student_client,
        {"exercise": SLUG, "answer": "s201"},
        HTTP_IDEMPOTENCY_KEY="k" * 300,
    )

    assert response.status_code == 400
    assert error_of(response)["field"] == "Idempotency-Key"


def test_classmate_submission_is_404(
    student_client: APIClient, classmate: User, assignment: Assignment
) -> None:
    theirs = post(client_for(classmate), {"exercise": SLUG, "answer": "s201"})

    response = student_client.get(f"/api/v1/submissions/{theirs.json()['id']}")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_course_teacher_reads_student_submission(
    student_client: APIClient, teacher: User, assignment: Assignment
) -> None:
    mine = post(student_client, {"exercise": SLUG, "answer": "s201"}).json()

    response = client_for(teacher).get(f"/api/v1/submissions/{mine['id']}")

    assert response.status_code == 200


def test_other_teacher_cannot_read_submission(
    student_client: APIClient, other_teacher: User, assignment: Assignment
) -> None:
    mine = post(student_client, {"exercise": SLUG, "answer": "s201"}).json()

    response = client_for(other_teacher).get(f"/api/v1/submissions/{mine['id']}")

    assert response.status_code == 404


def test_list_shows_only_own_with_filters(
    student_client: APIClient, classmate: User, assignment: Assignment
) -> None:
    post(student_client, {"exercise": SLUG, "answer": "s201"})
    post(student_client, {"exercise": "speedup-two-processors", "answer": "1.5"})
    post(client_for(classmate), {"exercise": SLUG, "answer": "s201"})

    everything = student_client.get("/api/v1/submissions").json()
    filtered = student_client.get(f"/api/v1/submissions?exercise={SLUG}").json()

    assert everything["count"] == 2
    assert filtered["count"] == 1


def test_bad_list_filter_is_400(student_client: APIClient) -> None:
    response = student_client.get("/api/v1/submissions?status=bogus")

    assert response.status_code == 400
    assert error_of(response)["field"] == "status"


def test_malformed_submission_id_is_404(student_client: APIClient) -> None:
    response = student_client.get("/api/v1/submissions/not-a-uuid")

    assert response.status_code == 404
