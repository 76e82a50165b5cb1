"""Request scripts without a sandbox: validation, placeholders, captures, checks."""

from __future__ import annotations

from typing import Any

import pytest

from graders.base import InfrastructureError
from graders.flask_api import response_problems
from graders.flask_api_spec import load_steps, validate_spec
from graders.harness import steps


def step(**fields: Any) -> dict[str, Any]:
    return {"name": "list", "path": "/books", "expect": {"status": 200}, **fields}


def response(
    status: int = 200, body: str = "", headers: dict[str, str] | None = None
) -> dict[str, Any]:
    return {
        "status": status,
        "headers": headers or {},
        "body": body,
        "body_bytes": len(body),
        "body_truncated": False,
    }


def test_valid_spec_has_no_problems() -> None:
    spec = {
        "app": "api",
        "steps": [
            step(capture={"id": "json.id", "url": {"from": "header.Location"}}),
            step(name="get", path="/books/{{ id }}", expect={"json_keys": ["id"]}),
        ],
        "limits": {"case_time_s": 1},
    }

    assert validate_spec(spec) == []


@pytest.mark.parametrize(
    ("bad_step", "problem"),
    [
        (step(method="FETCH"), "steps[0].method: must be one of"),
        (step(path="books"), "steps[0].path: must be text starting with /"),
        (step(json={}, data=""), "steps[0]: give json or data, not both"),
        (step(capture={"id": "body.id"}), 'must start with "json" or "header."'),
        (step(capture={"id": {"from": "json", "regex": "("}}), "regex is invalid"),
        (step(expect={}), "steps[0].expect: must be a mapping with at least one"),
        (step(expect={"status": 99}), "steps[0].expect.status: must be an HTTP"),
        (step(expect={"stauts": 200}), "steps[0].expect.stauts: unknown key"),
        (step(expect={"headers": {"Location": "("}}), "invalid pattern"),
        (step(weight=0), "steps[0].weight: must be a number greater than 0"),
        (step(name=""), "steps[0].name: must be text"),
    ],
)
def test_invalid_step_is_reported(bad_step: dict[str, Any], problem: str) -> None:
    problems = validate_spec({"steps": [bad_step]})

    assert any(problem in text for text in problems), problems


def test_repeated_step_name_is_reported() -> None:
    problems = validate_spec({"steps": [step(), step()]})

    assert problems == ["steps[1].name: 'list' is used twice"]


def test_load_fills_parameters_and_keeps_captures() -> None:
    spec = {
        "steps": [
            step(
                method="post",
                json={"{{ field }}": "{{ title }}", "count": "{{ count }}"},
                capture={"id": "json.id"},
                expect={"headers": {"Location": "/{{ resource }}/{{ id }}"}},
            ),
            step(name="get", path="/{{ resource }}/{{ id }}"),
        ]
    }
    params = {"field": "title", "title": "Dune", "count": 3, "resource": "books"}

    first, second = load_steps(spec, params)

    assert first.request["method"] == "POST"
    assert first.request["json"] == {"title": "Dune", "count": 3}
    assert first.expect["headers"] == {"Location": "/books/{{ id }}"}
    assert "Location" in first.request["report_headers"]
    assert second.request["path"] == "/books/{{ id }}"


def test_load_rejects_an_unknown_placeholder() -> None:
    spec = {"steps": [step(path="/books/{{ id }}")]}

    with pytest.raises(InfrastructureError, match="'id', which is neither"):
        load_steps(spec, {})


def test_load_rejects_a_capture_named_like_a_parameter() -> None:
    spec = {"steps": [step(capture={"id": "json.id"})]}

    with pytest.raises(InfrastructureError, match="also parameters"):
        load_steps(spec, {"id": 4})


def test_fill_keeps_the_type_of_a_whole_placeholder() -> None:
    filled = steps.fill({"id": "{{ id }}", "path": "/books/{{ id }}"}, {"id": 7})

    assert filled == {"id": 7, "path": "/books/7"}


def test_fill_raises_for_a_missing_capture() -> None:
    with pytest.raises(steps.MissingCaptureError):
        steps.fill("/books/{{ id }}", {})


def test_capture_walks_json_and_headers() -> None:
    reply = response(
        body='{"items": [{"id": 5}]}', headers={"Location": "http://localhost/b/5"}
    )
    rules = {
        "id": "json.items.0.id",
        "url": "header.location",
        "tail": {"from": "header.Location", "regex": "/b/([0-9]+)$"},
        "absent": "json.items.3",
    }

    assert steps.capture_values(rules, reply) == {
        "id": 5,
        "url": "http://localhost/b/5",
        "tail": "5",
    }


def test_truncated_body_is_not_json() -> None:
    reply = {**response(body="[1, 2"), "body_truncated": True}

    assert steps.parse_json_body(reply) == (False, None)


def test_json_contains_allows_extra_keys() -> None:
    expect = {"json_contains": [{"title": "Dune"}]}
    reply = response(body='[{"id": 1, "title": "Dune"}]')

    assert response_problems(expect, reply, {}) == []


def test_json_contains_reports_the_missing_key() -> None:
    expect = {"json_contains": {"book": {"title": "Dune"}}}
    reply = response(body='{"book": {"name": "Dune"}}')

    assert response_problems(expect, reply, {}) == [
        "the JSON body has no key 'title' at ['book']"
    ]


def test_exact_json_uses_captured_values() -> None:
    expect = {"json": {"id": "{{ id }}"}}

    assert response_problems(expect, response(body='{"id": 2}'), {"id": 2}) == []
    assert response_problems(expect, response(body='{"id": 3}'), {"id": 2}) == [
        "the JSON body differs at ['id']: expected 2, got 3"
    ]


def test_captured_value_matches_literally_in_a_header_pattern() -> None:
    expect = {"headers": {"Location": "/b/{{ id }}"}}
    reply = response(headers={"Location": "/b/1x2"})

    assert response_problems(expect, reply, {"id": "1.2"}) == [
        "the Location header is '/b/1x2', which does not match '/b/1\\\\.2'"
    ]


def test_null_header_pattern_requires_absence() -> None:
    expect = {"headers": {"Location": None}}
    reply = response(headers={"Location": "/b/1"})

    assert response_problems(expect, reply, {}) == [
        "expected no Location header, got '/b/1'"
    ]


def test_status_and_body_problems_are_listed_together() -> None:
    expect = {"status": 204, "body": ""}

    assert response_problems(expect, response(200, "null\n"), {}) == [
        "expected status 204 No Content, got 200 OK",
        "expected the body '', got 'null\\n'",
    ]


def test_non_json_body_is_reported() -> None:
    expect = {"json_keys": ["error"]}

    assert response_problems(expect, response(400, "<h1>Bad</h1>"), {}) == [
        "the body is not JSON: '<h1>Bad</h1>'"
    ]
