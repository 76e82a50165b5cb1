"""Graders for answers that need no sandbox: choices, numbers and short text."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from exercises.expressions import ExpressionError, evaluate
from exercises.variants import render
from graders.base import (
    Check,
    GradeResult,
    GradingContext,
    Verdict,
    invalid_answer_result,
)
from graders.numbers import NumberFormatError, parse_number
from graders.registry import register

MAX_TEXT_ANSWER = 2000


def _unknown_keys(spec: dict[str, Any], allowed: set[str]) -> list[str]:
    """Name keys a grader does not read, so a misspelt one is never ignored."""
    return [
        f"{key}: unknown key (known keys: {', '.join(sorted(allowed))})"
        for key in sorted(set(spec) - allowed)
    ]


def _feedback_map(spec: dict[str, Any]) -> Iterable[str]:
    feedback = spec.get("feedback", {})
    if not isinstance(feedback, dict) or not all(
        isinstance(value, str) for value in feedback.values()
    ):
        yield "feedback: must map option ids to messages"


def _result(
    context: GradingContext, fraction: float, checks: list[Check], feedback: str
) -> GradeResult:
    fraction = min(max(fraction, 0.0), 1.0)
    if fraction >= 1.0:
        verdict = Verdict.PASSED
    elif fraction > 0:
        verdict = Verdict.PARTIAL
    else:
        verdict = Verdict.WRONG_ANSWER
    return GradeResult(
        score=round(context.points * fraction, 4),
        max_score=context.points,
        verdict=verdict,
        checks=checks,
        feedback=feedback,
    )


def _single_check(
    context: GradingContext, name: str, passed: bool, message: str
) -> GradeResult:
    check = Check(
        name=name,
        passed=passed,
        message=message,
        score=context.points if passed else 0.0,
        max_score=context.points,
    )
    return _result(context, 1.0 if passed else 0.0, [check], message)


@register("single_choice")
class SingleChoiceGrader:
    """One correct option; ``feedback`` may explain each wrong option."""

    kind = "single_choice"

    def validate_spec(self, spec: dict[str, Any]) -> list[str]:
        problems = list(_feedback_map(spec))
        if not isinstance(spec.get("correct"), str):
            problems.insert(0, "correct: must be the id of the correct option")
        problems.extend(_unknown_keys(spec, {"correct", "feedback"}))
        return problems

    def answer_error(self, answer: Any) -> str | None:
        if not isinstance(answer, str):
            return "must be the id of one option, as a string"
        return None

    def grade(self, context: GradingContext, answer: Any) -> GradeResult:
        passed = answer == context.spec["correct"]
        if passed:
            message = "Correct."
        else:
            feedback = context.spec.get("feedback", {})
            message = feedback.get(answer, "Not the right option.")
        return _single_check(context, "choice", passed, message)


@register("multiple_choice")
class MultipleChoiceGrader:
    """Several correct options, with partial credit.

    The fraction earned is (correct picks - wrong picks) / number correct,
    never below zero. Picking every option earns nothing only when there are
    at least as many wrong options as correct ones.
    """

    kind = "multiple_choice"

    def validate_spec(self, spec: dict[str, Any]) -> list[str]:
        problems = list(_feedback_map(spec))
        correct = spec.get("correct")
        if (
            not isinstance(correct, list)
            or not correct
            or not all(isinstance(item, str) for item in correct)
        ):
            problems.insert(0, "correct: must be a non-empty list of option ids")
        elif len(set(correct)) != len(correct):
            problems.insert(0, "correct: lists an option twice")
        problems.extend(_unknown_keys(spec, {"correct", "feedback"}))
        return problems

    def answer_error(self, answer: Any) -> str | None:
        if not isinstance(answer, list) or not all(isinstance(i, str) for i in answer):
            return 'must be a list of option ids, such as ["a", "c"]'
        if len(answer) > 100:
            return "lists more than 100 options"
        return None

    def grade(self, context: GradingContext, answer: Any) -> GradeResult:
        correct = set(context.spec["correct"])
        chosen = set(answer)
        hits = len(chosen & correct)
        wrong = len(chosen - correct)
        fraction = max(0.0, (hits - wrong) / len(correct))
        checks = [
            Check(
                name="correct options chosen",
                passed=hits == len(correct),
                message=f"{hits} of {len(correct)} correct options chosen.",
            ),
            Check(
                name="wrong options avoided",
                passed=wrong == 0,
                message=(
                    "No wrong option chosen."
                    if wrong == 0
                    else f"{wrong} wrong option(s) chosen; each cancels a correct one."
                ),
            ),
        ]
        feedback = context.spec.get("feedback", {})
        notes = [feedback[option] for option in sorted(chosen) if option in feedback]
        summary = " ".join([checks[0].message, checks[1].message, *notes])
        return _result(context, fraction, checks, summary)


@register("numeric")
class NumericGrader:
    """A number within an absolute or relative tolerance of the key.

    ``answer`` is an expression over the variant's parameters; ``mistakes``
    lists expressions for typical wrong results, each with its own feedback.
    """

    kind = "numeric"

    def validate_spec(self, spec: dict[str, Any]) -> list[str]:
        problems: list[str] = []
        if isinstance(spec.get("answer"), bool) or not isinstance(
            spec.get("answer"), str | int | float
        ):
            problems.append("answer: must be a number or an expression")
        tolerance = spec.get("tolerance", {})
        if not isinstance(tolerance, dict) or set(tolerance) - {"absolute", "relative"}:
            problems.append("tolerance: must have only the keys absolute and relative")
        else:
            for key, value in tolerance.items():
                if (
                    isinstance(value, bool)
                    or not isinstance(value, int | float)
                    or value < 0
                ):
                    problems.append(f"tolerance.{key}: must be a number >= 0")
        if not isinstance(spec.get("allow_percent", False), bool):
            problems.append("allow_percent: must be true or false")
        problems.extend(_validate_mistakes(spec.get("mistakes", [])))
        problems.extend(
            _unknown_keys(spec, {"answer", "tolerance", "allow_percent", "mistakes"})
        )
        return problems

    def answer_error(self, answer: Any) -> str | None:
        if isinstance(answer, bool) or not isinstance(answer, str | int | float):
            return "must be a number or the number as typed, in a string"
        if isinstance(answer, str) and len(answer) > 100:
            return "is longer than 100 characters"
        return None

    def grade(self, context: GradingContext, answer: Any) -> GradeResult:
        spec = context.spec
        try:
            if isinstance(answer, str):
                value = parse_number(answer, spec.get("allow_percent", False))
            else:
                value = float(answer)
        except NumberFormatError as exc:
            return invalid_answer_result(context, str(exc))
        except OverflowError:
            # JSON integers have no size limit, but float() stops near 1e308.
            return invalid_answer_result(context, "The number is too large.")
        if not math.isfinite(value):
            return invalid_answer_result(context, "The number is too large.")

        expected = float(_evaluate(spec["answer"], context.params))
        tolerance = spec.get("tolerance", {})
        passed = _close(value, expected, tolerance)
        if passed:
            message = "Correct."
        else:
            message = _mistake_message(spec, value, context.params, tolerance) or (
                f"{value:g} is not the expected value."
            )
        return _single_check(context, "value", passed, message)


@register("short_text")
class ShortTextGrader:
    """Text matched after normalization, or against regular expressions.

    Normalization applies Unicode NFKC, trims, collapses inner whitespace,
    drops a final full stop and, unless ``case_sensitive``, ignores case.
    Patterns must match the whole normalized answer.
    """

    kind = "short_text"

    def validate_spec(self, spec: dict[str, Any]) -> list[str]:
        problems: list[str] = []
        accept = spec.get("accept", [])
        patterns = spec.get("patterns", [])
        if not isinstance(accept, list) or not all(isinstance(a, str) for a in accept):
            problems.append("accept: must be a list of strings")
        if not isinstance(patterns, list) or not all(
            isinstance(p, str) for p in patterns
        ):
            problems.append("patterns: must be a list of regular expressions")
        else:
            for index, pattern in enumerate(patterns):
                try:
                    re.compile(pattern)
                except re.error as exc:
                    problems.append(
                        f"patterns[{index}]: invalid regular expression: {exc}"
                    )
        if not problems and not accept and not patterns:
            problems.append("accept: give at least one accepted answer or pattern")
        if not isinstance(spec.get("case_sensitive", False), bool):
            problems.append("case_sensitive: must be true or false")
        mistakes = spec.get("mistakes", {})
        if not isinstance(mistakes, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mistakes.items()
        ):
            problems.append("mistakes: must map wrong answers to feedback messages")
        problems.extend(
            _unknown_keys(spec, {"accept", "patterns", "case_sensitive", "mistakes"})
        )
        return problems

    def answer_error(self, answer: Any) -> str | None:
        if not isinstance(answer, str):
            return "must be text"
        if len(answer) > MAX_TEXT_ANSWER:
            return f"is longer than {MAX_TEXT_ANSWER} characters"
        return None

    def grade(self, context: GradingContext, answer: Any) -> GradeResult:
        spec = context.spec
        case_sensitive = spec.get("case_sensitive", False)
        given = _normalize_text(answer, case_sensitive)
        if not given:
            return invalid_answer_result(
                context, "The answer is empty. Type your answer."
            )

        accepted = {
            _normalize_text(render(text, context.params), case_sensitive)
            for text in spec.get("accept", [])
        }
        flags = 0 if case_sensitive else re.IGNORECASE
        # NOTE: a teacher's pattern with nested repeats, such as (a+)+b, can
        # backtrack for seconds on a crafted answer; only the task's time limit
        # bounds it. Answers are capped at 2000 characters.
        passed = given in accepted or any(
            re.fullmatch(render(pattern, context.params), given, flags)
            for pattern in spec.get("patterns", [])
        )
        if passed:
            message = "Correct."
        else:
            mistakes = {
                _normalize_text(wrong, case_sensitive): note
                for wrong, note in spec.get("mistakes", {}).items()
            }
            message = mistakes.get(given, "Not the expected answer.")
        return _single_check(context, "answer", passed, message)


def _normalize_text(text: str, case_sensitive: bool) -> str:
    normalized = " ".join(unicodedata.normalize("NFKC", text).split())
    normalized = normalized.removesuffix(".").strip()
    return normalized if case_sensitive else normalized.casefold()


def _evaluate(expression: str | float, params: dict[str, Any]) -> Any:
    if isinstance(expression, int | float):
        return expression
    return evaluate(expression, params)


def _close(value: float, expected: float, tolerance: dict[str, float]) -> bool:
    absolute = tolerance.get("absolute", 0.0)
    relative = tolerance.get("relative", 1e-9)
    return math.isclose(value, expected, rel_tol=relative, abs_tol=absolute)


def _mistake_message(
    spec: dict[str, Any],
    value: float,
    params: dict[str, Any],
    tolerance: dict[str, float],
) -> str | None:
    for mistake in spec.get("mistakes", []):
        try:
            wrong = float(_evaluate(mistake["answer"], params))
        except (ExpressionError, TypeError, ValueError):
            continue
        if _close(value, wrong, tolerance):
            return mistake["message"]
    return None


def _validate_mistakes(mistakes: Any) -> Iterable[str]:
    if not isinstance(mistakes, list):
        yield "mistakes: must be a list of {answer, message} entries"
        return
    for index, mistake in enumerate(mistakes):
        if not isinstance(mistake, dict) or set(mistake) != {"answer", "message"}:
            yield f"mistakes[{index}]: must have exactly the keys answer and message"
