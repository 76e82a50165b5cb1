"""Gradewell's own Prometheus metrics, and the files that hold them.

Every web and worker process writes its samples to files in
``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's multiprocess mode, set up
in settings), and ``/metrics`` on the web process adds them up. That works
for processes on one machine that share the folder only.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import structlog
from prometheus_client import Counter, Histogram, multiprocess

from graders.sandbox import events

logger = structlog.get_logger(__name__)

# Answer graders take milliseconds; code graders run for up to the hard time
# limit of 150 s.
GRADING_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 150)
SANDBOX_START_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30)

SUBMISSIONS_RECEIVED = Counter(
    "gradewell_submissions_received",
    "Submissions stored and queued for grading, by exercise kind.",
    ["kind"],
)
GRADINGS_FINISHED = Counter(
    "gradewell_gradings_finished",
    "Gradings that stored a result or ended in error, by exercise kind and "
    "verdict (internal_error for a grading that failed).",
    ["kind", "verdict"],
)
GRADING_DURATION = Histogram(
    "gradewell_grading_duration_seconds",
    "Seconds the grader took for each stored result, by exercise kind.",
    ["kind"],
    buckets=GRADING_BUCKETS,
)
SANDBOX_START = Histogram(
    "gradewell_sandbox_start_seconds",
    "Seconds of each sandbox run outside the harness's own timing: creating, "
    "starting and removing the container or process.",
    ["backend"],
    buckets=SANDBOX_START_BUCKETS,
)
SANDBOX_FAILURES = Counter(
    "gradewell_sandbox_failures",
    "Sandbox runs that failed for an infrastructure reason: unavailable (the "
    "backend could not run code) or bad_report (no usable harness report).",
    ["backend", "reason"],
)


def record_submission_received(kind: str) -> None:
    SUBMISSIONS_RECEIVED.labels(kind=kind).inc()


def record_grading_finished(kind: str, verdict: str, seconds: float | None) -> None:
    """Count a finished grading; ``seconds`` is None for one that failed."""
    GRADINGS_FINISHED.labels(kind=kind, verdict=verdict).inc()
    if seconds is not None:
        GRADING_DURATION.labels(kind=kind).observe(seconds)


class _SandboxMetrics:
    """Records the code graders' sandbox runs (see graders.sandbox.events)."""

    def run_finished(self, backend: str, start_seconds: float) -> None:
        SANDBOX_START.labels(backend=backend).observe(start_seconds)

    def run_failed(self, backend: str, reason: str) -> None:
        SANDBOX_FAILURES.labels(backend=backend, reason=reason).inc()


_SANDBOX_LISTENER = _SandboxMetrics()
events.add_listener(_SANDBOX_LISTENER)


# Multiprocess files -------------------------------------------------------

# prometheus_client names each file after its metric type and the pid that
# wrote it, such as counter_1234.db or gauge_livesum_1234.db.
_FILE_PID = re.compile(r"_(\d+)\.db$")


def remove_dead_process_files(folder: Path | None = None) -> int:
    """Delete the sample files of processes that no longer run; return how many.

    Without this, a new process that gets a pid of an earlier run would add
    to that run's totals. Removing a dead process's counters lowers the sums,
    which Prometheus treats as a counter reset.

    NOTE: a pid is checked on this machine only; a folder shared with other
    machines or containers would lose their live files.
    """
    folder = folder or _multiprocess_folder()
    if folder is None:
        return 0
    removed = 0
    for path in folder.glob("*.db"):
        match = _FILE_PID.search(path.name)
        if match is None or _process_alive(int(match.group(1))):
            continue
        path.unlink(missing_ok=True)
        removed += 1
    if removed:
        logger.info("stale metric files removed", count=removed, folder=str(folder))
    return removed


def mark_process_dead(pid: int) -> None:
    """Drop the live gauge samples of ``pid``; its counters stay in the sums."""
    if _multiprocess_folder() is not None:
        multiprocess.mark_process_dead(pid)


def _multiprocess_folder() -> Path | None:
    value = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(value) if value else None


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
