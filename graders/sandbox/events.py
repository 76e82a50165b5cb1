"""Listeners notified of each sandbox run, such as the platform's metrics.

The graders stay free of Django and of any metrics library: the platform
registers a listener when it starts, and the code graders call the
``notify_*`` functions. A listener that raises is logged and skipped, so
it can never fail a grading.
"""

from __future__ import annotations

import logging
from typing import Protocol

logger = logging.getLogger(__name__)


class SandboxListener(Protocol):
    def run_finished(self, backend: str, start_seconds: float) -> None:
        """Record a run that returned a report.

        ``start_seconds`` is the run's wall time less the time the harness
        reported for itself: creating, starting and removing the sandbox.
        """

    def run_failed(self, backend: str, reason: str) -> None:
        """Record a run that failed for an infrastructure reason."""


_listeners: list[SandboxListener] = []


def add_listener(listener: SandboxListener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def remove_listener(listener: SandboxListener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def notify_run_finished(backend: str, start_seconds: float) -> None:
    for listener in list(_listeners):
        try:
            listener.run_finished(backend, start_seconds)
        except Exception:
            logger.exception("sandbox listener failed listener=%r", listener)


def notify_run_failed(backend: str, reason: str) -> None:
    for listener in list(_listeners):
        try:
            listener.run_failed(backend, reason)
        except Exception:
            logger.exception("sandbox listener failed listener=%r", listener)
