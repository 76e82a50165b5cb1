"""Results of a sandbox run: the harness's per-case results and how the run ended."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CapturedText:
    """The start of an output stream, cut at ``limit_bytes``.

    ``total_bytes`` counts everything the stream carried, including the part
    that was dropped, so a reader can tell how much is missing.
    """

    text: str = ""
    total_bytes: int = 0
    limit_bytes: int = 0

    @property
    def truncated(self) -> bool:
        return self.total_bytes > self.limit_bytes

    @property
    def note(self) -> str:
        if not self.truncated:
            return ""
        return f"[output cut at {self.limit_bytes} bytes of {self.total_bytes}]"

    def with_note(self) -> str:
        """Return the text followed by the truncation note, if any."""
        if not self.truncated:
            return self.text
        return f"{self.text}\n{self.note}"

    @classmethod
    def from_bytes(
        cls, data: bytes, total_bytes: int, limit_bytes: int
    ) -> CapturedText:
        return cls(data.decode("utf-8", "replace"), total_bytes, limit_bytes)


@dataclass(frozen=True)
class CaseResult:
    """Outcome of one case, as the harness reported it.

    ``status`` is one of the ``STATUS_*`` values of ``graders.harness.protocol``.
    ``value`` is the decoded return value of a function case; ``exit_code``
    the status a program case exited with. An http step that ran has
    ``response`` (status, reported headers, body text). One that did not run
    has ``not_run_reason`` with ``stopped_at`` (index of the step that
    stopped the app) or ``missing_capture`` (the captured value it lacked).
    """

    status: str
    duration_s: float = 0.0
    value: Any = None
    exit_code: int | None = None
    signal: int | None = None
    exception_type: str = ""
    exception_message: str = ""
    traceback: str = ""
    stdout: CapturedText = field(default_factory=CapturedText)
    stderr: CapturedText = field(default_factory=CapturedText)
    response: dict[str, Any] | None = None
    not_run_reason: str = ""
    stopped_at: int | None = None
    missing_capture: str = ""


@dataclass(frozen=True)
class SyntaxErrorInfo:
    """Location and message of a compile error; ``line`` and ``offset`` count from 1."""

    message: str
    line: int | None = None
    offset: int | None = None
    text: str = ""


@dataclass(frozen=True)
class HarnessReport:
    """The supervisor's report; ``status`` is a ``REPORT_*`` value of the protocol."""

    status: str
    cases: list[CaseResult] = field(default_factory=list)
    syntax_error: SyntaxErrorInfo | None = None
    error: str = ""
    duration_s: float = 0.0


@dataclass(frozen=True)
class SandboxResult:
    """Everything a backend observed about one run.

    ``report`` is None when the harness wrote no valid report, for example
    because the sandbox was killed; ``report_problem`` then gives the reason.
    ``stdout`` and ``stderr`` are the sandbox's own streams (the report and
    the harness's diagnostics), not the student's output, which is inside
    each ``CaseResult``.
    """

    backend: str
    report: HarnessReport | None
    report_problem: str = ""
    exit_code: int | None = None
    killed_for_wall_time: bool = False
    killed_for_memory: bool = False
    killed_for_output: bool = False
    stdout: CapturedText = field(default_factory=CapturedText)
    stderr: CapturedText = field(default_factory=CapturedText)
    duration_s: float = 0.0
    container_id: str = ""
