"""Teachers write, edit and copy exercises through the API."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from gradewell.accounts.models import User
from gradewell.courses.models import Assignment
from gradewell.exercises.models import Exercise
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def definition(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": "dns-port",
        "title": "The DNS port",
        "topic": "dns",
        "kind": "numeric",
        "points": 3,
        "statement": "Which UDP port does DNS use, plus {{ offset }}?",
        "parameters": {"offset": {"type": "int", "min": 1, "max": 9}},
        "derived": {"port": "53 + offset"},
        "grading": {"answer": "port", "tolerance": {"absolute": 0}},
    }
    data.update(changes)
    return data


def test_teacher_creates_exercise(teacher: User) -> None:
    response = client_for(teacher).post("/api/v1/exercises", definition())

    exercise = Exercise.objects.get(slug="dns-port")
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 1
    assert exercise.source == "authored"
    assert exercise.author == teacher


def test_invalid_definition_names_fields(teacher: User) -> None:
    body = definition(kind="essay", points=-1, statement="")

    response = client_for(teacher).post("/api/v1/exercises", body)

    fields = {detail["field"] for detail in response.json()["error"]["details"]}
    assert response.status_code == 400
    assert {"kind", "points", "statement"} <= fields
    assert not Exercise.objects.filter(slug="dns-port").exists()


def test_bad_expression_is_rejected(teacher: User) -> None:
    body = definition(derived={"port": "53 + missing_name"})

    response = client_for(teacher).post("/api/v1/exercises", body)

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "derived"


def test_duplicate_slug_is_409(teacher: User) -> None:
    client = client_for(teacher)
    client.post("/api/v1/exercises", definition())

    response = client.post("/api/v1/exercises", definition())

    assert response.status_code == 409
    assert response.json()["error"]["field"] == "slug"


def test_edit_makes_new_version(teacher: User) -> None:
    client = client_for(teacher)
    client.post("/api/v1/exercises", definition())

    same = client.put("/api/v1/exercises/dns-port", definition())
    changed = client.put("/api/v1/exercises/dns-port", definition(points=4))

    assert same.json()["version"] == 1
    assert changed.json()["version"] == 2
    assert Exercise.objects.get(slug="dns-port").versions.count() == 2


def test_copy_then_edit_versions(
    teacher: User, student_client: APIClient, assignment: Assignment
) -> None:
    client = client_for(teacher)
    source = Exercise.objects.get(slug="test-status-created")
    copy = client.post(
        "/api/v1/exercises/test-status-created/copy", {"slug": "status-copy"}
    )
    assert copy.status_code == 201, copy.content
    assert source.current_version.number == 1

    body = client.get("/api/v1/exercises/status-copy").json()["definition"]
    body["points"] = 5
    edited = client.put("/api/v1/exercises/status-copy", body)

    assert edited.json()["version"] == 2
    assert Exercise.objects.get(slug="status-copy").points == 5


def test_bank_exercise_cannot_be_edited(teacher: User, assignment: Assignment) -> None:
    client = client_for(teacher)
    body = client.get("/api/v1/exercises/test-status-created").json()["definition"]

    response = client.put("/api/v1/exercises/test-status-created", body)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "bank_exercise"


def test_only_author_edits(teacher: User, other_teacher: User) -> None:
    client_for(teacher).post("/api/v1/exercises", definition())

    response = client_for(other_teacher).put(
        "/api/v1/exercises/dns-port", definition(points=9)
    )

    assert response.status_code == 403
    assert Exercise.objects.get(slug="dns-port").version == 1


def test_student_cannot_author(student_client: APIClient) -> None:
    response = student_client.post("/api/v1/exercises", definition())

    assert response.status_code == 403
    assert not Exercise.objects.filter(slug="dns-port").exists()


def test_slug_cannot_change_on_edit(teacher: User) -> None:
    client = client_for(teacher)
    client.post("/api/v1/exercises", definition())

    response = client.put("/api/v1/exercises/dns-port", definition(slug="other"))

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "slug"
