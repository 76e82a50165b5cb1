"""Compare what a student's code produced with the expected result, in the worker.

Both comparisons return None on a match, or a ``Difference`` saying where
they differ and what each side held there, so the grader can decide how
much of it a student may see.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graders.code_spec import OutputRules
from graders.harness.protocol import UnsupportedValue

_SHOWN_CHARS = 200


@dataclass(frozen=True)
class Difference:
    """The first difference between two results and what each side held there.

    ``where`` is empty when the whole value differs.
    """

    where: str
    expected: str
    actual: str


def within_tolerance(actual: float, expected: float, tolerance: float) -> bool:
    """Return whether ``actual`` is within ``tolerance * max(1, |expected|)``."""
    if math.isnan(expected) or math.isnan(actual):
        return math.isnan(expected) and math.isnan(actual)
    if math.isinf(expected) or math.isinf(actual):
        return actual == expected
    return abs(actual - expected) <= tolerance * max(1.0, abs(expected))


def compare_values(actual: Any, expected: Any, tolerance: float) -> Difference | None:
    """Compare a returned value with the expected one.

    Numbers match within ``tolerance`` when either side is a float, and
    exactly otherwise; a bool matches only a bool. A list or tuple matches
    either, because YAML and JSON cannot write tuples. Dicts need the same
    keys; sets are compared exactly.
    """
    return _compare(actual, expected, tolerance, "")


def compare_output(actual: str, expected: str, rules: OutputRules) -> Difference | None:
    """Compare a program's stdout with the expected text under ``rules``."""
    actual_lines = _normalize(actual, rules)
    expected_lines = _normalize(expected, rules)
    for number, (got, wanted) in enumerate(
        zip(actual_lines, expected_lines, strict=False), 1
    ):
        if not _lines_match(got, wanted, rules.float_tolerance):
            where = "the output" if rules.collapse_whitespace else f"line {number}"
            return Difference(where, _shown(wanted), _shown(got))
    if len(actual_lines) != len(expected_lines):
        unit = "tokens" if rules.collapse_whitespace else "lines"
        return Difference(
            "the output",
            f"{len(expected_lines)} {unit}",
            f"{len(actual_lines)} {unit}",
        )
    return None


def shown_value(value: Any) -> str:
    """Return ``repr(value)`` cut to a length fit for feedback."""
    return _shown(repr(value))


def _compare(
    actual: Any, expected: Any, tolerance: float, where: str
) -> Difference | None:
    mismatch = Difference(where, shown_value(expected), shown_value(actual))
    if isinstance(actual, UnsupportedValue):
        return mismatch
    if isinstance(expected, bool) or isinstance(actual, bool):
        same = type(actual) is type(expected) and actual == expected
        return None if same else mismatch
    if _is_number(expected) and _is_number(actual):
        if isinstance(expected, float) or isinstance(actual, float):
            same = within_tolerance(float(actual), float(expected), tolerance)
        else:
            same = actual == expected
        return None if same else mismatch
    if isinstance(expected, (list, tuple)):
        return _compare_sequences(actual, expected, tolerance, where, mismatch)
    if isinstance(expected, Mapping):
        return _compare_mappings(actual, expected, tolerance, where, mismatch)
    return None if type(actual) is type(expected) and actual == expected else mismatch


def _compare_sequences(
    actual: Any,
    expected: list[Any] | tuple[Any, ...],
    tolerance: float,
    where: str,
    mismatch: Difference,
) -> Difference | None:
    if not isinstance(actual, (list, tuple)) or len(actual) != len(expected):
        return mismatch
    for index, (item, wanted) in enumerate(zip(actual, expected, strict=True)):
        difference = _compare(item, wanted, tolerance, f"{where}[{index}]")
        if difference:
            return difference
    return None


def _compare_mappings(
    actual: Any,
    expected: Mapping[Any, Any],
    tolerance: float,
    where: str,
    mismatch: Difference,
) -> Difference | None:
    if not isinstance(actual, Mapping) or set(actual) != set(expected):
        return mismatch
    for key, wanted in expected.items():
        difference = _compare(actual[key], wanted, tolerance, f"{where}[{key!r}]")
        if difference:
            return difference
    return None


def _normalize(text: str, rules: OutputRules) -> list[str]:
    text = text.replace("\r\n", "\n")
    if rules.ignore_case:
        text = text.casefold()
    if rules.collapse_whitespace:
        return text.split()
    lines = text.split("\n")
    if rules.strip_trailing_whitespace:
        lines = [line.rstrip() for line in lines]
    # A final newline, or blank lines after the last line of output, never
    # count as a difference.
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _lines_match(got: str, wanted: str, float_tolerance: float | None) -> bool:
    if float_tolerance is None:
        return got == wanted
    got_tokens, wanted_tokens = got.split(), wanted.split()
    if len(got_tokens) != len(wanted_tokens):
        return False
    return all(
        _tokens_match(token, wanted_token, float_tolerance)
        for token, wanted_token in zip(got_tokens, wanted_tokens, strict=True)
    )


def _tokens_match(got: str, wanted: str, tolerance: float) -> bool:
    if got == wanted:
        return True
    try:
        return within_tolerance(float(got), float(wanted), tolerance)
    except ValueError:
        return False


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _shown(text: str) -> str:
    if len(text) > _SHOWN_CHARS:
        return text[:_SHOWN_CHARS] + "..."
    return text
