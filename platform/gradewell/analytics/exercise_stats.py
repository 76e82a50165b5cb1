"""Per-exercise statistics of a course, for its teachers.

Everything comes from a fixed number of queries, whatever the size of the
class: the assignment exercises, the graded attempts, and the wrong answers
of answer-type exercises. Attempts are folded into statistics here.

Only graded submissions that count as attempts, by students enrolled in the
course, are included, so teachers trying their own exercises do not skew
the figures. Scores are raw grader scores, before late penalties, because
the statistics describe the exercise rather than what a student is credited.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import F, QuerySet

from gradewell.courses.models import (
    AssignmentExercise,
    Course,
    Enrollment,
    EnrollmentRole,
)
from gradewell.submissions.models import Status, Submission

# Kinds whose answer is source text (a program, an app or a zone file).
# Two wrong answers of these almost never match exactly, and their text can
# be long, so they are left out of the common wrong answers.
SOURCE_TEXT_KINDS = frozenset(
    {"python_function", "python_program", "python_flask_api", "dns_zone"}
)
BINS = 10
TOP_COUNT = 5
PLACES = Decimal("0.01")


class Attempt(NamedTuple):
    assignment_id: int
    exercise_id: int
    user_id: int
    raw_score: Decimal
    max_score: Decimal
    checks: Any
    grading_duration_ms: int | None


@dataclass(frozen=True)
class Histogram:
    """Counts of best scores per student, one per bin.

    Bin ``i`` is [edges[i], edges[i+1]), except that the last bin also
    contains its upper edge, so full marks land in it.
    """

    edges: list[Decimal]
    counts: list[int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "bin_edges": [money(edge) for edge in self.edges],
            "counts": self.counts,
        }


@dataclass(frozen=True)
class ExerciseStats:
    assignment_id: int
    assignment_title: str
    slug: str
    title: str
    kind: str
    max_score: Decimal
    attempts: int
    students_attempted: int
    students_full_marks: int
    distribution: Histogram
    median_attempts_to_full_marks: float | None
    failing_checks: list[tuple[str, int]]
    # None for source-text kinds, whose answers are not compared.
    wrong_answers: list[tuple[str, int]] | None
    median_grading_ms: float | None

    @property
    def full_marks_share(self) -> float | None:
        if not self.students_attempted:
            return None
        return round(self.students_full_marks / self.students_attempted, 4)

    def as_dict(self) -> dict[str, Any]:
        wrong = self.wrong_answers
        return {
            "assignment": self.assignment_id,
            "assignment_title": self.assignment_title,
            "exercise": self.slug,
            "title": self.title,
            "kind": self.kind,
            "max_score": money(self.max_score),
            "attempts": self.attempts,
            "students_attempted": self.students_attempted,
            "students_full_marks": self.students_full_marks,
            "full_marks_share": self.full_marks_share,
            "score_distribution": self.distribution.as_dict(),
            "median_attempts_to_full_marks": self.median_attempts_to_full_marks,
            "common_failing_checks": [
                {"name": name, "count": count} for name, count in self.failing_checks
            ],
            "common_wrong_answers": None
            if wrong is None
            else [{"answer": text, "count": count} for text, count in wrong],
            "median_grading_ms": self.median_grading_ms,
        }


def money(value: Decimal) -> str:
    return str(value.quantize(PLACES))


def build_exercise_stats(
    course: Course, assignment_id: int | None = None, slug: str | None = None
) -> list[ExerciseStats]:
    """Compute statistics for each exercise of the course's assignments.

    An exercise set in two assignments gets one entry per assignment, since
    attempts and limits belong to the assignment. ``assignment_id`` and
    ``slug`` narrow the result.
    """
    links = _links(course, assignment_id, slug)
    if not links:
        return []

    graded = Submission.objects.filter(
        assignment_id__in={link.assignment_id for link in links},
        exercise_id__in={link.exercise_id for link in links},
        user_id__in=Enrollment.objects.filter(
            course=course, role=EnrollmentRole.STUDENT
        ).values("user_id"),
        status=Status.GRADED,
        counts_as_attempt=True,
        raw_score__isnull=False,
    )
    attempts = _graded_attempts(graded)
    answers = _wrong_answers(graded)

    return [
        _stats(
            link,
            attempts.get((link.assignment_id, link.exercise_id), []),
            answers.get((link.assignment_id, link.exercise_id), []),
        )
        for link in links
    ]


def _links(
    course: Course, assignment_id: int | None, slug: str | None
) -> list[AssignmentExercise]:
    links = (
        AssignmentExercise.objects.filter(assignment__course=course)
        .select_related("assignment", "exercise")
        .order_by(
            "assignment__position", "assignment__opens_at", "assignment_id", "position"
        )
    )
    if assignment_id is not None:
        links = links.filter(assignment_id=assignment_id)
    if slug is not None:
        links = links.filter(exercise__slug=slug)
    return list(links)


def _graded_attempts(
    graded: QuerySet[Submission],
) -> dict[tuple[int, int], list[Attempt]]:
    """Group attempts by (assignment, exercise), oldest first."""
    rows = graded.order_by("created_at", "id").values_list(
        "assignment_id",
        "exercise_id",
        "user_id",
        "raw_score",
        "max_score",
        "checks",
        "grading_duration_ms",
    )
    grouped: dict[tuple[int, int], list[Attempt]] = defaultdict(list)
    for row in rows:
        attempt = Attempt(*row)
        grouped[(attempt.assignment_id, attempt.exercise_id)].append(attempt)
    return grouped


def _wrong_answers(
    graded: QuerySet[Submission],
) -> dict[tuple[int, int], list[tuple[str, Any]]]:
    """Group (kind, answer) of attempts short of full marks by (assignment, exercise).

    Partial credit counts as wrong: part of the answer was.
    """
    rows = (
        graded.filter(raw_score__lt=F("max_score"))
        .exclude(exercise__kind__in=SOURCE_TEXT_KINDS)
        .values_list("assignment_id", "exercise_id", "exercise__kind", "answer")
    )
    grouped: dict[tuple[int, int], list[tuple[str, Any]]] = defaultdict(list)
    for assignment_id, exercise_id, kind, answer in rows:
        grouped[(assignment_id, exercise_id)].append((kind, answer))
    return grouped


def _stats(
    link: AssignmentExercise,
    attempts: list[Attempt],
    answers: list[tuple[str, Any]],
) -> ExerciseStats:
    by_student: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        by_student[attempt.user_id].append(attempt)
    best_scores = [
        max(attempt.raw_score for attempt in history) for history in by_student.values()
    ]
    attempts_to_full = [
        count
        for count in map(_attempts_to_full_marks, by_student.values())
        if count is not None
    ]
    durations = [
        attempt.grading_duration_ms
        for attempt in attempts
        if attempt.grading_duration_ms is not None
    ]

    exercise = link.exercise
    wrong = None
    if exercise.kind not in SOURCE_TEXT_KINDS:
        wrong = _most_common(answer_text(kind, answer) for kind, answer in answers)
    return ExerciseStats(
        assignment_id=link.assignment_id,
        assignment_title=link.assignment.title,
        slug=exercise.slug,
        title=exercise.title,
        kind=exercise.kind,
        max_score=exercise.points,
        attempts=len(attempts),
        students_attempted=len(by_student),
        students_full_marks=len(attempts_to_full),
        distribution=score_histogram(best_scores, exercise.points),
        median_attempts_to_full_marks=_median(attempts_to_full),
        failing_checks=_most_common(
            name for attempt in attempts for name in failing_checks(attempt.checks)
        ),
        wrong_answers=wrong,
        median_grading_ms=_median(durations),
    )


def _attempts_to_full_marks(history: list[Attempt]) -> int | None:
    """Return how many attempts a student made up to their first full marks."""
    for number, attempt in enumerate(history, start=1):
        if attempt.raw_score >= attempt.max_score:
            return number
    return None


def score_histogram(
    scores: Iterable[Decimal], maximum: Decimal, bins: int = BINS
) -> Histogram:
    """Count ``scores`` in ``bins`` equal bins from 0 to ``maximum``.

    Scores outside the range go to the nearest end bin. With a maximum of
    zero, every score is full marks and goes to the last bin.
    """
    edges = [maximum * index / bins for index in range(bins + 1)]
    counts = [0] * bins
    for score in scores:
        if maximum <= 0:
            index = bins - 1
        else:
            index = int(score * bins / maximum)
        counts[min(max(index, 0), bins - 1)] += 1
    return Histogram(edges, counts)


def failing_checks(checks: Any) -> set[str]:
    """Return the names of the failed checks of one submission, once each."""
    if not isinstance(checks, list):
        return set()
    return {
        str(check["name"])
        for check in checks
        if isinstance(check, dict)
        and check.get("passed") is False
        and check.get("name")
    }


def answer_text(kind: str, answer: Any) -> str:
    """Write an answer as canonical JSON text, so equal answers compare equal.

    The options of a multiple choice answer are a set to the grader, so
    they are sorted and duplicates dropped.
    """
    if (
        kind == "multiple_choice"
        and isinstance(answer, list)
        and all(isinstance(item, str) for item in answer)
    ):
        answer = sorted(set(answer))
    return json.dumps(answer, sort_keys=True, ensure_ascii=False)


def _most_common(values: Iterable[str]) -> list[tuple[str, int]]:
    """Return the ``TOP_COUNT`` most frequent values; ties go alphabetically."""
    counts = Counter(values)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked[:TOP_COUNT]


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    return float(statistics.median(values))
