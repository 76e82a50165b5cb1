"""The grading section of ``python_flask_api`` exercises: validation and steps.

Shape (YAML shown)::

    grading:
      app: app                       # optional: the Flask object's name
      steps:                         # required, run in order on one app
        - name: create a book        # required, unique, shown as the check
          method: POST               # default GET
          path: /books               # required, starts with "/"
          json: {title: Dune}        # optional request body, sent as JSON
          data: "{not json"          # optional raw body; not with json
          headers: {Content-Type: application/json}   # optional
          capture: {id: json.id}     # optional, see graders.harness.steps
          expect:                    # required, at least one key
            status: 201
            json: {...}              # the whole body, exactly
            json_contains: {...}     # a subset of the body
            json_keys: [error]       # the body is an object with these keys
            headers: {Location: '/books/[0-9]+'}   # full match; null: absent
            body: ""                 # the body text, exactly
          feedback: Answer 201 Created.   # optional, shown when it fails
          weight: 2                  # optional, default 1
      limits: {case_time_s: 2}       # optional; the time limit is per step

Two kinds of placeholder share the ``{{ name }}`` form. Exercise parameters
are filled in here, in the worker, as in other code exercises. A name that
an earlier step captures stays in place: the harness fills it in the
request, between steps, and the grader fills it in ``expect``; a step's own
captures may appear in its ``expect``. In both, a string that is exactly one
placeholder takes the value with its type, and a captured value inside a
header pattern matches literally. Mapping keys take parameters only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from exercises.variants import PLACEHOLDER
from graders.base import InfrastructureError
from graders.harness import steps
from graders.sandbox import check_limit_overrides

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
# The runner reports these response headers for every step, and also each
# header that a step's ``expect.headers`` names.
REPORTED_HEADERS = ("Content-Type", "Location", "Allow")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STEP_KEYS = {
    "name",
    "method",
    "path",
    "json",
    "data",
    "headers",
    "capture",
    "expect",
    "feedback",
    "weight",
}
_EXPECT_KEYS = {"status", "json", "json_contains", "json_keys", "headers", "body"}


@dataclass(frozen=True)
class ApiStep:
    """One request of the script: what the harness sends, and what is expected.

    ``request`` goes into the sandbox; ``expect`` and ``feedback`` stay in
    the worker.
    """

    name: str
    weight: float
    request: dict[str, Any]
    expect: dict[str, Any]
    feedback: str
    captures: tuple[str, ...]


def validate_spec(spec: Any) -> list[str]:
    """Return problems with the grading section, empty if none."""
    if not isinstance(spec, dict):
        return ["grading: must be a mapping"]
    problems: list[str] = []
    app = spec.get("app", "app")
    if not isinstance(app, str) or not _IDENTIFIER.fullmatch(app):
        problems.append("app: must be the name of a Python variable")
    script = spec.get("steps")
    if not isinstance(script, list) or not script:
        problems.append("steps: must be a list of at least one step")
        script = []
    names = set()
    for index, step in enumerate(script):
        problems += _check_step(f"steps[{index}]", step)
        name = step.get("name") if isinstance(step, dict) else None
        if name in names:
            problems.append(f"steps[{index}].name: {name!r} is used twice")
        names.add(name)
    unknown = set(spec) - {"app", "steps", "limits"}
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)}; known: app, steps, limits")
    if "limits" in spec:
        problems += check_limit_overrides(spec["limits"])
    return problems


def load_steps(spec: dict[str, Any], params: dict[str, Any]) -> list[ApiStep]:
    """Return the steps with the exercise's parameters filled in.

    Raises ``InfrastructureError`` for a placeholder that names neither a
    parameter nor a value an earlier step captures, or a capture that has
    the name of a parameter.
    """
    captured: set[str] = set()
    loaded = []
    for step in spec["steps"]:
        clash = set(step.get("capture", {})) & set(params)
        if clash:
            raise InfrastructureError(
                f"step {step['name']!r} captures {sorted(clash)}, which are also "
                "parameters; rename the captures"
            )
        try:
            loaded.append(_load_step(step, params, captured))
        except KeyError as error:
            raise InfrastructureError(
                f"step {step['name']!r} uses {error}, which is neither a parameter "
                "nor captured by an earlier step; fix its grading section"
            ) from error
        captured |= set(step.get("capture", {}))
    return loaded


def _load_step(
    step: dict[str, Any], params: dict[str, Any], captured: set[str]
) -> ApiStep:
    # The step's own captures may appear in its expectations, not its request.
    expect = _fill(step["expect"], params, captured | set(step.get("capture", {})))
    header_names = {*REPORTED_HEADERS, *expect.get("headers", {})}
    request: dict[str, Any] = {
        "method": step.get("method", "GET").upper(),
        "path": _fill(step["path"], params, captured),
        "headers": _fill(step.get("headers", {}), params, captured),
        "capture": _fill(step.get("capture", {}), params, set()),
        "report_headers": sorted(header_names, key=str.lower),
    }
    for key in ("json", "data"):
        if key in step:
            request[key] = _fill(step[key], params, captured)
    return ApiStep(
        name=step["name"],
        weight=float(step.get("weight", 1)),
        request=request,
        expect=expect,
        feedback=str(step.get("feedback", "")).strip(),
        captures=tuple(step.get("capture", {})),
    )


def _fill(value: Any, params: dict[str, Any], captured: set[str]) -> Any:
    """Fill parameters into the strings in ``value``, keeping captured names."""
    if isinstance(value, str):
        return _fill_text(value, params, captured)
    if isinstance(value, list):
        return [_fill(item, params, captured) for item in value]
    if isinstance(value, dict):
        return {
            _fill_key(key, params): _fill(item, params, captured)
            for key, item in value.items()
        }
    return value


def _fill_key(key: Any, params: dict[str, Any]) -> Any:
    """Fill parameters into a mapping key, as text; captured values never go there."""
    return _fill_text(key, params, set()) if isinstance(key, str) else key


def _fill_text(text: str, params: dict[str, Any], captured: set[str]) -> Any:
    match = PLACEHOLDER.fullmatch(text.strip())
    if match and not match.group(2) and match.group(1) in params:
        return params[match.group(1)]

    def substitute(found: re.Match[str]) -> str:
        name, spec = found.group(1), (found.group(2) or "").strip()
        if name in params:
            return format(params[name], spec) if spec else str(params[name])
        if name in captured and not spec:
            return found.group(0)
        raise KeyError(name)

    return PLACEHOLDER.sub(substitute, text)


def _check_step(key: str, step: Any) -> list[str]:
    if not isinstance(step, dict):
        return [f"{key}: must be a mapping"]
    problems = [f"{key}.{name}: unknown key" for name in sorted(set(step) - _STEP_KEYS)]
    if not isinstance(step.get("name"), str) or not step.get("name"):
        problems.append(f"{key}.name: must be text")
    if str(step.get("method", "GET")).upper() not in METHODS:
        problems.append(f"{key}.method: must be one of {', '.join(METHODS)}")
    path = step.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        problems.append(f"{key}.path: must be text starting with /")
    if "json" in step and "data" in step:
        problems.append(f"{key}: give json or data, not both")
    if "data" in step and not isinstance(step["data"], str):
        problems.append(f"{key}.data: must be text")
    if not _is_text_mapping(step.get("headers", {})):
        problems.append(f"{key}.headers: must map header names to text")
    problems += _check_captures(f"{key}.capture", step.get("capture", {}))
    problems += _check_expect(f"{key}.expect", step.get("expect"))
    if "feedback" in step and not isinstance(step["feedback"], str):
        problems.append(f"{key}.feedback: must be text")
    weight = step.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
        problems.append(f"{key}.weight: must be a number greater than 0")
    return problems


def _check_captures(key: str, captures: Any) -> list[str]:
    if not isinstance(captures, dict):
        return [f"{key}: must map names to capture rules"]
    problems = []
    for name, rule in captures.items():
        if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
            problems.append(f"{key}: {name!r} is not a valid name")
        problem = steps.capture_rule_problem(rule)
        if problem:
            problems.append(f"{key}.{name}: {problem}")
    return problems


def _check_expect(key: str, expect: Any) -> list[str]:
    if not isinstance(expect, dict) or not expect:
        return [f"{key}: must be a mapping with at least one expectation"]
    problems = [
        f"{key}.{name}: unknown key" for name in sorted(set(expect) - _EXPECT_KEYS)
    ]
    status = expect.get("status", 200)
    if (
        isinstance(status, bool)
        or not isinstance(status, int)
        or not 100 <= status <= 599
    ):
        problems.append(f"{key}.status: must be an HTTP status code, 100 to 599")
    keys = expect.get("json_keys", [])
    if not isinstance(keys, list) or not all(isinstance(name, str) for name in keys):
        problems.append(f"{key}.json_keys: must be a list of key names")
    if "body" in expect and not isinstance(expect["body"], str):
        problems.append(f"{key}.body: must be text")
    headers = expect.get("headers", {})
    if not isinstance(headers, dict):
        return problems + [f"{key}.headers: must map header names to patterns"]
    for name, pattern in headers.items():
        if pattern is None:
            continue
        if not isinstance(pattern, str):
            problems.append(f"{key}.headers.{name}: must be a pattern or null")
            continue
        try:
            re.compile(PLACEHOLDER.sub("x", pattern))
        except re.error as error:
            problems.append(f"{key}.headers.{name}: invalid pattern: {error}")
    return problems


def _is_text_mapping(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(name, str) and isinstance(item, str) for name, item in value.items()
    )
