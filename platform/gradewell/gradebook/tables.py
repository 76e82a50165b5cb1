"""Build a course's gradebook: one row per student, one column per exercise.

The whole table comes from a fixed number of queries, whatever the number
of students or exercises: the course's assignments and their exercises,
the enrolled students, and the graded submissions, which are folded into
cells here according to the course's grading policy.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.db.models.functions import Coalesce

from gradewell.accounts.models import User
from gradewell.courses.models import (
    Assignment,
    AssignmentExercise,
    Course,
    EnrollmentRole,
    GradingPolicy,
)
from gradewell.submissions.models import Status, Submission

PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    key: str
    assignment_id: int
    assignment_title: str
    exercise: str
    title: str
    max_score: Decimal


@dataclass
class Cell:
    """The score that counts for one student on one exercise of an assignment.

    ``score`` has late penalties applied; ``late_attempts`` counts the
    attempts that were late, so a teacher sees where penalties came from.
    """

    score: Decimal
    max_score: Decimal
    attempts: int
    late_attempts: int
    counted_attempt: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": str(self.score.quantize(PLACES)),
            "max_score": str(self.max_score.quantize(PLACES)),
            "attempts": self.attempts,
            "late_attempts": self.late_attempts,
            "counted_attempt": self.counted_attempt,
        }


@dataclass
class Row:
    student: User
    cells: dict[str, Cell] = field(default_factory=dict)
    assignment_totals: dict[int, Decimal] = field(default_factory=dict)
    total: Decimal = Decimal(0)


@dataclass
class Gradebook:
    course: Course
    columns: list[Column]
    assignment_max: dict[int, Decimal]
    rows: list[Row]

    @property
    def total_max(self) -> Decimal:
        return sum(self.assignment_max.values(), Decimal(0))


def build_gradebook(
    course: Course,
    assignment_id: int | None = None,
    student_ids: list[int] | None = None,
    published_only: bool = False,
) -> Gradebook:
    """Build the table; ``published_only`` hides drafts from students."""
    columns, assignment_max = _columns(course, assignment_id, published_only)
    students = _students(course, student_ids)
    attempts = _graded_attempts(course, columns, [s.pk for s in students])
    rows = []
    for student in students:
        row = Row(student=student)
        for column in columns:
            history = attempts.get((student.pk, column.key), [])
            if history:
                row.cells[column.key] = _cell(history, column, course.grading_policy)
        for assignment in assignment_max:
            row.assignment_totals[assignment] = sum(
                (
                    cell.score
                    for key, cell in row.cells.items()
                    if key.startswith(f"{assignment}:")
                ),
                Decimal(0),
            )
        row.total = sum(row.assignment_totals.values(), Decimal(0))
        rows.append(row)
    return Gradebook(course, columns, assignment_max, rows)


def _columns(
    course: Course, assignment_id: int | None, published_only: bool
) -> tuple[list[Column], dict[int, Decimal]]:
    links = AssignmentExercise.objects.select_related("exercise").order_by(
        "position", "id"
    )
    assignments = course.assignments.prefetch_related(
        Prefetch("exercise_links", queryset=links)
    ).order_by("position", "opens_at", "id")
    if assignment_id is not None:
        assignments = assignments.filter(pk=assignment_id)
    if published_only:
        assignments = assignments.filter(is_published=True)
    columns: list[Column] = []
    assignment_max: dict[int, Decimal] = {}
    for assignment in assignments:
        assignment_max[assignment.pk] = Decimal(0)
        for link in assignment.exercise_links.all():
            columns.append(_column(assignment, link))
            assignment_max[assignment.pk] += link.exercise.points
    return columns, assignment_max


def _column(assignment: Assignment, link: AssignmentExercise) -> Column:
    return Column(
        key=f"{assignment.pk}:{link.exercise.slug}",
        assignment_id=assignment.pk,
        assignment_title=assignment.title,
        exercise=link.exercise.slug,
        title=link.exercise.title,
        max_score=link.exercise.points,
    )


def _students(course: Course, student_ids: list[int] | None) -> list[User]:
    students = User.objects.filter(
        enrollments__course=course, enrollments__role=EnrollmentRole.STUDENT
    ).order_by("username")
    if student_ids is not None:
        students = students.filter(pk__in=student_ids)
    return list(students)


def _graded_attempts(
    course: Course, columns: list[Column], student_ids: list[int]
) -> dict[tuple[int, str], list[dict[str, Any]]]:
    """Return each (student, column)'s graded attempts, oldest first."""
    assignment_ids = {column.assignment_id for column in columns}
    rows = (
        Submission.objects.filter(
            assignment_id__in=assignment_ids,
            user_id__in=student_ids,
            status=Status.GRADED,
            counts_as_attempt=True,
        )
        .order_by("created_at")
        # A teacher's override replaces the graded score, penalty included.
        .annotate(counted_score=Coalesce("override_score", "score"))
        .values(
            "user_id",
            "assignment_id",
            "exercise__slug",
            "counted_score",
            "is_late",
            "attempt",
        )
    )
    attempts: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        key = f"{row['assignment_id']}:{row['exercise__slug']}"
        attempts[(row["user_id"], key)].append(row)
    return attempts


def _cell(history: list[dict[str, Any]], column: Column, policy: str) -> Cell:
    scores = [row["counted_score"] for row in history]
    if policy == GradingPolicy.LAST:
        counted = history[-1]
        score = counted["counted_score"]
    elif policy == GradingPolicy.AVERAGE:
        counted = None
        score = sum(scores, Decimal(0)) / len(scores)
    else:
        counted = max(history, key=lambda row: row["counted_score"])
        score = counted["counted_score"]
    return Cell(
        score=score,
        max_score=column.max_score,
        attempts=len(history),
        late_attempts=sum(1 for row in history if row["is_late"]),
        counted_attempt=counted["attempt"] if counted else None,
    )
