"""Several sandboxes at once: each run is isolated and graded correctly.

How much faster two workers grade than one is a speed target, measured by
bench/grading_bench.py and recorded in docs/benchmarks.md, not asserted
here, because shared test machines make timings noisy.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from graders.base import Verdict
from tests.sandbox.conftest import Grade, sandbox_containers

RUNS = 4
SPEC = {
    "function": "spin",
    "cases": [{"args": [2_000_000], "expected": 2_000_000}],
    "limits": {"case_time_s": 30.0, "wall_time_s": 60.0, "cpus": 1.0},
}
SOURCE = (
    "def spin(n):\n"
    "    total = 0\n"
    "    for _ in range(n):\n"
    "        total += 1\n"
    "    return total\n"
)
WRONG_SOURCE = "def spin(n):\n    return n + 1\n"


@pytest.mark.docker
def test_concurrent_runs_graded_independently(
    grade: Grade, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADEWELL_SANDBOX_BACKEND", "docker")
    sources = [SOURCE, WRONG_SOURCE] * (RUNS // 2)

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(grade, "python_function", SPEC, source) for source in sources
        ]
        verdicts = [future.result().verdict for future in futures]

    assert verdicts == [Verdict.PASSED, Verdict.WRONG_ANSWER] * (RUNS // 2)
    assert sandbox_containers() == []
