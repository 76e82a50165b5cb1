"""Read and validate every exercise definition in the bank.

``load_bank`` returns definitions only when the whole bank is valid. It
collects every problem first, each as ``file: field: message``, so a
teacher sees all mistakes in one run and nothing is stored half-way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from exercises.definition import TOPICS, ExerciseDefinition
from exercises.expressions import ExpressionError, evaluate
from exercises.figures import (
    FIGURE_KEYS,
    FIGURE_NAME,
    figure_references,
    render_figure,
)
from exercises.networks import validate_network_spec
from exercises.variants import build_variant, render
from graders.base import InfrastructureError
from graders.code_spec import load_cases
from graders.dns_zone import zone_sample_problems
from graders.fields import FIELD_TYPES, sample_problems, validate_field_matchers
from graders.flask_api_spec import load_steps
from graders.registry import get_grader, known_kinds

BANK_ROOT = Path(__file__).resolve().parent
DEFINITION_NAME = "exercise.yaml"
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SAMPLE_SEEDS = (0, 1, 2, 3, 4, 5, 6, 7, 42, 2**31 - 1)

REQUIRED_KEYS = {"slug", "title", "topic", "kind", "points", "grading"}
OPTIONAL_KEYS = {
    "statement",
    "parameters",
    "derived",
    "options",
    "shuffle_options",
    "answer_hint",
    "figures",
    "fields",
}
PARAMETER_KEYS = {
    "int": ({"min", "max"}, {"step"}),
    "float": ({"min", "max"}, {"decimals"}),
    "choice": ({"values"}, set()),
    "sample": ({"values", "count"}, set()),
    "int_list": ({"min", "max", "length"}, set()),
    "network": (
        {"routers"},
        {"extra_links", "hosts", "host_links", "names", "host_names"},
    ),
}
CHOICE_KINDS = {"single_choice", "multiple_choice"}
# The largest score an exercise may carry; the database stores 8 digits
# with 2 after the point.
MAX_POINTS = 999_999
CODE_MODES = {"python_function": "function", "python_program": "program"}


class BankError(Exception):
    """One or more exercise files are invalid; ``problems`` lists them all."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_bank(root: Path = BANK_ROOT) -> list[ExerciseDefinition]:
    """Return every exercise under ``root``, or raise BankError listing problems."""
    problems: list[str] = []
    definitions: list[ExerciseDefinition] = []
    seen: dict[str, Path] = {}
    for path in sorted(root.glob(f"*/*/{DEFINITION_NAME}")):
        definition, file_problems = load_definition(path, root)
        problems.extend(file_problems)
        if definition is None:
            continue
        if definition.slug in seen:
            problems.append(
                f"{_relative(path, root)}: slug: {definition.slug!r} is already "
                f"used by {_relative(seen[definition.slug], root)}"
            )
            continue
        seen[definition.slug] = path
        definitions.append(definition)
    if problems:
        raise BankError(problems)
    return definitions


def load_definition(
    path: Path, root: Path = BANK_ROOT
) -> tuple[ExerciseDefinition | None, list[str]]:
    """Parse one file, returning the definition or the problems found."""
    where = _relative(path, root)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{where}: cannot be read: {exc}"]
    except yaml.YAMLError as exc:
        return None, [f"{where}: invalid YAML: {exc}"]
    if not isinstance(data, dict):
        return None, [f"{where}: must be a mapping of keys to values"]

    statement_name = data.get("statement", "statement.md")
    statement, statement_problem = _read_statement(path.parent, statement_name)
    problems = [f"{where}: {p}" for p in validate_data(data, statement_problem)]
    if problems:
        return None, problems

    definition = definition_from_data(data, statement, source=path)
    problems = [f"{where}: {p}" for p in validate_with_samples(definition)]
    if problems:
        return None, problems
    return definition, []


def definition_from_data(
    data: dict[str, Any], statement: str, source: Path | None = None
) -> ExerciseDefinition:
    return ExerciseDefinition(
        slug=data["slug"],
        title=data["title"].strip(),
        topic=data["topic"],
        kind=data["kind"],
        points=float(data["points"]),
        statement=statement,
        parameters=data.get("parameters") or {},
        derived=data.get("derived") or {},
        options=data.get("options") or [],
        shuffle_options=data.get("shuffle_options", True),
        answer_hint=data.get("answer_hint", ""),
        figures=data.get("figures") or {},
        fields=data.get("fields") or [],
        grading=data["grading"],
        source=source,
    )


def validate_data(data: dict[str, Any], statement_problem: str | None) -> list[str]:
    """Check the structure of a definition's keys and values."""
    problems: list[str] = []
    for key in sorted(REQUIRED_KEYS - data.keys()):
        problems.append(f"{key}: missing (required)")
    for key in sorted(data.keys() - REQUIRED_KEYS - OPTIONAL_KEYS):
        known = ", ".join(sorted(REQUIRED_KEYS | OPTIONAL_KEYS))
        problems.append(f"{key}: unknown key (known keys: {known})")
    if statement_problem:
        problems.append(f"statement: {statement_problem}")

    slug = data.get("slug")
    if "slug" in data and (not isinstance(slug, str) or not SLUG_PATTERN.match(slug)):
        problems.append(
            f"slug: {slug!r} must be lowercase letters, digits and single hyphens"
        )
    title = data.get("title")
    if "title" in data and (
        not isinstance(title, str) or not title.strip() or len(title) > 200
    ):
        problems.append("title: must be non-empty text of at most 200 characters")
    if isinstance(data.get("slug"), str) and len(data["slug"]) > 100:
        problems.append("slug: must be at most 100 characters")
    if "topic" in data and (
        not isinstance(data["topic"], str) or data["topic"] not in TOPICS
    ):
        problems.append(
            f"topic: {data['topic']!r} is not one of {', '.join(sorted(TOPICS))}"
        )
    if "kind" in data and data["kind"] not in known_kinds():
        problems.append(
            f"kind: {data['kind']!r} is not one of {', '.join(known_kinds())}"
        )
    points = data.get("points")
    if "points" in data and (not _is_number(points) or not 0 < points <= MAX_POINTS):
        problems.append(
            f"points: {points!r} must be a positive number up to {MAX_POINTS}"
        )
    if "grading" in data and not isinstance(data["grading"], dict):
        problems.append("grading: must be a mapping")

    problems.extend(_validate_parameters(data.get("parameters")))
    problems.extend(_validate_derived(data.get("derived")))
    problems.extend(_validate_options(data.get("options"), data.get("kind")))
    problems.extend(_validate_figures(data.get("figures")))
    problems.extend(_validate_fields(data.get("fields"), data.get("kind")))
    if "shuffle_options" in data and not isinstance(data["shuffle_options"], bool):
        problems.append("shuffle_options: must be true or false")
    if "answer_hint" in data and not isinstance(data["answer_hint"], str):
        problems.append("answer_hint: must be a string")

    if not problems:
        grader = get_grader(data["kind"])
        problems.extend(f"grading.{p}" for p in grader.validate_spec(data["grading"]))
        if data["kind"] in CHOICE_KINDS:
            problems.extend(_validate_choice_keys(data))
        if data["kind"] == "fields" and not problems:
            problems.extend(validate_field_matchers(data["fields"], data["grading"]))
    return problems


def validate_with_samples(definition: ExerciseDefinition) -> list[str]:
    """Build several variants so that bad expressions and placeholders surface."""
    for seed in SAMPLE_SEEDS:
        try:
            variant = build_variant(definition, seed)
        except ExpressionError as exc:
            return [f"derived: {exc}"]
        except KeyError as exc:
            return [f"statement: placeholder {exc} names no parameter"]
        except (ValueError, TypeError) as exc:
            return [f"parameters: cannot draw a variant with seed {seed}: {exc}"]
        problems = _validate_grading_sample(definition, variant.params)
        problems.extend(_figure_problems(definition, variant.params))
        if problems:
            return problems
    return []


def _validate_grading_sample(
    definition: ExerciseDefinition, params: dict[str, Any]
) -> list[str]:
    """Evaluate the grading section with one variant's values.

    Graders evaluate these expressions only when a submission arrives, so a
    typo here would otherwise fail every student's grading.
    """
    grading = definition.grading
    if definition.kind == "numeric":
        expressions = [("answer", grading["answer"])]
        for index, mistake in enumerate(grading.get("mistakes", [])):
            expressions.append((f"mistakes[{index}].answer", mistake["answer"]))
        for where, expression in expressions:
            problem = _numeric_problem(expression, params)
            if problem:
                return [f"grading.{where}: {problem}"]
    if definition.kind == "short_text":
        for key in ("accept", "patterns"):
            for index, text in enumerate(grading.get(key, [])):
                try:
                    rendered = render(text, params)
                    if key == "patterns":
                        re.compile(rendered)
                except KeyError as exc:
                    return [
                        f"grading.{key}[{index}]: placeholder {exc} names no parameter"
                    ]
                except (ValueError, TypeError, re.error) as exc:
                    return [f"grading.{key}[{index}]: {exc}"]
    if definition.kind == "fields":
        return sample_problems(definition.fields, grading, params)
    if definition.kind == "dns_zone":
        return [f"grading.{p}" for p in zone_sample_problems(grading, params)]
    if definition.kind in CODE_MODES:
        try:
            load_cases(grading, params, CODE_MODES[definition.kind])
        except InfrastructureError as exc:
            return [f"grading.cases: {exc}"]
    if definition.kind == "python_flask_api":
        try:
            load_steps(grading, params)
        except InfrastructureError as exc:
            return [f"grading.steps: {exc}"]
    return []


def _numeric_problem(expression: Any, params: dict[str, Any]) -> str | None:
    try:
        value = (
            evaluate(expression, params) if isinstance(expression, str) else expression
        )
    except ExpressionError as exc:
        return str(exc)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{expression!r} gives {value!r}, which is not a number"
    try:
        finite = math.isfinite(value)
    except OverflowError:  # An int beyond the float range, such as 10**400.
        finite = False
    if not finite:
        return f"{expression!r} gives a value that is not a finite float"
    return None


def _read_statement(folder: Path, name: Any) -> tuple[str, str | None]:
    if not isinstance(name, str) or "/" in name or name.startswith("."):
        return "", f"{name!r} must be a file name in the exercise's folder"
    try:
        text = (folder / name).read_text(encoding="utf-8")
    except FileNotFoundError:
        return "", f"file {name} not found next to {DEFINITION_NAME}"
    except (OSError, UnicodeDecodeError) as exc:
        return "", f"file {name} cannot be read: {exc}"
    if not text.strip():
        return "", f"file {name} is empty"
    return text, None


def _validate_parameters(parameters: Any) -> Iterable[str]:
    if parameters is None:
        return
    if not isinstance(parameters, dict):
        yield "parameters: must be a mapping of names to specifications"
        return
    for name, spec in parameters.items():
        where = f"parameters.{name}"
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            yield f"{where}: name must be a Python-style identifier"
            continue
        spec_type = spec.get("type") if isinstance(spec, dict) else None
        if not isinstance(spec_type, str) or spec_type not in PARAMETER_KEYS:
            yield f"{where}.type: must be one of {', '.join(PARAMETER_KEYS)}"
            continue
        required, optional = PARAMETER_KEYS[spec["type"]]
        for key in sorted(required - spec.keys()):
            yield f"{where}.{key}: missing (required for type {spec['type']})"
        for key in sorted(spec.keys() - required - optional - {"type"}):
            yield f"{where}.{key}: unknown key for type {spec['type']}"
        for key in ("min", "max"):
            if key in spec and not _is_number(spec[key]):
                yield f"{where}.{key}: must be a number"
        bounds = [spec.get("min"), spec.get("max")]
        if all(map(_is_number, bounds)) and bounds[0] > bounds[1]:
            yield f"{where}: min must not exceed max"
        values = spec.get("values")
        if "values" in spec and (not isinstance(values, list) or not values):
            yield f"{where}.values: must be a non-empty list"
        if spec["type"] == "network":
            yield from (f"{where}.{p}" for p in validate_network_spec(spec))


def _validate_derived(derived: Any) -> Iterable[str]:
    if derived is None:
        return
    if not isinstance(derived, dict):
        yield "derived: must be a mapping of names to expressions"
        return
    for name, expression in derived.items():
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            yield f"derived.{name}: name must be a Python-style identifier"
        elif not isinstance(expression, str):
            yield f"derived.{name}: must be an expression written as a string"


def _validate_options(options: Any, kind: Any) -> Iterable[str]:
    if kind in CHOICE_KINDS and not options:
        yield f"options: required for kind {kind}"
        return
    if options is None:
        return
    if not isinstance(options, list):
        yield "options: must be a list"
        return
    seen: set[str] = set()
    for index, option in enumerate(options):
        where = f"options[{index}]"
        if not isinstance(option, dict) or set(option) != {"id", "text"}:
            yield f"{where}: must have exactly the keys id and text"
            continue
        if not isinstance(option["id"], str) or not NAME_PATTERN.match(option["id"]):
            yield f"{where}.id: must be a short identifier"
        elif option["id"] in seen:
            yield f"{where}.id: {option['id']!r} is used twice"
        seen.add(str(option["id"]))
        if not isinstance(option["text"], str) or not option["text"].strip():
            yield f"{where}.text: must be non-empty text"


def _validate_fields(fields: Any, kind: Any) -> Iterable[str]:
    if kind == "fields" and not fields:
        yield "fields: required for kind fields"
        return
    if fields is None:
        return
    if kind != "fields":
        yield f"fields: only exercises of kind fields have answer fields, not {kind}"
        return
    if not isinstance(fields, list):
        yield "fields: must be a list"
        return
    seen: set[str] = set()
    for index, spec in enumerate(fields):
        where = f"fields[{index}]"
        if not isinstance(spec, dict) or not {"name", "label", "type"} <= set(spec):
            yield f"{where}: must have the keys name, label and type"
            continue
        yield from _validate_field_keys(where, spec)
        name = spec["name"]
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            yield f"{where}.name: must be a short identifier"
        elif name in seen:
            yield f"{where}.name: {name!r} is used twice"
        seen.add(str(name))


def _validate_field_keys(where: str, spec: dict[str, Any]) -> Iterable[str]:
    for key in sorted(
        str(key) for key in set(spec) - {"name", "label", "type", "choices"}
    ):
        yield f"{where}.{key}: unknown key (known keys: choices, label, name, type)"
    if not isinstance(spec["label"], str) or not spec["label"].strip():
        yield f"{where}.label: must be non-empty text"
    if spec["type"] not in FIELD_TYPES:
        yield f"{where}.type: {spec['type']!r} is not one of {', '.join(FIELD_TYPES)}"
    choices = spec.get("choices")
    if spec["type"] == "choice":
        if (
            not isinstance(choices, list)
            or not choices
            or not all(isinstance(choice, str) for choice in choices)
        ):
            yield f"{where}.choices: must be a non-empty list of texts"
        elif len(set(choices)) != len(choices):
            yield f"{where}.choices: lists a choice twice"
    elif "choices" in spec:
        yield f"{where}.choices: only a field of type choice has choices"


def _validate_figures(figures: Any) -> Iterable[str]:
    if figures is None:
        return
    if not isinstance(figures, dict):
        yield "figures: must be a mapping of figure names to specifications"
        return
    for name, spec in figures.items():
        where = f"figures.{name}"
        if not isinstance(name, str) or not FIGURE_NAME.match(name):
            yield f"{where}: name must be lowercase letters, digits and hyphens"
        elif not isinstance(spec, dict) or set(spec) != FIGURE_KEYS:
            keys = ", ".join(sorted(FIGURE_KEYS))
            yield f"{where}: must have exactly the keys {keys}"
        elif not isinstance(spec["network"], str):
            yield f"{where}.network: must be an expression written as a string"


def _figure_problems(
    definition: ExerciseDefinition, params: dict[str, Any]
) -> list[str]:
    """Draw every figure, and check that the statement names only declared ones."""
    problems = [
        f"statement: figures/{name}.svg is not declared under figures"
        for name in figure_references(definition.statement)
        if name not in definition.figures
    ]
    for name in sorted(definition.figures):
        try:
            render_figure(definition.figures, name, params)
        except (ValueError, TypeError) as exc:  # ExpressionError is a ValueError.
            problems.append(f"figures.{name}: {exc}")
    return problems


def _validate_choice_keys(data: dict[str, Any]) -> Iterable[str]:
    ids = {option["id"] for option in data["options"]}
    correct = data["grading"].get("correct")
    listed = correct if isinstance(correct, list) else [correct]
    for option_id in listed:
        if option_id not in ids:
            yield f"grading.correct: {option_id!r} is not an option id"
    for option_id in data["grading"].get("feedback", {}):
        if option_id not in ids:
            yield f"grading.feedback.{option_id}: not an option id"


def _is_number(value: Any) -> bool:
    """True for a finite int or float; YAML's .inf and JSON's 1e999 are not."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)
