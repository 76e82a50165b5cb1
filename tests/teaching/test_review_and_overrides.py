"""Teachers review submissions, override scores, regrade and grant extensions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from exercises.definition import ExerciseDefinition
from gradewell.accounts.models import User
from gradewell.audit.models import AuditRecord
from gradewell.courses.models import Assignment, Course, Extension, LatePolicy
from gradewell.exercises.services import do_sync_bank
from gradewell.submissions.models import RegradeJob, Submission
from gradewell.submissions.services import (
    do_record_result,
    do_start_grading,
    run_grader,
)
from gradewell.submissions.tasks import regrade_submission
from tests.conftest import STATUS_DEFINITION, client_for

pytestmark = pytest.mark.django_db

SLUG = "test-status-created"


@pytest.fixture(autouse=True)
def no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "gradewell.submissions.services.enqueue_grading",
        lambda submission, request_id="": None,
    )


def submit_and_grade(client: APIClient, answer: str = "s201") -> Submission:
    response = client.post("/api/v1/submissions", {"exercise": SLUG, "answer": answer})
    assert response.status_code == 202, response.content
    submission = do_start_grading(response.json()["id"])
    result, duration = run_grader(submission)
    do_record_result(submission, result, duration)
    return Submission.objects.get(pk=submission.pk)


def override(client: APIClient, submission: Submission, body: Any, method="post"):
    url = f"/api/v1/submissions/{submission.pk}/override"
    return getattr(client, method)(url, body, format="json")


def test_teacher_reads_full_review(
    teacher: User, student_client: APIClient, assignment: Assignment
) -> None:
    first = submit_and_grade(student_client, "s200")
    second = submit_and_grade(student_client, "s201")

    body = client_for(teacher).get(f"/api/v1/submissions/{second.pk}").json()

    assert body["student"]["username"] == "student"
    assert body["grader"] == "single_choice"
    assert body["answer"] == "s201"
    assert [item["kind"] for item in body["history"]] == ["graded"]
    assert [item["id"] for item in body["attempt_history"]] == [
        str(first.pk),
        str(second.pk),
    ]


def test_course_submission_list_filters(
    teacher: User,
    student_client: APIClient,
    classmate: User,
    course: Course,
    assignment: Assignment,
) -> None:
    submit_and_grade(student_client, "s201")
    submit_and_grade(client_for(classmate), "s200")
    client = client_for(teacher)

    everything = client.get(f"/api/v1/courses/{course.pk}/submissions").json()
    wrong = client.get(
        f"/api/v1/courses/{course.pk}/submissions?verdict=wrong_answer"
    ).json()

    assert everything["count"] == 2
    assert [item["student"]["username"] for item in wrong["results"]] == ["classmate"]


def test_student_cannot_reach_teacher_endpoints(
    student: User, student_client: APIClient, course: Course, assignment: Assignment
) -> None:
    mine = submit_and_grade(student_client)

    listing = student_client.get(f"/api/v1/courses/{course.pk}/submissions")
    overriding = override(student_client, mine, {"score": "2", "reason": "me"})
    regrading = student_client.post("/api/v1/regrades", {"submission": str(mine.pk)})

    assert listing.status_code == 403
    assert overriding.status_code == 403
    assert regrading.status_code == 403


def test_other_teacher_gets_404(
    other_teacher: User,
    student_client: APIClient,
    course: Course,
    assignment: Assignment,
) -> None:
    mine = submit_and_grade(student_client)
    client = client_for(other_teacher)

    assert client.get(f"/api/v1/courses/{course.pk}/submissions").status_code == 404
    assert override(client, mine, {"score": "1", "reason": "x"}).status_code == 404


def test_override_requires_reason_and_range(
    teacher: User, student_client: APIClient, assignment: Assignment
) -> None:
    mine = submit_and_grade(student_client)
    client = client_for(teacher)

    no_reason = override(client, mine, {"score": "1"})
    too_high = override(client, mine, {"score": "3", "reason": "typo"})

    assert no_reason.status_code == 400
    assert no_reason.json()["error"]["field"] == "reason"
    assert too_high.status_code == 400
    assert too_high.json()["error"]["field"] == "score"
    assert Submission.objects.get(pk=mine.pk).override_score is None


def test_override_wins_until_removed(
    teacher: User, student_client: APIClient, assignment: Assignment
) -> None:
    mine = submit_and_grade(student_client, "s200")
    client = client_for(teacher)

    body = override(client, mine, {"score": "1.5", "reason": "partial reasoning"})
    regrade_submission.apply(args=[str(mine.pk), str(_job(teacher, assignment).pk)])
    after_regrade = Submission.objects.get(pk=mine.pk)
    removed = override(client, mine, {"reason": "mistake"}, method="delete")

    assert body.json()["effective_score"] == "1.5000"
    assert after_regrade.effective_score == 1.5
    assert removed.json()["effective_score"] == "0.0000"
    kinds = [item["kind"] for item in removed.json()["history"]]
    assert kinds == ["graded", "overridden", "regraded", "override_removed"]
    audit = AuditRecord.objects.get(action="grade_overridden")
    assert audit.details["before"] == "0.0000"
    assert audit.details["reason"] == "partial reasoning"


def _job(teacher: User, assignment: Assignment) -> RegradeJob:
    return RegradeJob.objects.create(
        requested_by=teacher, scope="assignment", course=assignment.course, total=1
    )


def test_regrade_after_exercise_change(
    teacher: User,
    student_client: APIClient,
    assignment: Assignment,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mine = submit_and_grade(student_client, "s200")
    changed = ExerciseDefinition(
        **{**STATUS_DEFINITION.as_dict(), "grading": {"correct": "s200"}}
    )
    do_sync_bank([changed], deactivate_missing=False)
    sent: list[tuple] = []
    monkeypatch.setattr(
        "gradewell.submissions.tasks.regrade_submission.apply_async",
        lambda args, kwargs, queue: sent.append(tuple(args)),
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(teacher).post(
            "/api/v1/regrades", {"assignment": assignment.pk}
        )
    job_id = response.json()["id"]
    for args in sent:
        regrade_submission.apply(args=list(args))
    progress = client_for(teacher).get(f"/api/v1/regrades/{job_id}").json()
    regraded = Submission.objects.get(pk=mine.pk)

    assert response.status_code == 202
    assert progress["total"] == 1
    assert progress["done"] == 1
    assert progress["finished"] is True
    assert regraded.verdict == "passed"
    assert regraded.exercise_version.number == 2
    assert regraded.history.first().verdict == "wrong_answer"


def test_regrade_request_needs_one_scope(teacher: User, course: Course) -> None:
    response = client_for(teacher).post("/api/v1/regrades", {})

    assert response.status_code == 400


def test_regrade_exercise_needs_course(teacher: User) -> None:
    response = client_for(teacher).post("/api/v1/regrades", {"exercise": SLUG})

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "course"


def test_extension_moves_deadline(
    teacher: User,
    student: User,
    student_client: APIClient,
    make_assignment: Callable[..., Assignment],
) -> None:
    now = timezone.now()
    past = make_assignment(
        opens_at=now - timedelta(days=3),
        due_at=now - timedelta(days=1),
        late_policy=LatePolicy.REJECT,
    )
    refused = student_client.post(
        "/api/v1/submissions", {"exercise": SLUG, "answer": "s201"}
    )

    granted = client_for(teacher).post(
        f"/api/v1/assignments/{past.pk}/extensions",
        {"student": student.pk, "due_at": (now + timedelta(days=1)).isoformat()},
    )
    accepted = student_client.post(
        "/api/v1/submissions", {"exercise": SLUG, "answer": "s201"}
    )

    assert refused.status_code == 403
    assert granted.status_code == 201
    assert accepted.status_code == 202
    assert accepted.json()["is_late"] is False


def test_extension_adds_attempts(
    teacher: User,
    student: User,
    student_client: APIClient,
    make_assignment: Callable[..., Assignment],
) -> None:
    week = make_assignment(max_attempts=1)
    body = {"exercise": SLUG, "answer": "s201"}
    student_client.post("/api/v1/submissions", body)

    client_for(teacher).post(
        f"/api/v1/assignments/{week.pk}/extensions",
        {"student": student.pk, "extra_attempts": 1},
    )
    second = student_client.post("/api/v1/submissions", body)
    third = student_client.post("/api/v1/submissions", body)

    assert second.status_code == 202
    assert third.status_code == 403


@pytest.mark.parametrize(
    "body, field",
    [
        ({"extra_attempts": 1}, "student"),
        ({"student": 999999, "extra_attempts": 1}, "student"),
        ({"student": "STUDENT", "due_at": "2000-01-01T00:00:00Z"}, "due_at"),
    ],
)
def test_bad_extension_is_400(
    teacher: User, student: User, assignment: Assignment, body: dict, field: str
) -> None:
    body = {
        key: student.pk if value == "STUDENT" else value for key, value in body.items()
    }

    response = client_for(teacher).post(
        f"/api/v1/assignments/{assignment.pk}/extensions", body
    )

    assert response.status_code == 400
    assert response.json()["error"]["field"] == field
    assert Extension.objects.count() == 0


def test_extension_removed(
    teacher: User, student: User, assignment: Assignment
) -> None:
    client = client_for(teacher)
    client.post(
        f"/api/v1/assignments/{assignment.pk}/extensions",
        {"student": student.pk, "extra_attempts": 2},
    )

    response = client.delete(
        f"/api/v1/assignments/{assignment.pk}/extensions/{student.pk}"
    )

    assert response.status_code == 204
    assert Extension.objects.count() == 0


def test_student_cannot_grant_extension(
    student: User, student_client: APIClient, assignment: Assignment
) -> None:
    response = student_client.post(
        f"/api/v1/assignments/{assignment.pk}/extensions",
        {"student": student.pk, "extra_attempts": 5},
    )

    assert response.status_code == 403
