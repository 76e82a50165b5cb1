"""Exercise analytics: hand-computed figures, filters, permissions, queries."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gradewell.accounts.models import Role, User
from gradewell.analytics.exercise_stats import answer_text, score_histogram
from gradewell.courses.models import Assignment, Course, Enrollment
from gradewell.exercises.models import Exercise
from gradewell.submissions.models import Status, Submission
from tests.analytics.conftest import SPEEDUP, STATUS, submit
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

STATUS_EDGES = [
    "0.00",
    "0.20",
    "0.40",
    "0.60",
    "0.80",
    "1.00",
    "1.20",
    "1.40",
    "1.60",
    "1.80",
    "2.00",
]


def analytics(user: User, course: Course, query: str = "") -> dict[str, Any]:
    url = f"/api/v1/courses/{course.pk}/analytics/exercises{query}"
    response = client_for(user).get(url)
    assert response.status_code == 200, response.content
    return response.json()


def entry(body: dict[str, Any], assignment: Assignment, slug: str) -> dict[str, Any]:
    return next(
        item
        for item in body["exercises"]
        if item["assignment"] == assignment.pk and item["exercise"] == slug
    )


@pytest.fixture
def graded_week(
    student: User, classmate: User, third: User, teacher: User, week: Assignment
) -> Assignment:
    """Attempts on the status exercise (2 points) and the speedup one (10).

    Status: the student fails once, then gets 2; the classmate fails twice,
    then gets 2; the third student fails once. Speedup: the student earns
    7.5; the classmate earns 3, then 10.
    """
    wrong = ("correct option",)
    submit(student, week, STATUS, "0", answer="s200", failed=wrong, duration_ms=100)
    submit(student, week, STATUS, "2", answer="s201", duration_ms=300)
    submit(classmate, week, STATUS, "0", answer="s204", failed=wrong, duration_ms=200)
    submit(classmate, week, STATUS, "0", answer="s200", failed=wrong, duration_ms=400)
    submit(classmate, week, STATUS, "2", answer="s201", duration_ms=500)
    submit(third, week, STATUS, "0", answer="s200", failed=wrong)

    submit(student, week, SPEEDUP, "7.5", answer=1.5, failed=("speedup",))
    submit(classmate, week, SPEEDUP, "3", answer=1.2, failed=("speedup",))
    submit(classmate, week, SPEEDUP, "10", answer=1.8)

    # None of these may count: a teacher's try, an attempt given back, and
    # one still in the queue.
    submit(teacher, week, STATUS, "0", answer="s999", failed=wrong, duration_ms=9)
    submit(student, week, STATUS, "0", answer="s204", counts=False)
    submit(third, week, STATUS, "2", answer="s201", status=Status.QUEUED)
    return week


def test_status_exercise_figures(
    teacher: User, course: Course, graded_week: Assignment
) -> None:
    item = entry(analytics(teacher, course), graded_week, STATUS)

    assert item["max_score"] == "2.00"
    assert item["attempts"] == 6
    assert item["students_attempted"] == 3
    assert item["students_full_marks"] == 2
    assert item["full_marks_share"] == 0.6667
    assert item["median_attempts_to_full_marks"] == 2.5
    assert item["median_grading_ms"] == 300.0


def test_status_exercise_distribution(
    teacher: User, course: Course, graded_week: Assignment
) -> None:
    item = entry(analytics(teacher, course), graded_week, STATUS)

    assert item["score_distribution"]["bin_edges"] == STATUS_EDGES
    assert item["score_distribution"]["counts"] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 2]


def test_status_exercise_common_mistakes(
    teacher: User, course: Course, graded_week: Assignment
) -> None:
    item = entry(analytics(teacher, course), graded_week, STATUS)

    assert item["common_failing_checks"] == [{"name": "correct option", "count": 4}]
    assert item["common_wrong_answers"] == [
        {"answer": '"s200"', "count": 3},
        {"answer": '"s204"', "count": 1},
    ]


def test_speedup_exercise_figures(
    teacher: User, course: Course, graded_week: Assignment
) -> None:
    item = entry(analytics(teacher, course), graded_week, SPEEDUP)

    assert item["attempts"] == 3
    assert item["students_attempted"] == 2
    assert item["full_marks_share"] == 0.5
    assert item["median_attempts_to_full_marks"] == 2.0
    assert item["score_distribution"]["counts"] == [0, 0, 0, 0, 0, 0, 0, 1, 0, 1]
    assert item["score_distribution"]["bin_edges"][7] == "7.00"
    assert item["common_failing_checks"] == [{"name": "speedup", "count": 2}]
    assert item["common_wrong_answers"] == [
        {"answer": "1.2", "count": 1},
        {"answer": "1.5", "count": 1},
    ]
    assert item["median_grading_ms"] is None


def test_exercise_without_attempts(
    teacher: User, course: Course, week: Assignment
) -> None:
    item = entry(analytics(teacher, course), week, STATUS)

    assert item["attempts"] == 0
    assert item["students_attempted"] == 0
    assert item["full_marks_share"] is None
    assert item["median_attempts_to_full_marks"] is None
    assert item["score_distribution"]["counts"] == [0] * 10
    assert item["common_failing_checks"] == []
    assert item["common_wrong_answers"] == []


def test_late_penalty_does_not_hide_full_marks(
    teacher: User, student: User, course: Course, week: Assignment
) -> None:
    submit(student, week, STATUS, "2", score="1.5")

    item = entry(analytics(teacher, course), week, STATUS)

    assert item["students_full_marks"] == 1
    assert item["score_distribution"]["counts"][9] == 1
    assert item["common_wrong_answers"] == []


def test_wrong_answers_keep_top_five(
    teacher: User, student: User, course: Course, week: Assignment
) -> None:
    for answer in ["g", "a", "f", "b", "a", "e", "c", "d"]:
        submit(student, week, STATUS, "0", answer=answer)

    item = entry(analytics(teacher, course), week, STATUS)

    assert item["common_wrong_answers"] == [
        {"answer": '"a"', "count": 2},
        {"answer": '"b"', "count": 1},
        {"answer": '"c"', "count": 1},
        {"answer": '"d"', "count": 1},
        {"answer": '"e"', "count": 1},
    ]


def test_source_text_answers_are_skipped(
    teacher: User, student: User, course: Course, week: Assignment
) -> None:
    Exercise.objects.filter(slug=STATUS).update(kind="python_program")
    submit(student, week, STATUS, "0", answer="print(1)", failed=("case 1",))

    item = entry(analytics(teacher, course), week, STATUS)

    assert item["common_wrong_answers"] is None
    assert item["common_failing_checks"] == [{"name": "case 1", "count": 1}]


def test_multiple_choice_answers_compare_as_sets() -> None:
    first = answer_text("multiple_choice", ["c", "a", "a"])
    second = answer_text("multiple_choice", ["a", "c"])

    assert first == second == '["a", "c"]'
    assert answer_text("fields", {"b": 1, "a": "x"}) == '{"a": "x", "b": 1}'


def test_histogram_clamps_out_of_range_scores() -> None:
    histogram = score_histogram(
        [Decimal("-1"), Decimal("0.3"), Decimal("3"), Decimal("12")], Decimal("3")
    )

    assert histogram.counts == [1, 1, 0, 0, 0, 0, 0, 0, 0, 2]
    assert histogram.edges[1] == Decimal("0.3")


def test_exercise_in_two_assignments_gets_two_entries(
    teacher: User,
    student: User,
    course: Course,
    week: Assignment,
    make_assignment: Callable[..., Assignment],
) -> None:
    week2 = make_assignment(slugs=[STATUS], title="Week 2", position=1)
    submit(student, week2, STATUS, "2")

    body = analytics(teacher, course)

    assert [(item["assignment"], item["exercise"]) for item in body["exercises"]] == [
        (week.pk, STATUS),
        (week.pk, SPEEDUP),
        (week2.pk, STATUS),
    ]
    assert entry(body, week, STATUS)["attempts"] == 0
    assert entry(body, week2, STATUS)["attempts"] == 1


def test_assignment_filter(
    teacher: User,
    course: Course,
    week: Assignment,
    make_assignment: Callable[..., Assignment],
) -> None:
    week2 = make_assignment(slugs=[STATUS], title="Week 2", position=1)

    body = analytics(teacher, course, f"?assignment={week2.pk}")

    assert [item["assignment"] for item in body["exercises"]] == [week2.pk]


@pytest.mark.parametrize(
    "query, status_code",
    [("?assignment=abc", 400), ("?assignment=0", 400), ("?assignment=999999", 404)],
)
def test_bad_assignment_filter(
    teacher: User, course: Course, week: Assignment, query: str, status_code: int
) -> None:
    url = f"/api/v1/courses/{course.pk}/analytics/exercises{query}"

    response = client_for(teacher).get(url)

    assert response.status_code == status_code
    assert response.json()["error"]["field"] == "assignment"


def test_student_of_course_is_403(
    student: User, course: Course, week: Assignment
) -> None:
    url = f"/api/v1/courses/{course.pk}/analytics/exercises"

    response = client_for(student).get(url)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_other_course_is_404(
    outsider: User, other_teacher: User, course: Course, week: Assignment
) -> None:
    url = f"/api/v1/courses/{course.pk}/analytics/exercises"
    for user in (outsider, other_teacher):
        response = client_for(user).get(url)

        assert response.status_code == 404, user.username


def test_anonymous_is_401(course: Course) -> None:
    response = client_for(None).get(f"/api/v1/courses/{course.pk}/analytics/exercises")

    assert response.status_code == 401


def test_admin_reads_any_course(course: Course, week: Assignment) -> None:
    admin = make_user("admin", Role.ADMIN)

    body = analytics(admin, course)

    assert len(body["exercises"]) == 2


def test_query_count_does_not_grow(
    teacher: User, course: Course, week: Assignment
) -> None:
    client = client_for(teacher)
    urls = [
        f"/api/v1/courses/{course.pk}/analytics/exercises",
        f"/api/v1/courses/{course.pk}/analytics/exercises/{STATUS}/distribution.svg",
    ]

    def count_queries() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200
            counts.append(len(queries))
        return counts

    small = count_queries()
    _enroll_class(course, week, 150)
    large = count_queries()
    body = analytics(teacher, course)

    assert large == small
    assert entry(body, week, STATUS)["students_attempted"] == 150
    assert entry(body, week, STATUS)["attempts"] == 300


def _enroll_class(course: Course, assignment: Assignment, size: int) -> None:
    """Enroll ``size`` students, each with a wrong then a right status attempt."""
    students = User.objects.bulk_create(
        User(username=f"bulk-student-{number}") for number in range(size)
    )
    Enrollment.objects.bulk_create(
        Enrollment(user=user, course=course) for user in students
    )
    exercise = Exercise.objects.get(slug=STATUS)
    now = timezone.now()
    Submission.objects.bulk_create(
        Submission(
            user=user,
            exercise=exercise,
            exercise_version=exercise.current_version,
            assignment=assignment,
            seed=0,
            answer="s200" if attempt == 1 else "s201",
            status=Status.GRADED,
            raw_score=Decimal(0 if attempt == 1 else 2),
            score=Decimal(0 if attempt == 1 else 2),
            max_score=exercise.points,
            checks=[{"name": "correct option", "passed": attempt == 2}],
            attempt=attempt,
            grading_duration_ms=50,
            queued_at=now,
        )
        for user in students
        for attempt in (1, 2)
    )
