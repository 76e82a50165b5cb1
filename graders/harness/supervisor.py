"""Trusted half of the grading harness: run each case in a fresh runner process.

Started as the sandbox's main process with the request (JSON, see
``protocol``) on stdin. Writes one report (JSON) to stdout and nothing else,
so every byte the worker reads from stdout comes from this process. Each
case runs in a new directory that this process creates inside its working
directory and removes afterwards; nothing else there is touched. Standard
library only, Python 3.11.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import resource
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from typing import Any

try:
    from graders.harness import protocol, steps
except ImportError:  # Inside the sandbox the harness directory is not a package.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import protocol  # type: ignore[no-redef]
    import steps  # type: ignore[no-redef]

RUNNER_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "runner.py")
SOURCE_NAME = "solution.py"

# After the runner exits, its pipes may stay open in a process it started;
# read for this long, then close them anyway.
_DRAIN_AFTER_EXIT_S = 0.2
_READ_CHUNK = 65536
_PR_SET_DUMPABLE = 4
_PR_SET_CHILD_SUBREAPER = 36
_RUNNER_PATH_ENV = "/usr/local/bin:/usr/bin:/bin"
# Statuses a runner may report; anything else is an invalid result.
_RUNNER_STATUSES = {
    protocol.STATUS_OK,
    protocol.STATUS_EXCEPTION,
    protocol.STATUS_EXIT,
    protocol.STATUS_MEMORY,
    protocol.STATUS_SYNTAX_ERROR,
}
# Outcomes of an http-mode step after which the app is gone.
_FATAL_STATUSES = {
    protocol.STATUS_TIMEOUT,
    protocol.STATUS_OUTPUT_LIMIT,
    protocol.STATUS_MEMORY,
    protocol.STATUS_KILLED,
    protocol.STATUS_INVALID_RESULT,
}
_MAX_REPORTED_HEADERS = 32
_HEADER_NAME_CHARS = 200
_HEADER_VALUE_CHARS = 2000
_OOM_COUNTER_FILES = (
    "/sys/fs/cgroup/memory.events",
    "/sys/fs/cgroup/memory/memory.oom_control",
)


class Capture:
    """The first ``limit`` bytes of a stream and the total count seen."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()
        self.total = 0

    def feed(self, chunk: bytes) -> None:
        room = self.limit - len(self.data)
        if room > 0:
            self.data += chunk[:room]
        self.total += len(chunk)

    @property
    def exceeded(self) -> bool:
        return self.total > self.limit

    def as_text(self) -> str:
        return self.data.decode("utf-8", "replace")


class CaseRun:
    """One runner process: its pipes, captures and how it ended."""

    def __init__(
        self, job: bytes, stdin: bytes, limits: dict[str, Any], case_dir: str
    ) -> None:
        self.stdout = Capture(limits["output_bytes"])
        self.stderr = Capture(limits["output_bytes"])
        self.result = Capture(limits["return_value_bytes"])
        self.killed_for = ""
        job_read, job_write = os.pipe()
        stdin_read, stdin_write = os.pipe()
        self._result_read, result_write = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-I", "-X", "utf8", RUNNER_PATH],
                stdin=stdin_read,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=(job_read, result_write),
                cwd=case_dir,
                env={
                    "PATH": _RUNNER_PATH_ENV,
                    "LANG": "C.UTF-8",
                    "HOME": case_dir,
                    "GRADEWELL_FDS": f"{job_read},{result_write}",
                },
                start_new_session=True,
                preexec_fn=lambda: _limit_runner(limits),
            )
        finally:
            for fd in (job_read, stdin_read, result_write):
                os.close(fd)
        # Data still to write to the runner: its job, then its standard input.
        self._pending = {job_write: job, stdin_write: stdin}

    def wait(self, deadline: float) -> None:
        """Pump the pipes until the runner ends, or kill it at ``deadline``."""
        assert self.process.stdout is not None and self.process.stderr is not None
        readers = {
            self.process.stdout.fileno(): self.stdout,
            self.process.stderr.fileno(): self.stderr,
            self._result_read: self.result,
        }
        selector = selectors.DefaultSelector()
        for fd in self._pending:
            os.set_blocking(fd, False)
            selector.register(fd, selectors.EVENT_WRITE)
        for fd in readers:
            selector.register(fd, selectors.EVENT_READ)

        exited_at: float | None = None
        while selector.get_map():
            now = time.monotonic()
            if now >= deadline:
                self._kill("timeout")
                break
            if exited_at is None and self.process.poll() is not None:
                exited_at = now
            if exited_at is not None and now - exited_at > _DRAIN_AFTER_EXIT_S:
                break
            for key, _ in selector.select(min(deadline - now, 0.05)):
                if key.fd in readers:
                    self._read(selector, key.fd, readers[key.fd])
                else:
                    self._write(selector, key.fd)
            if self.stdout.exceeded or self.stderr.exceeded or self.result.exceeded:
                self._kill("output_limit")
                break

        selector.close()
        self._kill("")
        self.process.wait()
        self._close_pipes()

    def _read(
        self, selector: selectors.BaseSelector, fd: int, capture: Capture
    ) -> None:
        chunk = os.read(fd, _READ_CHUNK)
        if chunk:
            capture.feed(chunk)
        else:
            selector.unregister(fd)

    def _write(self, selector: selectors.BaseSelector, fd: int) -> None:
        data = self._pending[fd]
        try:
            written = os.write(fd, data[:_READ_CHUNK])
        except BrokenPipeError:
            written = len(data)
        self._pending[fd] = data[written:]
        if not self._pending[fd]:
            selector.unregister(fd)
            del self._pending[fd]
            os.close(fd)

    def _kill(self, reason: str) -> None:
        if self.process.poll() is None:
            if reason and not self.killed_for:
                self.killed_for = reason
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def _close_pipes(self) -> None:
        for fd in self._pending:
            os.close(fd)
        self._pending.clear()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        os.close(self._result_read)


def main() -> int:
    # As PID 1 in a container only signals with a handler reach this process,
    # and Python installs one for SIGINT; ignoring it keeps student code from
    # stopping the supervisor that way.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _set_process_flag(_PR_SET_DUMPABLE, 0)
    _set_process_flag(_PR_SET_CHILD_SUBREAPER, 1)
    raw = sys.stdin.buffer.read()
    request: Any = None
    try:
        request = protocol.loads(raw)
        _check_request(request)
        report = run_request(request)
    except Exception as error:  # Any failure here is the harness's own.
        nonce = request.get("nonce", "") if isinstance(request, dict) else ""
        report = _harness_error(str(nonce), f"{type(error).__name__}: {error}")
    sys.stdout.buffer.write(protocol.dumps(report))
    sys.stdout.buffer.flush()
    return 0


def run_request(request: dict[str, Any]) -> dict[str, Any]:
    """Run every case of ``request`` and return the report to send back."""
    if request["mode"] == protocol.MODE_HTTP:
        return run_http_request(request)
    started = time.monotonic()
    wall_deadline = started + request["limits"]["wall_time_s"]
    cases: list[dict[str, Any]] = []
    report: dict[str, Any] = {
        "protocol": protocol.PROTOCOL_VERSION,
        "nonce": request["nonce"],
        "status": protocol.REPORT_OK,
        "cases": cases,
    }

    for case in request["cases"]:
        if time.monotonic() >= wall_deadline:
            cases.append({"status": protocol.STATUS_NOT_RUN, "duration_s": 0.0})
            continue
        outcome = run_case(request, case, wall_deadline)
        if outcome["status"] == protocol.STATUS_SYNTAX_ERROR:
            report["status"] = protocol.REPORT_SYNTAX_ERROR
            report["syntax_error"] = outcome.get("syntax_error", {})
            report["cases"] = []
            break
        cases.append(outcome)

    report["duration_s"] = round(time.monotonic() - started, 4)
    return report


def run_case(
    request: dict[str, Any], case: dict[str, Any], wall_deadline: float
) -> dict[str, Any]:
    """Run one case in a new runner process and directory; describe how it ended."""
    limits = request["limits"]
    # A fresh directory per case: files one case writes (in a tmpfs they
    # also count against the sandbox's memory) never reach the next.
    case_dir = tempfile.mkdtemp(prefix="case-", dir=os.getcwd())
    source_path = os.path.join(case_dir, SOURCE_NAME)
    with open(source_path, "w", encoding="utf-8", errors="surrogatepass") as file:
        file.write(request["source"])
    job = {
        "mode": request["mode"],
        "function": request.get("function", ""),
        "source": request["source"],
        "path": source_path,
        "args": case.get("args", []),
        "kwargs": case.get("kwargs", protocol.encode_value({})),
    }
    stdin = case.get("stdin", "").encode("utf-8", "surrogatepass")
    oom_kills_before = _read_oom_kills()

    started = time.monotonic()
    try:
        run = CaseRun(protocol.dumps(job), stdin, limits, case_dir)
        run.wait(min(started + limits["case_time_s"], wall_deadline))
        duration = time.monotonic() - started
    finally:
        _kill_strays()
        shutil.rmtree(case_dir, ignore_errors=True)

    outcome = _classify(run, request["mode"], oom_kills_before)
    outcome["duration_s"] = round(duration, 4)
    for name, capture in (("stdout", run.stdout), ("stderr", run.stderr)):
        outcome[name] = capture.as_text()
        outcome[f"{name}_bytes"] = capture.total
    return outcome


class AppRun:
    """The runner of an http-mode request: one process that handles every step.

    Messages are JSON lines: the job and then one step per line to the
    runner, one result per line back. Each exchange has its own deadline
    and its own stdout and stderr captures, so limits apply per step.
    """

    def __init__(self, job: bytes, limits: dict[str, Any], case_dir: str) -> None:
        self.limits = limits
        self.killed_for = ""
        # One process serves every step, so its CPU limit covers the whole
        # run, as the local backend's prlimit does (wall time + 1 s). The
        # supervisor enforces the time of each step with its deadlines.
        cpu_s = int(limits["wall_time_s"])
        job_read, self._job_write = os.pipe()
        self._result_read, result_write = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-I", "-X", "utf8", RUNNER_PATH],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=(job_read, result_write),
                cwd=case_dir,
                env={
                    "PATH": _RUNNER_PATH_ENV,
                    "LANG": "C.UTF-8",
                    "HOME": case_dir,
                    "GRADEWELL_FDS": f"{job_read},{result_write}",
                },
                start_new_session=True,
                preexec_fn=lambda: _limit_runner(limits, cpu_s),
            )
        finally:
            os.close(job_read)
            os.close(result_write)
        assert self.process.stdout is not None and self.process.stderr is not None
        self._stdout_fd = self.process.stdout.fileno()
        self._stderr_fd = self.process.stderr.fileno()
        self._selector = selectors.DefaultSelector()
        for fd in (self._stdout_fd, self._stderr_fd, self._result_read):
            os.set_blocking(fd, False)
            self._selector.register(fd, selectors.EVENT_READ)
        os.set_blocking(self._job_write, False)
        self._outbox = bytearray(job + b"\n")
        self._selector.register(self._job_write, selectors.EVENT_WRITE)
        self._results = bytearray()

    @property
    def alive(self) -> bool:
        return not self.killed_for and self.process.poll() is None

    def exchange(
        self,
        message: bytes | None,
        deadline: float,
        stdout: Capture,
        stderr: Capture,
    ) -> bytes | None:
        """Send ``message``, then return the next result line, or None if none came.

        None means the runner ended, or was killed when ``killed_for`` is set.
        """
        if message is not None:
            if not self._outbox:
                self._selector.register(self._job_write, selectors.EVENT_WRITE)
            self._outbox += message + b"\n"
        exited_at: float | None = None
        while True:
            line = self._next_line()
            if line is not None:
                self._pump(stdout, stderr, timeout=0)
                return line
            now = time.monotonic()
            if now >= deadline:
                self.stop("timeout")
                return None
            if exited_at is None and self.process.poll() is not None:
                exited_at = now
            if exited_at is not None and now - exited_at > _DRAIN_AFTER_EXIT_S:
                return None
            self._pump(stdout, stderr, timeout=min(deadline - now, 0.05))
            too_long = len(self._results) > self.limits["return_value_bytes"]
            if stdout.exceeded or stderr.exceeded or too_long:
                self.stop("output_limit")
                return None

    def close(self) -> None:
        """End the runner and release its pipes; the next run starts clean."""
        self.stop("")
        self.process.wait()
        self._selector.close()
        for fd in (self._job_write, self._result_read):
            os.close(fd)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

    def _next_line(self) -> bytes | None:
        end = self._results.find(b"\n")
        if end < 0:
            return None
        line = bytes(self._results[:end])
        del self._results[: end + 1]
        return line

    def _pump(self, stdout: Capture, stderr: Capture, timeout: float) -> None:
        for key, _ in self._selector.select(timeout):
            if key.fd == self._job_write:
                self._send_pending()
                continue
            chunk = os.read(key.fd, _READ_CHUNK)
            if not chunk:
                self._selector.unregister(key.fd)
            elif key.fd == self._stdout_fd:
                stdout.feed(chunk)
            elif key.fd == self._stderr_fd:
                stderr.feed(chunk)
            else:
                self._results += chunk

    def _send_pending(self) -> None:
        try:
            written = os.write(self._job_write, self._outbox[:_READ_CHUNK])
        except BrokenPipeError:
            written = len(self._outbox)
        del self._outbox[:written]
        if not self._outbox:
            self._selector.unregister(self._job_write)

    def stop(self, reason: str) -> None:
        """Kill the runner's process group; a ``reason`` is kept in ``killed_for``."""
        if self.process.poll() is None:
            if reason and not self.killed_for:
                self.killed_for = reason
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def run_http_request(request: dict[str, Any]) -> dict[str, Any]:
    """Run a request script against the student's Flask app, in order.

    One runner, and so one app, serves every step. A step that ends the
    runner (a timeout, an output limit, a crash) stops the app, and the
    later steps are reported as not run. An exception raised while handling
    one request is that step's result only.
    """
    if importlib.util.find_spec("flask") is None:
        raise RuntimeError(
            f"Flask is not installed for {sys.executable}; install it there, "
            "or rebuild the sandbox image"
        )
    started = time.monotonic()
    limits = request["limits"]
    wall_deadline = started + limits["wall_time_s"]
    report: dict[str, Any] = {
        "protocol": protocol.PROTOCOL_VERSION,
        "nonce": request["nonce"],
        "status": protocol.REPORT_OK,
        "cases": [],
    }
    case_dir = tempfile.mkdtemp(prefix="case-", dir=os.getcwd())
    try:
        _run_steps(request, case_dir, wall_deadline, report)
    finally:
        _kill_strays()
        shutil.rmtree(case_dir, ignore_errors=True)
    report["duration_s"] = round(time.monotonic() - started, 4)
    return report


def _run_steps(
    request: dict[str, Any], case_dir: str, wall_deadline: float, report: dict[str, Any]
) -> None:
    limits = request["limits"]
    source_path = os.path.join(case_dir, SOURCE_NAME)
    with open(source_path, "w", encoding="utf-8", errors="surrogatepass") as file:
        file.write(request["source"])
    job = {
        "mode": protocol.MODE_HTTP,
        "app": request.get("app") or "app",
        "source": request["source"],
        "path": source_path,
    }
    oom_kills_before = _read_oom_kills()
    run = AppRun(protocol.dumps(job), limits, case_dir)
    try:
        cases = _exchange_steps(run, request, wall_deadline, oom_kills_before)
    finally:
        run.close()
    if cases and cases[0].get("status") == protocol.STATUS_SYNTAX_ERROR:
        report["status"] = protocol.REPORT_SYNTAX_ERROR
        report["syntax_error"] = cases[0].get("syntax_error", {})
        return
    report["cases"] = cases


def _exchange_steps(
    run: AppRun,
    request: dict[str, Any],
    wall_deadline: float,
    oom_kills_before: int | None,
) -> list[dict[str, Any]]:
    """Return one outcome per step; the app's loading counts as the first step's."""
    limits = request["limits"]
    output_bytes = limits["output_bytes"]
    body_limit = min(output_bytes, limits["return_value_bytes"])
    captures: dict[str, Any] = {}
    cases: list[dict[str, Any]] = []
    stopped_at: int | None = None
    loaded = False

    for index, case in enumerate(request["cases"]):
        step = case["step"]
        if stopped_at is not None:
            cases.append(_not_run(protocol.NOT_RUN_APP_STOPPED, stopped_at=stopped_at))
            continue
        if time.monotonic() >= wall_deadline:
            cases.append(_not_run(""))
            continue
        try:
            message = _step_message(step, captures, body_limit)
        except steps.MissingCaptureError as error:
            cases.append(
                _not_run(protocol.NOT_RUN_MISSING_CAPTURE, capture=error.args[0])
            )
            continue

        stdout, stderr = Capture(output_bytes), Capture(output_bytes)
        started = time.monotonic()
        deadline = min(started + limits["case_time_s"], wall_deadline)
        outcome: dict[str, Any] | None = None
        if not loaded:
            line = run.exchange(None, deadline, stdout, stderr)
            outcome = _app_outcome(line, run, oom_kills_before)
            loaded = outcome is None
            if outcome and outcome["status"] == protocol.STATUS_SYNTAX_ERROR:
                return [outcome]
            deadline = min(time.monotonic() + limits["case_time_s"], wall_deadline)
        if outcome is not None:
            # The app did not load, so it handles no step.
            stopped_at = index
        else:
            line = run.exchange(message, deadline, stdout, stderr)
            outcome = _step_outcome(line, run, oom_kills_before, body_limit)
        if outcome["status"] == protocol.STATUS_OK:
            captures.update(
                steps.capture_values(step.get("capture", {}), outcome["response"])
            )
        elif not run.alive or outcome["status"] in _FATAL_STATUSES:
            stopped_at = index
        outcome["duration_s"] = round(time.monotonic() - started, 4)
        for name, capture in (("stdout", stdout), ("stderr", stderr)):
            outcome[name] = capture.as_text()
            outcome[f"{name}_bytes"] = capture.total
        cases.append(outcome)
    return cases


def _step_message(
    step: dict[str, Any], captures: dict[str, Any], body_limit: int
) -> bytes:
    """Return the message for one step, with the captured values filled in."""
    message: dict[str, Any] = {
        "method": str(step.get("method", "GET")).upper(),
        "path": steps.fill_text(str(step["path"]), captures),
        "headers": steps.fill(step.get("headers") or {}, captures),
        "report_headers": list(step.get("report_headers", [])),
        "body_limit": body_limit,
    }
    for key in ("json", "data"):
        if key in step:
            message[key] = steps.fill(step[key], captures)
    return protocol.dumps(message)


def _app_outcome(
    line: bytes | None, run: AppRun, oom_kills_before: int | None
) -> dict[str, Any] | None:
    """Return None once the app loaded, or why it did not, as the step's outcome."""
    if line is None:
        return _ended_outcome(run, oom_kills_before)
    result = _parse_result_line(line)
    if result["status"] == protocol.STATUS_OK:
        return None
    run.stop("")
    return result


def _step_outcome(
    line: bytes | None, run: AppRun, oom_kills_before: int | None, body_limit: int
) -> dict[str, Any]:
    if line is None:
        return _ended_outcome(run, oom_kills_before)
    result = _parse_result_line(line)
    if result["status"] != protocol.STATUS_OK:
        return result
    response = _clean_response(result.get("response"), body_limit)
    if response is None:
        return {"status": protocol.STATUS_INVALID_RESULT}
    return {"status": protocol.STATUS_OK, "response": response}


def _parse_result_line(line: bytes) -> dict[str, Any]:
    try:
        result = protocol.loads(line)
    except ValueError:
        result = None
    if isinstance(result, dict) and result.get("status") in _RUNNER_STATUSES:
        return result
    return {"status": protocol.STATUS_INVALID_RESULT}


def _ended_outcome(run: AppRun, oom_kills_before: int | None) -> dict[str, Any]:
    """Describe a runner that ended or was killed before it returned a result."""
    if run.killed_for == "timeout":
        return {"status": protocol.STATUS_TIMEOUT}
    if run.killed_for == "output_limit":
        return {"status": protocol.STATUS_OUTPUT_LIMIT}
    returncode = run.process.poll()
    oom_kills_after = _read_oom_kills()
    if (
        oom_kills_before is not None
        and oom_kills_after is not None
        and oom_kills_after > oom_kills_before
    ):
        return {"status": protocol.STATUS_MEMORY}
    if returncode == -signal.SIGXCPU:
        return {"status": protocol.STATUS_TIMEOUT}
    if returncode is not None and returncode < 0:
        return {"status": protocol.STATUS_KILLED, "signal": -returncode}
    return {"status": protocol.STATUS_INVALID_RESULT, "exit_code": returncode}


def _clean_response(raw: Any, body_limit: int) -> dict[str, Any] | None:
    """Return the runner's response description in the reported shape, or None.

    The runner shares its process with the student's code, so its lines are
    checked and cut here instead of trusted.
    """
    if not isinstance(raw, dict):
        return None
    status, body, body_bytes = raw.get("status"), raw.get("body"), raw.get("body_bytes")
    headers = raw.get("headers")
    if not isinstance(status, int) or isinstance(status, bool):
        return None
    if not isinstance(body, str) or not isinstance(body_bytes, int):
        return None
    if not isinstance(headers, dict):
        return None
    return {
        "status": status,
        "headers": {
            str(name)[:_HEADER_NAME_CHARS]: str(value)[:_HEADER_VALUE_CHARS]
            for name, value in list(headers.items())[:_MAX_REPORTED_HEADERS]
        },
        "body": body[:body_limit],
        "body_bytes": body_bytes,
        "body_truncated": bool(raw.get("body_truncated")) or len(body) > body_limit,
    }


def _not_run(reason: str, **details: Any) -> dict[str, Any]:
    outcome: dict[str, Any] = {"status": protocol.STATUS_NOT_RUN, "duration_s": 0.0}
    if reason:
        outcome["reason"] = reason
    outcome.update(details)
    return outcome


def _classify(run: CaseRun, mode: str, oom_kills_before: int | None) -> dict[str, Any]:
    if run.killed_for == "timeout":
        return {"status": protocol.STATUS_TIMEOUT}
    if run.killed_for == "output_limit":
        return {"status": protocol.STATUS_OUTPUT_LIMIT}

    returncode = run.process.returncode
    oom_kills_after = _read_oom_kills()
    oom_killed = (
        oom_kills_before is not None
        and oom_kills_after is not None
        and oom_kills_after > oom_kills_before
    )
    if oom_killed:
        return {"status": protocol.STATUS_MEMORY}
    if returncode == -signal.SIGXCPU:
        return {"status": protocol.STATUS_TIMEOUT}
    if returncode < 0:
        return {"status": protocol.STATUS_KILLED, "signal": -returncode}

    if run.result.total:
        try:
            outcome = protocol.loads(bytes(run.result.data))
        except ValueError:
            outcome = None
        if isinstance(outcome, dict) and outcome.get("status") in _RUNNER_STATUSES:
            return outcome
        return {"status": protocol.STATUS_INVALID_RESULT, "exit_code": returncode}
    if mode == protocol.MODE_PROGRAM:
        # The program ended through os._exit() or similar before the runner
        # could write its result, so the exit status decides.
        status = protocol.STATUS_OK if returncode == 0 else protocol.STATUS_EXIT
        return {"status": status, "exit_code": returncode}
    return {"status": protocol.STATUS_INVALID_RESULT, "exit_code": returncode}


def _limit_runner(limits: dict[str, Any], cpu_s: int = 0) -> None:
    # Runs in the forked child before exec. The sandbox's cgroup limits are
    # the hard bound; these turn most overruns into a clean MemoryError or
    # OSError inside the student's code. ``cpu_s`` replaces the per-case
    # CPU limit when one process runs several cases.
    cpu_s = cpu_s or int(limits["case_time_s"]) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits["memory_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_size_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits["open_files"],) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _kill_strays() -> None:
    """Kill every process the case left behind, so the next case starts clean."""
    if os.getpid() == 1:
        # As init of its own PID namespace, kill(-1) reaches exactly the
        # other processes of this sandbox.
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
    else:
        for _ in range(100):
            children = _child_pids()
            if not children:
                break
            for pid in children:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            _reap(wait_s=0.05)
    _reap(wait_s=0.5)


def _child_pids() -> list[int]:
    # With PR_SET_CHILD_SUBREAPER, processes that detached themselves with
    # setsid() are re-parented here once their parent dies.
    own_pid = os.getpid()
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as file:
                stat = file.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == own_pid:
            children.append(int(entry))
    return children


def _reap(wait_s: float) -> None:
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.005)


def _read_oom_kills() -> int | None:
    """Return the OOM-kill count of this sandbox's memory cgroup, if visible."""
    for path in _OOM_COUNTER_FILES:
        try:
            with open(path, encoding="ascii") as file:
                for line in file:
                    name, _, value = line.partition(" ")
                    if name == "oom_kill":
                        return int(value)
        except (OSError, ValueError):
            continue
    return None


def _set_process_flag(option: int, value: int) -> None:
    # PR_SET_DUMPABLE 0 makes /proc/<this pid>/fd, /environ and /mem
    # unreadable to the student's processes, which run as the same user.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _check_request(request: Any) -> None:
    if not isinstance(request, dict):
        raise TypeError("the request must be a JSON object")
    if request.get("protocol") != protocol.PROTOCOL_VERSION:
        raise ValueError(
            f"protocol {request.get('protocol')!r} requested, this harness speaks "
            f"{protocol.PROTOCOL_VERSION}; rebuild the sandbox image"
        )
    for key in ("nonce", "mode", "source", "cases", "limits"):
        if key not in request:
            raise KeyError(key)


def _harness_error(nonce: str, message: str) -> dict[str, Any]:
    return {
        "protocol": protocol.PROTOCOL_VERSION,
        "nonce": nonce,
        "status": protocol.REPORT_HARNESS_ERROR,
        "error": message,
        "cases": [],
    }


if __name__ == "__main__":
    sys.exit(main())
