"""Grader kinds for tests: one that sleeps, one that fails like infrastructure.

Tests import this module in their own process and load it into Celery
workers with ``--include``, so a worker can be killed while it is grading.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from graders.base import (
    Check,
    GradeResult,
    GradingContext,
    InfrastructureError,
    Verdict,
)
from graders.registry import _GRADERS, register

SLOW_KIND = "test_slow"
FLAKY_KIND = "test_flaky"


def pid_file(submission_id: str) -> Path:
    """Where the grading process writes its pid, so a test can kill it."""
    return Path(tempfile.gettempdir()) / f"gradewell-slow-{submission_id}.pid"


class SlowGrader:
    kind = SLOW_KIND

    def validate_spec(self, spec: dict[str, Any]) -> list[str]:
        return []

    def answer_error(self, answer: Any) -> str | None:
        return None if isinstance(answer, str) else "must be text"

    def grade(self, context: GradingContext, answer: Any) -> GradeResult:
        pid_file(context.submission_id).write_text(str(os.getpid()))
        time.sleep(float(context.spec.get("seconds", 5)))
        check = Check(name="slept", passed=True, score=context.points)
        return GradeResult(
            score=context.points,
            max_score=context.points,
            verdict=Verdict.PASSED,
            checks=[check],
        )


class FlakyGrader(SlowGrader):
    """Raises InfrastructureError on the first ``failures`` calls per submission."""

    kind = FLAKY_KIND

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}

    def grade(self, context: GradingContext, answer: Any) -> GradeResult:
        calls = self.calls.get(context.submission_id, 0) + 1
        self.calls[context.submission_id] = calls
        if calls <= int(context.spec.get("failures", 1)):
            raise InfrastructureError(f"simulated engine failure {calls}")
        return GradeResult(
            score=context.points, max_score=context.points, verdict=Verdict.PASSED
        )


for kind, grader_class in ((SLOW_KIND, SlowGrader), (FLAKY_KIND, FlakyGrader)):
    if kind not in _GRADERS:
        register(kind)(grader_class)
