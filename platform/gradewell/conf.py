"""Gradewell's own settings, with their defaults in one place.

Read a value with ``gradewell_setting("NAME")``. A deployment or a test
changes one by putting it in ``settings.GRADEWELL``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Whether anyone may create a student account through the API.
    "SELF_SIGNUP": True,
    # Worker processes per Celery worker started by `make run`.
    "WORKER_CONCURRENCY": 2,
    # Largest answer accepted, in bytes of UTF-8 (code included): the same
    # measure the code graders apply to source, so both limits agree.
    "MAX_ANSWER_BYTES": 64 * 1024,
    # Longest Idempotency-Key header accepted, in characters.
    "MAX_IDEMPOTENCY_KEY_CHARS": 255,
    # Celery queue for each exercise kind; kinds not listed use "default".
    # Code runs on its own queue, so a burst of code submissions never
    # delays the quick answer graders.
    "GRADING_QUEUES": {
        "default": "grading",
        "python_function": "sandbox",
        "python_program": "sandbox",
        "python_flask_api": "sandbox",
    },
    # Seconds a grading may run before Celery raises SoftTimeLimitExceeded,
    # and before the worker process is killed.
    "GRADING_SOFT_TIME_LIMIT": 120,
    "GRADING_HARD_TIME_LIMIT": 150,
    # Retries of a grading that failed for an infrastructure reason, and the
    # first backoff in seconds (doubled at each retry, capped at 5 minutes).
    "GRADING_MAX_RETRIES": 5,
    "GRADING_RETRY_BACKOFF": 2,
    # A submission still queued after this many seconds, or running past the
    # hard time limit plus this margin, is re-sent by the periodic sweep...
    "STALE_QUEUED_SECONDS": 300,
    "STALE_RUNNING_MARGIN_SECONDS": 60,
    # ...at most this many times, then marked as an error.
    "MAX_REQUEUES": 3,
    # Bearer token that /metrics requires when not empty, and the client
    # addresses or networks that may read it at all.
    "METRICS_TOKEN": "",
    "METRICS_ALLOWED_IPS": ["127.0.0.1", "::1"],
    # Seconds a broker probe (for /readyz and the queue depth metric) may
    # wait to connect or for a reply.
    "BROKER_PROBE_TIMEOUT": 2.0,
}


def gradewell_setting(name: str) -> Any:
    overrides = getattr(settings, "GRADEWELL", {})
    if name in overrides:
        return overrides[name]
    return DEFAULTS[name]
