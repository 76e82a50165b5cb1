"""The /metrics endpoint: access rules, pipeline metrics and worker samples."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.test import APIClient

from graders.base import GradingContext, Verdict
from graders.code import PythonFunctionGrader
from graders.harness import protocol
from graders.sandbox import (
    CaseResult,
    HarnessReport,
    SandboxResult,
    SandboxUnavailableError,
)
from gradewell.conf import DEFAULTS
from gradewell.courses.models import Assignment
from gradewell.metrics import remove_dead_process_files
from gradewell.submissions.models import Status
from gradewell.submissions.tasks import grade_submission
from tests.pipeline.test_worker_grading import FINISHED, submit, wait_for_status
from tests.support.worker import WorkerProcess

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"
FUNCTION_SPEC = {
    "function": "speedup",
    "cases": [{"name": "even", "args": [12, 4], "expected": 3.0}],
}


def scrape(client: Client | None = None, **headers: str) -> str:
    response = (client or Client()).get("/metrics", **headers)
    assert response.status_code == 200, response.content
    return response.content.decode()


def sample(text: str, name: str, **labels: str) -> float:
    """Return the value of the sample ``name`` with ``labels``, or 0 if absent."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return found.value
    return 0.0


def sample_names(text: str) -> set[str]:
    return {
        found.name
        for family in text_string_to_metric_families(text)
        for found in family.samples
    }


def metrics_settings(**values: object) -> dict[str, object]:
    return {**DEFAULTS, **values}


@pytest.mark.django_db
def test_metrics_served_to_loopback() -> None:
    text = scrape()

    assert "django_http_requests_total_by_method_total" in sample_names(text)


@pytest.mark.django_db
def test_metrics_rejects_other_address() -> None:
    response = Client(REMOTE_ADDR="203.0.113.9").get("/metrics")

    assert response.status_code == 403


@pytest.mark.django_db
def test_metrics_allows_listed_network() -> None:
    listed = metrics_settings(METRICS_ALLOWED_IPS=["203.0.113.0/24"])

    with override_settings(GRADEWELL=listed):
        response = Client(REMOTE_ADDR="203.0.113.9").get("/metrics")

    assert response.status_code == 200


@pytest.mark.django_db
def test_metrics_token_required_when_set() -> None:
    with override_settings(GRADEWELL=metrics_settings(METRICS_TOKEN="s3cret")):
        missing = Client().get("/metrics")
        wrong = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer guess")
        basic = Client().get("/metrics", HTTP_AUTHORIZATION="Basic s3cret")
        right = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret")

    assert missing.status_code == 403
    assert wrong.status_code == 403
    assert basic.status_code == 403
    assert right.status_code == 200


@pytest.mark.django_db
def test_metrics_token_needs_allowed_address() -> None:
    with override_settings(GRADEWELL=metrics_settings(METRICS_TOKEN="s3cret")):
        response = Client(REMOTE_ADDR="203.0.113.9").get(
            "/metrics", HTTP_AUTHORIZATION="Bearer s3cret"
        )

    assert response.status_code == 403


@pytest.mark.django_db
def test_queue_depth_counts_waiting_messages() -> None:
    queues = {"default": "metrics-depth-test"}

    with override_settings(GRADEWELL=metrics_settings(GRADING_QUEUES=queues)):
        before = sample(scrape(), "gradewell_queue_depth", queue="metrics-depth-test")
        # No worker consumes this queue, so the message stays waiting.
        grade_submission.apply_async(args=["no-such-id"], queue="metrics-depth-test")
        after = sample(scrape(), "gradewell_queue_depth", queue="metrics-depth-test")

    assert after == before + 1


@pytest.mark.django_db
def test_queue_depth_absent_when_broker_unreachable() -> None:
    with override_settings(CELERY_BROKER_URL=UNREACHABLE_BROKER):
        text = scrape()

    assert "gradewell_queue_depth" not in sample_names(text)
    assert "django_http_requests_total_by_method_total" in sample_names(text)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_grading_appears_in_metrics(
    celery_worker_process: WorkerProcess,
    student_client: APIClient,
    assignment: Assignment,
) -> None:
    labels = {"kind": "single_choice", "verdict": "passed"}
    before = scrape()

    submission_id = submit(student_client, "test-status-created", "s201")
    submission = wait_for_status(submission_id, FINISHED)
    after = scrape()

    assert submission.status == Status.GRADED, celery_worker_process.log_tail()
    finished = "gradewell_gradings_finished_total"
    assert sample(after, finished, **labels) == sample(before, finished, **labels) + 1
    durations = "gradewell_grading_duration_seconds_count"
    assert (
        sample(after, durations, kind="single_choice")
        == sample(before, durations, kind="single_choice") + 1
    )
    received = "gradewell_submissions_received_total"
    assert (
        sample(after, received, kind="single_choice")
        == sample(before, received, kind="single_choice") + 1
    )


class FakeSandbox:
    name = "fake"

    def __init__(
        self, error: Exception | None = None, with_report: bool = True
    ) -> None:
        self.error = error
        self.with_report = with_report

    def run(self, *args: object) -> SandboxResult:
        if self.error is not None:
            raise self.error
        if not self.with_report:
            return SandboxResult(backend=self.name, report=None, exit_code=1)
        report = HarnessReport(
            status=protocol.REPORT_OK,
            cases=[CaseResult(status=protocol.STATUS_OK, value=3.0)],
            duration_s=0.0,
        )
        return SandboxResult(backend=self.name, report=report, duration_s=0.0)


def grade_with(sandbox: FakeSandbox, monkeypatch: pytest.MonkeyPatch) -> Verdict:
    monkeypatch.setattr("graders.code.get_sandbox", lambda: sandbox)
    context = GradingContext(
        slug="test-metrics-code",
        kind="python_function",
        version=1,
        points=1.0,
        spec=FUNCTION_SPEC,
        params={},
        submission_id="metrics-test",
    )
    source = "def speedup(a, b):\n    return a / b\n"
    return PythonFunctionGrader().grade(context, source).verdict


@pytest.mark.django_db
def test_sandbox_run_observes_start_time(monkeypatch: pytest.MonkeyPatch) -> None:
    before = sample(scrape(), "gradewell_sandbox_start_seconds_count", backend="fake")

    verdict = grade_with(FakeSandbox(), monkeypatch)
    after = sample(scrape(), "gradewell_sandbox_start_seconds_count", backend="fake")

    assert verdict == Verdict.PASSED
    assert after == before + 1


@pytest.mark.django_db
def test_sandbox_failure_is_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    name = "gradewell_sandbox_failures_total"
    labels = {"backend": "fake", "reason": "unavailable"}
    before = sample(scrape(), name, **labels)

    with pytest.raises(SandboxUnavailableError):
        grade_with(FakeSandbox(SandboxUnavailableError("engine down")), monkeypatch)
    after = sample(scrape(), name, **labels)

    assert after == before + 1


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.django_db
def test_sandbox_missing_report_is_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    name = "gradewell_sandbox_failures_total"
    labels = {"backend": "fake", "reason": "bad_report"}
    before = sample(scrape(), name, **labels)

    verdict = grade_with(FakeSandbox(with_report=False), monkeypatch)
    after = sample(scrape(), name, **labels)

    # The student's run lost its report: their error, but still counted.
    assert verdict == "runtime_error"
    assert after == before + 1


def test_dead_process_files_removed(tmp_path: Path) -> None:
    live_file = tmp_path / f"counter_{os.getpid()}.db"
    dead_file = tmp_path / f"counter_{dead_pid()}.db"
    live_file.touch()
    dead_file.touch()

    removed = remove_dead_process_files(tmp_path)

    assert removed == 1
    assert live_file.exists()
    assert not dead_file.exists()


@pytest.mark.worker
def test_worker_start_removes_dead_files(
    worker_env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "prometheus"
    folder.mkdir()
    dead_file = folder / f"histogram_{dead_pid()}.db"
    dead_file.touch()
    worker = WorkerProcess(
        {**worker_env, "PROMETHEUS_MULTIPROC_DIR": str(folder)},
        tmp_path / "worker.log",
    )

    worker.start()
    worker.stop()

    assert not dead_file.exists(), worker.log_tail()
