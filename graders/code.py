"""Graders for Python code: ``python_function`` and ``python_program``.

The answer is the source text. It runs in a sandbox (``graders.sandbox``)
on the inputs of every case; the expected values stay in the worker, which
compares the results here. Each hidden case earns its share of the points
by weight; samples are run and shown but not scored. The grading section
is described in ``graders.code_spec``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from graders.base import (
    Check,
    GradeResult,
    GradingContext,
    InfrastructureError,
    Verdict,
    invalid_answer_result,
)
from graders.code_compare import Difference, compare_output, compare_values
from graders.code_spec import (
    DEFAULT_TOLERANCE,
    CodeCase,
    load_cases,
    output_rules,
    spec_limits,
    validate_spec,
)
from graders.harness import protocol
from graders.registry import register
from graders.sandbox import (
    CaseResult,
    HarnessInput,
    Limits,
    SandboxResult,
    events,
    get_sandbox,
)
from graders.sandbox.base import LABEL_SUBMISSION

logger = logging.getLogger(__name__)

# Larger answers are rejected before anything runs.
MAX_SOURCE_BYTES = 64 * 1024
LABEL_EXERCISE = "gradewell.exercise"
_MESSAGE_CHARS = 4000

_STATUS_VERDICTS = {
    protocol.STATUS_TIMEOUT: Verdict.TIME_LIMIT_EXCEEDED,
    protocol.STATUS_NOT_RUN: Verdict.TIME_LIMIT_EXCEEDED,
    protocol.STATUS_MEMORY: Verdict.MEMORY_LIMIT_EXCEEDED,
    protocol.STATUS_OUTPUT_LIMIT: Verdict.OUTPUT_LIMIT_EXCEEDED,
}
_STATUS_MESSAGES = {
    protocol.STATUS_TIMEOUT: "exceeded the time limit of {limit} s",
    protocol.STATUS_NOT_RUN: "not run: the time limit of the whole run was used up",
    protocol.STATUS_MEMORY: "exceeded the memory limit",
    protocol.STATUS_OUTPUT_LIMIT: "printed more than the limit of {output} bytes",
}


class CodeGrader:
    """Shared flow of both code graders; subclasses set the mode and comparison."""

    kind = ""
    mode = ""

    def validate_spec(self, spec: dict[str, Any]) -> list[str]:
        return validate_spec(spec, self.mode)

    def answer_error(self, answer: Any) -> str | None:
        return source_answer_error(answer)

    def grade(self, context: GradingContext, answer: Any) -> GradeResult:
        rejected = reject_source(context, answer)
        if rejected is not None:
            return rejected

        cases = load_cases(context.spec, context.params, self.mode)
        limits = spec_limits(context.spec)
        harness_input = HarnessInput(
            mode=self.mode,
            cases=[case.harness_case for case in cases],
            function=context.spec.get("function", ""),
        )
        labels = {LABEL_SUBMISSION: context.submission_id, LABEL_EXERCISE: context.slug}
        try:
            sandbox = get_sandbox()
        except InfrastructureError:
            events.notify_run_failed("none", "unavailable")
            raise
        logger.info(
            "code run starting submission_id=%s exercise=%s backend=%s cases=%d",
            context.submission_id,
            context.slug,
            sandbox.name,
            len(cases),
        )
        started = time.monotonic()
        try:
            result = sandbox.run(answer, harness_input, limits, labels)
        except InfrastructureError:
            events.notify_run_failed(sandbox.name, "unavailable")
            raise
        elapsed = time.monotonic() - started
        logger.info(
            "code run finished submission_id=%s exercise=%s duration_s=%.3f "
            "exit_code=%s container_id=%s",
            context.submission_id,
            context.slug,
            result.duration_s,
            result.exit_code,
            result.container_id[:12],
        )
        if result.report is not None:
            # NOTE: this includes removing the sandbox, because the backends
            # do not time their start on its own.
            start_seconds = max(elapsed - result.report.duration_s, 0.0)
            events.notify_run_finished(sandbox.name, start_seconds)
        try:
            return self._assemble(context, cases, result, limits)
        except InfrastructureError:
            events.notify_run_failed(sandbox.name, "bad_report")
            raise

    def compare(
        self, context: GradingContext, case: CodeCase, outcome: CaseResult
    ) -> Difference | None:
        """Return how the case's output differs from the expected one, or None."""
        raise NotImplementedError

    def _assemble(
        self,
        context: GradingContext,
        cases: list[CodeCase],
        result: SandboxResult,
        limits: Limits,
    ) -> GradeResult:
        report = result.report
        if report is None:
            outcomes = [_whole_run_outcome(result, context)] * len(cases)
        elif report.status == protocol.REPORT_SYNTAX_ERROR:
            return _syntax_error(context, result)
        elif report.status != protocol.REPORT_OK or len(report.cases) != len(cases):
            # The sandbox ran, so a broken report comes from the only untrusted
            # code in it: the student's, which signalled or damaged the
            # harness. It is the answer's failure, not the platform's.
            problem = report.error or f"{len(report.cases)} results for {len(cases)}"
            outcomes = [_disrupted_outcome(result, context, problem)] * len(cases)
        else:
            outcomes = report.cases

        hidden_weight = sum(case.weight for case in cases if case.hidden)
        checks = []
        for case, outcome in zip(cases, outcomes, strict=True):
            verdict, message = self._judge(context, case, outcome, result, limits)
            max_score = (
                context.points * case.weight / hidden_weight if case.hidden else 0
            )
            passed = verdict == Verdict.PASSED
            checks.append(
                Check(
                    name=case.name,
                    passed=passed,
                    message=_printable(message),
                    score=max_score if passed else 0.0,
                    max_score=max_score,
                    verdict=verdict,
                )
            )
        return _result(context, cases, checks, result)

    def _judge(
        self,
        context: GradingContext,
        case: CodeCase,
        outcome: CaseResult,
        result: SandboxResult,
        limits: Limits,
    ) -> tuple[Verdict, str]:
        status = outcome.status
        if status in _STATUS_VERDICTS:
            template = _STATUS_MESSAGES[status]
            message = template.format(
                limit=limits.case_time_s, output=limits.output_bytes
            )
            return _STATUS_VERDICTS[status], message
        if status == protocol.STATUS_EXCEPTION:
            text = (
                outcome.traceback
                or f"{outcome.exception_type}: {outcome.exception_message}"
            )
            return Verdict.RUNTIME_ERROR, text
        if status == protocol.STATUS_EXIT:
            stderr = outcome.stderr.with_note()
            return (
                Verdict.RUNTIME_ERROR,
                f"exited with status {outcome.exit_code}\n{stderr}",
            )
        if status == protocol.STATUS_KILLED:
            if result.killed_for_memory:
                return Verdict.MEMORY_LIMIT_EXCEEDED, "exceeded the memory limit"
            return Verdict.RUNTIME_ERROR, f"killed by signal {outcome.signal}"
        if status != protocol.STATUS_OK:
            # An invalid or unknown result can only come from the student's
            # own process, so it is the answer's failure, never the platform's.
            return Verdict.RUNTIME_ERROR, "the program ended without reporting a result"

        try:
            difference = self.compare(context, case, outcome)
        except (ArithmeticError, ValueError, TypeError, RecursionError) as error:
            # Values such as 10**400 cannot become floats; the answer is wrong.
            return Verdict.WRONG_ANSWER, f"the result cannot be compared: {error}"
        if difference is None:
            return Verdict.PASSED, ""
        return Verdict.WRONG_ANSWER, _difference_message(case, difference)


def source_answer_error(answer: Any) -> str | None:
    """Return why ``answer`` is not source text, for the API's 400, or None."""
    if not isinstance(answer, str):
        return "must be Python source code, as a string"
    return None


def reject_source(context: GradingContext, answer: str) -> GradeResult | None:
    """Return the invalid-answer result for unusable source, before any run."""
    rejection = _check_source(answer)
    if not rejection:
        return None
    logger.info(
        "source rejected submission_id=%s exercise=%s kind=%s reason=%s",
        context.submission_id,
        context.slug,
        context.kind,
        rejection,
    )
    return invalid_answer_result(context, rejection, check_name="source")


@register("python_function")
class PythonFunctionGrader(CodeGrader):
    """Calls the named function on each case's arguments and checks the value."""

    mode = protocol.MODE_FUNCTION

    def compare(
        self, context: GradingContext, case: CodeCase, outcome: CaseResult
    ) -> Difference | None:
        tolerance = context.spec.get("tolerance", DEFAULT_TOLERANCE)
        return compare_values(outcome.value, case.expected, tolerance)


@register("python_program")
class PythonProgramGrader(CodeGrader):
    """Runs the program on each case's stdin and checks what it prints."""

    mode = protocol.MODE_PROGRAM

    def compare(
        self, context: GradingContext, case: CodeCase, outcome: CaseResult
    ) -> Difference | None:
        if outcome.stdout.truncated:
            return Difference("the output", "", "output cut at the output limit")
        return compare_output(
            outcome.stdout.text, case.expected, output_rules(context.spec)
        )


def _check_source(answer: Any) -> str:
    if not isinstance(answer, str):
        return "The answer must be Python source text."
    size = len(answer.encode("utf-8", "surrogatepass"))
    if size > MAX_SOURCE_BYTES:
        return (
            f"The source is {size} bytes; the maximum is {MAX_SOURCE_BYTES} bytes. "
            "Submit only your solution."
        )
    if not answer.strip():
        return "The source is empty."
    return ""


def _whole_run_outcome(result: SandboxResult, context: GradingContext) -> CaseResult:
    """Return the outcome every case gets when the sandbox died without a report."""
    if result.killed_for_wall_time:
        return CaseResult(status=protocol.STATUS_NOT_RUN)
    if result.killed_for_memory:
        return CaseResult(status=protocol.STATUS_MEMORY)
    if result.killed_for_output:
        return CaseResult(status=protocol.STATUS_OUTPUT_LIMIT)
    return _disrupted_outcome(result, context, result.report_problem)


def _disrupted_outcome(
    result: SandboxResult, context: GradingContext, problem: str
) -> CaseResult:
    """Return the runtime-error outcome of a run whose harness report was lost.

    The container ran to its end, so only the student's code could have
    killed, signalled or confused the harness. Charging it to the
    platform would retry it and hand the attempt back every time.
    """
    logger.warning(
        "code run without usable report submission_id=%s exercise=%s problem=%s "
        "exit_code=%s stderr=%r",
        context.submission_id,
        context.slug,
        problem,
        result.exit_code,
        result.stderr.text[-2000:],
    )
    # Operators still count these: a sudden rise can also mean a harness bug.
    events.notify_run_failed(result.backend, "bad_report")
    return CaseResult(
        status=protocol.STATUS_EXCEPTION,
        exception_type="HarnessDisrupted",
        exception_message=(
            "your program stopped the grading harness from reporting results "
            "(for example by signalling it or changing its files)"
        ),
    )


def _difference_message(case: CodeCase, difference: Difference) -> str:
    where = f" at {difference.where}" if difference.where else ""
    if case.hidden:
        # Hidden cases never show the expected value.
        # NOTE: the value returned, tracebacks and stderr are shown, so a
        # student can print a hidden case's inputs; no setting hides them yet.
        return f"wrong result{where}: got {difference.actual}"
    return (
        f"wrong result{where}: expected {difference.expected}, got {difference.actual}"
    )


def _syntax_error(context: GradingContext, result: SandboxResult) -> GradeResult:
    assert result.report is not None and result.report.syntax_error is not None
    error = result.report.syntax_error
    message = f"line {error.line}: {error.message}"
    if error.text:
        message += f"\n    {error.text.strip()}"
    check = Check(
        name="syntax",
        passed=False,
        message=_printable(message),
        max_score=context.points,
        verdict=Verdict.SYNTAX_ERROR,
    )
    return GradeResult(
        score=0.0,
        max_score=context.points,
        verdict=Verdict.SYNTAX_ERROR,
        checks=[check],
        feedback=_printable(f"Syntax error: {message}"),
        details=_details(result),
    )


def _result(
    context: GradingContext,
    cases: list[CodeCase],
    checks: list[Check],
    result: SandboxResult,
) -> GradeResult:
    scored = [check for case, check in zip(cases, checks, strict=True) if case.hidden]
    return summarize_checks(context, scored, checks, result, "tests")


def summarize_checks(
    context: GradingContext,
    scored: list[Check],
    checks: list[Check],
    result: SandboxResult,
    noun: str,
) -> GradeResult:
    """Build the result from the scored checks, naming the first failing one.

    ``checks`` may include unscored ones (samples), shown but not counted.
    """
    passed = [check for check in scored if check.passed]
    if len(passed) == len(scored):
        verdict = Verdict.PASSED
    elif passed:
        verdict = Verdict.PARTIAL
    else:
        failed = next(check for check in scored if not check.passed)
        verdict = failed.verdict or Verdict.WRONG_ANSWER
    feedback = f"{len(passed)} of {len(scored)} {noun} passed."
    first_failure = next((check for check in checks if not check.passed), None)
    if first_failure:
        feedback += f" {first_failure.name}: {_summary_line(first_failure.message)}"
    score = round(sum(check.score for check in scored), 4)
    return GradeResult(
        score=min(score, context.points),
        max_score=context.points,
        verdict=verdict,
        checks=checks,
        feedback=_printable(feedback),
        details=_details(result),
    )


def _details(result: SandboxResult) -> dict[str, Any]:
    return {
        "backend": result.backend,
        "container_id": result.container_id,
        "duration_s": round(result.duration_s, 3),
        "exit_code": result.exit_code,
    }


def _printable(text: str) -> str:
    """Return ``text`` cut to a stored length, without NUL or lone surrogates.

    PostgreSQL's text and jsonb columns reject both, and a student's output
    or traceback may contain them.
    """
    text = text.replace("\0", "\\0")
    text = text.encode("utf-8", "replace").decode("utf-8")
    if len(text) > _MESSAGE_CHARS:
        text = text[:_MESSAGE_CHARS] + "\n[cut]"
    return text


def _summary_line(message: str) -> str:
    """Return the line of a check's message that names what went wrong.

    A traceback starts with "Traceback (most recent call last):" and ends
    with the exception, so its last line is the one worth showing.
    """
    lines = [line for line in message.splitlines() if line.strip()]
    if not lines:
        return ""
    if lines[0].startswith("Traceback"):
        return lines[-1].strip()
    return lines[0]
