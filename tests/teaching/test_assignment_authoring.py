"""Teachers create, edit and copy assignments through the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from gradewell.accounts.models import User
from gradewell.courses.models import Assignment, Course
from gradewell.exercises.models import Exercise
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def body(**changes: Any) -> dict[str, Any]:
    now = timezone.now()
    data: dict[str, Any] = {
        "title": "Week 2",
        "opens_at": (now - timedelta(hours=1)).isoformat(),
        "due_at": (now + timedelta(days=7)).isoformat(),
        "late_policy": "penalty",
        "late_penalty_percent": "10",
        "max_attempts": 3,
        "exercises": ["speedup-two-processors", "test-status-created"],
    }
    data.update(changes)
    return data


def test_teacher_creates_assignment(
    teacher: User, course: Course, exercises: dict[str, Exercise]
) -> None:
    response = client_for(teacher).post(
        f"/api/v1/courses/{course.pk}/assignments", body()
    )

    assert response.status_code == 201, response.content
    slugs = [item["slug"] for item in response.json()["exercises"]]
    assert slugs == ["speedup-two-processors", "test-status-created"]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"exercises": ["no-such-exercise"]}, "exercises"),
        ({"due_at": "2000-01-01T00:00:00Z"}, "due_at"),
        ({"late_penalty_percent": "150"}, "late_penalty_percent"),
        ({"max_attempts": -1}, "max_attempts"),
        ({"late_policy": "sometimes"}, "late_policy"),
    ],
)
def test_bad_assignment_is_400(
    teacher: User,
    course: Course,
    exercises: dict[str, Exercise],
    changes: dict[str, Any],
    field: str,
) -> None:
    response = client_for(teacher).post(
        f"/api/v1/courses/{course.pk}/assignments", body(**changes)
    )

    assert response.status_code == 400
    assert response.json()["error"]["field"] == field
    assert Assignment.objects.count() == 0


def test_student_cannot_create_assignment(
    student_client: APIClient, course: Course, exercises: dict[str, Exercise]
) -> None:
    response = student_client.post(f"/api/v1/courses/{course.pk}/assignments", body())

    assert response.status_code == 403


def test_teacher_edits_assignment(teacher: User, assignment: Assignment) -> None:
    response = client_for(teacher).patch(
        f"/api/v1/assignments/{assignment.pk}",
        {"title": "Week 1 (revised)", "exercises": ["test-status-created"]},
    )

    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Week 1 (revised)"
    assert [item["slug"] for item in response.json()["exercises"]] == [
        "test-status-created"
    ]


def test_copy_is_unpublished(teacher: User, assignment: Assignment) -> None:
    response = client_for(teacher).post(f"/api/v1/assignments/{assignment.pk}/copy", {})

    copy = Assignment.objects.exclude(pk=assignment.pk).get()
    assert response.status_code == 201
    assert copy.is_published is False
    assert copy.exercise_links.count() == assignment.exercise_links.count()


def test_copy_into_untaught_course_is_404(
    teacher: User, assignment: Assignment
) -> None:
    other = Course.objects.get(code="other")

    response = client_for(teacher).post(
        f"/api/v1/assignments/{assignment.pk}/copy", {"course": other.pk}
    )

    assert response.status_code == 404
