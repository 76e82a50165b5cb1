"""The bank loader, run on small banks written to a temporary folder.

Every problem must name the file and the field, as ``file: field: message``,
so a teacher can find and fix it without reading code.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from exercises.loader import BankError, load_bank, load_definition
from exercises.variants import build_variant

STATEMENT = "What is twice {{ number }}?"
VALID_NUMERIC: dict[str, Any] = {
    "slug": "twice-a-number",
    "title": "Twice a number",
    "topic": "parallel-computing",
    "kind": "numeric",
    "points": 2,
    "answer_hint": "A whole number.",
    "parameters": {"number": {"type": "int", "min": 1, "max": 9}},
    "derived": {"double": "number * 2"},
    "grading": {
        "answer": "double",
        "mistakes": [{"answer": "number", "message": "Multiply by two."}],
    },
}
VALID_CHOICE: dict[str, Any] = {
    "slug": "pick-created",
    "title": "Status for a created resource",
    "topic": "rest-http",
    "kind": "single_choice",
    "points": 1,
    "options": [
        {"id": "ok", "text": "200 OK"},
        {"id": "created", "text": "201 Created"},
    ],
    "grading": {"correct": "created", "feedback": {"ok": "Nothing says it is new."}},
}
VALID_TEXT: dict[str, Any] = {
    "slug": "record-type",
    "title": "Record type",
    "topic": "dns",
    "kind": "short_text",
    "points": 1,
    "parameters": {"record": {"type": "choice", "values": ["MX", "NS"]}},
    "grading": {"accept": ["{{ record }}"], "patterns": ["{{ record }} record"]},
}

Mutation = Callable[[dict[str, Any]], None]


def write_exercise(
    root: Path, data: Any, statement: str | None = STATEMENT, folder: str = ""
) -> Path:
    """Write one exercise folder under ``root`` and return its YAML path."""
    name = folder or (data.get("slug") if isinstance(data, dict) else "broken")
    topic = data.get("topic", "dns") if isinstance(data, dict) else "dns"
    path = root / str(topic) / str(name) / "exercise.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    if statement is not None:
        (path.parent / "statement.md").write_text(statement, encoding="utf-8")
    return path


def bank_problems(root: Path) -> list[str]:
    with pytest.raises(BankError) as caught:
        load_bank(root)
    return caught.value.problems


def problems_after(
    tmp_path: Path,
    mutate: Mutation,
    base: dict[str, Any] = VALID_NUMERIC,
    statement: str | None = STATEMENT,
) -> tuple[str, list[str]]:
    """Write ``base`` changed by ``mutate``; return its file name and problems."""
    data = copy.deepcopy(base)
    mutate(data)
    root = tmp_path / "bank"
    path = write_exercise(root, data, statement, folder="exercise")
    return str(path.relative_to(tmp_path)), bank_problems(root)


def set_key(key: str, value: Any) -> Mutation:
    return lambda data: data.__setitem__(key, value)


def drop_key(key: str) -> Mutation:
    return lambda data: data.pop(key)


def set_in(section: str, key: str, value: Any) -> Mutation:
    return lambda data: data[section].__setitem__(key, value)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (drop_key("title"), "title: missing (required)"),
        (drop_key("grading"), "grading: missing (required)"),
        (set_key("difficulty", 3), "difficulty: unknown key"),
        (set_key("slug", "Twice_A_Number"), "slug: 'Twice_A_Number' must be"),
        (set_key("slug", "twice--number"), "slug: 'twice--number' must be"),
        (set_key("kind", "essay"), "kind: 'essay' is not one of"),
        (set_key("topic", "cooking"), "topic: 'cooking' is not one of"),
        (set_key("topic", ["dns"]), "topic: ['dns'] is not one of"),
        (set_key("points", 0), "points: 0 must be a positive number"),
        (set_key("points", True), "points: True must be a positive number"),
        (set_key("title", ""), "title: must be non-empty text"),
        (set_key("grading", ["double"]), "grading: must be a mapping"),
        (set_key("shuffle_options", "yes"), "shuffle_options: must be true or false"),
        (set_key("answer_hint", 5), "answer_hint: must be a string"),
        (set_key("statement", "../other.md"), "statement: '../other.md' must be"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_loader_rejects_bad_key(
    tmp_path: Path, mutate: Mutation, expected: str
) -> None:
    where, problems = problems_after(tmp_path, mutate)

    assert any(p.startswith(f"{where}: {expected}") for p in problems), problems


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"type": "dice"}, "parameters.number.type: must be one of"),
        ({"type": ["int"]}, "parameters.number.type: must be one of"),
        ("int", "parameters.number.type: must be one of"),
        ({"type": "int", "min": 1}, "parameters.number.max: missing (required"),
        (
            {"type": "int", "min": 1, "max": 2, "avg": 1},
            "parameters.number.avg: unknown key for type int",
        ),
        ({"type": "int", "min": 5, "max": 1}, "parameters.number: min must not"),
        (
            {"type": "int", "min": "one", "max": 3},
            "parameters.number.min: must be a number",
        ),
        ({"type": "choice", "values": []}, "parameters.number.values: must be a"),
        (
            {"type": "sample", "values": [1, 2], "count": 3},
            "parameters: cannot draw a variant with seed 0",
        ),
        (
            {"type": "int", "min": 1, "max": 9, "step": 0},
            "parameters: cannot draw a variant",
        ),
    ],
    ids=lambda value: str(value)[:40],
)
def test_loader_rejects_bad_parameter(tmp_path: Path, spec: Any, expected: str) -> None:
    where, problems = problems_after(
        tmp_path, lambda data: data["parameters"].__setitem__("number", spec)
    )

    assert any(p.startswith(f"{where}: {expected}") for p in problems), problems


def test_loader_rejects_bad_parameter_name(tmp_path: Path) -> None:
    spec = {"type": "int", "min": 1, "max": 2}
    where, problems = problems_after(
        tmp_path, lambda data: data["parameters"].__setitem__("2nd", spec)
    )

    assert f"{where}: parameters.2nd: name must be a Python-style identifier" in (
        problems
    )


@pytest.mark.parametrize(
    ("derived", "expected"),
    [
        ({"double": "number *"}, "derived: 'number *': SyntaxError"),
        ({"double": "numbr * 2"}, "derived: 'numbr * 2': NameNotDefined"),
        ({"double": "pow(number, 2)"}, "derived: 'pow(number, 2)': FunctionNotDefined"),
        ({"double": "number / 0"}, "derived: 'number / 0': ZeroDivisionError"),
        (
            {"double": "triple - number", "triple": "double + number"},
            "derived: derived values double, triple refer to each other in a cycle",
        ),
        ({"double": 2}, "derived.double: must be an expression written as a string"),
    ],
    ids=["syntax", "name", "function", "zero", "cycle", "not-text"],
)
def test_loader_rejects_bad_derived(
    tmp_path: Path, derived: dict[str, Any], expected: str
) -> None:
    where, problems = problems_after(tmp_path, set_key("derived", derived))

    assert any(p.startswith(f"{where}: {expected}") for p in problems), problems


def test_loader_rejects_unknown_placeholder(tmp_path: Path) -> None:
    where, problems = problems_after(
        tmp_path, lambda data: None, statement="Double {{ numbr }}."
    )

    assert problems == [f"{where}: statement: placeholder 'numbr' names no parameter"]


def test_loader_rejects_missing_statement(tmp_path: Path) -> None:
    where, problems = problems_after(tmp_path, lambda data: None, statement=None)

    assert f"{where}: statement: file statement.md not found next to " in problems[0]


def test_loader_rejects_empty_statement(tmp_path: Path) -> None:
    where, problems = problems_after(tmp_path, lambda data: None, statement=" \n")

    assert problems == [f"{where}: statement: file statement.md is empty"]


@pytest.mark.parametrize(
    ("grading", "expected"),
    [
        ({"answer": "doubel"}, "grading.answer: 'doubel': NameNotDefined"),
        ({"answer": "str(double)"}, "grading.answer: 'str(double)' gives"),
        ({"answer": "double * 1e308 * 10"}, "grading.answer: 'double * 1e308 * 10'"),
        (
            {"answer": "double", "mistakes": [{"answer": "numbr", "message": "m"}]},
            "grading.mistakes[0].answer: 'numbr': NameNotDefined",
        ),
        ({"answer": True}, "grading.answer: must be a number or an expression"),
        (
            {"answer": 1, "tolerance": {"absolute": -1}},
            "grading.tolerance.absolute: must be a number >= 0",
        ),
    ],
    ids=["name", "text", "infinite", "mistake", "bool", "tolerance"],
)
def test_loader_rejects_bad_numeric_grading(
    tmp_path: Path, grading: dict[str, Any], expected: str
) -> None:
    where, problems = problems_after(tmp_path, set_key("grading", grading))

    assert any(p.startswith(f"{where}: {expected}") for p in problems), problems


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            set_in("grading", "accept", ["{{ recrod }}"]),
            "grading.accept[0]: placeholder",
        ),
        (set_in("grading", "patterns", ["("]), "grading.patterns[0]: invalid regular"),
        (
            set_in("parameters", "record", {"type": "choice", "values": ["M(X"]}),
            "grading.patterns[0]: missing ), unterminated subpattern",
        ),
        (set_key("grading", {}), "grading.accept: give at least one"),
    ],
    ids=["accept-placeholder", "pattern", "rendered-pattern", "nothing-accepted"],
)
def test_loader_rejects_bad_text_grading(
    tmp_path: Path, mutate: Mutation, expected: str
) -> None:
    where, problems = problems_after(
        tmp_path, mutate, base=VALID_TEXT, statement="Which record type?"
    )

    assert any(p.startswith(f"{where}: {expected}") for p in problems), problems


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            set_in("grading", "correct", "accepted"),
            "grading.correct: 'accepted' is not",
        ),
        (set_in("grading", "correct", ["created"]), "grading.correct: must be the id"),
        (
            set_in("grading", "feedback", {"gone": "Old."}),
            "grading.feedback.gone: not an option id",
        ),
        (drop_key("options"), "options: required for kind single_choice"),
        (
            set_key("options", [{"id": "ok", "text": "A"}, {"id": "ok", "text": "B"}]),
            "options[1].id: 'ok' is used twice",
        ),
        (set_key("options", [{"id": "ok"}]), "options[0]: must have exactly the keys"),
        (
            set_key("options", [{"id": "1st", "text": "A"}]),
            "options[0].id: must be a short identifier",
        ),
        (set_key("options", [{"id": "ok", "text": " "}]), "options[0].text: must be"),
    ],
    ids=[
        "correct-unknown",
        "correct-list",
        "feedback-unknown",
        "no-options",
        "duplicate-id",
        "no-text",
        "bad-id",
        "blank-text",
    ],
)
def test_loader_rejects_bad_choice(
    tmp_path: Path, mutate: Mutation, expected: str
) -> None:
    where, problems = problems_after(tmp_path, mutate, base=VALID_CHOICE)

    assert any(p.startswith(f"{where}: {expected}") for p in problems), problems


def test_loader_rejects_multiple_correct_unknown(tmp_path: Path) -> None:
    choice = {**VALID_CHOICE, "kind": "multiple_choice"}
    mutate = set_in("grading", "correct", ["created", "teapot"])
    where, problems = problems_after(tmp_path, mutate, base=choice)

    assert problems == [f"{where}: grading.correct: 'teapot' is not an option id"]


def test_loader_rejects_duplicate_slug(tmp_path: Path) -> None:
    root = tmp_path / "bank"
    first = write_exercise(root, VALID_NUMERIC, folder="first")
    second = write_exercise(
        root, {**VALID_NUMERIC, "topic": "rest-http"}, folder="second"
    )
    problems = bank_problems(root)
    first_name = first.relative_to(tmp_path)
    second_name = second.relative_to(tmp_path)

    assert problems == [
        f"{second_name}: slug: 'twice-a-number' is already used by {first_name}"
    ]


def test_loader_rejects_invalid_yaml(tmp_path: Path) -> None:
    root = tmp_path / "bank"
    path = write_exercise(root, VALID_NUMERIC)
    path.write_text("slug: [unclosed\ntitle: x\n", encoding="utf-8")
    problems = bank_problems(root)

    assert problems[0].startswith(f"{path.relative_to(tmp_path)}: invalid YAML:")


def test_loader_rejects_yaml_list(tmp_path: Path) -> None:
    root = tmp_path / "bank"
    path = write_exercise(root, ["slug", "title"])
    problems = bank_problems(root)

    assert problems == [
        f"{path.relative_to(tmp_path)}: must be a mapping of keys to values"
    ]


def test_loader_reports_every_file(tmp_path: Path) -> None:
    root = tmp_path / "bank"
    write_exercise(root, {**VALID_NUMERIC, "points": -1})
    write_exercise(root, {**VALID_CHOICE, "kind": "essay"})
    problems = bank_problems(root)

    assert len(problems) == 2
    assert "points: -1 must be a positive number" in problems[0]
    assert "kind: 'essay' is not one of" in problems[1]


def test_loader_reports_every_problem_in_file(tmp_path: Path) -> None:
    root = tmp_path / "bank"
    write_exercise(root, {**VALID_NUMERIC, "topic": "cooking", "points": 0, "x": 1})
    problems = bank_problems(root)

    assert len(problems) == 3


def test_loader_loads_valid_bank(tmp_path: Path) -> None:
    root = tmp_path / "bank"
    write_exercise(root, VALID_NUMERIC)
    write_exercise(root, VALID_CHOICE, statement="Which code?")
    write_exercise(root, VALID_TEXT, statement="Which record type?")
    definitions = load_bank(root)

    assert [d.slug for d in definitions] == [
        "record-type",
        "twice-a-number",
        "pick-created",
    ]


def test_loader_valid_definition_fields(tmp_path: Path) -> None:
    path = write_exercise(tmp_path / "bank", VALID_NUMERIC)
    definition, problems = load_definition(path, tmp_path / "bank")

    assert problems == []
    assert definition is not None
    assert definition.statement == STATEMENT
    assert definition.points == 2.0
    assert definition.source == path
    assert definition.shuffle_options is True


def test_loader_empty_bank_is_empty(tmp_path: Path) -> None:
    assert load_bank(tmp_path) == []


def test_loader_derived_order_does_not_matter(tmp_path: Path) -> None:
    derived = {"quadruple": "double * 2", "double": "number * 2"}
    data = {**VALID_NUMERIC, "derived": derived}
    path = write_exercise(tmp_path / "bank", data)
    definition, _ = load_definition(path, tmp_path / "bank")
    assert definition is not None
    params = build_variant(definition, 7).params

    assert params["quadruple"] == 4 * params["number"]


def test_loader_parameter_order_does_not_matter(tmp_path: Path) -> None:
    parameters = {
        "number": {"type": "int", "min": 1, "max": 9},
        "other": {"type": "int", "min": 1, "max": 1000},
    }
    reversed_parameters = dict(reversed(parameters.items()))
    first = write_exercise(tmp_path / "a", {**VALID_NUMERIC, "parameters": parameters})
    second = write_exercise(
        tmp_path / "b", {**VALID_NUMERIC, "parameters": reversed_parameters}
    )
    definitions = [
        load_definition(path, path.parents[2])[0] for path in (first, second)
    ]
    assert definitions[0] is not None
    assert definitions[1] is not None

    assert build_variant(definitions[0], 5) == build_variant(definitions[1], 5)
