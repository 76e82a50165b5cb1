"""Per-student variants: parameters drawn from a seed, and rendered text.

A variant is a pure function of the exercise definition and the seed, so
the web process that shows a statement and the worker that grades the
answer always agree on the numbers without storing them.
"""

from __future__ import annotations

import ast
import random
import re
from dataclasses import dataclass, field
from typing import Any

from exercises.definition import ExerciseDefinition
from exercises.expressions import ExpressionError, evaluate
from exercises.networks import draw_network

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?::([^}]*))?\}\}")


@dataclass(frozen=True)
class Variant:
    seed: int
    params: dict[str, Any]
    statement: str
    options: list[dict[str, str]]
    fields: list[dict[str, Any]] = field(default_factory=list)


def draw_parameters(definition: ExerciseDefinition, seed: int) -> dict[str, Any]:
    """Draw every declared parameter, then compute the derived values.

    Parameters are drawn in name order, and each derived value is computed
    after the derived values it uses. Key order never matters, because a
    version stored as PostgreSQL jsonb comes back with its keys reordered.
    """
    rng = random.Random(seed)
    params: dict[str, Any] = {}
    for name in sorted(definition.parameters):
        params[name] = _draw_one(definition.parameters[name], rng)
    for name in _evaluation_order(definition.derived):
        params[name] = evaluate(definition.derived[name], params)
    return params


def render(template: str, params: dict[str, Any]) -> str:
    """Replace ``{{ name }}`` and ``{{ name:.2f }}`` with parameter values.

    An unknown name raises KeyError; the loader renders every statement with
    sample seeds, so such a typo is caught before the exercise is stored.
    """

    def substitute(match: re.Match[str]) -> str:
        value = params[match.group(1)]
        spec = (match.group(2) or "").strip()
        return format(value, spec) if spec else str(value)

    return PLACEHOLDER.sub(substitute, template)


def build_variant(definition: ExerciseDefinition, seed: int) -> Variant:
    params = draw_parameters(definition, seed)
    options = [
        {"id": option["id"], "text": render(option["text"], params)}
        for option in definition.options
    ]
    if definition.shuffle_options:
        # A separate generator keeps the option order independent of how many
        # parameters the exercise draws.
        random.Random(f"options:{seed}").shuffle(options)
    return Variant(
        seed=seed,
        params=params,
        statement=render(definition.statement, params),
        options=options,
        fields=[render_field(spec, params) for spec in definition.fields],
    )


def render_field(spec: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """Render an answer field's label and choices with the variant's values."""
    rendered: dict[str, Any] = {
        "name": spec["name"],
        "label": render(spec["label"], params),
        "type": spec["type"],
    }
    if "choices" in spec:
        rendered["choices"] = [
            render(str(choice), params) for choice in spec["choices"]
        ]
    return rendered


def _draw_one(spec: dict[str, Any], rng: random.Random) -> Any:
    kind = spec["type"]
    if kind == "int":
        step = spec.get("step", 1)
        return rng.randrange(spec["min"], spec["max"] + 1, step)
    if kind == "float":
        value = rng.uniform(spec["min"], spec["max"])
        return round(value, spec.get("decimals", 2))
    if kind == "choice":
        return rng.choice(spec["values"])
    if kind == "sample":
        return rng.sample(spec["values"], spec["count"])
    if kind == "int_list":
        return [rng.randint(spec["min"], spec["max"]) for _ in range(spec["length"])]
    if kind == "network":
        return draw_network(spec, rng)
    raise ValueError(f"unknown parameter type {kind!r}")


def _evaluation_order(derived: dict[str, str]) -> list[str]:
    """Order derived names so that each follows the derived names it uses."""
    uses = {
        name: (_names_in(expression) & derived.keys()) - {name}
        for name, expression in derived.items()
    }
    order: list[str] = []
    pending = sorted(derived)
    while pending:
        ready = [name for name in pending if uses[name] <= set(order)]
        if not ready:
            raise ExpressionError(
                f"derived values {', '.join(pending)} refer to each other in a cycle"
            )
        order.extend(ready)
        pending = [name for name in pending if name not in ready]
    return order


def _names_in(expression: str) -> set[str]:
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return set()  # evaluate() reports the syntax error with its context.
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
