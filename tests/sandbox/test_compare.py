"""Comparison of returned values and program output, in the worker."""

from __future__ import annotations

import math

import pytest

from graders.code_compare import compare_output, compare_values, within_tolerance
from graders.code_spec import OutputRules
from graders.harness.protocol import UnsupportedValue


@pytest.mark.parametrize(
    ("actual", "expected", "tolerance", "matches"),
    [
        (1.0000001, 1.0, 1e-6, True),
        (1.00001, 1.0, 1e-6, False),
        (1000.0005, 1000.0, 1e-6, True),  # relative above 1
        (1e-7, 0.0, 1e-6, True),  # absolute near 0
        (math.nan, math.nan, 1e-6, True),
        (math.inf, math.inf, 1e-6, True),
        (math.inf, 1e308, 1e-6, False),
    ],
)
def test_within_tolerance_cases(
    actual: float, expected: float, tolerance: float, matches: bool
) -> None:
    assert within_tolerance(actual, expected, tolerance) is matches


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (3, 3),
        (3.0, 3),
        (3, 3.0000000001),
        ((1, 2), [1, 2]),
        ([1, 2], (1, 2)),
        ({"a": [1.0, 2.0]}, {"a": [1, 2]}),
        ({1: "x"}, {1: "x"}),
        ({1, 2}, {2, 1}),
        (None, None),
        ("text", "text"),
        (True, True),
    ],
)
def test_compare_values_matches(actual: object, expected: object) -> None:
    assert compare_values(actual, expected, 1e-9) is None


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (1, True),
        (True, 1),
        (3.1, 3),
        ("3", 3),
        ([1, 2, 3], [1, 2]),
        ({"a": 1}, {"a": 1, "b": 2}),
        (None, 0),
        (UnsupportedValue("object", "<object>"), "<object>"),
    ],
)
def test_compare_values_mismatches(actual: object, expected: object) -> None:
    assert compare_values(actual, expected, 1e-9) is not None


def test_compare_values_points_at_nested_difference() -> None:
    difference = compare_values({"rows": [1, 2, 5]}, {"rows": [1, 2, 3]}, 1e-9)

    assert difference is not None
    assert difference.where == "['rows'][2]"
    assert difference.expected == "3"
    assert difference.actual == "5"


def test_compare_values_shortens_huge_values() -> None:
    difference = compare_values("x" * 10_000, "y", 1e-9)

    assert difference is not None
    assert len(difference.actual) < 300


def test_output_ignores_trailing_whitespace_by_default() -> None:
    assert compare_output("a  \nb\n\n\n", "a\nb", OutputRules()) is None


def test_output_keeps_trailing_whitespace_when_asked() -> None:
    rules = OutputRules(strip_trailing_whitespace=False)

    assert compare_output("a  \n", "a\n", rules) is not None


def test_output_accepts_windows_line_endings() -> None:
    assert compare_output("a\r\nb\r\n", "a\nb\n", OutputRules()) is None


def test_output_ignores_case_when_asked() -> None:
    assert compare_output("YES\n", "yes\n", OutputRules(ignore_case=True)) is None
    assert compare_output("YES\n", "yes\n", OutputRules()) is not None


def test_output_collapses_whitespace_when_asked() -> None:
    rules = OutputRules(collapse_whitespace=True)

    assert compare_output("1   2\n\t3\n", "1 2 3", rules) is None


def test_output_compares_float_tokens_within_tolerance() -> None:
    rules = OutputRules(float_tolerance=1e-3)

    assert compare_output("pi = 3.1416\n", "pi = 3.14159\n", rules) is None
    assert compare_output("pi = 3.15\n", "pi = 3.14159\n", rules) is not None
    assert compare_output("PI = 3.1416\n", "pi = 3.14159\n", rules) is not None


def test_output_difference_names_the_line() -> None:
    difference = compare_output("a\nb\nc\n", "a\nx\nc\n", OutputRules())

    assert difference is not None
    assert difference.where == "line 2"
    assert difference.expected == "x"
    assert difference.actual == "b"


def test_output_difference_counts_missing_lines() -> None:
    difference = compare_output("a\n", "a\nb\n", OutputRules())

    assert difference is not None
    assert difference.expected == "2 lines"
    assert difference.actual == "1 lines"


def test_output_with_nul_and_unicode_compares_exactly() -> None:
    text = "a\0b ✓ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u202e\n"

    assert compare_output(text, text, OutputRules()) is None
    assert compare_output("a\0c\n", "a\0b\n", OutputRules()) is not None
