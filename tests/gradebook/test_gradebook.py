"""The course gradebook: policies, penalties, permissions, CSV and query count."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from exercises.definition import ExerciseDefinition
from gradewell.accounts.models import User
from gradewell.courses.models import (
    Assignment,
    AssignmentExercise,
    Course,
    Enrollment,
    GradingPolicy,
)
from gradewell.exercises.models import Exercise
from gradewell.exercises.services import do_sync_bank
from gradewell.submissions.models import Status, Submission
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

STATUS = "test-status-created"  # 2 points
SPEEDUP = "speedup-two-processors"  # 10 points


def graded(
    user: User,
    assignment: Assignment,
    slug: str,
    score: str,
    *,
    late: bool = False,
    counts: bool = True,
    status: str = Status.GRADED,
) -> Submission:
    exercise = Exercise.objects.get(slug=slug)
    attempt = (
        Submission.objects.filter(
            user=user, exercise=exercise, assignment=assignment
        ).count()
        + 1
    )
    return Submission.objects.create(
        user=user,
        exercise=exercise,
        exercise_version=exercise.current_version,
        assignment=assignment,
        seed=0,
        answer="x",
        status=status,
        score=Decimal(score),
        raw_score=Decimal(score),
        max_score=exercise.points,
        attempt=attempt,
        is_late=late,
        counts_as_attempt=counts,
        queued_at=timezone.now(),
    )


@pytest.fixture
def week(make_assignment: Callable[..., Assignment]) -> Assignment:
    return make_assignment(slugs=[STATUS, SPEEDUP])


def gradebook(client: APIClient, course: Course, query: str = "") -> dict:
    response = client.get(f"/api/v1/courses/{course.pk}/gradebook{query}")
    assert response.status_code == 200, response.content
    return response.json()


def row_of(body: dict, username: str) -> dict:
    return next(row for row in body["rows"] if row["student"]["username"] == username)


@pytest.mark.parametrize(
    "policy, expected",
    [
        (GradingPolicy.BEST, "8.00"),
        (GradingPolicy.LAST, "5.00"),
        (GradingPolicy.AVERAGE, "6.00"),
    ],
)
def test_policy_picks_counted_score(
    teacher: User,
    student: User,
    course: Course,
    week: Assignment,
    policy: str,
    expected: str,
) -> None:
    Course.objects.filter(pk=course.pk).update(grading_policy=policy)
    for score in ("5", "8", "5"):
        graded(student, week, SPEEDUP, score)

    body = gradebook(client_for(teacher), course)

    cell = row_of(body, "student")["cells"][f"{week.pk}:{SPEEDUP}"]
    assert cell["score"] == expected
    assert cell["attempts"] == 3


def test_totals_add_penalized_scores(
    teacher: User, student: User, course: Course, week: Assignment
) -> None:
    graded(student, week, STATUS, "2")
    graded(student, week, SPEEDUP, "7.5", late=True)  # 10 points less 25 %

    row = row_of(gradebook(client_for(teacher), course), "student")

    assert row["assignment_totals"][str(week.pk)] == "9.50"
    assert row["total"] == "9.50"
    assert row["cells"][f"{week.pk}:{SPEEDUP}"]["late_attempts"] == 1


def test_uncounted_and_ungraded_attempts_ignored(
    teacher: User, student: User, course: Course, week: Assignment
) -> None:
    graded(student, week, SPEEDUP, "9", counts=False)
    graded(student, week, SPEEDUP, "4", status=Status.QUEUED)

    row = row_of(gradebook(client_for(teacher), course), "student")

    assert row["cells"] == {}
    assert row["total"] == "0.00"


def test_columns_and_maximums(teacher: User, course: Course, week: Assignment) -> None:
    body = gradebook(client_for(teacher), course)

    assert [column["key"] for column in body["columns"]] == [
        f"{week.pk}:{STATUS}",
        f"{week.pk}:{SPEEDUP}",
    ]
    assert body["assignment_max"] == {str(week.pk): "12.00"}
    assert body["total_max"] == "12.00"


def test_student_sees_only_own_row(
    student: User, classmate: User, course: Course, week: Assignment
) -> None:
    graded(classmate, week, STATUS, "2")

    body = gradebook(client_for(student), course, "?student=" + str(classmate.pk))

    assert [row["student"]["username"] for row in body["rows"]] == ["student"]


def test_other_course_is_404(
    outsider: User, other_teacher: User, course: Course, week: Assignment
) -> None:
    for user in (outsider, other_teacher):
        response = client_for(user).get(f"/api/v1/courses/{course.pk}/gradebook")

        assert response.status_code == 404


def test_filters_and_ordering(
    teacher: User, student: User, classmate: User, course: Course, week: Assignment
) -> None:
    graded(classmate, week, SPEEDUP, "10")
    client = client_for(teacher)

    by_total = gradebook(client, course, "?ordering=-total")
    only = gradebook(client, course, f"?student={student.pk}")

    assert by_total["rows"][0]["student"]["username"] == "classmate"
    assert [row["student"]["username"] for row in only["rows"]] == ["student"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("?ordering=score", "ordering"),
        ("?student=abc", "student"),
        ("?assignment=0", "assignment"),
    ],
)
def test_bad_parameters_are_400(
    teacher: User, course: Course, week: Assignment, query: str, field: str
) -> None:
    response = client_for(teacher).get(f"/api/v1/courses/{course.pk}/gradebook{query}")

    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_csv_export_parses_back(
    teacher: User, student: User, course: Course, week: Assignment
) -> None:
    graded(student, week, SPEEDUP, "7.5")
    client = client_for(teacher)

    by_param = client.get(f"/api/v1/courses/{course.pk}/gradebook?format=csv")
    by_accept = client.get(
        f"/api/v1/courses/{course.pk}/gradebook", HTTP_ACCEPT="text/csv"
    )
    table = list(csv.DictReader(io.StringIO(by_param.content.decode())))

    assert by_param["Content-Type"].startswith("text/csv")
    assert by_accept.content == by_param.content
    assert [line["username"] for line in table] == ["classmate", "student"]
    assert table[1]["student_id"] == str(student.pk)
    assert table[1][f"{week.pk}:{SPEEDUP}"] == "7.50"
    assert table[1]["course total"] == "7.50"
    assert table[0][f"{week.pk}:{SPEEDUP}"] == ""


def test_query_count_does_not_grow(teacher: User, course: Course) -> None:
    definitions = [
        ExerciseDefinition(
            slug=f"bulk-{index}",
            title=f"Bulk {index}",
            topic="dns",
            kind="single_choice",
            points=1,
            statement="Pick.",
            options=[{"id": "a", "text": "A"}, {"id": "b", "text": "B"}],
            grading={"correct": "a"},
        )
        for index in range(20)
    ]
    do_sync_bank(definitions, deactivate_missing=False)
    now = timezone.now()
    assignment = Assignment.objects.create(
        course=course, title="Bulk", opens_at=now, due_at=now
    )
    exercises = list(Exercise.objects.filter(slug__startswith="bulk-"))
    AssignmentExercise.objects.bulk_create(
        AssignmentExercise(assignment=assignment, exercise=exercise, position=i)
        for i, exercise in enumerate(exercises)
    )
    client = client_for(teacher)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/api/v1/courses/{course.pk}/gradebook")
        return len(queries)

    small = count_queries()
    students = User.objects.bulk_create(
        User(username=f"bulk-student-{n}") for n in range(200)
    )
    Enrollment.objects.bulk_create(
        Enrollment(user=user, course=course) for user in students
    )
    Submission.objects.bulk_create(
        Submission(
            user=user,
            exercise=exercise,
            exercise_version=exercise.current_version,
            assignment=assignment,
            seed=0,
            answer="a",
            status=Status.GRADED,
            score=Decimal(1),
            raw_score=Decimal(1),
            max_score=Decimal(1),
            attempt=1,
            queued_at=now,
        )
        for user in students
        for exercise in exercises
    )
    large = count_queries()
    body = gradebook(client, course)

    assert large == small
    assert len(body["rows"]) == 202
    assert row_of(body, "bulk-student-7")["total"] == "20.00"


def test_override_replaces_counted_score(
    teacher: User, student: User, course: Course, week: Assignment
) -> None:
    submission = graded(student, week, SPEEDUP, "4", late=True)
    Submission.objects.filter(pk=submission.pk).update(override_score=Decimal("9"))

    row = row_of(gradebook(client_for(teacher), course), "student")

    assert row["cells"][f"{week.pk}:{SPEEDUP}"]["score"] == "9.00"
    assert row["total"] == "9.00"
