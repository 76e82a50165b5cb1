"""The backend-neutral sandbox interface and the input it hands the harness."""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graders.base import InfrastructureError
from graders.harness import protocol
from graders.sandbox.limits import Limits
from graders.sandbox.results import SandboxResult

LABEL_SANDBOX = "gradewell.sandbox"
LABEL_SUBMISSION = "gradewell.submission"


class SandboxUnavailableError(InfrastructureError):
    """The configured backend cannot run code now (engine down, image missing)."""


class SandboxConfigurationError(InfrastructureError):
    """The sandbox settings are invalid, such as an unknown backend name."""


@dataclass(frozen=True)
class HarnessCase:
    """The inputs of one case; expected values never go into the sandbox.

    A function case uses ``args`` and ``kwargs``; a program case ``stdin``;
    an http case ``step``, one request of the script with its capture rules
    (see ``graders.harness.steps``).
    """

    args: Sequence[Any] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    stdin: str = ""
    step: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HarnessInput:
    """Input of one harness run; ``mode`` is a ``MODE_*`` value of the protocol.

    ``app`` names the Flask object of an http run.
    """

    mode: str
    cases: Sequence[HarnessCase]
    function: str = ""
    app: str = ""

    def __post_init__(self) -> None:
        modes = (protocol.MODE_FUNCTION, protocol.MODE_PROGRAM, protocol.MODE_HTTP)
        if self.mode not in modes:
            raise ValueError(f"unknown harness mode {self.mode!r}")
        if self.mode == protocol.MODE_FUNCTION and not self.function:
            raise ValueError("a function harness input needs a function name")
        if self.mode == protocol.MODE_HTTP and not self.app:
            raise ValueError("an http harness input needs the name of the app")


@dataclass(frozen=True)
class SandboxStatus:
    """The active backend and whether it can run code now, for logs and probes."""

    backend: str
    available: bool
    detail: str
    # False only when no engine answers at all; an engine that answers with
    # a missing or stale image is reachable but not available.
    reachable: bool = True


class Sandbox(abc.ABC):
    """Runs a student's source under the harness with limits, isolated from the host."""

    name: str = ""

    @abc.abstractmethod
    def run(
        self,
        source: str,
        harness_input: HarnessInput,
        limits: Limits,
        labels: Mapping[str, str],
    ) -> SandboxResult:
        """Run ``source`` on every case of ``harness_input`` in a fresh sandbox.

        ``labels`` tag the sandbox for operators (Docker labels; the local
        backend only logs them). Raises ``SandboxUnavailableError`` when the
        backend cannot run code; a student's misbehaviour never raises.
        """

    @abc.abstractmethod
    def check_available(self) -> SandboxStatus:
        """Report whether this backend can run code now, without running any."""
