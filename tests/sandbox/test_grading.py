"""Grading real submissions through each backend."""

from __future__ import annotations

import pytest

from graders.base import Verdict
from tests.sandbox.conftest import FAST_LIMITS, Grade

pytestmark = pytest.mark.usefixtures("backend")

SPEEDUP_SPEC = {
    "function": "speedup",
    "tolerance": 1e-6,
    "samples": [{"args": [2, 10, 20], "expected": 32 / 22}],
    "cases": [
        {
            "name": "from parameters",
            "args": ["{{ setup }}", 10, 20],
            "expected": "{{ answer }}",
        },
        {"name": "equal tasks", "args": [0, 5, 5], "expected": 2.0, "weight": 3},
    ],
    "limits": FAST_LIMITS,
}
PARAMS = {"setup": 4, "answer": 34 / 24}
CORRECT_SPEEDUP = (
    "def speedup(setup, a, b):\n    return (setup + a + b) / (setup + max(a, b))\n"
)

ECHO_SPEC = {
    "compare": {"float_tolerance": 0.01},
    "cases": [
        {"stdin": "{{ n }}\n", "expected": "{{ n }} squared is {{ square:.1f }}\n"},
        {"stdin": "3\n", "expected": "3 squared is 9\n"},
    ],
    "limits": FAST_LIMITS,
}
CORRECT_ECHO = "n = int(input())\nprint(n, 'squared is', float(n * n))\n"


def test_function_correct_answer_passes(grade: Grade) -> None:
    result = grade("python_function", SPEEDUP_SPEC, CORRECT_SPEEDUP, PARAMS)

    assert result.verdict == Verdict.PASSED
    assert result.score == 10.0
    assert [check.passed for check in result.checks] == [True, True, True]


def test_function_partial_credit_by_weight(grade: Grade) -> None:
    source = "def speedup(setup, a, b):\n    return 2.0\n"

    result = grade("python_function", SPEEDUP_SPEC, source, PARAMS)

    assert result.verdict == Verdict.PARTIAL
    assert result.score == 7.5


def test_function_hidden_case_hides_expected_value(grade: Grade) -> None:
    source = "def speedup(setup, a, b):\n    return 1.25\n"

    result = grade("python_function", SPEEDUP_SPEC, source, PARAMS)

    sample, hidden, _ = result.checks
    assert result.verdict == Verdict.WRONG_ANSWER
    assert "expected 1.4545" in sample.message
    assert hidden.message == "wrong result: got 1.25"


def test_function_runtime_error_shows_student_traceback(grade: Grade) -> None:
    source = (
        "def speedup(setup, a, b):\n"
        "    return helper(a)\n"
        "\n"
        "def helper(x):\n"
        "    return x / 0\n"
    )

    result = grade("python_function", SPEEDUP_SPEC, source, PARAMS)

    message = result.checks[1].message
    assert result.verdict == Verdict.RUNTIME_ERROR
    assert 'File "solution.py", line 5, in helper' in message
    assert "ZeroDivisionError: division by zero" in message
    assert "runner.py" not in message
    assert "harness" not in message


def test_function_missing_name_is_runtime_error(grade: Grade) -> None:
    result = grade("python_function", SPEEDUP_SPEC, "def other():\n    pass\n", PARAMS)

    assert result.verdict == Verdict.RUNTIME_ERROR
    assert "does not define a function speedup()" in result.checks[1].message


def test_syntax_error_reports_line_and_message(grade: Grade) -> None:
    source = "def speedup(setup, a, b):\n    return (setup +\n\nx = 1\n"

    result = grade("python_function", SPEEDUP_SPEC, source, PARAMS)

    assert result.verdict == Verdict.SYNTAX_ERROR
    assert result.checks[0].message.startswith("line 2: '(' was never closed")


def test_main_block_does_not_run_in_function_mode(grade: Grade) -> None:
    source = CORRECT_SPEEDUP + "\nif __name__ == '__main__':\n    raise SystemExit(3)\n"

    result = grade("python_function", SPEEDUP_SPEC, source, PARAMS)

    assert result.verdict == Verdict.PASSED


def test_program_correct_answer_passes(grade: Grade) -> None:
    result = grade("python_program", ECHO_SPEC, CORRECT_ECHO, {"n": 12, "square": 144})

    assert result.verdict == Verdict.PASSED
    assert result.score == 10.0


def test_program_wrong_line_is_named(grade: Grade) -> None:
    source = "n = int(input())\nprint(n, 'squared is', n + n)\n"

    result = grade("python_program", ECHO_SPEC, source, {"n": 12, "square": 144})

    assert result.verdict == Verdict.WRONG_ANSWER
    assert result.checks[0].message == "wrong result at line 1: got 12 squared is 24"


def test_program_nonzero_exit_is_runtime_error(grade: Grade) -> None:
    source = "import sys\nprint('partial')\nsys.exit('bad input')\n"

    result = grade("python_program", ECHO_SPEC, source, {"n": 1, "square": 1})

    assert result.verdict == Verdict.RUNTIME_ERROR
    assert "exited with status 1" in result.checks[0].message
    assert "bad input" in result.checks[0].message


def test_program_can_use_bundled_libraries(grade: Grade) -> None:
    spec = {"cases": [{"stdin": "", "expected": "3\n"}], "limits": FAST_LIMITS}
    source = (
        "import networkx, dns.name\n"
        "graph = networkx.path_graph(4)\n"
        "print(networkx.shortest_path_length(graph, 0, 3))\n"
    )

    result = grade("python_program", spec, source)

    assert result.verdict == Verdict.PASSED
