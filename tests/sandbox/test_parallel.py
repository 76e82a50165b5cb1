"""Two sandboxes at once finish CPU-bound work in about half the time of one."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from graders.base import Verdict
from tests.sandbox.conftest import Grade

RUNS = 4
# About 1 s of one core per run (CPython 3.11.2 in the image, measured on a
# 2-core x86_64 test machine).
ITERATIONS = 60_000_000
SPEC = {
    "function": "spin",
    "cases": [{"args": [ITERATIONS], "expected": ITERATIONS}],
    "limits": {"case_time_s": 30.0, "wall_time_s": 60.0, "cpus": 1.0},
}
SOURCE = (
    "def spin(n):\n"
    "    total = 0\n"
    "    for _ in range(n):\n"
    "        total += 1\n"
    "    return total\n"
)


def grade_all(grade: Grade, workers: int) -> float:
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [
            pool.submit(grade, "python_function", SPEC, SOURCE) for _ in range(RUNS)
        ]
        verdicts = [future.result().verdict for future in futures]
    assert verdicts == [Verdict.PASSED] * RUNS
    return time.monotonic() - started


@pytest.mark.docker
def test_two_workers_nearly_halve_the_time(
    grade: Grade, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADEWELL_SANDBOX_BACKEND", "docker")
    grade("python_function", SPEC, SOURCE)  # Warms the image's page cache.

    one = grade_all(grade, workers=1)
    two = grade_all(grade, workers=2)

    ratio = one / two
    print(
        f"{RUNS} runs: 1 thread {one:.2f} s, 2 threads {two:.2f} s, ratio {ratio:.2f}"
    )
    assert ratio > 1.4
