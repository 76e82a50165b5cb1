"""Liveness and readiness endpoints for process supervisors and load balancers.

``/healthz`` only reports that the process serves requests. ``/readyz`` also checks
the database, the Celery broker and the sandbox backend, and answers 503
naming the parts that failed, so a load balancer stops sending traffic to
an instance that could not grade.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from django.db import connection
from django.http import HttpRequest, JsonResponse

from graders.sandbox.factory import sandbox_status
from gradewell import broker
from gradewell.conf import gradewell_setting

logger = structlog.get_logger(__name__)

_DETAIL_CHARS = 300


def healthz(request: HttpRequest) -> JsonResponse:
    """Report that the process serves requests; checks no dependency."""
    return JsonResponse({"status": "ok"})


def check_database() -> str:
    """Run a trivial query; raises the driver's error when it fails."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return f"{connection.vendor} answered"


def check_broker() -> str:
    """Connect to the broker within the probe timeout; raises when it fails."""
    timeout = gradewell_setting("BROKER_PROBE_TIMEOUT")
    broker.check_broker(timeout)
    return f"connected within {timeout} s"


def readyz(request: HttpRequest) -> JsonResponse:
    """Check every dependency; 200 when all are up, else 503 naming the failing."""
    checks: dict[str, dict[str, Any]] = {
        "database": _run_check("database", check_database),
        "broker": _run_check("broker", check_broker),
    }
    # NOTE: with the Docker backend this waits for the engine's answer, up
    # to the Docker client's 60 s API timeout when the engine hangs.
    sandbox = sandbox_status()
    checks["sandbox"] = {
        "ok": sandbox.available,
        "backend": sandbox.backend,
        "detail": sandbox.detail,
    }
    failing = [name for name, check in checks.items() if not check["ok"]]
    if failing:
        logger.warning("readiness check failed", failing=failing)
    body = {
        "status": "unavailable" if failing else "ready",
        "failing": failing,
        "checks": checks,
    }
    return JsonResponse(body, status=503 if failing else 200)


def _run_check(name: str, check: Callable[[], str]) -> dict[str, Any]:
    try:
        detail = check()
    except Exception as exc:  # Drivers and transports raise their own errors.
        logger.warning("dependency unreachable", dependency=name, error=repr(exc))
        detail = f"{type(exc).__name__}: {exc}"[:_DETAIL_CHARS]
        return {"ok": False, "detail": detail}
    return {"ok": True, "detail": detail}
