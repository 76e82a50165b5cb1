"""Untrusted half of the grading harness: run the student's code for one case.

Started by the supervisor for every case, as a fresh interpreter, so it
holds only this case's inputs and the source. It reads its job from one
inherited pipe, runs the code, and writes one result (JSON) to another. In
http mode one runner serves every step of the request script: it reads one
step per line and writes one result line per step.
Once the student's code has started, anything this process writes may be
forged. So the supervisor and the worker rely on it only for what the
student could produce anyway, such as the returned value or the exception
raised.
"""

from __future__ import annotations

import os
import sys
import traceback
import types
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flask_client  # Found through the line above, also inside the sandbox.
import protocol

# Frames from these files are cut from tracebacks shown to the student.
_HARNESS_FILES = {
    os.path.abspath(__file__),
    os.path.abspath(protocol.__file__),
    os.path.abspath(flask_client.__file__),
}
_TRACEBACK_LIMIT = 8000
_MEMORY_RESULT = protocol.dumps({"status": protocol.STATUS_MEMORY})


def main() -> None:
    job_fd, result_fd = (int(fd) for fd in os.environ["GRADEWELL_FDS"].split(","))
    # The job is one line. In http mode the pipe stays open and carries one
    # more line per step; in the other modes it ends after the job.
    job_file = os.fdopen(job_fd, "rb")
    job = protocol.loads(job_file.readline())
    # Processes the student starts must not inherit either pipe.
    os.set_inheritable(job_fd, False)
    os.set_inheritable(result_fd, False)
    _raise_oom_score()
    sys.path.remove(os.path.dirname(os.path.abspath(__file__)))
    if job["mode"] == protocol.MODE_HTTP:
        _serve_steps(job, job_file, result_fd)
        _flush_standard_streams()
        os._exit(0)
    job_file.close()

    try:
        payload = protocol.dumps(run_job(job))
    except MemoryError:
        payload = _MEMORY_RESULT
    _flush_standard_streams()
    _write_all(result_fd, payload)
    # Skips atexit handlers and the joins of threads the student started.
    os._exit(0)


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    """Compile and run the source for one case; return the result to report."""
    code = _compile(job)
    if isinstance(code, dict):
        return code
    if job["mode"] == protocol.MODE_PROGRAM:
        return _run_program(code, job["path"])
    return _run_function(code, job)


def _compile(job: dict[str, Any]) -> types.CodeType | dict[str, Any]:
    """Return the compiled source, or the syntax error result to report."""
    try:
        # A relative name keeps tracebacks short; linecache still finds the
        # file because the runner starts in the case's directory.
        filename = os.path.basename(job["path"])
        code = compile(job["source"], filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        # For a NUL byte in the source, Python 3.11 raises a ValueError or,
        # from 3.11.4 on, a SyntaxError without a line number.
        line = getattr(error, "lineno", None)
        if line is None and "\0" in job["source"]:
            line = job["source"][: job["source"].find("\0")].count("\n") + 1
        message = getattr(error, "msg", None) or str(error)
        return _syntax_error(
            line, getattr(error, "offset", None), message, getattr(error, "text", None)
        )
    return code


def _serve_steps(job: dict[str, Any], job_file: Any, result_fd: int) -> None:
    """Load the app once, then write one result line for each step line read.

    The first result line tells whether the app loaded. Steps share the app,
    so state one step leaves behind is there for the next.
    """

    def send(result: dict[str, Any]) -> None:
        _flush_standard_streams()
        _write_all(result_fd, protocol.dumps(result) + b"\n")

    code = _compile(job)
    if isinstance(code, dict):
        send(code)
        return
    module = _new_module("solution", job["path"])
    try:
        exec(code, module.__dict__)
        client = flask_client.make_test_client(module.__dict__.get(job["app"]))
    except MemoryError:
        send({"status": protocol.STATUS_MEMORY})
        return
    except BaseException as error:
        send(_exception_result(error))
        return
    if client is None:
        send(_missing_app(job["app"]))
        return
    send({"status": protocol.STATUS_OK})

    while line := job_file.readline():
        try:
            result = {
                "status": protocol.STATUS_OK,
                "response": flask_client.run_step(client, protocol.loads(line)),
            }
        except MemoryError:
            result = {"status": protocol.STATUS_MEMORY}
        except BaseException as error:
            result = _exception_result(error)
        send(result)


def _run_program(code: types.CodeType, path: str) -> dict[str, Any]:
    module = _new_module("__main__", path)
    try:
        exec(code, module.__dict__)
    except SystemExit as exit_request:
        return _exit_result(exit_request)
    except MemoryError:
        return {"status": protocol.STATUS_MEMORY}
    except BaseException as error:
        return _exception_result(error)
    return {"status": protocol.STATUS_OK, "exit_code": 0}


def _run_function(code: types.CodeType, job: dict[str, Any]) -> dict[str, Any]:
    # Named "solution", not "__main__", so an `if __name__ == "__main__":`
    # block with the student's own tests does not run.
    module = _new_module("solution", job["path"])
    name = job["function"]
    try:
        exec(code, module.__dict__)
        function = module.__dict__.get(name)
        if not callable(function):
            return _missing_function(name)
        args = protocol.decode_value(job["args"])
        kwargs = protocol.decode_value(job["kwargs"])
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise TypeError("the case's args must be a list and kwargs a dict")
        value = function(*args, **kwargs)
    except MemoryError:
        return {"status": protocol.STATUS_MEMORY}
    except BaseException as error:
        return _exception_result(error)
    return {"status": protocol.STATUS_OK, "value": protocol.encode_value(value)}


def _new_module(name: str, path: str) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__file__ = path
    sys.modules[name] = module
    return module


def _missing_function(name: str) -> dict[str, Any]:
    return {
        "status": protocol.STATUS_EXCEPTION,
        "exception": {
            "type": "NameError",
            "message": f"the solution does not define a function {name}()",
            "traceback": "",
        },
    }


def _missing_app(name: str) -> dict[str, Any]:
    return {
        "status": protocol.STATUS_EXCEPTION,
        "exception": {
            "type": "NameError",
            "message": f"the solution does not define a Flask app named {name}",
            "traceback": "",
        },
    }


def _exit_result(exit_request: SystemExit) -> dict[str, Any]:
    code = exit_request.code
    if code is None or code == 0:
        return {"status": protocol.STATUS_OK, "exit_code": 0}
    if isinstance(code, int):
        return {"status": protocol.STATUS_EXIT, "exit_code": code}
    # sys.exit("message") prints the message and exits with status 1.
    print(code, file=sys.stderr)
    return {"status": protocol.STATUS_EXIT, "exit_code": 1}


def _exception_result(error: BaseException) -> dict[str, Any]:
    try:
        message = str(error)
    except Exception:  # A student's exception may fail to print itself.
        message = "<the exception message could not be printed>"
    return {
        "status": protocol.STATUS_EXCEPTION,
        "exception": {
            "type": type(error).__name__,
            "message": message[:_TRACEBACK_LIMIT],
            "traceback": _student_traceback(error),
        },
    }


def _student_traceback(error: BaseException) -> str:
    """Format ``error`` without the harness's own frames."""
    try:
        summary = traceback.TracebackException.from_exception(error)
        _drop_harness_frames(summary, set())
        text = "".join(summary.format())
    except Exception:  # Formatting runs the student's __str__ and may fail.
        text = f"{type(error).__name__} (the traceback could not be formatted)\n"
    if len(text) > _TRACEBACK_LIMIT:
        text = "...\n" + text[-_TRACEBACK_LIMIT:]
    return text


def _drop_harness_frames(summary: traceback.TracebackException, seen: set[int]) -> None:
    if id(summary) in seen:
        return
    seen.add(id(summary))
    frames = [frame for frame in summary.stack if frame.filename not in _HARNESS_FILES]
    summary.stack = traceback.StackSummary.from_list(frames)
    for linked in (summary.__cause__, summary.__context__):
        if linked is not None:
            _drop_harness_frames(linked, seen)


def _syntax_error(
    line: int | None, offset: int | None, message: str, text: str | None
) -> dict[str, Any]:
    return {
        "status": protocol.STATUS_SYNTAX_ERROR,
        "syntax_error": {
            "line": line,
            "offset": offset,
            "message": message,
            "text": (text or "").rstrip("\n")[:500],
        },
    }


def _raise_oom_score() -> None:
    # Makes the kernel's OOM killer pick this process, not the supervisor.
    try:
        with open("/proc/self/oom_score_adj", "w", encoding="ascii") as file:
            file.write("1000")
    except OSError:
        pass


def _flush_standard_streams() -> None:
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                stream.flush()
        except Exception:  # The student may have replaced or closed them.
            pass


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except OSError:
            return
        view = view[written:]


if __name__ == "__main__":
    main()
