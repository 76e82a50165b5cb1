"""Local backend for machines without Docker: namespaces and rlimits.

Weaker than Docker, and it logs so. It prefers bubblewrap (``bwrap``): new
user, PID, network, IPC and UTS namespaces, and a filesystem of read-only
system directories plus a fresh working directory. Without bwrap it uses
``unshare`` (user, network and PID namespaces, where the kernel permits),
which leaves the host's filesystem readable. Without either, only the
rlimits and an empty environment remain. Limits come from ``prlimit`` (per
process: address space, processes, open files, file size, CPU time) and, for
a root worker, a per-run cgroup. The wall-time kill ends the whole process
group; the PID namespace ends with its first process.
"""

from __future__ import annotations

import functools
import logging
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from graders.sandbox.base import (
    HarnessInput,
    Sandbox,
    SandboxStatus,
    SandboxUnavailableError,
)
from graders.sandbox.limits import Limits
from graders.sandbox.process_cgroup import ProcessCgroup
from graders.sandbox.report import build_request, parse_report, report_stream_cap
from graders.sandbox.results import SandboxResult
from graders.sandbox.streams import StreamCapture

logger = logging.getLogger(__name__)

HARNESS_DIR = Path(__file__).resolve().parent.parent / "harness"
# Paths inside a bubblewrap sandbox, the same as in the Docker image.
SANDBOX_HARNESS_DIR = "/opt/gradewell/harness"
SANDBOX_WORKDIR = "/sandbox"
# The unprivileged user the code runs as inside the user namespace.
SANDBOX_UID = 65534

METHOD_BWRAP = "bwrap"
METHOD_UNSHARE = "unshare"
METHOD_NONE = "none"

_START_GRACE_S = 5.0
_READ_CHUNK = 65536
_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
_SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64")


class LocalSandbox(Sandbox):
    """Runs the harness with the worker's interpreter, isolated as far as it can."""

    name = "local"

    def __init__(self, python: str = sys.executable) -> None:
        self.python = python

    @property
    def method(self) -> str:
        return isolation_method()

    @property
    def isolates_filesystem(self) -> bool:
        return self.method == METHOD_BWRAP

    @property
    def isolates_network(self) -> bool:
        return self.method in (METHOD_BWRAP, METHOD_UNSHARE)

    def run(
        self,
        source: str,
        harness_input: HarnessInput,
        limits: Limits,
        labels: Mapping[str, str],
    ) -> SandboxResult:
        _warn_once(self.method)
        request, nonce = build_request(source, harness_input, limits)
        stream_cap = report_stream_cap(limits, len(harness_input.cases))
        # The process id in the name tells whose run a leftover directory was.
        workdir = tempfile.mkdtemp(prefix=f"gradewell-sandbox-{os.getpid()}-")
        cgroup = ProcessCgroup.create(limits.pids, limits.memory_bytes)
        logger.info(
            "sandbox starting backend=local method=%s cgroup=%s labels=%s",
            self.method,
            cgroup is not None,
            dict(labels),
        )
        try:
            command, env = self._command(workdir, limits, cgroup)
            pump = _Pump(command, env, workdir, stream_cap, limits.output_bytes)
            pump.run(request, limits.wall_time_s + _START_GRACE_S)
            oom_killed = cgroup.oom_killed() if cgroup else False
        except OSError as error:
            raise SandboxUnavailableError(
                f"local sandbox failed to start: {error}"
            ) from error
        finally:
            if cgroup:
                cgroup.destroy()
            shutil.rmtree(workdir, ignore_errors=True)

        report, problem = parse_report(pump.stdout.data, nonce, limits)
        return SandboxResult(
            backend=self.name,
            report=report,
            report_problem=problem,
            exit_code=pump.returncode,
            killed_for_wall_time=pump.killed_for == "wall_time",
            killed_for_memory=oom_killed,
            killed_for_output=pump.killed_for == "output",
            stdout=pump.stdout.captured(),
            stderr=pump.stderr.captured(),
            duration_s=pump.duration_s,
        )

    def check_available(self) -> SandboxStatus:
        if shutil.which("prlimit") is None:
            return SandboxStatus(self.name, False, "prlimit (util-linux) not found")
        detail = f"isolation {self.method}; weaker than Docker"
        return SandboxStatus(self.name, True, detail)

    def _command(
        self, workdir: str, limits: Limits, cgroup: ProcessCgroup | None
    ) -> tuple[list[str], dict[str, str]]:
        method = self.method
        if method == METHOD_BWRAP:
            harness = _bwrap_prefix(self.python, workdir) + [
                self.python,
                "-I",
                f"{SANDBOX_HARNESS_DIR}/supervisor.py",
            ]
        else:
            # NOTE: without a PID namespace (method "none") the student's code
            # can signal the supervisor, and a run it kills ends without a
            # report, which the grader treats as an infrastructure error.
            harness = [self.python, "-I", str(HARNESS_DIR / "supervisor.py")]
            if method == METHOD_UNSHARE:
                harness = _unshare_prefix() + harness
        command = _prlimit_prefix(limits, method) + harness
        env = dict(_ENV)
        if cgroup:
            command, cgroup_env = cgroup.wrap(command)
            env.update(cgroup_env)
        return command, env


class _Pump:
    """Feeds the request to the sandbox process and reads its output, bounded."""

    def __init__(
        self,
        command: list[str],
        env: dict[str, str],
        cwd: str,
        stdout_cap: int,
        stderr_cap: int,
    ) -> None:
        self.command = command
        self.env = env
        self.cwd = cwd
        self.stdout = StreamCapture(stdout_cap)
        self.stderr = StreamCapture(stderr_cap)
        self.killed_for = ""
        self.returncode: int | None = None
        self.duration_s = 0.0

    def run(self, request: bytes, timeout_s: float) -> None:
        started = time.monotonic()
        process = subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=self.cwd,
            env=self.env,
            start_new_session=True,
        )
        try:
            self._exchange(process, request, started + timeout_s)
        finally:
            _kill_group(process.pid)
            self.returncode = process.wait()
            self.duration_s = time.monotonic() - started
            for stream in (process.stdin, process.stdout, process.stderr):
                if stream is not None and not stream.closed:
                    stream.close()

    def _exchange(
        self, process: subprocess.Popen[bytes], request: bytes, deadline: float
    ) -> None:
        assert process.stdin is not None
        assert process.stdout is not None
        assert process.stderr is not None
        captures = {
            process.stdout.fileno(): self.stdout,
            process.stderr.fileno(): self.stderr,
        }
        selector = selectors.DefaultSelector()
        os.set_blocking(process.stdin.fileno(), False)
        selector.register(process.stdin.fileno(), selectors.EVENT_WRITE)
        for fd in captures:
            selector.register(fd, selectors.EVENT_READ)
        pending = memoryview(request)

        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._kill(process, "wall_time")
                break
            for key, _ in selector.select(min(remaining, 0.25)):
                if key.fd in captures:
                    chunk = os.read(key.fd, _READ_CHUNK)
                    if chunk:
                        captures[key.fd].feed(chunk)
                    else:
                        selector.unregister(key.fd)
                    continue
                try:
                    pending = pending[os.write(key.fd, pending[:_READ_CHUNK]) :]
                except BrokenPipeError:
                    pending = pending[:0]
                if not pending:
                    selector.unregister(key.fd)
                    process.stdin.close()
            if self.stdout.exceeded or self.stderr.exceeded:
                self._kill(process, "output")
                break
        selector.close()

    def _kill(self, process: subprocess.Popen[bytes], reason: str) -> None:
        self.killed_for = reason
        logger.info(
            "sandbox killed backend=local pid=%s reason=%s", process.pid, reason
        )
        _kill_group(process.pid)


@functools.cache
def isolation_method() -> str:
    """Return the strongest isolation this machine permits, probed once."""
    if shutil.which("bwrap") and _probe(_bwrap_prefix(sys.executable, "/") + ["true"]):
        return METHOD_BWRAP
    if shutil.which("unshare") and _probe(_unshare_prefix() + ["true"]):
        return METHOD_UNSHARE
    return METHOD_NONE


def _bwrap_prefix(python: str, workdir: str) -> list[str]:
    command = [
        "bwrap",
        "--unshare-all",
        "--die-with-parent",
        "--as-pid-1",
        "--new-session",
        "--clearenv",
        "--cap-drop",
        "ALL",
        "--uid",
        str(SANDBOX_UID),
        "--gid",
        str(SANDBOX_UID),
    ]
    for directory in _SYSTEM_DIRS:
        path = Path(directory)
        if path.is_symlink():
            command += ["--symlink", os.readlink(path), directory]
        elif path.is_dir():
            command += ["--ro-bind", directory, directory]
    # The empty /tmp comes before the binds below, because a checkout or
    # virtual environment under /tmp would otherwise be hidden by it.
    command += ["--tmpfs", "/tmp"]
    # The interpreter, its standard library and the worker's virtual
    # environment, at their own paths, when they live outside /usr.
    for directory in _python_dirs(python):
        command += ["--ro-bind", directory, directory]
    command += [
        "--ro-bind",
        str(HARNESS_DIR),
        SANDBOX_HARNESS_DIR,
        "--bind",
        workdir,
        SANDBOX_WORKDIR,
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--chdir",
        SANDBOX_WORKDIR,
        # Last, so only the root itself turns read-only; the working
        # directory and /tmp are mounts of their own and stay writable.
        "--remount-ro",
        "/",
    ]
    for name, value in _ENV.items():
        command += ["--setenv", name, value]
    command += ["--setenv", "HOME", SANDBOX_WORKDIR]
    return command


def _python_dirs(python: str) -> list[str]:
    candidates = {
        sys.prefix,
        sys.base_prefix,
        str(Path(python).resolve().parent.parent),
    }
    return sorted(
        directory
        for directory in candidates
        if not any(directory.startswith(system) for system in _SYSTEM_DIRS)
    )


def _unshare_prefix() -> list[str]:
    # NOTE: no mount namespace here, so the code can read every host file the
    # worker's user can; install bubblewrap to hide them.
    return [
        "unshare",
        "--user",
        f"--map-user={SANDBOX_UID}",
        f"--map-group={SANDBOX_UID}",
        "--net",
        "--pid",
        "--ipc",
        "--uts",
        "--fork",
        "--kill-child",
    ]


def _prlimit_prefix(limits: Limits, method: str) -> list[str]:
    cpu_s = int(limits.wall_time_s) + 1
    nproc = limits.pids
    if method == METHOD_NONE:
        # Without a user namespace RLIMIT_NPROC counts every process of the
        # worker's user, so the budget is added to what already runs.
        nproc += _count_user_tasks()
    return [
        "prlimit",
        f"--as={limits.memory_bytes}",
        f"--nproc={nproc}",
        f"--nofile={limits.open_files}",
        f"--fsize={limits.file_size_bytes}",
        f"--cpu={cpu_s}",
        "--core=0",
        "--",
    ]


def _count_user_tasks() -> int:
    uid = os.getuid()
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry.name}/task"))
            except OSError:
                continue
    return count


def _probe(command: list[str]) -> bool:
    try:
        completed = subprocess.run(command, capture_output=True, timeout=10, env=_ENV)
    except (OSError, subprocess.SubprocessError):
        return False
    return completed.returncode == 0


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@functools.cache
def _warn_once(method: str) -> None:
    logger.warning(
        "sandbox backend=local method=%s is weaker than Docker; set "
        "GRADEWELL_SANDBOX_BACKEND=docker in production",
        method,
    )
