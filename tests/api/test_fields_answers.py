"""A fields exercise through the API: what students see and what is accepted."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rest_framework.test import APIClient

from exercises.definition import ExerciseDefinition
from exercises.loader import BANK_ROOT, load_definition
from gradewell.courses.models import Assignment
from gradewell.exercises.models import Exercise
from gradewell.exercises.services import do_sync_bank
from gradewell.submissions.models import Submission
from gradewell.submissions.services import (
    do_record_result,
    do_start_grading,
    run_grader,
)

pytestmark = pytest.mark.django_db

SLUG = "crud-endpoints-design"


@pytest.fixture(autouse=True)
def no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "gradewell.submissions.services.enqueue_grading",
        lambda submission, request_id="": None,
    )


@pytest.fixture
def exercises(db: None, speedup_definition: ExerciseDefinition) -> dict[str, Exercise]:
    """Replace the shared exercises with the speedup and one fields exercise."""
    definition, problems = load_definition(
        BANK_ROOT / f"rest-http/{SLUG}/exercise.yaml"
    )
    assert problems == []
    assert definition is not None
    do_sync_bank([speedup_definition, definition], deactivate_missing=False)
    return {exercise.slug: exercise for exercise in Exercise.objects.all()}


def post(client: APIClient, answer: Any) -> Any:
    body = {"exercise": SLUG, "answer": answer}
    return client.post("/api/v1/submissions", body, format="json")


def test_student_sees_rendered_fields(
    student_client: APIClient, assignment: Assignment
) -> None:
    detail = student_client.get(f"/api/v1/exercises/{SLUG}").json()
    fields = {field["name"]: field for field in detail["fields"]}

    assert len(fields) == 15
    assert set(fields["create_method"]) == {"name", "label", "type", "choices"}
    assert fields["create_method"]["choices"] == [
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
    ]
    assert set(fields["create_path"]) == {"name", "label", "type"}
    assert fields["create_status"]["type"] == "number"
    assert "{{" not in fields["create_path"]["label"]
    assert "accept" not in str(detail)


def test_other_kinds_have_no_fields(
    student_client: APIClient, assignment: Assignment
) -> None:
    detail = student_client.get("/api/v1/exercises/speedup-two-processors").json()

    assert detail["fields"] == []


@pytest.mark.parametrize(
    "answer",
    ["POST", ["POST"], {"create_method": True}, {"create_method": ["POST"]}],
    ids=["text", "list", "bool-value", "list-value"],
)
def test_malformed_fields_answer_is_400(
    student_client: APIClient, assignment: Assignment, answer: Any
) -> None:
    response = post(student_client, answer)

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "answer"
    assert Submission.objects.count() == 0


def test_unknown_field_name_is_400(
    student_client: APIClient, assignment: Assignment
) -> None:
    response = post(student_client, {"create_method": "POST", "verb": "POST"})

    assert response.status_code == 400
    assert "verb" in response.json()["error"]["message"]
    assert Submission.objects.count() == 0


def test_partly_filled_answer_is_graded_per_field(
    student_client: APIClient, assignment: Assignment
) -> None:
    detail = student_client.get(f"/api/v1/exercises/{SLUG}").json()
    collection = re.findall(r"at the path\s+`(/\w+)`", detail["statement"])[0]
    answer = {"create_method": "POST", "create_path": collection, "create_status": 200}
    body = post(student_client, answer).json()

    submission = do_start_grading(body["id"])
    result, duration = run_grader(submission)
    do_record_result(submission, result, duration)
    graded = Submission.objects.get(pk=body["id"])

    assert graded.verdict == "partial"
    assert float(graded.score) == pytest.approx(2.0)
    assert len(graded.checks) == 15
    assert "201 Created is more specific" in graded.feedback
