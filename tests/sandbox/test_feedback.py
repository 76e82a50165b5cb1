"""The one-line feedback summary of a failed code grading."""

from __future__ import annotations

import pytest

from graders.base import GradingContext
from graders.registry import get_grader


@pytest.fixture(autouse=True)
def local_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADEWELL_SANDBOX_BACKEND", "local")


def test_runtime_error_summary_names_exception() -> None:
    spec = {"function": "f", "cases": [{"name": "divide", "args": [1], "expected": 1}]}
    context = GradingContext(
        slug="feedback",
        kind="python_function",
        version=1,
        points=10,
        spec=spec,
        params={},
    )

    result = get_grader("python_function").grade(
        context, "def f(x):\n    return x / 0\n"
    )

    assert result.verdict == "runtime_error"
    assert "ZeroDivisionError: division by zero" in result.feedback
    assert "Traceback" not in result.feedback
