"""Student progress: cumulative best points per day, totals, permissions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from gradewell.accounts.models import Role, User
from gradewell.courses.models import Assignment, Course
from tests.analytics.conftest import DAY, SPEEDUP, STATUS, submit
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


def progress_url(course: Course, student: User) -> str:
    return f"/api/v1/courses/{course.pk}/analytics/students/{student.pk}"


def progress(viewer: User, course: Course, student: User) -> dict[str, Any]:
    response = client_for(viewer).get(progress_url(course, student))
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def week2(make_assignment: Callable[..., Assignment]) -> Assignment:
    return make_assignment(slugs=[STATUS], title="Week 2", position=1)


@pytest.fixture
def history(student: User, week: Assignment, week2: Assignment) -> None:
    """Two status attempts on day 1, a late speedup on day 3, a worse one on day 4."""
    submit(student, week, STATUS, "0", graded_at=DAY)
    submit(student, week, STATUS, "2", graded_at=DAY + timedelta(hours=2))
    submit(student, week, SPEEDUP, "10", score="7.5", graded_at=DAY + timedelta(2))
    submit(student, week, SPEEDUP, "5", graded_at=DAY + timedelta(3))
    # Neither counts: an attempt given back and one not graded yet.
    submit(student, week2, STATUS, "2", graded_at=DAY, counts=False)
    submit(student, week2, STATUS, "2", status="queued")


def test_series_holds_best_points_per_day(
    student: User, course: Course, week: Assignment, history: None
) -> None:
    body = progress(student, course, student)

    first = body["assignments"][0]
    assert first["assignment"] == week.pk
    assert first["series"] == [
        {"date": "2026-03-02", "points": "2.00"},
        {"date": "2026-03-04", "points": "9.50"},
        {"date": "2026-03-05", "points": "9.50"},
    ]
    assert first["points"] == "9.50"
    assert first["max_points"] == "12.00"


def test_totals_cover_every_assignment(
    student: User, course: Course, week2: Assignment, history: None
) -> None:
    body = progress(student, course, student)

    second = body["assignments"][1]
    assert second["assignment"] == week2.pk
    assert second["series"] == []
    assert second["points"] == "0.00"
    assert body["points"] == "9.50"
    assert body["max_points"] == "14.00"
    assert body["student"]["username"] == "student"


def test_missing_graded_time_uses_creation_time(
    student: User, course: Course, week: Assignment
) -> None:
    submission = submit(student, week, STATUS, "2")

    body = progress(student, course, student)

    assert body["assignments"][0]["series"] == [
        {"date": submission.created_at.date().isoformat(), "points": "2.00"}
    ]


def test_unpublished_assignment_hidden_from_student(
    student: User,
    teacher: User,
    course: Course,
    week: Assignment,
    make_assignment: Callable[..., Assignment],
) -> None:
    draft = make_assignment(slugs=[STATUS], title="Draft", is_published=False)

    own = progress(student, course, student)
    taught = progress(teacher, course, student)

    assert draft.pk not in [item["assignment"] for item in own["assignments"]]
    assert draft.pk in [item["assignment"] for item in taught["assignments"]]


def test_teacher_and_admin_read_any_student(
    teacher: User, classmate: User, course: Course, week: Assignment
) -> None:
    admin = make_user("admin", Role.ADMIN)
    for viewer in (teacher, admin):
        body = progress(viewer, course, classmate)

        assert body["student"]["id"] == classmate.pk


@pytest.mark.parametrize("viewer_name", ["classmate", "outsider", "other_teacher"])
def test_others_get_404(
    request: pytest.FixtureRequest,
    viewer_name: str,
    student: User,
    course: Course,
    week: Assignment,
) -> None:
    viewer = request.getfixturevalue(viewer_name)

    response = client_for(viewer).get(progress_url(course, student))

    assert response.status_code == 404


@pytest.mark.parametrize("target_name", ["teacher", "outsider"])
def test_target_must_be_student_of_course(
    request: pytest.FixtureRequest,
    target_name: str,
    teacher: User,
    course: Course,
    week: Assignment,
) -> None:
    target = request.getfixturevalue(target_name)

    response = client_for(teacher).get(progress_url(course, target))

    assert response.status_code == 404


def test_huge_student_id_is_404(teacher: User, course: Course) -> None:
    url = f"/api/v1/courses/{course.pk}/analytics/students/{2**70}"

    response = client_for(teacher).get(url)

    assert response.status_code == 404
