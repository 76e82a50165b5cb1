"""A grader kind for tests that sleeps before passing.

Tests import it in their own process and load it into a Celery worker with
``--include``, so a worker can be killed while it is grading.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from graders.base import Check, GradeResult, GradingContext, Verdict
from graders.registry import _GRADERS, register

KIND = "test_slow"


def pid_file(submission_id: str) -> Path:
    """Where the grading process writes its pid, so a test can kill it."""
    return Path(tempfile.gettempdir()) / f"gradewell-slow-{submission_id}.pid"


class SlowGrader:
    kind = KIND

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


if KIND not in _GRADERS:
    register(KIND)(SlowGrader)
