"""Resource limits of one sandbox run, and their checked overrides."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds on one run of a student's code; every field names its unit.

    Time and output limits apply per case as well as to the whole run, so
    one endless case cannot hide the results of the others.
    """

    # Memory of the whole sandbox in MiB; swap is disabled (Docker's
    # memswap_limit equals mem_limit) and each case process also gets an
    # address-space limit of the same size.
    memory_mib: int = 256
    # CPU cores the sandbox may use at once; fractions are allowed.
    cpus: float = 1.0
    # Processes and threads alive at once in the sandbox.
    pids: int = 64
    # Open file descriptors per process.
    open_files: int = 64
    # Largest file a process may write, in MiB.
    file_size_mib: int = 16
    # Cap on each of stdout and stderr of one case, in bytes; a case that
    # prints more is killed with an output-limit verdict.
    output_bytes: int = 64 * 1024
    # Cap on the encoded return value of one function case, in bytes.
    return_value_bytes: int = 1024 * 1024
    # CPU and wall time of one case, in seconds.
    case_time_s: float = 5.0
    # Wall time of the whole run, in seconds. The harness starts no case
    # after it, and the backend kills the sandbox once this time plus a
    # start-up grace (5 s) has passed since the sandbox started.
    wall_time_s: float = 30.0
    # Size of the writable working directory (a tmpfs) in MiB; its files
    # also count against memory_mib.
    tmpfs_mib: int = 64

    @property
    def memory_bytes(self) -> int:
        return self.memory_mib * MIB

    @property
    def file_size_bytes(self) -> int:
        return self.file_size_mib * MIB

    def with_overrides(self, overrides: Mapping[str, Any]) -> Limits:
        """Return a copy with ``overrides`` applied; raise ``ValueError`` if invalid."""
        problems = check_limit_overrides(overrides)
        if problems:
            raise ValueError("; ".join(problems))
        return dataclasses.replace(self, **dict(overrides))


# Upper bounds an exercise may ask for, so one exercise cannot take over a
# worker. Sized for a worker that runs two sandboxes at once on 2 cores.
MAX_LIMITS = Limits(
    memory_mib=1024,
    cpus=2.0,
    pids=256,
    open_files=1024,
    file_size_mib=64,
    output_bytes=1024 * 1024,
    return_value_bytes=8 * 1024 * 1024,
    case_time_s=30.0,
    wall_time_s=120.0,
    tmpfs_mib=256,
)

_FIELD_TYPES = {field.name: field.type for field in dataclasses.fields(Limits)}


def check_limit_overrides(overrides: Any) -> list[str]:
    """Return problems with an exercise's ``limits`` mapping, empty if none."""
    if not isinstance(overrides, Mapping):
        return ["limits: must be a mapping of limit names to numbers"]
    problems = []
    for name, value in overrides.items():
        problem = _check_limit(name, value)
        if problem:
            problems.append(f"limits.{name}: {problem}")
    return problems


def _check_limit(name: str, value: Any) -> str:
    if name not in _FIELD_TYPES:
        return f"unknown limit; known limits are {', '.join(sorted(_FIELD_TYPES))}"
    integral = _FIELD_TYPES[name] == "int"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"must be a number, not {value!r}"
    if integral and not isinstance(value, int):
        return f"must be a whole number, not {value!r}"
    if not math.isfinite(value) or value <= 0:
        return f"must be greater than 0, not {value!r}"
    maximum = getattr(MAX_LIMITS, name)
    if value > maximum:
        return f"must be at most {maximum}, not {value!r}"
    return ""
