"""The fields grader, called directly on a small API-design answer."""

from __future__ import annotations

from typing import Any

import pytest

from graders.base import GradingContext, Verdict
from graders.fields import FieldsGrader, validate_field_matchers

FIELDS: list[dict[str, Any]] = [
    {
        "name": "method",
        "label": "Method to create a {{ singular }}",
        "type": "choice",
        "choices": ["GET", "POST", "PUT", "DELETE"],
    },
    {"name": "path", "label": "Path", "type": "text"},
    {"name": "status", "label": "Status", "type": "number"},
    {"name": "ratio", "label": "Ratio", "type": "number"},
]
SPEC: dict[str, Any] = {
    "fields": {
        "method": {
            "points": 1,
            "accept": ["POST"],
            "mistakes": {"PUT": "PUT needs the id, which the server assigns."},
        },
        "path": {
            "points": 1,
            "accept": ["/{{ collection }}"],
            "patterns": ["/{{ collection }}/"],
            "mistakes": {"/{{ collection }}/{id}": "Create at the collection."},
        },
        "status": {
            "points": 2,
            "answer": 201,
            "mistakes": {200: "201 Created says that something new exists."},
        },
        "ratio": {
            "answer": "created / total",
            "tolerance": {"absolute": 0.01},
            "mistakes": {"total / created": "That is the inverse."},
        },
    }
}
PARAMS = {"collection": "books", "singular": "book", "created": 3, "total": 4}
RIGHT = {"method": "POST", "path": "/books", "status": 201, "ratio": "0.75"}


def grade(answer: Any, fields: list[dict[str, Any]] | None = None) -> Any:
    context = GradingContext(
        slug="create-a-book",
        kind="fields",
        version=1,
        points=10.0,
        spec=SPEC,
        params=PARAMS,
        fields=FIELDS if fields is None else fields,
    )
    return FieldsGrader().grade(context, answer)


def messages(result: Any) -> dict[str, str]:
    return {check.name: check.message for check in result.checks}


def test_fields_right_answer_passes() -> None:
    result = grade(RIGHT)

    assert result.verdict == Verdict.PASSED
    assert result.score == 10.0
    assert result.max_score == 10.0
    assert [check.name for check in result.checks] == [
        "method",
        "path",
        "status",
        "ratio",
    ]
    assert all(check.passed for check in result.checks)


def test_fields_check_label_is_rendered() -> None:
    result = grade(RIGHT)

    assert messages(result)["method"] == "Method to create a book: Correct."


def test_fields_all_wrong_scores_zero() -> None:
    answer = {"method": "GET", "path": "/loans", "status": 404, "ratio": 2}
    result = grade(answer)

    assert result.verdict == Verdict.WRONG_ANSWER
    assert result.score == 0.0
    assert messages(result)["method"].endswith("Not the right choice.")
    assert messages(result)["path"].endswith("Not the expected answer.")
    assert messages(result)["status"].endswith("404 is not the expected value.")


def test_fields_partly_right_scores_by_points() -> None:
    # Method (1 point) and status (2 points) are right, path and ratio wrong.
    answer = {**RIGHT, "path": "/loans", "ratio": "1"}
    result = grade(answer)

    assert result.verdict == Verdict.PARTIAL
    assert result.score == pytest.approx(10.0 * 3 / 5)
    assert result.feedback.startswith("2 of 4 fields correct.")


def test_fields_check_scores_scale_to_points() -> None:
    result = grade(RIGHT)
    scores = {check.name: check.max_score for check in result.checks}

    assert scores == {"method": 2.0, "path": 2.0, "status": 4.0, "ratio": 2.0}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("method", "PUT", "PUT needs the id"),
        ("path", "/books/{id}", "Create at the collection."),
        ("path", " /BOOKS/{ID}. ", "Create at the collection."),
        ("status", "200", "201 Created says"),
        ("ratio", "4/3", "That is the inverse."),
    ],
)
def test_fields_mistake_feedback(name: str, value: Any, message: str) -> None:
    result = grade({**RIGHT, name: value})

    assert result.verdict == Verdict.PARTIAL
    assert message in messages(result)[name]
    assert message in result.feedback


@pytest.mark.parametrize("value", ["/books", " /Books ", "/books.", "/books/"])
def test_fields_text_is_normalized(value: str) -> None:
    assert grade({**RIGHT, "path": value}).verdict == Verdict.PASSED


@pytest.mark.parametrize("value", ["post", " POST", "Post"])
def test_fields_choice_matches_exactly(value: str) -> None:
    result = grade({**RIGHT, "method": value})

    assert result.verdict == Verdict.PARTIAL
    assert messages(result)["method"].endswith("Not the right choice.")


@pytest.mark.parametrize("value", [201, 201.0, "201", " 201 ", "2.01e2", "402/2"])
def test_fields_number_forms(value: Any) -> None:
    assert grade({**RIGHT, "status": value}).verdict == Verdict.PASSED


@pytest.mark.parametrize("value", ["0,75", "3/4", ".75", "0.755"])
def test_fields_number_tolerance(value: str) -> None:
    assert grade({**RIGHT, "ratio": value}).verdict == Verdict.PASSED


def test_fields_unreadable_number_is_invalid_field() -> None:
    result = grade({**RIGHT, "status": "two hundred"})
    status = next(check for check in result.checks if check.name == "status")

    assert result.verdict == Verdict.PARTIAL
    assert status.verdict == Verdict.INVALID_ANSWER
    assert "is not a number" in status.message


def test_fields_missing_field_scores_zero() -> None:
    answer = {"method": "POST", "path": "  ", "status": 201}
    result = grade(answer)

    assert result.verdict == Verdict.PARTIAL
    assert result.score == pytest.approx(10.0 * 3 / 5)
    assert messages(result)["path"] == "Path: Missing. Fill in this field."
    assert messages(result)["ratio"] == "Ratio: Missing. Fill in this field."


@pytest.mark.parametrize("answer", [{}, {"path": ""}, {"unknown": "POST"}])
def test_fields_nothing_filled_in_is_invalid(answer: dict[str, Any]) -> None:
    result = grade(answer)

    assert result.verdict == Verdict.INVALID_ANSWER
    assert result.score == 0.0
    assert "fills in no field" in result.feedback


def test_fields_unknown_name_is_ignored_by_grade() -> None:
    assert grade({**RIGHT, "extra": "x"}).verdict == Verdict.PASSED


def test_fields_without_declared_types_infers_them() -> None:
    # Without the declared fields, the choice field falls back to text rules.
    result = grade({**RIGHT, "method": "post"}, fields=[])

    assert result.verdict == Verdict.PASSED


@pytest.mark.parametrize(
    "answer",
    [
        "POST",
        ["POST", "/books"],
        None,
        {"method": True},
        {"method": ["POST"]},
        {"method": {"value": "POST"}},
        {"path": "x" * 2001},
        {f"name{i}": "x" for i in range(101)},
    ],
)
def test_fields_malformed_answer_error(answer: Any) -> None:
    grader = FieldsGrader()

    assert grader.answer_error(answer) is not None
    assert grade(answer).verdict == Verdict.INVALID_ANSWER


def test_fields_well_formed_answer_has_no_error() -> None:
    assert FieldsGrader().answer_error({"method": "POST", "status": 201}) is None


def test_fields_spec_is_valid() -> None:
    assert FieldsGrader().validate_spec(SPEC) == []
    assert list(validate_field_matchers(FIELDS, SPEC)) == []


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ({}, "fields: must map each field name"),
        ({"fields": {"a": {"accept": ["x"]}}, "extra": 1}, "extra: unknown key"),
        ({"fields": {"a": {"points": 0, "accept": ["x"]}}}, "fields.a.points"),
        ({"fields": {"a": {"accept": "x"}}}, "fields.a.accept: must be a list"),
        ({"fields": {"a": {"answer": True}}}, "fields.a.answer"),
        ({"fields": {"a": {"answer": 1, "tolerance": {"abs": 1}}}}, "tolerance"),
        ({"fields": {"a": {"accept": ["x"], "mistakes": ["y"]}}}, "mistakes"),
        ({"fields": {"a": {"accept": ["x"], "weight": 2}}}, "fields.a.weight"),
    ],
)
def test_fields_invalid_spec(spec: dict[str, Any], problem: str) -> None:
    problems = FieldsGrader().validate_spec(spec)

    assert any(problem in item for item in problems), problems


def test_fields_matcher_must_fit_field_type() -> None:
    spec = {
        "fields": {
            "method": {"answer": 1},
            "path": {"accept": ["/"], "tolerance": {"absolute": 1}},
            "status": {"accept": ["201"]},
            "extra": {"accept": ["x"]},
        }
    }
    problems = list(validate_field_matchers(FIELDS, spec))

    assert "grading.fields.ratio: missing; every field needs a matcher" in problems
    assert "grading.fields.extra: names no field listed in fields" in problems
    assert "grading.fields.method.answer: not used by a choice field" in problems
    assert "grading.fields.path.tolerance: not used by a text field" in problems
    assert "grading.fields.status.accept: not used by a number field" in problems
    assert "grading.fields.status.answer: missing (required for a number field)" in (
        problems
    )
