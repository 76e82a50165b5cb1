"""Courses, joining, assignments and per-student exercise variants."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from gradewell.accounts.models import User
from gradewell.courses.models import Assignment, Course, Enrollment
from gradewell.exercises.models import Exercise
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SPEEDUP = "speedup-two-processors"
STUDENT_FIELDS = frozenset(
    {
        "slug",
        "title",
        "topic",
        "kind",
        "points",
        "version",
        "statement",
        "statement_html",
        "options",
        "answer_hint",
        "code",
        "fields",
        "figures",
    }
)


def test_student_lists_only_own_courses(
    student_client: APIClient, course: Course
) -> None:
    body = student_client.get("/api/v1/courses").json()

    assert [item["code"] for item in body["results"]] == ["web"]
    assert body["results"][0]["role"] == "student"
    assert body["results"][0]["enrollment_code"] is None


def test_teacher_sees_enrollment_code(teacher: User, course: Course) -> None:
    body = client_for(teacher).get(f"/api/v1/courses/{course.pk}").json()

    assert body["enrollment_code"] == course.enrollment_code


def test_other_course_is_404(outsider: User, course: Course) -> None:
    response = client_for(outsider).get(f"/api/v1/courses/{course.pk}")

    assert response.status_code == 404


def test_join_with_code_enrolls(outsider: User, course: Course) -> None:
    client = client_for(outsider)

    first = client.post(
        "/api/v1/courses/join", {"enrollment_code": course.enrollment_code}
    )
    again = client.post(
        "/api/v1/courses/join", {"enrollment_code": course.enrollment_code}
    )

    assert first.status_code == 201
    assert again.status_code == 200
    assert Enrollment.objects.filter(user=outsider, course=course).count() == 1


def test_join_with_wrong_code_is_400(outsider: User, course: Course) -> None:
    response = client_for(outsider).post(
        "/api/v1/courses/join", {"enrollment_code": "wrong"}
    )

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "enrollment_code"


def test_join_closed_course_is_403(outsider: User, course: Course) -> None:
    Course.objects.filter(pk=course.pk).update(enrollment_open=False)

    response = client_for(outsider).post(
        "/api/v1/courses/join", {"enrollment_code": course.enrollment_code}
    )

    assert response.status_code == 403
    assert not Enrollment.objects.filter(user=outsider, course=course).exists()


def test_assignments_list_exercises_in_order(
    student_client: APIClient, course: Course, assignment: Assignment
) -> None:
    body = student_client.get(f"/api/v1/courses/{course.pk}/assignments").json()

    slugs = [item["slug"] for item in body["results"][0]["exercises"]]
    assert slugs == list(
        assignment.exercise_links.values_list("exercise__slug", flat=True)
    )
    assert body["results"][0]["is_open"] is True


def test_unopened_assignment_hides_exercises(
    student_client: APIClient,
    course: Course,
    make_assignment: Callable[..., Assignment],
) -> None:
    now = timezone.now()
    make_assignment(opens_at=now + timedelta(days=1), due_at=now + timedelta(days=2))

    body = student_client.get(f"/api/v1/courses/{course.pk}/assignments").json()

    assert body["results"][0]["exercises"] == []
    assert body["results"][0]["is_open"] is False


def test_assignments_of_other_course_is_404(
    outsider: User, course: Course, assignment: Assignment
) -> None:
    response = client_for(outsider).get(f"/api/v1/courses/{course.pk}/assignments")

    assert response.status_code == 404


def test_student_sees_only_assigned_exercises(
    student_client: APIClient, make_assignment: Callable[..., Assignment]
) -> None:
    make_assignment(slugs=[SPEEDUP])

    body = student_client.get("/api/v1/exercises").json()

    assert [item["slug"] for item in body["results"]] == [SPEEDUP]


def test_exercise_filters(student_client: APIClient, assignment: Assignment) -> None:
    by_topic = student_client.get("/api/v1/exercises?topic=rest-http").json()
    by_kind = student_client.get("/api/v1/exercises?kind=numeric").json()

    assert [item["slug"] for item in by_topic["results"]] == ["test-status-created"]
    assert [item["slug"] for item in by_kind["results"]] == [SPEEDUP]


def test_variant_stable_for_one_student(
    student_client: APIClient, assignment: Assignment
) -> None:
    first = student_client.get(f"/api/v1/exercises/{SPEEDUP}").json()
    second = student_client.get(f"/api/v1/exercises/{SPEEDUP}").json()

    assert first["statement"] == second["statement"]
    assert "{{" not in first["statement"]


def test_variants_differ_between_students(
    assignment: Assignment, course: Course
) -> None:
    statements = set()
    for index in range(6):
        user = User.objects.create_user(username=f"s{index}", password="x")
        Enrollment.objects.create(user=user, course=course)
        body = client_for(user).get(f"/api/v1/exercises/{SPEEDUP}").json()
        statements.add(body["statement"])

    assert len(statements) > 1


def test_student_never_receives_grading_data(
    student_client: APIClient, assignment: Assignment
) -> None:
    listing = student_client.get("/api/v1/exercises").json()["results"]
    detail = student_client.get("/api/v1/exercises/test-status-created").json()

    assert {frozenset(item) for item in listing} == {STUDENT_FIELDS}
    assert set(detail) == STUDENT_FIELDS
    assert "s201" not in json.dumps(detail["statement"])
    assert "feedback" not in json.dumps(detail)


def test_teacher_sees_definition(teacher: User, assignment: Assignment) -> None:
    detail = client_for(teacher).get(f"/api/v1/exercises/{SPEEDUP}").json()

    assert detail["definition"]["grading"]["answer"] == "speedup"
    assert "speedup" in detail["parameters"]


def test_unassigned_exercise_is_404_for_student(
    student_client: APIClient, exercises: dict[str, Exercise]
) -> None:
    response = student_client.get(f"/api/v1/exercises/{SPEEDUP}")

    assert response.status_code == 404


def test_statement_html_is_sanitized() -> None:
    from gradewell.exercises.rendering import markdown_to_html

    html = markdown_to_html("**bold** <script>alert(1)</script>")

    assert "<strong>bold</strong>" in html
    assert "<script>" not in html


def test_schema_and_docs_are_served() -> None:
    client = APIClient()

    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert b"bearerAuth" in schema.content or b"jwtAuth" in schema.content
    assert docs.status_code == 200


def test_unknown_url_is_json_404() -> None:
    response = APIClient().get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
