"""The loader's checks of answer fields, on small banks in a temporary folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from exercises.loader import load_bank
from exercises.variants import build_variant
from tests.bank.test_loader import Mutation, problems_after, set_key, write_exercise

STATEMENT = "Create one of the {{ collection }}."
VALID_FIELDS: dict[str, Any] = {
    "slug": "create-an-item",
    "title": "Create an item",
    "topic": "rest-http",
    "kind": "fields",
    "points": 3,
    "parameters": {"collection": {"type": "choice", "values": ["books", "maps"]}},
    "fields": [
        {
            "name": "method",
            "label": "Method for {{ collection }}",
            "type": "choice",
            "choices": ["GET", "POST", "{{ collection }}"],
        },
        {"name": "path", "label": "Path", "type": "text"},
        {"name": "status", "label": "Status", "type": "number"},
    ],
    "grading": {
        "fields": {
            "method": {"accept": ["POST"], "mistakes": {"GET": "GET only reads."}},
            "path": {"accept": ["/{{ collection }}"]},
            "status": {"answer": 201, "mistakes": {"200": "Use 201."}},
        }
    },
}


def set_field(index: int, key: str, value: Any) -> Mutation:
    return lambda data: data["fields"][index].__setitem__(key, value)


def set_matcher(name: str, key: str, value: Any) -> Mutation:
    return lambda data: data["grading"]["fields"][name].__setitem__(key, value)


def test_fields_exercise_loads(tmp_path: Path) -> None:
    write_exercise(tmp_path, VALID_FIELDS, STATEMENT)
    definitions = load_bank(tmp_path)
    variant = build_variant(definitions[0], seed=1)
    method = variant.fields[0]

    assert definitions[0].fields == VALID_FIELDS["fields"]
    assert definitions[0].as_dict()["fields"] == VALID_FIELDS["fields"]
    assert method["label"] == f"Method for {variant.params['collection']}"
    assert method["choices"] == ["GET", "POST", variant.params["collection"]]


def test_fields_absent_from_other_kinds_dict(tmp_path: Path) -> None:
    data = {**VALID_FIELDS, "kind": "short_text", "grading": {"accept": ["x"]}}
    del data["fields"]
    write_exercise(tmp_path, data, "Type x.")

    assert "fields" not in load_bank(tmp_path)[0].as_dict()


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (set_key("fields", []), "fields: required for kind fields"),
        (set_key("fields", {"method": "x"}), "fields: must be a list"),
        (set_field(1, "name", "method"), "fields[1].name: 'method' is used twice"),
        (set_field(1, "name", "a path"), "fields[1].name: must be a short identifier"),
        (set_field(1, "type", "date"), "fields[1].type: 'date' is not one of"),
        (set_field(1, "label", ""), "fields[1].label: must be non-empty text"),
        (set_field(1, "hint", "x"), "fields[1].hint: unknown key"),
        (set_field(0, "choices", []), "fields[0].choices: must be a non-empty list"),
        (set_field(0, "choices", ["A", "A"]), "fields[0].choices: lists a choice"),
        (set_field(1, "choices", ["A"]), "fields[1].choices: only a field of type"),
        (set_matcher("path", "answer", 1), "grading.fields.path.answer: not used"),
        (set_matcher("status", "points", -1), "grading.fields.status.points"),
        (set_matcher("method", "accept", ["PUSH"]), "grading.fields.method: 'PUSH'"),
        (set_matcher("status", "answer", "cout"), "grading.fields.status: "),
        (set_matcher("path", "accept", ["/{{ colection }}"]), "grading.fields.path"),
        (set_matcher("path", "patterns", ["(/x"]), "grading.fields.path"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_loader_rejects_bad_fields(
    tmp_path: Path, mutate: Mutation, expected: str
) -> None:
    where, problems = problems_after(tmp_path, mutate, VALID_FIELDS, STATEMENT)

    assert any(p.startswith(f"{where}: {expected}") for p in problems), problems


def test_loader_rejects_field_without_matcher(tmp_path: Path) -> None:
    def drop_status(data: dict[str, Any]) -> None:
        del data["grading"]["fields"]["status"]

    where, problems = problems_after(tmp_path, drop_status, VALID_FIELDS, STATEMENT)

    assert f"{where}: grading.fields.status: missing; every field needs a matcher" in (
        problems
    )


def test_loader_rejects_matcher_without_field(tmp_path: Path) -> None:
    def add_matcher(data: dict[str, Any]) -> None:
        data["grading"]["fields"]["extra"] = {"accept": ["x"]}

    where, problems = problems_after(tmp_path, add_matcher, VALID_FIELDS, STATEMENT)

    assert f"{where}: grading.fields.extra: names no field listed in fields" in problems


def test_loader_rejects_fields_on_other_kind(tmp_path: Path) -> None:
    def make_numeric(data: dict[str, Any]) -> None:
        data["kind"] = "numeric"
        data["grading"] = {"answer": 1}

    where, problems = problems_after(tmp_path, make_numeric, VALID_FIELDS, STATEMENT)

    assert (
        f"{where}: fields: only exercises of kind fields have answer fields, "
        "not numeric" in problems
    )
