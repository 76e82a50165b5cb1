"""Checks that decide whether a submission may be made, and on what terms."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from rest_framework import status

from graders.registry import get_grader
from gradewell.accounts.models import User
from gradewell.api.errors import ApiError
from gradewell.courses.models import (
    Assignment,
    EnrollmentRole,
    Extension,
    LatePolicy,
)
from gradewell.exercises.models import Exercise
from gradewell.submissions.models import Submission


def check_assignment(
    user: User, exercise: Exercise, assignment_id: int | None
) -> tuple[Assignment | None, bool]:
    """Return the assignment the submission counts towards, and whether the
    caller teaches it (teachers' own submissions skip windows and limits)."""
    if assignment_id is not None:
        assignment = (
            Assignment.objects.for_user(user)
            .select_related("course")
            .filter(pk=assignment_id)
            .first()
        )
        if assignment is None:
            raise _unavailable_assignment(assignment_id)
        if not assignment.exercise_links.filter(exercise=exercise).exists():
            raise ApiError(
                f"Exercise {exercise.slug!r} is not part of assignment "
                f"{assignment_id}. Check the exercise slug or the assignment id.",
                code="exercise_not_in_assignment",
                field="exercise",
            )
        return assignment, _teaches(user, assignment)

    candidates = list(
        Assignment.objects.for_user(user)
        .filter(exercise_links__exercise=exercise)
        .select_related("course")
        .distinct()
    )
    if len(candidates) == 1:
        return candidates[0], _teaches(user, candidates[0])
    if len(candidates) > 1:
        ids = ", ".join(str(candidate.pk) for candidate in candidates)
        raise ApiError(
            f"Exercise {exercise.slug!r} is in several of your assignments "
            f"({ids}). Say which one with the assignment field.",
            code="assignment_required",
            field="assignment",
        )
    if user.is_teacher:
        return None, True
    raise ApiError(
        f"You are not enrolled in a course that assigns {exercise.slug!r}. "
        "Join the course with its enrollment code first.",
        code="not_enrolled",
        status_code=status.HTTP_403_FORBIDDEN,
        field="exercise",
    )


def check_window(
    assignment: Assignment, now: datetime, extension: Extension | None = None
) -> tuple[bool, Decimal]:
    """Return (is_late, penalty percent), or raise when the window is closed.

    A student's extension moves their due time later, never earlier, and
    keeps late submissions open at least until the extended due time.
    """
    due_at, late_until = _deadlines(assignment, extension)
    if now < assignment.opens_at:
        raise ApiError(
            f"Assignment {assignment.title!r} opens at "
            f"{_iso(assignment.opens_at)}. Submit after that time.",
            code="assignment_not_open",
            status_code=status.HTTP_403_FORBIDDEN,
            field="assignment",
        )
    if now <= due_at:
        return False, Decimal(0)
    if assignment.late_policy == LatePolicy.REJECT:
        raise ApiError(
            f"Assignment {assignment.title!r} was due at "
            f"{_iso(due_at)} and does not accept late submissions.",
            code="deadline_passed",
            status_code=status.HTTP_403_FORBIDDEN,
            field="assignment",
        )
    if late_until is not None and now > late_until:
        raise ApiError(
            f"Assignment {assignment.title!r} accepted late submissions until "
            f"{_iso(late_until)}.",
            code="late_period_over",
            status_code=status.HTTP_403_FORBIDDEN,
            field="assignment",
        )
    return True, assignment.late_penalty_percent


def _deadlines(
    assignment: Assignment, extension: Extension | None
) -> tuple[datetime, datetime | None]:
    due_at, late_until = assignment.due_at, assignment.late_until
    if extension is not None and extension.due_at is not None:
        due_at = max(due_at, extension.due_at)
        if late_until is not None:
            late_until = max(late_until, due_at)
    return due_at, late_until


def next_attempt(user: User, exercise: Exercise, assignment: Assignment | None) -> int:
    """Return the next attempt's number; given-back attempts keep their numbers."""
    used = Submission.objects.filter(
        user=user, exercise=exercise, assignment=assignment
    ).count()
    return used + 1


def check_attempts(
    user: User,
    exercise: Exercise,
    assignment: Assignment,
    extension: Extension | None = None,
) -> None:
    if assignment.max_attempts is None:
        return
    allowed = assignment.max_attempts
    if extension is not None:
        allowed += extension.extra_attempts
    used = (
        Submission.objects.counting_attempts()
        .filter(user=user, exercise=exercise, assignment=assignment)
        .count()
    )
    if used >= allowed:
        raise ApiError(
            f"You have used all {allowed} attempts for "
            f"{exercise.slug!r} in {assignment.title!r}.",
            code="attempts_exhausted",
            status_code=status.HTTP_403_FORBIDDEN,
            field="exercise",
        )


def check_answer(exercise: Exercise, answer: Any, max_bytes: int) -> None:
    """Reject an answer of the wrong shape before anything is stored.

    Wrong JSON types, text that cannot be stored (NUL characters, lone
    surrogates), unknown option ids and oversized answers get 400; an answer
    of the right shape but wrong content is graded instead.
    """
    problem = get_grader(exercise.kind).answer_error(answer)
    if problem:
        raise ApiError(
            f"answer {problem} for a {exercise.kind} exercise.",
            code="invalid_answer",
            field="answer",
        )
    for text in _strings_in(answer):
        if "\x00" in text or not _is_encodable(text):
            raise ApiError(
                "answer contains a NUL character or an unpaired surrogate, which "
                "cannot be stored. Remove it and submit again.",
                code="invalid_answer",
                field="answer",
            )
    text = answer if isinstance(answer, str) else json.dumps(answer)
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise ApiError(
            f"answer is {size} bytes long in UTF-8; the limit is {max_bytes}.",
            code="answer_too_long",
            field="answer",
        )
    _check_option_ids(exercise, answer)
    _check_field_names(exercise, answer)


def _check_option_ids(exercise: Exercise, answer: Any) -> None:
    if exercise.kind not in ("single_choice", "multiple_choice"):
        return
    options = exercise.current_version.definition.get("options", [])
    known = {option["id"] for option in options}
    chosen = [answer] if isinstance(answer, str) else answer
    unknown = sorted(set(chosen) - known)
    if unknown:
        raise ApiError(
            f"answer names options that do not exist: {', '.join(unknown)}. "
            f"Use ids from the exercise's options: {', '.join(sorted(known))}.",
            code="invalid_answer",
            field="answer",
        )


def _check_field_names(exercise: Exercise, answer: Any) -> None:
    if exercise.kind != "fields":
        return
    fields = exercise.current_version.definition.get("fields", [])
    known = {field["name"] for field in fields}
    unknown = sorted(str(name) for name in set(answer) - known)
    if unknown:
        raise ApiError(
            f"answer names fields that do not exist: {', '.join(unknown)[:200]}. "
            f"Use names from the exercise's fields: {', '.join(sorted(known))}.",
            code="invalid_answer",
            field="answer",
        )


def _strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _strings_in(item)]
    if isinstance(value, dict):
        return [text for item in value.items() for text in _strings_in(list(item))]
    return []


def _is_encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _teaches(user: User, assignment: Assignment) -> bool:
    if user.is_platform_admin:
        return True
    return assignment.course.enrollments.filter(
        user=user, role=EnrollmentRole.TEACHER
    ).exists()


def _unavailable_assignment(assignment_id: int) -> ApiError:
    if Assignment.objects.filter(pk=assignment_id).exists():
        return ApiError(
            f"Assignment {assignment_id} is not available to you. Join its course "
            "with the enrollment code, or wait until the teacher publishes it.",
            code="not_enrolled",
            status_code=status.HTTP_403_FORBIDDEN,
            field="assignment",
        )
    return ApiError(
        f"No assignment with id {assignment_id} exists. Use an id from "
        "GET /api/v1/courses/{id}/assignments.",
        code="not_found",
        field="assignment",
    )


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
