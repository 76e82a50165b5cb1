"""Safe evaluation of the small expressions that exercise files contain."""

from __future__ import annotations

import math
from typing import Any

from simpleeval import EvalWithCompoundTypes

from exercises.networks import NETWORK_FUNCTIONS

FUNCTIONS: dict[str, Any] = {
    "abs": abs,
    "ceil": math.ceil,
    "floor": math.floor,
    "len": len,
    "log2": math.log2,
    "max": max,
    "min": min,
    "round": round,
    "sorted": sorted,
    "sqrt": math.sqrt,
    "sum": sum,
    "int": int,
    "float": float,
    "str": str,
    # Functions over the networks that a ``network`` parameter draws.
    **NETWORK_FUNCTIONS,
}


class ExpressionError(ValueError):
    """An expression failed to parse or evaluate."""


def evaluate(expression: str, names: dict[str, Any]) -> Any:
    """Evaluate ``expression`` with ``names`` in scope and a fixed function set.

    simpleeval refuses attribute access to private names, imports and
    unbounded powers, so a teacher's typo cannot reach the process.
    """
    evaluator = EvalWithCompoundTypes(names=dict(names), functions=FUNCTIONS)
    try:
        return evaluator.eval(expression)
    except Exception as exc:  # simpleeval raises many unrelated types.
        raise ExpressionError(f"{expression!r}: {type(exc).__name__}: {exc}") from exc
