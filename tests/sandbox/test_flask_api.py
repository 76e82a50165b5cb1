"""The python_flask_api grader on both backends: scores, feedback and hostile apps.

Each wrong app differs from the reference in one rule, and must lose exactly
the steps that check that rule, with feedback that names the difference.
"""

from __future__ import annotations

from typing import Any

import pytest

from graders.base import GradeResult, Verdict
from tests.sandbox.conftest import FAST_LIMITS, Grade

KIND = "python_flask_api"
DUNE = {"title": "Dune", "author": "Frank Herbert"}
EMMA = {"title": "Emma", "author": "Jane Austen"}
SPEC: dict[str, Any] = {
    "steps": [
        {
            "name": "empty list",
            "path": "/books",
            "expect": {"status": 200, "json": []},
        },
        {
            "name": "create answers 201",
            "method": "POST",
            "path": "/books",
            "json": DUNE,
            "capture": {"id": "json.id"},
            "expect": {"status": 201, "json_contains": DUNE, "json_keys": ["id"]},
            "feedback": "A POST that creates a book answers 201 Created.",
        },
        {
            "name": "create sets Location",
            "method": "POST",
            "path": "/books",
            "json": EMMA,
            "capture": {"second": "json.id"},
            "expect": {
                "headers": {"Location": "(http://localhost)?/books/{{ second }}"}
            },
        },
        {
            "name": "get one book",
            "path": "/books/{{ id }}",
            "expect": {"status": 200, "json": {"id": "{{ id }}", **DUNE}},
        },
        {
            "name": "unknown id answers 404",
            "path": "/books/999",
            "expect": {"status": 404, "json_keys": ["error"]},
        },
        {
            "name": "bad JSON answers 400",
            "method": "POST",
            "path": "/books",
            "data": '{"title": ',
            "headers": {"Content-Type": "application/json"},
            "expect": {"status": 400, "json_keys": ["error"]},
        },
        {
            "name": "update",
            "method": "PUT",
            "path": "/books/{{ id }}",
            "json": {"title": "Dune Messiah", "author": "Frank Herbert"},
            "expect": {"status": 200, "json_contains": {"title": "Dune Messiah"}},
        },
        {
            "name": "delete answers 204",
            "method": "DELETE",
            "path": "/books/{{ id }}",
            "expect": {"status": 204, "body": ""},
        },
        {
            "name": "deleted book is gone",
            "path": "/books/{{ id }}",
            "expect": {"status": 404},
        },
        {
            "name": "DELETE on the list answers 405",
            "method": "DELETE",
            "path": "/books",
            "expect": {"status": 405},
        },
        {
            "name": "final list",
            "path": "/books",
            "expect": {"status": 200, "json": [{"id": "{{ second }}", **EMMA}]},
            "weight": 2,
        },
    ],
    "limits": FAST_LIMITS,
}
STEP_NAMES = [step["name"] for step in SPEC["steps"]]

REFERENCE = """
from flask import Flask, jsonify, request

app = Flask(__name__)
books = {}
next_id = 1


def read_book():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not all(
        isinstance(body.get(key), str) for key in ("title", "author")
    ):
        return None
    return {"title": body["title"], "author": body["author"]}


@app.get("/books")
def list_books():
    return jsonify([books[key] for key in sorted(books)])


@app.post("/books")
def create_book():
    global next_id
    fields = read_book()
    if fields is None:
        return jsonify(error="invalid book"), 400
    book = {"id": next_id, **fields}
    books[next_id] = book
    next_id += 1
    return jsonify(book), CREATED, {"Location": f"/books/{book['id']}"}


@app.get("/books/<int:book_id>")
def get_book(book_id):
    if book_id not in books:
        return jsonify(error="not found"), 404
    return jsonify(books[book_id])


@app.put("/books/<int:book_id>")
def update_book(book_id):
    if book_id not in books:
        return jsonify(error="not found"), 404
    fields = read_book()
    if fields is None:
        return jsonify(error="invalid book"), 400
    books[book_id] = {"id": book_id, **fields}
    return jsonify(books[book_id])


@app.delete("/books/<int:book_id>")
def delete_book(book_id):
    if books.pop(book_id, None) is None:
        return jsonify(error="not found"), 404
    return "", 204
"""


def reference(**changes: str) -> str:
    """Return the reference app, with each ``old=new`` text replacement applied.

    Keys name the replacement only for the reader; values are ``old||new``.
    """
    source = REFERENCE.replace("CREATED", "201")
    for replacement in changes.values():
        old, new = replacement.split("||")
        assert old in source, old
        source = source.replace(old, new)
    return source


def failed_steps(result: GradeResult) -> dict[str, Verdict | None]:
    return {check.name: check.verdict for check in result.checks if not check.passed}


def message_of(result: GradeResult, name: str) -> str:
    return next(check.message for check in result.checks if check.name == name)


def test_reference_app_gets_full_marks(grade: Grade, backend: str) -> None:
    result = grade(KIND, SPEC, reference())

    assert result.verdict == Verdict.PASSED
    assert result.score == 10.0
    assert [check.name for check in result.checks] == STEP_NAMES
    assert result.feedback == "11 of 11 requests passed."


def test_step_messages_show_the_request_sent(grade: Grade, backend: str) -> None:
    result = grade(KIND, SPEC, reference())

    assert message_of(result, "get one book") == "GET /books/1"
    assert message_of(result, "delete answers 204") == "DELETE /books/1"


def test_status_200_for_create_loses_one_step(grade: Grade, backend: str) -> None:
    source = reference(status="jsonify(book), 201||jsonify(book), 200")

    result = grade(KIND, SPEC, source)

    assert failed_steps(result) == {"create answers 201": Verdict.WRONG_ANSWER}
    assert result.verdict == Verdict.PARTIAL
    assert result.score == pytest.approx(10.0 * 11 / 12, abs=1e-3)
    message = message_of(result, "create answers 201")
    assert message.startswith("POST /books: expected status 201 Created, got 200 OK")
    assert message.endswith("A POST that creates a book answers 201 Created.")


def test_missing_location_header_loses_one_step(grade: Grade, backend: str) -> None:
    source = reference(location=""", {"Location": f"/books/{book['id']}"}||""")

    result = grade(KIND, SPEC, source)

    assert failed_steps(result) == {"create sets Location": Verdict.WRONG_ANSWER}
    assert "the Location header is missing" in message_of(
        result, "create sets Location"
    )


def test_missing_captured_id_skips_dependent_steps(grade: Grade, backend: str) -> None:
    source = reference(body="return jsonify(book), 201||return jsonify(fields), 201")

    result = grade(KIND, SPEC, source)

    failed = failed_steps(result)
    assert failed["create answers 201"] == Verdict.WRONG_ANSWER
    assert failed["get one book"] == Verdict.WRONG_ANSWER
    assert "unknown id answers 404" not in failed
    assert message_of(result, "get one book") == (
        "GET /books/{{ id }}: not run: it needs the value 'id' from the response "
        "to the step 'create answers 201', which did not contain it"
    )


def test_exception_on_bad_json_is_runtime_error(grade: Grade, backend: str) -> None:
    source = reference(
        parse="body = request.get_json(silent=True)||body = json.loads(request.data)",
        imports="from flask import||import json\nfrom flask import",
    )

    result = grade(KIND, SPEC, source)

    assert failed_steps(result) == {"bad JSON answers 400": Verdict.RUNTIME_ERROR}
    message = message_of(result, "bad JSON answers 400")
    assert message.startswith("POST /books: raised an exception")
    assert "JSONDecodeError" in message
    assert "runner.py" not in message


def test_explicit_500_on_bad_json_is_wrong_answer(grade: Grade, backend: str) -> None:
    source = reference(status='error="invalid book"), 400||error="invalid book"), 500')

    result = grade(KIND, SPEC, source)

    assert failed_steps(result) == {"bad JSON answers 400": Verdict.WRONG_ANSWER}
    assert "expected status 400 Bad Request, got 500 Internal Server Error" in (
        message_of(result, "bad JSON answers 400")
    )


def test_ignored_404_loses_the_unknown_id_step(grade: Grade, backend: str) -> None:
    source = reference(
        lookup="""    if book_id not in books:
        return jsonify(error="not found"), 404
    return jsonify(books[book_id])||    return jsonify(books.get(book_id))"""
    )

    result = grade(KIND, SPEC, source)

    assert failed_steps(result) == {
        "unknown id answers 404": Verdict.WRONG_ANSWER,
        "deleted book is gone": Verdict.WRONG_ANSWER,
    }
    message = message_of(result, "unknown id answers 404")
    assert "expected status 404 Not Found, got 200 OK" in message
    assert "expected a JSON object with the keys error, got None" in message


def test_allowed_wrong_method_loses_the_405_step(grade: Grade, backend: str) -> None:
    source = reference(
        route='@app.get("/books")\n||@app.route("/books", methods=["GET", "DELETE"])\n'
    )

    result = grade(KIND, SPEC, source)

    assert failed_steps(result) == {
        "DELETE on the list answers 405": Verdict.WRONG_ANSWER
    }
    assert "expected status 405 Method Not Allowed, got 200 OK" in message_of(
        result, "DELETE on the list answers 405"
    )


def test_app_looping_on_one_route_stops_there(grade: Grade, backend: str) -> None:
    source = reference(
        loop="""    if book_id not in books:
        return jsonify(error="not found"), 404
    return jsonify(books[book_id])||    while book_id == 999:
        pass
    return jsonify(books[book_id])"""
    )
    spec = {**SPEC, "limits": {"case_time_s": 1.0, "wall_time_s": 20.0}}

    result = grade(KIND, spec, source)

    failed = failed_steps(result)
    assert failed["unknown id answers 404"] == Verdict.TIME_LIMIT_EXCEEDED
    assert set(failed) == set(STEP_NAMES[4:])
    assert "get one book" not in failed
    assert "not run: the app stopped at the step 'unknown id answers 404'" in (
        message_of(result, "final list")
    )
    assert result.verdict == Verdict.PARTIAL
    assert result.details["duration_s"] < 10


def test_huge_output_is_output_limit(grade: Grade, backend: str) -> None:
    source = reference(
        output="    global next_id\n||    global next_id\n    print('x' * 10_000_000)\n"
    )

    result = grade(KIND, SPEC, source)

    failed = failed_steps(result)
    assert failed["create answers 201"] == Verdict.OUTPUT_LIMIT_EXCEEDED
    assert "empty list" not in failed
    assert set(failed) == set(STEP_NAMES[1:])


def test_failing_module_fails_every_step(grade: Grade, backend: str) -> None:
    source = reference() + "\nraise RuntimeError('broken at import')\n"

    result = grade(KIND, SPEC, source)

    assert result.verdict == Verdict.RUNTIME_ERROR
    assert result.score == 0
    assert "broken at import" in message_of(result, "empty list")
    assert "not run: the app stopped" in message_of(result, "final list")


def test_missing_app_is_named(grade: Grade, backend: str) -> None:
    source = reference().replace("app = Flask", "api = Flask").replace("@app", "@api")

    result = grade(KIND, SPEC, source)

    assert result.verdict == Verdict.RUNTIME_ERROR
    assert "does not define a Flask app named app" in message_of(result, "empty list")


def test_syntax_error_is_reported(grade: Grade, backend: str) -> None:
    result = grade(KIND, SPEC, "from flask import Flask\napp = Flask(__name__\n")

    assert result.verdict == Verdict.SYNTAX_ERROR
    assert result.score == 0


def test_cpu_limit_applies_per_step(grade: Grade, backend: str) -> None:
    """Eight steps of 0.3 s CPU each exceed the per-process CPU limit of a case.

    One process serves every step, so its CPU limit must cover the whole run
    while each step keeps its own time limit.
    """
    source = (
        "import time\n"
        "from flask import Flask\n"
        "app = Flask(__name__)\n"
        "@app.get('/work')\n"
        "def work():\n"
        "    end = time.process_time() + 0.3\n"
        "    while time.process_time() < end:\n"
        "        pass\n"
        "    return 'done'\n"
    )
    spec = {
        "steps": [
            {"name": f"work {index}", "path": "/work", "expect": {"body": "done"}}
            for index in range(8)
        ],
        # A case's CPU limit is int(case_time_s) + 1 = 2 s, below 8 * 0.3 s.
        "limits": {"case_time_s": 1.5, "wall_time_s": 20.0},
    }

    result = grade(KIND, spec, source)

    assert result.verdict == Verdict.PASSED, result.feedback
