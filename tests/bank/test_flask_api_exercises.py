"""Flask API exercises of the bank, graded in the local sandbox as the worker does.

The reference app is written from the statement, never from the grading
section, so a request script that does not match its statement makes a test
fail. Each wrong app is one mistake students typically make, and must lose
exactly the steps that check the rule it breaks.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from exercises.definition import ExerciseDefinition
from exercises.loader import load_bank
from exercises.variants import draw_parameters
from graders.base import GradeResult, GradingContext, Verdict
from graders.registry import get_grader

KIND = "python_flask_api"
REFERENCE_SEEDS = (0, 1, 42, 2**61 + 17)
WRONG_SEED = 3

API_BANK = {
    definition.slug: definition for definition in load_bank() if definition.kind == KIND
}

# Placeholders in angle brackets are filled from the variant's parameters.
CRUD_REFERENCE = """
from flask import Flask, jsonify, request

app = Flask(__name__)
FIELDS = ("<first_field>", "<second_field>")
items = {}
next_id = 1


def error(status, message):
    return jsonify(error=message), status


def read_fields():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None
    if not all(isinstance(body.get(name), str) for name in FIELDS):
        return None
    return {name: body[name] for name in FIELDS}


@app.get("/<resource>")
def list_items():
    return jsonify([items[key] for key in sorted(items)])


@app.post("/<resource>")
def create_item():
    global next_id
    fields = read_fields()
    if fields is None:
        return error(400, "the body must be an object with both fields as text")
    item = {"id": next_id, **fields}
    items[next_id] = item
    next_id += 1
    return jsonify(item), 201, {"Location": f"/<resource>/{item['id']}"}


@app.get("/<resource>/<int:item_id>")
def get_item(item_id):
    if item_id not in items:
        return error(404, "not found")
    return jsonify(items[item_id])


@app.put("/<resource>/<int:item_id>")
def update_item(item_id):
    if item_id not in items:
        return error(404, "not found")
    fields = read_fields()
    if fields is None:
        return error(400, "the body must be an object with both fields as text")
    items[item_id] = {"id": item_id, **fields}
    return jsonify(items[item_id])


@app.delete("/<resource>/<int:item_id>")
def delete_item(item_id):
    if items.pop(item_id, None) is None:
        return error(404, "not found")
    return "", 204
"""

# Each mistake: a replacement in the reference, and the steps it must fail.
CRUD_MISTAKES = {
    "ids reused after a delete": (
        'item = {"id": next_id, **fields}||'
        'next_id = len(items) + 1\n    item = {"id": next_id, **fields}',
        {"ids of deleted objects are not reused", "final list"},
    ),
    "Flask's HTML page for bad JSON": (
        "body = request.get_json(silent=True)||body = request.get_json()",
        {"create with a body that is not JSON answers 400"},
    ),
    "200 for a created object": (
        "jsonify(item), 201||jsonify(item), 200",
        {"create answers 201 Created with the new object"},
    ),
    "unknown keys stored": (
        "return {name: body[name] for name in FIELDS}||return dict(body)",
        {"create stores only the two fields", "final list"},
    ),
    "no Location header": (
        """, {"Location": f"/<resource>/{item['id']}"}||""",
        {"create sets the Location header"},
    ),
}


@pytest.fixture(autouse=True)
def local_sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run every grading in the local sandbox, which needs no Docker engine."""
    monkeypatch.setenv("GRADEWELL_SANDBOX_BACKEND", "local")
    monkeypatch.delenv("GRADEWELL_SANDBOX_REQUIRE_DOCKER", raising=False)
    yield


def crud_source(seed: int, mistake: str = "") -> str:
    """Return the reference app for the variant of ``seed``, with one mistake."""
    source = CRUD_REFERENCE
    if mistake:
        old, new = CRUD_MISTAKES[mistake][0].split("||")
        assert old in source, old
        source = source.replace(old, new)
    params = draw_parameters(API_BANK["crud-resource-api"], seed)
    for name in ("first_field", "second_field", "resource"):
        source = source.replace(f"<{name}>", str(params[name]))
    return source


def grade(definition: ExerciseDefinition, seed: int, source: str) -> GradeResult:
    """Grade ``source`` with the parameters of ``seed``, as ``run_grader`` does."""
    context = GradingContext(
        slug=definition.slug,
        kind=definition.kind,
        version=1,
        points=definition.points,
        spec=definition.grading,
        params=draw_parameters(definition, seed),
        submission_id=f"bank-test-{definition.slug}-{seed}",
    )
    return get_grader(definition.kind).grade(context, source)


def test_flask_api_exercises_all_have_references() -> None:
    assert set(API_BANK) == {"crud-resource-api"}


@pytest.mark.parametrize("seed", REFERENCE_SEEDS)
def test_crud_reference_passes(seed: int) -> None:
    definition = API_BANK["crud-resource-api"]

    result = grade(definition, seed, crud_source(seed))

    failed = [check.name for check in result.checks if not check.passed]
    assert failed == [], result.feedback
    assert result.verdict == Verdict.PASSED
    assert result.score == definition.points


@pytest.mark.parametrize("mistake", sorted(CRUD_MISTAKES))
def test_crud_mistake_loses_its_steps(mistake: str) -> None:
    definition = API_BANK["crud-resource-api"]

    result = grade(definition, WRONG_SEED, crud_source(WRONG_SEED, mistake))

    failed = {check.name for check in result.checks if not check.passed}
    assert failed == CRUD_MISTAKES[mistake][1], result.feedback
    assert result.verdict == Verdict.PARTIAL
    assert 0 < result.score < definition.points
