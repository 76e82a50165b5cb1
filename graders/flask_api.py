"""Grader for a student's Flask REST API: ``python_flask_api``.

The answer is the source of a module that defines a Flask app. The sandbox
runs the exercise's request script against it with Flask's test client
(harness mode ``http``) and reports each response. The expectations stay
in the worker, which checks each response here: every step is one check,
worth its share of the points by weight. The grading section is described
in ``graders.flask_api_spec``.
"""

from __future__ import annotations

import http
import logging
import re
from collections.abc import Mapping
from typing import Any

from exercises.variants import render
from graders.base import (
    Check,
    GradeResult,
    GradingContext,
    InfrastructureError,
    Verdict,
)
from graders.code import (
    LABEL_EXERCISE,
    _printable,
    _syntax_error,
    _whole_run_outcome,
    reject_source,
    source_answer_error,
    summarize_checks,
)
from graders.code_compare import compare_values, shown_value
from graders.code_spec import spec_limits
from graders.flask_api_spec import ApiStep, load_steps, validate_spec
from graders.harness import protocol, steps
from graders.registry import register
from graders.sandbox import CaseResult, HarnessCase, HarnessInput, Limits, get_sandbox
from graders.sandbox.base import LABEL_SUBMISSION
from graders.sandbox.results import SandboxResult

logger = logging.getLogger(__name__)

_JSON_TOLERANCE = 1e-9
_STATUS_VERDICTS = {
    protocol.STATUS_TIMEOUT: Verdict.TIME_LIMIT_EXCEEDED,
    protocol.STATUS_MEMORY: Verdict.MEMORY_LIMIT_EXCEEDED,
    protocol.STATUS_OUTPUT_LIMIT: Verdict.OUTPUT_LIMIT_EXCEEDED,
}
_STATUS_MESSAGES = {
    protocol.STATUS_TIMEOUT: "no response within the time limit of {limit} s",
    protocol.STATUS_MEMORY: "exceeded the memory limit",
    protocol.STATUS_OUTPUT_LIMIT: "printed more than the limit of {output} bytes",
}


@register("python_flask_api")
class FlaskApiGrader:
    """Sends the exercise's requests to the student's Flask app, step by step."""

    kind = ""

    def validate_spec(self, spec: dict[str, Any]) -> list[str]:
        return validate_spec(spec)

    def answer_error(self, answer: Any) -> str | None:
        return source_answer_error(answer)

    def grade(self, context: GradingContext, answer: Any) -> GradeResult:
        rejected = reject_source(context, answer)
        if rejected is not None:
            return rejected

        script = load_steps(context.spec, context.params)
        limits = spec_limits(context.spec)
        harness_input = HarnessInput(
            mode=protocol.MODE_HTTP,
            cases=[HarnessCase(step=step.request) for step in script],
            app=context.spec.get("app", "app"),
        )
        labels = {LABEL_SUBMISSION: context.submission_id, LABEL_EXERCISE: context.slug}
        sandbox = get_sandbox()
        logger.info(
            "flask api run starting submission_id=%s exercise=%s backend=%s steps=%d",
            context.submission_id,
            context.slug,
            sandbox.name,
            len(script),
        )
        result = sandbox.run(answer, harness_input, limits, labels)
        logger.info(
            "flask api run finished submission_id=%s exercise=%s duration_s=%.3f "
            "exit_code=%s container_id=%s",
            context.submission_id,
            context.slug,
            result.duration_s,
            result.exit_code,
            result.container_id[:12],
        )
        return _assemble(context, script, result, limits)


def _assemble(
    context: GradingContext,
    script: list[ApiStep],
    result: SandboxResult,
    limits: Limits,
) -> GradeResult:
    report = result.report
    if report is None:
        outcomes = [_whole_run_outcome(result, context)] * len(script)
    elif report.status == protocol.REPORT_SYNTAX_ERROR:
        return _syntax_error(context, result)
    elif report.status != protocol.REPORT_OK:
        raise InfrastructureError(f"sandbox harness failed: {report.error}")
    elif len(report.cases) != len(script):
        raise InfrastructureError(
            f"sandbox harness reported {len(report.cases)} steps for {len(script)}"
        )
    else:
        outcomes = report.cases

    total_weight = sum(step.weight for step in script)
    captures: dict[str, Any] = {}
    verdicts: list[Verdict] = []
    checks = []
    for step, outcome in zip(script, outcomes, strict=True):
        message = _request_line(step, captures)
        verdict, problem = _judge(step, outcome, captures, script, verdicts, limits)
        if outcome.status == protocol.STATUS_KILLED and result.killed_for_memory:
            verdict = Verdict.MEMORY_LIMIT_EXCEEDED
            problem = "exceeded the memory limit"
        if verdict != Verdict.PASSED:
            message += f": {problem}"
            if step.feedback:
                message += "\n" + _render_feedback(step.feedback, context.params)
        if outcome.response is not None:
            rules = step.request.get("capture", {})
            captures.update(steps.capture_values(rules, outcome.response))
        verdicts.append(verdict)

        max_score = context.points * step.weight / total_weight
        passed = verdict == Verdict.PASSED
        checks.append(
            Check(
                name=step.name,
                passed=passed,
                message=_printable(message),
                score=max_score if passed else 0.0,
                max_score=max_score,
                verdict=verdict,
            )
        )
    return summarize_checks(context, checks, checks, result, "requests")


def _judge(
    step: ApiStep,
    outcome: CaseResult,
    captures: dict[str, Any],
    script: list[ApiStep],
    verdicts: list[Verdict],
    limits: Limits,
) -> tuple[Verdict, str]:
    """Return the step's verdict and what to tell the student about it."""
    status = outcome.status
    if status in _STATUS_VERDICTS:
        message = _STATUS_MESSAGES[status].format(
            limit=limits.case_time_s, output=limits.output_bytes
        )
        message += "; the app was stopped"
        return _STATUS_VERDICTS[status], message
    if status == protocol.STATUS_NOT_RUN:
        return _not_run(outcome, script, verdicts)
    if status == protocol.STATUS_EXCEPTION:
        text = (
            outcome.traceback
            or f"{outcome.exception_type}: {outcome.exception_message}"
        )
        return Verdict.RUNTIME_ERROR, f"raised an exception\n{text}"
    if status == protocol.STATUS_KILLED:
        return Verdict.RUNTIME_ERROR, f"the app was killed by signal {outcome.signal}"
    if status != protocol.STATUS_OK or outcome.response is None:
        # Only the student's own process can produce an invalid result.
        return Verdict.RUNTIME_ERROR, "the app ended without returning a response"

    response = outcome.response
    found = steps.capture_values(step.request.get("capture", {}), response)
    problems = response_problems(step.expect, response, {**captures, **found})
    if not problems:
        return Verdict.PASSED, ""
    return Verdict.WRONG_ANSWER, "\n".join(problems)


def response_problems(
    expect: Mapping[str, Any], response: dict[str, Any], captures: dict[str, Any]
) -> list[str]:
    """Return what differs between ``response`` and ``expect``, empty if nothing.

    Captured values are filled into ``expect`` first; an expectation that
    needs a value no step captured fails with a message saying so.
    """
    try:
        expect = _fill_expect(expect, captures)
    except steps.MissingCaptureError as error:
        return [f"cannot check: no earlier step returned the value {error.args[0]!r}"]

    problems = []
    if "status" in expect and response["status"] != expect["status"]:
        problems.append(
            f"expected status {_status_text(expect['status'])}, "
            f"got {_status_text(response['status'])}"
        )
    problems += _header_problems(expect["headers"], response)
    if "body" in expect and response["body"] != expect["body"]:
        problems.append(
            f"expected the body {shown_value(expect['body'])}, "
            f"got {shown_value(response['body'])}"
        )
    json_keys = ("json", "json_contains", "json_keys")
    if any(key in expect for key in json_keys):
        problems += _json_problems(expect, response)
    return problems


def _fill_expect(expect: Mapping[str, Any], captures: dict[str, Any]) -> dict[str, Any]:
    """Fill captured values in; in header patterns they match literally."""
    filled: dict[str, Any] = {}
    for key, value in expect.items():
        if key != "headers":
            filled[key] = steps.fill(value, captures)
    filled["headers"] = {}
    for name, pattern in expect.get("headers", {}).items():
        if pattern is not None:
            pattern = steps.fill_text(pattern, captures, escape=True)
        filled["headers"][name] = pattern
    return filled


def _header_problems(
    patterns: dict[str, str | None], response: dict[str, Any]
) -> list[str]:
    problems = []
    for name, pattern in patterns.items():
        value = steps.header_value(response, name)
        if pattern is None:
            if value is not None:
                problems.append(f"expected no {name} header, got {shown_value(value)}")
        elif value is None:
            problems.append(f"the {name} header is missing")
        elif not re.fullmatch(pattern, value):
            problems.append(
                f"the {name} header is {shown_value(value)}, which does not match "
                f"{shown_value(pattern)}"
            )
    return problems


def _json_problems(expect: Mapping[str, Any], response: dict[str, Any]) -> list[str]:
    is_json, body = steps.parse_json_body(response)
    if not is_json:
        if response["body_truncated"]:
            return [f"the body ({response['body_bytes']} bytes) is too long to check"]
        return [f"the body is not JSON: {shown_value(response['body'])}"]

    problems = []
    if "json" in expect:
        difference = compare_values(body, expect["json"], _JSON_TOLERANCE)
        if difference:
            problems.append(
                _difference_text(
                    difference.where, difference.expected, difference.actual
                )
            )
    if "json_contains" in expect:
        problem = _subset_problem(body, expect["json_contains"], "")
        if problem:
            problems.append(problem)
    missing = [key for key in expect.get("json_keys", []) if not _has_key(body, key)]
    if missing:
        problems.append(
            f"expected a JSON object with the keys {', '.join(missing)}, "
            f"got {shown_value(body)}"
        )
    return problems


def _subset_problem(actual: Any, expected: Any, where: str) -> str:
    """Compare, letting objects in ``actual`` have keys ``expected`` leaves out."""
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return _difference_text(where, "a JSON object", shown_value(actual))
        for key, wanted in expected.items():
            if key not in actual:
                return f"the JSON body has no key {key!r}" + (
                    f" at {where}" if where else ""
                )
            problem = _subset_problem(actual[key], wanted, f"{where}[{key!r}]")
            if problem:
                return problem
        return ""
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return _difference_text(
                where, f"a list of {len(expected)} items", shown_value(actual)
            )
        for index, (item, wanted) in enumerate(zip(actual, expected, strict=True)):
            problem = _subset_problem(item, wanted, f"{where}[{index}]")
            if problem:
                return problem
        return ""
    difference = compare_values(actual, expected, _JSON_TOLERANCE)
    if difference:
        return _difference_text(where, difference.expected, difference.actual)
    return ""


def _not_run(
    outcome: CaseResult, script: list[ApiStep], verdicts: list[Verdict]
) -> tuple[Verdict, str]:
    reason = outcome.not_run_reason
    if reason == protocol.NOT_RUN_APP_STOPPED and outcome.stopped_at is not None:
        stopper = script[outcome.stopped_at].name
        verdict = verdicts[outcome.stopped_at]
        return verdict, f"not run: the app stopped at the step {stopper!r}"
    if reason == protocol.NOT_RUN_MISSING_CAPTURE:
        name = outcome.missing_capture
        source = next((step.name for step in script if name in step.captures), "?")
        return (
            Verdict.WRONG_ANSWER,
            f"not run: it needs the value {name!r} from the response to the step "
            f"{source!r}, which did not contain it",
        )
    return (
        Verdict.TIME_LIMIT_EXCEEDED,
        "not run: the time limit of the whole run was used up",
    )


def _request_line(step: ApiStep, captures: dict[str, Any]) -> str:
    """Return the request as sent, such as ``GET /books/3``."""
    try:
        path = steps.fill_text(step.request["path"], captures)
    except steps.MissingCaptureError:
        path = step.request["path"]
    return f"{step.request['method']} {path}"


def _status_text(code: int) -> str:
    try:
        return f"{code} {http.HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def _difference_text(where: str, expected: str, actual: str) -> str:
    place = f" at {where}" if where else ""
    return f"the JSON body differs{place}: expected {expected}, got {actual}"


def _has_key(body: Any, key: str) -> bool:
    return isinstance(body, Mapping) and key in body


def _render_feedback(text: str, params: dict[str, Any]) -> str:
    """Fill the variant's values into a step's feedback, as in the statement."""
    try:
        return render(text, params)
    except (KeyError, ValueError, TypeError):
        return text
