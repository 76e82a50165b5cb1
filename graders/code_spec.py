"""The grading section of code exercises: validation, cases and parameters.

Both kinds share this shape (YAML shown)::

    grading:
      function: speedup          # python_function only: the name to call
      tolerance: 1.0e-6          # python_function only, default 1e-9
      compare:                   # python_program only, all optional
        strip_trailing_whitespace: true   # default true
        ignore_case: false
        collapse_whitespace: false
        float_tolerance: 1.0e-6           # default none: exact tokens
      samples:                   # optional, shown with expected values, unscored
        - {args: [2, 10, 20], expected: 1.45}
      cases:                     # required, hidden, scored
        - name: large tasks      # optional, default "case N"
          args: ["{{ setup }}", 40, 20]   # python_function: positional args
          kwargs: {}                      # python_function: keyword args
          stdin: "{{ n }}\\n"              # python_program: standard input
          expected: "{{ speedup }}"       # return value, or expected stdout
          weight: 2              # optional, default 1
      limits: {case_time_s: 2}   # optional, see graders.sandbox.limits.Limits

Parameters: in ``args``, ``kwargs`` and a function's ``expected``, a string
that is exactly one placeholder (``"{{ name }}"``) becomes the parameter's
value with its type. In ``stdin`` and a program's ``expected``, placeholders
are rendered as text, and ``{{ name:.2f }}`` formats the value.

Floats compare within ``tolerance * max(1, |expected|)``: an absolute bound
near zero and a relative one above 1.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from exercises.variants import PLACEHOLDER, render
from graders.base import InfrastructureError
from graders.harness import protocol
from graders.sandbox import HarnessCase, Limits, check_limit_overrides

DEFAULT_TOLERANCE = 1e-9
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_COMPARE_FLAGS = ("strip_trailing_whitespace", "ignore_case", "collapse_whitespace")


@dataclass(frozen=True)
class OutputRules:
    """How a program's stdout is normalized before it is compared."""

    strip_trailing_whitespace: bool = True
    ignore_case: bool = False
    collapse_whitespace: bool = False
    float_tolerance: float | None = None


@dataclass(frozen=True)
class CodeCase:
    """One case to run: its inputs for the sandbox and, kept here, its expectation."""

    name: str
    hidden: bool
    weight: float
    harness_case: HarnessCase
    expected: Any


def validate_spec(spec: Any, mode: str) -> list[str]:
    """Return problems with a code exercise's grading section, empty if none."""
    if not isinstance(spec, dict):
        return ["grading: must be a mapping"]
    problems: list[str] = []
    if mode == protocol.MODE_FUNCTION:
        function = spec.get("function")
        if not isinstance(function, str) or not _IDENTIFIER.fullmatch(function):
            problems.append("function: must be the name of a Python function")
        problems += _check_tolerance("tolerance", spec.get("tolerance"))
    else:
        problems += _check_compare(spec.get("compare", {}))

    if not spec.get("cases"):
        problems.append("cases: at least one case is required")
    for key in ("samples", "cases"):
        cases = spec.get(key, [])
        if not isinstance(cases, list):
            problems.append(f"{key}: must be a list")
            continue
        for index, case in enumerate(cases):
            problems += _check_case(f"{key}[{index}]", case, mode)

    if "limits" in spec:
        problems += check_limit_overrides(spec["limits"])
    return problems


def load_cases(
    spec: dict[str, Any], params: dict[str, Any], mode: str
) -> list[CodeCase]:
    """Return the samples, then the hidden cases, with parameters filled in."""
    try:
        return [
            _load_case(case, index, hidden, params, mode)
            for hidden, key in ((False, "samples"), (True, "cases"))
            for index, case in enumerate(spec.get(key, []))
        ]
    except KeyError as error:
        # validate_spec cannot see the parameters, so a misspelt placeholder
        # first shows up here; it is the exercise's fault, not the answer's.
        raise InfrastructureError(
            f"code exercise uses unknown parameter {error}; fix its grading section"
        ) from error


def spec_limits(spec: dict[str, Any]) -> Limits:
    """Return the default limits with the exercise's overrides applied."""
    try:
        return Limits().with_overrides(spec.get("limits", {}))
    except ValueError as error:
        raise InfrastructureError(
            f"invalid limits in code exercise: {error}"
        ) from error


def output_rules(spec: dict[str, Any]) -> OutputRules:
    compare = spec.get("compare", {})
    return OutputRules(
        strip_trailing_whitespace=compare.get("strip_trailing_whitespace", True),
        ignore_case=compare.get("ignore_case", False),
        collapse_whitespace=compare.get("collapse_whitespace", False),
        float_tolerance=compare.get("float_tolerance"),
    )


def _load_case(
    case: dict[str, Any], index: int, hidden: bool, params: dict[str, Any], mode: str
) -> CodeCase:
    default_name = f"case {index + 1}" if hidden else f"sample {index + 1}"
    if mode == protocol.MODE_FUNCTION:
        harness_case = HarnessCase(
            args=_fill(case.get("args", []), params),
            kwargs=_fill(case.get("kwargs", {}), params),
        )
        expected = _fill(case["expected"], params)
    else:
        harness_case = HarnessCase(stdin=render(case.get("stdin", ""), params))
        expected = render(case["expected"], params)
    return CodeCase(
        name=str(case.get("name", default_name)),
        hidden=hidden,
        weight=float(case.get("weight", 1)),
        harness_case=harness_case,
        expected=expected,
    )


def _fill(value: Any, params: dict[str, Any]) -> Any:
    """Replace strings that are exactly one placeholder with the typed value."""
    if isinstance(value, str):
        match = PLACEHOLDER.fullmatch(value.strip())
        if match and not match.group(2):
            return params[match.group(1)]
        return value
    if isinstance(value, list):
        return [_fill(item, params) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, params) for key, item in value.items()}
    return value


def _check_case(key: str, case: Any, mode: str) -> list[str]:
    if not isinstance(case, dict):
        return [f"{key}: must be a mapping"]
    problems = []
    if "expected" not in case:
        problems.append(f"{key}.expected: missing")
    if mode == protocol.MODE_FUNCTION:
        if not isinstance(case.get("args", []), list):
            problems.append(f"{key}.args: must be a list")
        kwargs = case.get("kwargs", {})
        if not isinstance(kwargs, dict) or not all(isinstance(k, str) for k in kwargs):
            problems.append(f"{key}.kwargs: must map argument names to values")
    else:
        for field in ("stdin", "expected"):
            if field in case and not isinstance(case[field], str):
                problems.append(f"{key}.{field}: must be text")
    weight = case.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
        problems.append(f"{key}.weight: must be a number greater than 0")
    if "name" in case and not isinstance(case["name"], str):
        problems.append(f"{key}.name: must be text")
    return problems


def _check_compare(compare: Any) -> list[str]:
    if not isinstance(compare, dict):
        return ["compare: must be a mapping"]
    problems = []
    for name, value in compare.items():
        if name in _COMPARE_FLAGS:
            if not isinstance(value, bool):
                problems.append(f"compare.{name}: must be true or false")
        elif name == "float_tolerance":
            if value is not None:
                problems += _check_tolerance("compare.float_tolerance", value)
        else:
            known = ", ".join((*_COMPARE_FLAGS, "float_tolerance"))
            problems.append(f"compare.{name}: unknown rule; known rules are {known}")
    return problems


def _check_tolerance(key: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return [f"{key}: must be a number"]
    if not math.isfinite(value) or value < 0:
        return [f"{key}: must be 0 or greater"]
    return []
