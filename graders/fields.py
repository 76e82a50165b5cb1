"""The ``fields`` grader: an answer of several named fields, each graded alone.

The exercise's public ``fields`` list declares each field's name, label and
type (``text``, ``number`` or ``choice``), and ``grading.fields`` maps each
name to its matcher. Text fields follow short_text's normalization and patterns,
number fields numeric's parsing and tolerance, and choice fields must equal
an accepted value exactly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from exercises.expressions import ExpressionError, evaluate
from exercises.variants import render
from graders.answers import MAX_TEXT_ANSWER, _close, _normalize_text
from graders.base import (
    Check,
    GradeResult,
    GradingContext,
    Verdict,
    invalid_answer_result,
)
from graders.numbers import NumberFormatError, parse_number
from graders.registry import register

FIELD_TYPES = ("text", "number", "choice")
MAX_FIELDS = 100
MATCHER_KEYS = {
    "points",
    "accept",
    "patterns",
    "case_sensitive",
    "answer",
    "tolerance",
    "mistakes",
}
# Matcher keys that only make sense for one field type; the loader rejects
# them on fields of the other types.
KEYS_BY_TYPE = {
    "text": {"points", "accept", "patterns", "case_sensitive", "mistakes"},
    "number": {"points", "answer", "tolerance", "mistakes"},
    "choice": {"points", "accept", "mistakes"},
}


@register("fields")
class FieldsGrader:
    """Several named fields, each worth its own points and with its own check.

    The score is the points of the correct fields over the points of all
    fields, times the exercise's points. A missing or empty field earns
    nothing, and an answer that fills in no field at all is invalid.
    """

    kind = "fields"

    def validate_spec(self, spec: dict[str, Any]) -> list[str]:
        matchers = spec.get("fields")
        if not isinstance(matchers, dict) or not matchers:
            return ["fields: must map each field name to its matcher"]
        if set(spec) != {"fields"}:
            extra = ", ".join(sorted(str(key) for key in set(spec) - {"fields"}))
            return [f"{extra}: unknown key (a fields grading has only fields)"]
        problems: list[str] = []
        for name, matcher in matchers.items():
            problems.extend(
                f"fields.{name}.{problem}" for problem in _matcher_problems(matcher)
            )
        return problems

    def answer_error(self, answer: Any) -> str | None:
        if not isinstance(answer, dict):
            return 'must be a JSON object of field names to values, such as {"a": 1}'
        if len(answer) > MAX_FIELDS:
            return f"has more than {MAX_FIELDS} fields"
        for name, value in answer.items():
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                return f"field {str(name)[:40]!r} must be text or a number"
            if isinstance(value, str) and len(value) > MAX_TEXT_ANSWER:
                return (
                    f"field {str(name)[:40]!r} is longer than "
                    f"{MAX_TEXT_ANSWER} characters"
                )
        return None

    def grade(self, context: GradingContext, answer: Any) -> GradeResult:
        problem = self.answer_error(answer)
        if problem:
            return invalid_answer_result(context, f"The answer {problem}.")
        declared = {field["name"]: field for field in context.fields}
        matchers: dict[str, dict[str, Any]] = context.spec["fields"]
        if not any(_given(answer.get(name)) for name in matchers):
            return invalid_answer_result(
                context, "The answer fills in no field. Fill in at least one field."
            )

        checks: list[Check] = []
        earned = 0.0
        for name, matcher in matchers.items():
            field = declared.get(name, {})
            check = _grade_field(name, field, matcher, answer.get(name), context)
            checks.append(check)
            if check.passed:
                earned += _points(matcher)
        return _result(context, earned / _total_points(context), checks)


def field_type(field: dict[str, Any], matcher: dict[str, Any]) -> str:
    """Return the declared type, or infer it when the context lacks ``fields``.

    The grading pipeline always passes the declared fields. The inference
    serves callers that build a GradingContext by hand. It cannot tell a
    choice field from a text field, so it treats both as text.
    """
    declared = field.get("type")
    if declared in FIELD_TYPES:
        return str(declared)
    return "number" if "answer" in matcher else "text"


def validate_field_matchers(
    fields: list[dict[str, Any]], spec: dict[str, Any]
) -> Iterable[str]:
    """Check that ``fields`` and ``grading.fields`` name the same fields.

    Also checks that each matcher uses only the keys of its field's type and
    has what that type needs. Problems start with the offending key.
    """
    matchers = spec.get("fields", {})
    names = [field["name"] for field in fields]
    for name in names:
        if name not in matchers:
            yield f"grading.fields.{name}: missing; every field needs a matcher"
    for name in matchers:
        if name not in names:
            yield f"grading.fields.{name}: names no field listed in fields"

    for field in fields:
        matcher = matchers.get(field["name"])
        if not isinstance(matcher, dict):
            continue
        where = f"grading.fields.{field['name']}"
        kind = field["type"]
        for key in sorted(set(matcher) - KEYS_BY_TYPE[kind]):
            yield f"{where}.{key}: not used by a {kind} field"
        if kind == "number" and "answer" not in matcher:
            yield f"{where}.answer: missing (required for a number field)"
        if kind == "choice" and not matcher.get("accept"):
            yield f"{where}.accept: list the accepted choices (required for a choice)"
        if kind == "text" and not matcher.get("accept") and not matcher.get("patterns"):
            yield f"{where}.accept: give at least one accepted answer or pattern"


def sample_problems(
    fields: list[dict[str, Any]], spec: dict[str, Any], params: dict[str, Any]
) -> list[str]:
    """Evaluate every matcher with one variant's values.

    Returns the first problem found, as a one-element list, so that a typo in
    an expression or placeholder fails loading instead of every grading.
    """
    for field in fields:
        where = f"grading.fields.{field['name']}"
        matcher = spec["fields"][field["name"]]
        try:
            if field["type"] == "number":
                _sample_number(matcher, params)
            elif field["type"] == "text":
                _sample_text(matcher, params)
            else:
                choices = [render(str(choice), params) for choice in field["choices"]]
                _sample_choice(matcher, params, choices)
        except KeyError as exc:
            return [f"{where}: placeholder {exc} names no parameter"]
        except (ExpressionError, ValueError, TypeError, re.error) as exc:
            return [f"{where}: {exc}"]
    return []


def _matcher_problems(matcher: Any) -> Iterable[str]:
    if not isinstance(matcher, dict):
        yield "points: the matcher must be a mapping of keys such as accept"
        return
    for key in sorted(str(key) for key in set(matcher) - MATCHER_KEYS):
        yield f"{key}: unknown key (known keys: {', '.join(sorted(MATCHER_KEYS))})"
    points = matcher.get("points", 1)
    if isinstance(points, bool) or not isinstance(points, int | float) or points <= 0:
        yield f"points: {points!r} must be a positive number"
    for key in ("accept", "patterns"):
        values = matcher.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            yield f"{key}: must be a list of strings"
    if not isinstance(matcher.get("case_sensitive", False), bool):
        yield "case_sensitive: must be true or false"
    answer = matcher.get("answer", 0)
    if isinstance(answer, bool) or not isinstance(answer, str | int | float):
        yield "answer: must be a number or an expression"
    yield from _tolerance_problems(matcher.get("tolerance", {}))
    mistakes = matcher.get("mistakes", {})
    if not isinstance(mistakes, dict) or not all(
        isinstance(key, str | int | float) and isinstance(message, str)
        for key, message in mistakes.items()
    ):
        yield "mistakes: must map wrong values to feedback messages"


def _tolerance_problems(tolerance: Any) -> Iterable[str]:
    if not isinstance(tolerance, dict) or set(tolerance) - {"absolute", "relative"}:
        yield "tolerance: must have only the keys absolute and relative"
        return
    for key, value in tolerance.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            yield f"tolerance.{key}: must be a number >= 0"


def _sample_number(matcher: dict[str, Any], params: dict[str, Any]) -> None:
    for expression in [matcher["answer"], *matcher.get("mistakes", {})]:
        value = _number(expression, params)
        if not math.isfinite(value):
            raise ValueError(f"{expression!r} gives a value that is not finite")


def _sample_text(matcher: dict[str, Any], params: dict[str, Any]) -> None:
    for text in [*matcher.get("accept", []), *matcher.get("mistakes", {})]:
        render(str(text), params)
    for pattern in matcher.get("patterns", []):
        re.compile(render(pattern, params))


def _sample_choice(
    matcher: dict[str, Any], params: dict[str, Any], choices: list[str]
) -> None:
    for text in [*matcher["accept"], *matcher.get("mistakes", {})]:
        value = render(str(text), params)
        if value not in choices:
            raise ValueError(f"{value!r} is not one of the choices {choices}")


def _number(expression: Any, params: dict[str, Any]) -> float:
    """Evaluate an answer or a mistake key: a number, or an expression string."""
    value = evaluate(expression, params) if isinstance(expression, str) else expression
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{expression!r} gives {value!r}, which is not a number")
    return float(value)


def _points(matcher: dict[str, Any]) -> float:
    return float(matcher.get("points", 1))


def _given(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None


def _grade_field(
    name: str,
    field: dict[str, Any],
    matcher: dict[str, Any],
    value: Any,
    context: GradingContext,
) -> Check:
    points = _points(matcher) * context.points / _total_points(context)
    label = render(field.get("label", name), context.params)
    if not _given(value):
        return _check(name, label, False, "Missing. Fill in this field.", points)

    kind = field_type(field, matcher)
    if kind == "number":
        try:
            passed, message = _match_number(matcher, value, context.params)
        except NumberFormatError as exc:
            return _check(name, label, False, str(exc), points, Verdict.INVALID_ANSWER)
    elif kind == "choice":
        passed, message = _match_choice(matcher, str(value), context.params)
    else:
        passed, message = _match_text(matcher, str(value), context.params)
    return _check(name, label, passed, message, points)


def _total_points(context: GradingContext) -> float:
    return sum(_points(matcher) for matcher in context.spec["fields"].values())


def _check(
    name: str,
    label: str,
    passed: bool,
    message: str,
    points: float,
    verdict: Verdict | None = None,
) -> Check:
    return Check(
        name=name,
        passed=passed,
        message=f"{label}: {message}",
        score=round(points, 4) if passed else 0.0,
        max_score=round(points, 4),
        verdict=verdict,
    )


def _match_number(
    matcher: dict[str, Any], value: Any, params: dict[str, Any]
) -> tuple[bool, str]:
    if isinstance(value, str):
        number = parse_number(value)
    else:
        try:
            number = float(value)
        except OverflowError as exc:
            raise NumberFormatError("The number is too large.") from exc
    if not math.isfinite(number):
        raise NumberFormatError("The number is too large.")

    tolerance = matcher.get("tolerance", {})
    if _close(number, _number(matcher["answer"], params), tolerance):
        return True, "Correct."
    for wrong, message in matcher.get("mistakes", {}).items():
        try:
            if _close(number, _number(wrong, params), tolerance):
                return False, message
        except (ExpressionError, TypeError, ValueError):
            continue
    return False, f"{number:g} is not the expected value."


def _match_text(
    matcher: dict[str, Any], value: str, params: dict[str, Any]
) -> tuple[bool, str]:
    case_sensitive = matcher.get("case_sensitive", False)
    given = _normalize_text(value, case_sensitive)
    accepted = {
        _normalize_text(render(text, params), case_sensitive)
        for text in matcher.get("accept", [])
    }
    flags = 0 if case_sensitive else re.IGNORECASE
    if given in accepted or any(
        re.fullmatch(render(pattern, params), given, flags)
        for pattern in matcher.get("patterns", [])
    ):
        return True, "Correct."
    mistakes = {
        _normalize_text(render(str(wrong), params), case_sensitive): message
        for wrong, message in matcher.get("mistakes", {}).items()
    }
    return False, mistakes.get(given, "Not the expected answer.")


def _match_choice(
    matcher: dict[str, Any], value: str, params: dict[str, Any]
) -> tuple[bool, str]:
    if value in {render(text, params) for text in matcher["accept"]}:
        return True, "Correct."
    mistakes = {
        render(str(wrong), params): message
        for wrong, message in matcher.get("mistakes", {}).items()
    }
    return False, mistakes.get(value, "Not the right choice.")


def _result(
    context: GradingContext, fraction: float, checks: list[Check]
) -> GradeResult:
    fraction = min(max(fraction, 0.0), 1.0)
    if all(check.passed for check in checks):
        verdict = Verdict.PASSED
        fraction = 1.0
    elif fraction > 0:
        verdict = Verdict.PARTIAL
    else:
        verdict = Verdict.WRONG_ANSWER
    right = sum(check.passed for check in checks)
    summary = f"{right} of {len(checks)} fields correct."
    return GradeResult(
        score=round(context.points * fraction, 4),
        max_score=context.points,
        verdict=verdict,
        checks=checks,
        feedback=" ".join([summary, *(check.message for check in checks)]),
    )
