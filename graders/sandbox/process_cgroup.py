"""A per-run cgroup for the local backend, used when the worker runs as root.

Linux does not enforce RLIMIT_NPROC for processes whose real user is host
root, even inside a user namespace (copy_process() in kernel/fork.c), so a
fork bomb run by a root worker could exhaust the host.
A pids cgroup bounds it, and a memory cgroup bounds the run's total memory
as Docker would. Supports cgroup v1 (separate ``pids`` and ``memory``
hierarchies) and v2 (one hierarchy with both controllers enabled at the
root). Without a writable hierarchy ``create`` returns None.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import time
from pathlib import Path

logger = logging.getLogger(__name__)

CGROUP_ROOT = Path("/sys/fs/cgroup")
# Puts the shell into every group, then replaces it with the sandbox
# command, so the sandbox's first process already starts inside them.
_JOIN_SCRIPT = 'for f in $GRADEWELL_CGROUP_PROCS; do echo $$ > "$f"; done; exec "$@"'


class ProcessCgroup:
    """One run's cgroup directories (one per v1 hierarchy, or a single v2 one)."""

    def __init__(self, directories: list[Path], version: int) -> None:
        self.directories = directories
        self.version = version

    @classmethod
    def create(cls, pids: int, memory_bytes: int) -> ProcessCgroup | None:
        """Create the groups with their limits, or return None where impossible."""
        if os.geteuid() != 0:
            return None
        name = f"gradewell-sandbox-{secrets.token_hex(6)}"
        try:
            if _controllers_v2() >= {"pids", "memory"}:
                group = cls([CGROUP_ROOT / name], 2)
                group._make({"pids.max": pids, "memory.max": memory_bytes})
                group._write_optional("memory.swap.max", 0)
                return group
            if (CGROUP_ROOT / "pids").is_dir() and (CGROUP_ROOT / "memory").is_dir():
                group = cls(
                    [CGROUP_ROOT / "pids" / name, CGROUP_ROOT / "memory" / name], 1
                )
                group._make({"pids.max": pids, "memory.limit_in_bytes": memory_bytes})
                group._write_optional("memory.memsw.limit_in_bytes", memory_bytes)
                return group
        except OSError as error:
            logger.warning("sandbox cgroup unavailable error=%s", error)
        return None

    def wrap(self, command: list[str]) -> tuple[list[str], dict[str, str]]:
        """Return ``command`` wrapped to start inside the groups, and its env."""
        procs = " ".join(
            str(directory / "cgroup.procs") for directory in self.directories
        )
        wrapped = ["/bin/sh", "-c", _JOIN_SCRIPT, "sh", *command]
        return wrapped, {"GRADEWELL_CGROUP_PROCS": procs}

    def oom_killed(self) -> bool:
        """Return whether the kernel OOM-killed a process of this run."""
        for directory in self.directories:
            for name in ("memory.events", "memory.oom_control"):
                try:
                    text = (directory / name).read_text()
                except OSError:
                    continue
                for line in text.splitlines():
                    key, _, value = line.partition(" ")
                    if key == "oom_kill" and int(value) > 0:
                        return True
        return False

    def destroy(self) -> None:
        """Kill every process left in the groups, then remove the groups."""
        deadline = time.monotonic() + 5.0
        for directory in self.directories:
            while directory.exists():
                for pid in _read_pids(directory):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                try:
                    directory.rmdir()
                except OSError:
                    if time.monotonic() > deadline:
                        logger.error("sandbox cgroup not removed path=%s", directory)
                        break
                    time.sleep(0.01)

    def _make(self, limits: dict[str, int]) -> None:
        for directory in self.directories:
            directory.mkdir()
        for name, value in limits.items():
            for directory in self.directories:
                if (directory / name).exists():
                    (directory / name).write_text(str(value))

    def _write_optional(self, name: str, value: int) -> None:
        # Swap accounting may be off in the kernel; the file is then missing
        # or rejects writes, and memory is still bounded without it.
        for directory in self.directories:
            try:
                (directory / name).write_text(str(value))
            except OSError:
                pass


def _controllers_v2() -> set[str]:
    try:
        return set((CGROUP_ROOT / "cgroup.subtree_control").read_text().split())
    except OSError:
        return set()


def _read_pids(directory: Path) -> list[int]:
    try:
        return [int(line) for line in (directory / "cgroup.procs").read_text().split()]
    except OSError:
        return []
