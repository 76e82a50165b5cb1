"""Bad input and visibility rules around teachers' endpoints."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from gradewell.accounts.models import User
from gradewell.courses.models import Assignment, Course, Extension, LatePolicy
from gradewell.submissions.models import Submission
from tests.conftest import client_for
from tests.teaching.test_authoring import definition
from tests.teaching.test_review_and_overrides import submit_and_grade

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "gradewell.submissions.services.enqueue_grading",
        lambda submission, request_id="": None,
    )


def test_post_to_unknown_path_is_json_404(student_client: APIClient) -> None:
    client = APIClient(enforce_csrf_checks=True)

    response = client.post("/api/v1/submissions/", {}, format="json")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_second_extension_keeps_earlier_fields(
    teacher: User, student: User, make_assignment: Callable[..., Assignment]
) -> None:
    now = timezone.now()
    past = make_assignment(
        opens_at=now - timedelta(days=3),
        due_at=now - timedelta(days=1),
        late_policy=LatePolicy.REJECT,
        max_attempts=1,
    )
    url = f"/api/v1/assignments/{past.pk}/extensions"
    later = (now + timedelta(days=2)).isoformat()
    client = client_for(teacher)

    client.post(url, {"student": student.pk, "due_at": later, "reason": "ill"})
    client.post(url, {"student": student.pk, "extra_attempts": 1})
    extension = Extension.objects.get()

    assert extension.due_at is not None
    assert extension.extra_attempts == 1
    assert extension.reason == "ill"


def test_huge_student_id_is_404(teacher: User, assignment: Assignment) -> None:
    response = client_for(teacher).delete(
        f"/api/v1/assignments/{assignment.pk}/extensions/99999999999999999999999"
    )

    assert response.status_code == 404


@pytest.mark.parametrize("body", [[], "x", 5])
def test_copy_with_non_object_body_is_400(
    teacher: User, assignment: Assignment, body: object
) -> None:
    response = client_for(teacher).post(
        f"/api/v1/assignments/{assignment.pk}/copy", body, format="json"
    )

    assert response.status_code == 400


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"points": 10**12}, "points"),
        (
            {"parameters": {"offset": {"type": "float", "min": 1, "max": 9.5}}},
            "parameters.offset.max",
        ),
        (
            {"grading": {"answer": "port", "tolerence": {"absolute": 1}}},
            "grading.tolerence",
        ),
        ({"title": "   "}, "title"),
    ],
)
def test_bad_authored_definition_is_400(
    teacher: User, changes: dict, field: str
) -> None:
    # 1e999 parses as infinity; json.dumps cannot write it, so it is put in
    # the raw body by hand, as a client would send it.
    body = json.dumps(definition(**changes)).replace("9.5", "1e999")

    response = client_for(teacher).post(
        "/api/v1/exercises", body, content_type="application/json"
    )

    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == field


def test_student_gradebook_hides_drafts(
    student_client: APIClient,
    course: Course,
    make_assignment: Callable[..., Assignment],
) -> None:
    published = make_assignment(title="Open")
    draft = make_assignment(title="Draft", is_published=False)

    body = student_client.get(f"/api/v1/courses/{course.pk}/gradebook").json()
    listed = student_client.get(f"/api/v1/exercises?assignment={draft.pk}").json()

    shown = {column["assignment"] for column in body["columns"]}
    assert shown == {published.pk}
    assert listed["count"] == 0


def test_csv_cells_cannot_be_formulas(
    teacher: User, student: User, course: Course, assignment: Assignment
) -> None:
    User.objects.filter(pk=student.pk).update(first_name="=1+2", last_name="x")

    response = client_for(teacher).get(
        f"/api/v1/courses/{course.pk}/gradebook?format=csv"
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))

    names = {row["username"]: row["name"] for row in rows}
    assert names["student"] == "'=1+2 x"


def test_student_sees_override(
    teacher: User, student_client: APIClient, assignment: Assignment
) -> None:
    mine = submit_and_grade(student_client, "s200")
    client_for(teacher).post(
        f"/api/v1/submissions/{mine.pk}/override",
        {"score": "1.5", "reason": "good reasoning"},
        format="json",
    )

    body = student_client.get(f"/api/v1/submissions/{mine.pk}").json()

    assert body["score"] == "0.0000"
    assert body["effective_score"] == "1.5000"
    assert body["override_reason"] == "good reasoning"
    assert Submission.objects.get(pk=mine.pk).override_score == 1.5
