"""Run untrusted student code under limits, isolated from the worker.

Backends: ``docker`` (production: a fresh locked-down container per run) and
``local`` (bubblewrap or unshare, for machines without Docker). The worker
calls ``prepare_worker_sandbox()`` once at start-up and ``get_sandbox()``
for each run; readiness checks call ``sandbox_status()``.
"""

from graders.sandbox.base import (
    HarnessCase,
    HarnessInput,
    Sandbox,
    SandboxConfigurationError,
    SandboxStatus,
    SandboxUnavailableError,
)
from graders.sandbox.factory import get_sandbox, prepare_worker_sandbox, sandbox_status
from graders.sandbox.limits import MAX_LIMITS, Limits, check_limit_overrides
from graders.sandbox.results import (
    CapturedText,
    CaseResult,
    HarnessReport,
    SandboxResult,
    SyntaxErrorInfo,
)

__all__ = [
    "MAX_LIMITS",
    "CapturedText",
    "CaseResult",
    "HarnessCase",
    "HarnessInput",
    "HarnessReport",
    "Limits",
    "Sandbox",
    "SandboxConfigurationError",
    "SandboxResult",
    "SandboxStatus",
    "SandboxUnavailableError",
    "SyntaxErrorInfo",
    "check_limit_overrides",
    "get_sandbox",
    "prepare_worker_sandbox",
    "sandbox_status",
]
