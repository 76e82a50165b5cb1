"""Request scripts of the ``http`` mode: placeholders and captured values.

This module runs on both sides, like ``protocol``. Before it sends a step to
the runner, the supervisor replaces each ``{{ name }}`` in the step with a
value captured from an earlier response. The worker repeats the same work
on the reported responses, so it can show each request as it was sent and
fill the same values into the expectations. Standard library only.

A capture rule takes a value from a response:

* ``"json"`` is the whole JSON body, and ``"json.items.0.id"`` walks into it
  (a segment of digits indexes a list).
* ``"header.Location"`` is a response header, matched case-insensitively.
* ``{"from": <one of the above>, "regex": "/books/([0-9]+)$"}`` searches the
  value as text and keeps the regex's first group, or the whole match when
  it has no group.

A rule that finds nothing captures nothing, and a later step that needs the
name is not run.
"""

from __future__ import annotations

import json
import re
from typing import Any

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_JSON_PREFIX = "json"
_HEADER_PREFIX = "header."


class MissingCaptureError(KeyError):
    """A step names a captured value that no earlier step produced."""


def placeholder_names(value: Any) -> set[str]:
    """Return every placeholder name used in the strings inside ``value``."""
    if isinstance(value, str):
        return set(PLACEHOLDER.findall(value))
    if isinstance(value, list):
        return set().union(*(placeholder_names(item) for item in value))
    if isinstance(value, dict):
        return set().union(*(placeholder_names(item) for item in value.values()))
    return set()


def fill(value: Any, captures: dict[str, Any]) -> Any:
    """Replace placeholders in the strings inside ``value`` with captured values.

    A string that is exactly one placeholder becomes the value with its
    JSON type, so ``{"id": "{{ id }}"}`` sends a number when one was
    captured. Other strings get the value's text. Raises
    ``MissingCaptureError`` for a name not in ``captures``.
    """
    if isinstance(value, str):
        match = PLACEHOLDER.fullmatch(value)
        if match:
            return _captured(match.group(1), captures)
        return fill_text(value, captures)
    if isinstance(value, list):
        return [fill(item, captures) for item in value]
    if isinstance(value, dict):
        return {key: fill(item, captures) for key, item in value.items()}
    return value


def fill_text(text: str, captures: dict[str, Any], escape: bool = False) -> str:
    """Replace placeholders in ``text``; ``escape`` quotes values for a regex."""

    def substitute(match: re.Match[str]) -> str:
        value = _as_text(_captured(match.group(1), captures))
        return re.escape(value) if escape else value

    return PLACEHOLDER.sub(substitute, text)


def capture_rule_problem(rule: Any) -> str:
    """Return why ``rule`` is not a valid capture rule, or "" when it is."""
    source = rule.get("from") if isinstance(rule, dict) else rule
    if not isinstance(source, str):
        return 'must be "json...", "header.<name>" or {from: ..., regex: ...}'
    if not (_is_json_source(source) or _is_header_source(source)):
        return f'{source!r} must start with "json" or "header."'
    if isinstance(rule, dict):
        unknown = set(rule) - {"from", "regex"}
        if unknown:
            return f"unknown keys {sorted(unknown)}; known keys are from, regex"
        try:
            re.compile(str(rule.get("regex", "")))
        except re.error as error:
            return f"regex is invalid: {error}"
    return ""


def capture_values(rules: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    """Return the values that ``rules`` find in ``response``, by name.

    ``response`` has the shape the supervisor reports: ``status``,
    ``headers`` (a dict of the reported headers), ``body`` (text) and
    ``body_truncated``. Rules that find nothing are left out.
    """
    values = {}
    for name, rule in rules.items():
        found, value = _apply_rule(rule, response)
        if found:
            values[name] = value
    return values


def parse_json_body(response: dict[str, Any]) -> tuple[bool, Any]:
    """Return whether the body is JSON and, if so, its value.

    A body cut at the size limit never counts as JSON, because its end is
    missing.
    """
    if response.get("body_truncated"):
        return False, None
    try:
        return True, json.loads(response.get("body", ""))
    except (ValueError, RecursionError):
        return False, None


def header_value(response: dict[str, Any], name: str) -> str | None:
    """Return a reported response header, matching ``name`` case-insensitively."""
    for key, value in response.get("headers", {}).items():
        if key.lower() == name.lower():
            return str(value)
    return None


def _apply_rule(rule: Any, response: dict[str, Any]) -> tuple[bool, Any]:
    source = rule.get("from") if isinstance(rule, dict) else rule
    if not isinstance(source, str):
        return False, None
    if _is_header_source(source):
        value = header_value(response, source[len(_HEADER_PREFIX) :])
        found = value is not None
    else:
        found, value = _json_lookup(response, source)
    if not found or not isinstance(rule, dict) or "regex" not in rule:
        return found, value

    match = re.search(str(rule["regex"]), _as_text(value))
    if match is None:
        return False, None
    return True, match.group(1) if match.groups() else match.group(0)


def _json_lookup(response: dict[str, Any], source: str) -> tuple[bool, Any]:
    found, value = parse_json_body(response)
    if not found:
        return False, None
    path = source[len(_JSON_PREFIX) :].lstrip(".")
    for segment in path.split(".") if path else []:
        if isinstance(value, dict) and segment in value:
            value = value[segment]
        elif isinstance(value, list) and _is_index(segment, value):
            value = value[int(segment)]
        else:
            return False, None
    return True, value


def _is_index(segment: str, items: list[Any]) -> bool:
    return segment.isdigit() and int(segment) < len(items)


def _is_json_source(source: str) -> bool:
    return source == _JSON_PREFIX or source.startswith(_JSON_PREFIX + ".")


def _is_header_source(source: str) -> bool:
    return source.startswith(_HEADER_PREFIX) and len(source) > len(_HEADER_PREFIX)


def _captured(name: str, captures: dict[str, Any]) -> Any:
    if name not in captures:
        raise MissingCaptureError(name)
    return captures[name]


def _as_text(value: Any) -> str:
    """Return ``value`` as it reads in a URL: JSON for all but plain strings."""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))
