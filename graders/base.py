"""The interface every grader implements, and the values it exchanges."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Protocol


class Verdict(enum.StrEnum):
    """Overall outcome of one grading, also used for a single check."""

    PASSED = "passed"
    PARTIAL = "partial"
    WRONG_ANSWER = "wrong_answer"
    INVALID_ANSWER = "invalid_answer"
    RUNTIME_ERROR = "runtime_error"
    SYNTAX_ERROR = "syntax_error"
    TIME_LIMIT_EXCEEDED = "time_limit_exceeded"
    MEMORY_LIMIT_EXCEEDED = "memory_limit_exceeded"
    OUTPUT_LIMIT_EXCEEDED = "output_limit_exceeded"
    INTERNAL_ERROR = "internal_error"


@dataclass(frozen=True)
class Check:
    """One graded aspect of an answer, shown to the student as feedback."""

    name: str
    passed: bool
    message: str = ""
    score: float = 0.0
    max_score: float = 0.0
    verdict: Verdict | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "passed": self.passed,
            "message": self.message,
            "score": self.score,
            "max_score": self.max_score,
        }
        if self.verdict is not None:
            data["verdict"] = str(self.verdict)
        return data


@dataclass(frozen=True)
class GradeResult:
    """A grader's output: a score out of ``max_score`` and its reasons.

    ``score`` is in exercise points, already scaled by the grader.
    """

    score: float
    max_score: float
    verdict: Verdict
    checks: list[Check] = field(default_factory=list)
    feedback: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GradingContext:
    """Everything a grader may read about the exercise being graded.

    ``spec`` is the exercise's grading section (answer keys, hidden tests) as
    loaded from the bank; ``params`` are the student's variant parameters
    with every derived value already computed; ``points`` is the exercise's
    maximum score. ``fields`` is the exercise's public list of answer fields,
    unrendered, which the ``fields`` grader reads for each field's type.
    """

    slug: str
    kind: str
    version: int
    points: float
    spec: dict[str, Any]
    params: dict[str, Any]
    submission_id: str = ""
    fields: list[dict[str, Any]] = field(default_factory=list)


def invalid_answer_result(
    context: GradingContext, message: str, check_name: str = "answer format"
) -> GradeResult:
    """Return the zero-score result for an answer the grader cannot read."""
    check = Check(
        name=check_name,
        passed=False,
        message=message,
        verdict=Verdict.INVALID_ANSWER,
    )
    return GradeResult(
        score=0.0,
        max_score=context.points,
        verdict=Verdict.INVALID_ANSWER,
        checks=[check],
        feedback=message,
    )


class InfrastructureError(Exception):
    """A failure of the grading machinery rather than of the answer.

    The pipeline retries these with backoff and never charges the student
    an attempt for them.
    """


class Grader(Protocol):
    """A grader for one exercise kind."""

    kind: str

    def validate_spec(self, spec: dict[str, Any]) -> list[str]:
        """Return problems with an exercise's grading section, empty if none.

        Each problem is a sentence starting with the offending key, so the
        loader can report ``file: grading.<key>: message``.
        """
        ...

    def answer_error(self, answer: Any) -> str | None:
        """Return why ``answer`` has the wrong JSON type for this kind, or None.

        The API rejects such answers with 400 before storing anything; an
        answer of the right type but wrong content is graded instead.
        """
        ...

    def grade(self, context: GradingContext, answer: Any) -> GradeResult:
        """Grade ``answer`` against ``context``; raise only for infrastructure."""
        ...
