"""One student's points over time in each assignment of a course.

Points on an assignment are the sum, over its exercises, of the student's
best score so far, with late penalties applied as in the gradebook. The
series has one point per day with a graded attempt, holding the total at
the end of that day in the server's time zone (``TIME_ZONE``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django.utils import timezone

from gradewell.accounts.models import User
from gradewell.analytics.exercise_stats import money
from gradewell.courses.models import Assignment, AssignmentExercise, Course
from gradewell.submissions.models import Status, Submission


@dataclass
class AssignmentProgress:
    assignment_id: int
    title: str
    exercise_ids: set[int]
    max_points: Decimal
    points: Decimal = Decimal(0)
    # Day to the assignment's points at the end of that day, in date order.
    series: dict[date, Decimal] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "assignment": self.assignment_id,
            "title": self.title,
            "points": money(self.points),
            "max_points": money(self.max_points),
            "series": [
                {"date": day.isoformat(), "points": money(points)}
                for day, points in self.series.items()
            ],
        }


@dataclass
class StudentProgress:
    course: Course
    student: User
    assignments: list[AssignmentProgress]

    @property
    def total_points(self) -> Decimal:
        return sum((item.points for item in self.assignments), Decimal(0))

    @property
    def total_max_points(self) -> Decimal:
        return sum((item.max_points for item in self.assignments), Decimal(0))

    def as_dict(self) -> dict[str, Any]:
        return {
            "course": self.course.pk,
            "student": {
                "id": self.student.pk,
                "username": self.student.username,
                "name": self.student.get_full_name(),
            },
            "points": money(self.total_points),
            "max_points": money(self.total_max_points),
            "assignments": [item.as_dict() for item in self.assignments],
        }


def build_student_progress(
    course: Course, student: User, viewer: User
) -> StudentProgress:
    """Fold ``student``'s graded attempts into per-assignment series.

    Only the assignments ``viewer`` may see are included, so a student is
    not shown unpublished ones. Attempts on an exercise no longer in the
    assignment are ignored, as in the gradebook.
    """
    progress = _assignments(course, viewer)
    by_id = {item.assignment_id: item for item in progress}
    best: dict[tuple[int, int], Decimal] = {}

    for assignment_id, exercise_id, score, moment in _graded(student, by_id):
        item = by_id[assignment_id]
        if exercise_id not in item.exercise_ids:
            continue
        key = (assignment_id, exercise_id)
        previous = best.get(key)
        if previous is None or score > previous:
            best[key] = score
            item.points += score - (previous or Decimal(0))
        item.series[timezone.localtime(moment).date()] = item.points

    return StudentProgress(course, student, progress)


def _assignments(course: Course, viewer: User) -> list[AssignmentProgress]:
    links = AssignmentExercise.objects.select_related("exercise")
    assignments = (
        Assignment.objects.for_user(viewer)
        .filter(course=course)
        .prefetch_related(Prefetch("exercise_links", queryset=links))
        .order_by("position", "opens_at", "id")
    )
    progress = []
    for assignment in assignments:
        exercises = [link.exercise for link in assignment.exercise_links.all()]
        progress.append(
            AssignmentProgress(
                assignment_id=assignment.pk,
                title=assignment.title,
                exercise_ids={exercise.pk for exercise in exercises},
                max_points=sum((e.points for e in exercises), Decimal(0)),
            )
        )
    return progress


def _graded(
    student: User, by_id: dict[int, AssignmentProgress]
) -> list[tuple[int, int, Decimal, datetime]]:
    """Return (assignment, exercise, score, time) of graded attempts, oldest first.

    The time is ``graded_at``, or the creation time where that is missing.
    """
    rows = Submission.objects.filter(
        user=student,
        assignment_id__in=list(by_id),
        status=Status.GRADED,
        counts_as_attempt=True,
        score__isnull=False,
    )
    # A teacher's override replaces the graded score, as in the gradebook.
    rows = rows.annotate(counted=Coalesce("override_score", "score")).values_list(
        "assignment_id", "exercise_id", "counted", "graded_at", "created_at"
    )
    attempts = [
        (assignment_id, exercise_id, score, graded_at or created_at)
        for assignment_id, exercise_id, score, graded_at, created_at in rows
    ]
    attempts.sort(key=lambda attempt: attempt[3])
    return attempts
