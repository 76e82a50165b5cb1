"""Helpers shared by the analytics tests: graded submissions made directly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from gradewell.accounts.models import User
from gradewell.courses.models import Assignment, Course, Enrollment
from gradewell.exercises.models import Exercise
from gradewell.submissions.models import Status, Submission
from tests.conftest import make_user

STATUS = "test-status-created"  # single_choice, 2 points
SPEEDUP = "speedup-two-processors"  # numeric, 10 points
DAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def submit(
    user: User,
    assignment: Assignment,
    slug: str,
    raw: str,
    *,
    score: str | None = None,
    answer: Any = "x",
    failed: tuple[str, ...] = (),
    duration_ms: int | None = None,
    graded_at: datetime | None = None,
    counts: bool = True,
    status: str = Status.GRADED,
) -> Submission:
    """Create a submission as grading would leave it.

    ``score`` defaults to ``raw``, that is no late penalty; ``failed`` names
    the checks that did not pass, next to one check that did.
    """
    exercise = Exercise.objects.get(slug=slug)
    attempt = (
        Submission.objects.filter(
            user=user, exercise=exercise, assignment=assignment
        ).count()
        + 1
    )
    checks = [{"name": "answer given", "passed": True, "message": ""}]
    checks += [{"name": name, "passed": False, "message": ""} for name in failed]
    return Submission.objects.create(
        user=user,
        exercise=exercise,
        exercise_version=exercise.current_version,
        assignment=assignment,
        seed=0,
        answer=answer,
        status=status,
        raw_score=Decimal(raw),
        score=Decimal(score if score is not None else raw),
        max_score=exercise.points,
        checks=checks,
        attempt=attempt,
        counts_as_attempt=counts,
        grading_duration_ms=duration_ms,
        queued_at=DAY,
        graded_at=graded_at,
    )


@pytest.fixture
def third(course: Course) -> User:
    """A third student of the course."""
    user = make_user("third")
    Enrollment.objects.create(user=user, course=course)
    return user


@pytest.fixture
def week(make_assignment: Callable[..., Assignment]) -> Assignment:
    return make_assignment(slugs=[STATUS, SPEEDUP])
