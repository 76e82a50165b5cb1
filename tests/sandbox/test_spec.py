"""Validation of code exercises' grading sections, and parameter filling."""

from __future__ import annotations

from typing import Any

import pytest

from graders.base import InfrastructureError
from graders.code_spec import load_cases, output_rules, spec_limits, validate_spec
from graders.harness import protocol
from graders.sandbox import Limits

FUNCTION = protocol.MODE_FUNCTION
PROGRAM = protocol.MODE_PROGRAM


def function_spec(**changes: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "function": "speedup",
        "cases": [{"args": [1, 2], "expected": 3}],
    }
    spec.update(changes)
    return spec


def test_valid_function_spec_has_no_problems() -> None:
    assert validate_spec(function_spec(), FUNCTION) == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"function": "not a name"}, "function: must be the name of a Python function"),
        ({"cases": []}, "cases: at least one case is required"),
        ({"cases": [{"args": [1]}]}, "cases[0].expected: missing"),
        ({"cases": [{"args": 1, "expected": 1}]}, "cases[0].args: must be a list"),
        (
            {"cases": [{"args": [], "expected": 1, "weight": 0}]},
            "cases[0].weight: must be a number greater than 0",
        ),
        ({"samples": [{"args": []}]}, "samples[0].expected: missing"),
        ({"tolerance": -1}, "tolerance: must be 0 or greater"),
        ({"limits": {"case_time_s": 0}}, "limits.case_time_s: must be greater than 0"),
        ({"limits": {"memory_mib": 10**6}}, "limits.memory_mib: must be at most 1024"),
        ({"limits": {"pids": 2.5}}, "limits.pids: must be a whole number"),
    ],
)
def test_invalid_function_spec_names_the_key(
    changes: dict[str, Any], problem: str
) -> None:
    problems = validate_spec(function_spec(**changes), FUNCTION)

    assert any(found.startswith(problem) for found in problems), problems


def test_unknown_limit_is_reported() -> None:
    problems = validate_spec(function_spec(limits={"gpus": 1}), FUNCTION)

    assert problems[0].startswith("limits.gpus: unknown limit")


def test_program_spec_checks_compare_rules() -> None:
    spec = {
        "compare": {"ignore_case": "yes", "fuzzy": True},
        "cases": [{"stdin": 5, "expected": "5"}],
    }

    problems = validate_spec(spec, PROGRAM)

    assert "compare.ignore_case: must be true or false" in problems
    assert any(
        problem.startswith("compare.fuzzy: unknown rule") for problem in problems
    )
    assert "cases[0].stdin: must be text" in problems


def test_function_placeholders_keep_parameter_types() -> None:
    spec = function_spec(
        cases=[
            {
                "args": ["{{ n }}", "n"],
                "kwargs": {"k": "{{ k }}"},
                "expected": "{{ r }}",
            }
        ]
    )

    (case,) = load_cases(spec, {"n": 4, "k": [1, 2], "r": 0.5}, FUNCTION)

    assert list(case.harness_case.args) == [4, "n"]
    assert dict(case.harness_case.kwargs) == {"k": [1, 2]}
    assert case.expected == 0.5


def test_program_placeholders_render_as_text() -> None:
    spec = {"cases": [{"stdin": "{{ n }}\n", "expected": "{{ x:.2f }}\n"}]}

    (case,) = load_cases(spec, {"n": 7, "x": 1 / 3}, PROGRAM)

    assert case.harness_case.stdin == "7\n"
    assert case.expected == "0.33\n"


def test_unknown_placeholder_is_an_infrastructure_error() -> None:
    spec = function_spec(cases=[{"args": ["{{ missing }}"], "expected": 1}])

    with pytest.raises(InfrastructureError, match="missing"):
        load_cases(spec, {}, FUNCTION)


def test_samples_come_first_and_are_not_hidden() -> None:
    spec = function_spec(samples=[{"args": [0], "expected": 0}])

    cases = load_cases(spec, {}, FUNCTION)

    assert [case.name for case in cases] == ["sample 1", "case 1"]
    assert [case.hidden for case in cases] == [False, True]


def test_spec_limits_apply_overrides() -> None:
    limits = spec_limits(function_spec(limits={"case_time_s": 1.5, "memory_mib": 128}))

    assert limits.case_time_s == 1.5
    assert limits.memory_mib == 128
    assert limits.pids == Limits().pids


def test_output_rules_defaults() -> None:
    rules = output_rules({})

    assert rules.strip_trailing_whitespace is True
    assert rules.ignore_case is False
    assert rules.collapse_whitespace is False
    assert rules.float_tolerance is None
