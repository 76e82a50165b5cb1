"""Graders for choices, numbers and short text, called directly."""

from __future__ import annotations

from typing import Any

import pytest

from graders.answers import (
    MultipleChoiceGrader,
    NumericGrader,
    ShortTextGrader,
    SingleChoiceGrader,
)
from graders.base import GradingContext, Verdict


def make_context(
    kind: str,
    spec: dict[str, Any],
    params: dict[str, Any] | None = None,
    points: float = 6.0,
) -> GradingContext:
    return GradingContext(
        slug="test-exercise",
        kind=kind,
        version=1,
        points=points,
        spec=spec,
        params=params or {},
    )


# single_choice

SINGLE = {"correct": "b", "feedback": {"a": "A is the inverse.", "c": "C is late."}}


def grade_single(answer: Any) -> Any:
    return SingleChoiceGrader().grade(make_context("single_choice", SINGLE), answer)


def test_single_right_option_passes() -> None:
    result = grade_single("b")

    assert result.verdict == Verdict.PASSED
    assert result.score == 6.0
    assert result.max_score == 6.0
    assert result.feedback == "Correct."


def test_single_wrong_option_gets_its_feedback() -> None:
    result = grade_single("a")

    assert result.verdict == Verdict.WRONG_ANSWER
    assert result.score == 0.0
    assert result.feedback == "A is the inverse."


def test_single_wrong_option_without_feedback() -> None:
    result = grade_single("d")

    assert result.verdict == Verdict.WRONG_ANSWER
    assert result.feedback == "Not the right option."


def test_single_unknown_id_is_wrong() -> None:
    assert grade_single("zzz").verdict == Verdict.WRONG_ANSWER


def test_single_check_reports_score() -> None:
    check = grade_single("b").checks[0]

    assert check.passed is True
    assert check.score == 6.0


@pytest.mark.parametrize("answer", [1, ["b"], None, {"id": "b"}, True])
def test_single_answer_error_for_wrong_type(answer: Any) -> None:
    assert SingleChoiceGrader().answer_error(answer) is not None


def test_single_answer_error_none_for_string() -> None:
    assert SingleChoiceGrader().answer_error("b") is None


def test_single_spec_requires_correct_id() -> None:
    problems = SingleChoiceGrader().validate_spec({"correct": ["b"]})

    assert problems == ["correct: must be the id of the correct option"]


def test_single_spec_rejects_non_text_feedback() -> None:
    problems = SingleChoiceGrader().validate_spec(
        {"correct": "b", "feedback": {"a": 1}}
    )

    assert problems == ["feedback: must map option ids to messages"]


# multiple_choice: three correct options (a, b, c) and four wrong (d to g).

MULTIPLE = {
    "correct": ["a", "b", "c"],
    "feedback": {"d": "D is safe.", "e": "E is not idempotent."},
}


def grade_multiple(answer: list[str]) -> Any:
    context = make_context("multiple_choice", MULTIPLE, points=6.0)
    return MultipleChoiceGrader().grade(context, answer)


@pytest.mark.parametrize(
    ("answer", "score", "verdict"),
    [
        (["a", "b", "c"], 6.0, Verdict.PASSED),  # 3/3 of 6 points
        (["c", "a", "b"], 6.0, Verdict.PASSED),  # order does not matter
        (["a", "b"], 4.0, Verdict.PARTIAL),  # 2/3
        (["a"], 2.0, Verdict.PARTIAL),  # 1/3
        (["a", "b", "d"], 2.0, Verdict.PARTIAL),  # (2 - 1)/3
        (["a", "b", "c", "d"], 4.0, Verdict.PARTIAL),  # (3 - 1)/3
        (["a", "d"], 0.0, Verdict.WRONG_ANSWER),  # (1 - 1)/3
        (["a", "d", "e"], 0.0, Verdict.WRONG_ANSWER),  # (1 - 2)/3, raised to 0
        (["a", "b", "c", "d", "e", "f", "g"], 0.0, Verdict.WRONG_ANSWER),  # (3-4)/3
        ([], 0.0, Verdict.WRONG_ANSWER),
        (["a", "a", "b"], 4.0, Verdict.PARTIAL),  # a repeated id counts once
        (["a", "b", "nope"], 2.0, Verdict.PARTIAL),  # an unknown id is a wrong pick
    ],
)
def test_multiple_partial_credit(
    answer: list[str], score: float, verdict: Verdict
) -> None:
    result = grade_multiple(answer)

    assert result.score == pytest.approx(score)
    assert result.verdict == verdict


def test_multiple_feedback_counts_picks() -> None:
    feedback = grade_multiple(["a", "b", "d"]).feedback

    assert "2 of 3 correct options chosen." in feedback
    assert "1 wrong option(s) chosen" in feedback


def test_multiple_feedback_includes_chosen_notes() -> None:
    feedback = grade_multiple(["a", "e", "d"]).feedback

    assert feedback.endswith("D is safe. E is not idempotent.")


def test_multiple_feedback_omits_unchosen_notes() -> None:
    feedback = grade_multiple(["a", "b", "c"]).feedback

    assert "D is safe." not in feedback


def test_multiple_checks_report_each_condition() -> None:
    checks = grade_multiple(["a", "b", "d"]).checks

    assert [check.passed for check in checks] == [False, False]


@pytest.mark.parametrize("answer", ["a", ["a", 1], None, 3, {"a": True}])
def test_multiple_answer_error_for_wrong_type(answer: Any) -> None:
    assert MultipleChoiceGrader().answer_error(answer) is not None


def test_multiple_answer_error_for_too_many_ids() -> None:
    assert MultipleChoiceGrader().answer_error(["a"] * 101) is not None


def test_multiple_answer_error_none_for_id_list() -> None:
    assert MultipleChoiceGrader().answer_error(["a", "c"]) is None


@pytest.mark.parametrize(
    ("correct", "problem"),
    [
        ([], "correct: must be a non-empty list of option ids"),
        ("a", "correct: must be a non-empty list of option ids"),
        (["a", "a"], "correct: lists an option twice"),
    ],
)
def test_multiple_spec_rejects_bad_correct(correct: Any, problem: str) -> None:
    assert MultipleChoiceGrader().validate_spec({"correct": correct}) == [problem]


# numeric

SPEEDUP = {
    "answer": "sequential / parallel",
    "tolerance": {"absolute": 0.01},
    "mistakes": [
        {"answer": "parallel / sequential", "message": "That is the inverse."},
        {"answer": "2", "message": "Not exactly two."},
        {"answer": "missing_name * 2", "message": "Never shown."},
    ],
}
SPEEDUP_PARAMS = {"sequential": 90, "parallel": 60}  # speedup 1.5


def grade_numeric(
    answer: Any,
    spec: dict[str, Any] = SPEEDUP,
    params: dict[str, Any] = SPEEDUP_PARAMS,
) -> Any:
    return NumericGrader().grade(make_context("numeric", spec, params), answer)


@pytest.mark.parametrize(
    "answer", ["1.5", " 1.5 ", "1,5", "3/2", "1.5e0", "1.50", "1.505", 1.5, 1.509]
)
def test_numeric_accepts_typed_forms(answer: Any) -> None:
    result = grade_numeric(answer)

    assert result.verdict == Verdict.PASSED
    assert result.score == 6.0


def test_numeric_percent_accepted_when_allowed() -> None:
    spec = {**SPEEDUP, "allow_percent": True}

    assert grade_numeric("150%", spec).verdict == Verdict.PASSED


def test_numeric_percent_invalid_by_default() -> None:
    result = grade_numeric("150%")

    assert result.verdict == Verdict.INVALID_ANSWER
    assert "Percentages are not accepted" in result.feedback


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("abc", "is not a number"),
        ("", "empty"),
        ("1,5.0", "mixes separators"),
        ("1/0", "divides by zero"),
        ("1e400", "too large"),
        ("-1e400", "too large"),
        ("1" + "0" * 400 + "/1", "too large"),
        (10**400, "too large"),
        (float("inf"), "too large"),
        (float("nan"), "too large"),
    ],
)
def test_numeric_invalid_answer_has_feedback(answer: Any, message: str) -> None:
    result = grade_numeric(answer)

    assert result.verdict == Verdict.INVALID_ANSWER
    assert result.score == 0.0
    assert message in result.feedback
    assert result.checks[0].message == result.feedback


def test_numeric_huge_finite_number_is_wrong() -> None:
    assert grade_numeric("9" * 100).verdict == Verdict.WRONG_ANSWER


def test_numeric_mistake_gets_its_message() -> None:
    result = grade_numeric("0.667")

    assert result.verdict == Verdict.WRONG_ANSWER
    assert result.feedback == "That is the inverse."


def test_numeric_constant_mistake_gets_its_message() -> None:
    assert grade_numeric("2").feedback == "Not exactly two."


def test_numeric_unmatched_wrong_value_message() -> None:
    assert grade_numeric("7.25").feedback == "7.25 is not the expected value."


def test_numeric_absolute_tolerance_edges() -> None:
    spec = {"answer": 10, "tolerance": {"absolute": 0.5}}

    assert grade_numeric("10.5", spec).verdict == Verdict.PASSED
    assert grade_numeric("9.5", spec).verdict == Verdict.PASSED
    assert grade_numeric("10.51", spec).verdict == Verdict.WRONG_ANSWER


def test_numeric_relative_tolerance_scales() -> None:
    spec = {"answer": "value", "tolerance": {"relative": 0.01}}
    large, small = {"value": 1000}, {"value": 0.01}

    assert grade_numeric("1005", spec, large).verdict == Verdict.PASSED
    assert grade_numeric("1020", spec, large).verdict == Verdict.WRONG_ANSWER
    assert grade_numeric("0.0101", spec, small).verdict == Verdict.PASSED
    assert grade_numeric("0.0103", spec, small).verdict == Verdict.WRONG_ANSWER


def test_numeric_without_tolerance_is_exact() -> None:
    spec = {"answer": "a + b"}
    params = {"a": 1, "b": 2}

    assert grade_numeric("3", spec, params).verdict == Verdict.PASSED
    assert grade_numeric("3.001", spec, params).verdict == Verdict.WRONG_ANSWER


def test_numeric_float_rounding_passes_without_tolerance() -> None:
    spec = {"answer": "a + b"}
    params = {"a": 0.1, "b": 0.2}

    assert grade_numeric("0.3", spec, params).verdict == Verdict.PASSED


@pytest.mark.parametrize("answer", [True, None, [1.5], {"value": 1.5}, "1" * 101])
def test_numeric_answer_error_for_wrong_type(answer: Any) -> None:
    assert NumericGrader().answer_error(answer) is not None


@pytest.mark.parametrize("answer", ["1,5", 1.5, 2])
def test_numeric_answer_error_none_for_number(answer: Any) -> None:
    assert NumericGrader().answer_error(answer) is None


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ({}, "answer: must be a number or an expression"),
        ({"answer": True}, "answer: must be a number or an expression"),
        (
            {"answer": 1, "tolerance": {"abs": 1}},
            "tolerance: must have only the keys absolute and relative",
        ),
        (
            {"answer": 1, "tolerance": {"absolute": -1}},
            "tolerance.absolute: must be a number >= 0",
        ),
        (
            {"answer": 1, "allow_percent": "yes"},
            "allow_percent: must be true or false",
        ),
        (
            {"answer": 1, "mistakes": [{"answer": 2}]},
            "mistakes[0]: must have exactly the keys answer and message",
        ),
    ],
)
def test_numeric_spec_problem(spec: dict[str, Any], problem: str) -> None:
    assert NumericGrader().validate_spec(spec) == [problem]


# short_text

CAPITAL = {
    "accept": ["Paris"],
    "mistakes": {"Lyon": "Lyon is the third largest city.", "PARIS, TX": "Wrong."},
}
RECORD = {
    "accept": ["{{ record_type }}"],
    "patterns": ["(an? )?{{ record_type }}( record)?"],
    "mistakes": {"AAA": "There is no AAA record type."},
}


def grade_text(
    answer: str, spec: dict[str, Any] = CAPITAL, params: dict[str, Any] | None = None
) -> Any:
    return ShortTextGrader().grade(make_context("short_text", spec, params), answer)


@pytest.mark.parametrize(
    "answer",
    [
        "Paris",
        "paris",
        "PARIS",
        "  Paris  ",
        "Paris.",
        "\uff30\uff41\uff52\uff49\uff53",  # full-width letters, folded by NFKC
    ],
)
def test_text_normalized_match_passes(answer: str) -> None:
    result = grade_text(answer)

    assert result.verdict == Verdict.PASSED
    assert result.score == 6.0


def test_text_inner_whitespace_collapses() -> None:
    spec = {"accept": ["Method Not Allowed"]}

    assert grade_text("method \t not   allowed", spec).verdict == Verdict.PASSED


def test_text_only_one_final_stop_dropped() -> None:
    assert grade_text("Paris..").verdict == Verdict.WRONG_ANSWER


def test_text_case_sensitive_rejects_other_case() -> None:
    spec = {"accept": ["Paris"], "case_sensitive": True}

    assert grade_text("Paris", spec).verdict == Verdict.PASSED
    assert grade_text("paris", spec).verdict == Verdict.WRONG_ANSWER


def test_text_mistake_gets_its_message() -> None:
    result = grade_text(" lyon. ")

    assert result.verdict == Verdict.WRONG_ANSWER
    assert result.feedback == "Lyon is the third largest city."


def test_text_mistake_key_is_normalized() -> None:
    assert grade_text("paris,   tx").feedback == "Wrong."


def test_text_unmatched_wrong_answer_message() -> None:
    assert grade_text("Marseille").feedback == "Not the expected answer."


@pytest.mark.parametrize("answer", ["", "   ", ".", " \n "])
def test_text_empty_answer_is_invalid(answer: str) -> None:
    result = grade_text(answer)

    assert result.verdict == Verdict.INVALID_ANSWER
    assert "empty" in result.feedback


@pytest.mark.parametrize("answer", ["AAAA", "aaaa", "an AAAA record", "AAAA record."])
def test_text_pattern_with_placeholder_passes(answer: str) -> None:
    result = grade_text(answer, RECORD, {"record_type": "AAAA"})

    assert result.verdict == Verdict.PASSED


@pytest.mark.parametrize("answer", ["AAAAA", "A", "AAAA records", "the AAAA"])
def test_text_pattern_must_match_whole_answer(answer: str) -> None:
    result = grade_text(answer, RECORD, {"record_type": "AAAA"})

    assert result.verdict == Verdict.WRONG_ANSWER


def test_text_accept_uses_variant_value() -> None:
    assert grade_text("MX", RECORD, {"record_type": "MX"}).verdict == Verdict.PASSED
    assert (
        grade_text("NS", RECORD, {"record_type": "MX"}).verdict == Verdict.WRONG_ANSWER
    )


def test_text_mistake_with_patterns() -> None:
    result = grade_text("AAA", RECORD, {"record_type": "AAAA"})

    assert result.feedback == "There is no AAA record type."


@pytest.mark.parametrize("answer", [405, None, ["405"], {"text": "405"}])
def test_text_answer_error_for_wrong_type(answer: Any) -> None:
    assert ShortTextGrader().answer_error(answer) is not None


def test_text_answer_error_for_long_text() -> None:
    assert ShortTextGrader().answer_error("x" * 2001) is not None


def test_text_answer_error_none_for_text() -> None:
    assert ShortTextGrader().answer_error("405") is None


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ({}, "accept: give at least one accepted answer or pattern"),
        ({"accept": "Paris"}, "accept: must be a list of strings"),
        ({"patterns": ["("]}, "patterns[0]: invalid regular expression"),
        ({"accept": ["x"], "mistakes": ["y"]}, "mistakes: must map wrong answers"),
        ({"accept": ["x"], "case_sensitive": 1}, "case_sensitive: must be true or"),
    ],
)
def test_text_spec_problem(spec: dict[str, Any], problem: str) -> None:
    problems = ShortTextGrader().validate_spec(spec)

    assert len(problems) == 1
    assert problems[0].startswith(problem)
