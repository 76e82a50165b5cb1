"""Hostile submissions: each gets the right verdict and leaves nothing behind.

Every test also grades a correct answer afterwards, through the same
backend, to show the sandbox still works; the ``backend`` fixture checks
that no labelled container or working directory remains.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest

from graders.base import Verdict
from graders.sandbox.local_backend import METHOD_BWRAP, METHOD_NONE
from graders.sandbox.process_cgroup import ProcessCgroup
from tests.sandbox.conftest import FAST_LIMITS, Grade

FUNCTION_SPEC = {
    "function": "answer",
    "cases": [{"args": [], "expected": 42}],
    "limits": FAST_LIMITS,
}
PROGRAM_SPEC = {"cases": [{"stdin": "", "expected": "ok\n"}], "limits": FAST_LIMITS}
CORRECT_FUNCTION = "def answer():\n    return 42\n"


@pytest.fixture
def grade_then_check(grade: Grade, backend: str) -> Iterator[Grade]:
    """Yield ``grade``; afterwards a correct answer must still pass."""
    yield grade
    follow_up = grade("python_function", FUNCTION_SPEC, CORRECT_FUNCTION)
    assert follow_up.verdict == Verdict.PASSED


def skip_unless_local_method(backend: str, method: str, *allowed: str) -> None:
    if backend == "local" and method not in allowed:
        pytest.skip(f"the local backend's {method} isolation does not cover this")


def test_infinite_loop_is_time_limit(grade_then_check: Grade) -> None:
    source = "def answer():\n    while True:\n        pass\n"

    result = grade_then_check("python_function", FUNCTION_SPEC, source)

    assert result.verdict == Verdict.TIME_LIMIT_EXCEEDED
    assert result.details["duration_s"] < 10


def test_loop_ignoring_sigterm_is_time_limit(grade_then_check: Grade) -> None:
    source = (
        "import signal\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "def answer():\n"
        "    while True:\n"
        "        pass\n"
    )

    result = grade_then_check("python_function", FUNCTION_SPEC, source)

    assert result.verdict == Verdict.TIME_LIMIT_EXCEEDED


def test_fork_bomb_is_contained(
    grade_then_check: Grade, backend: str, local_sandbox_method: str
) -> None:
    if backend == "local" and os.geteuid() == 0:
        # The kernel exempts root from RLIMIT_NPROC; only a cgroup bounds it.
        group = ProcessCgroup.create(8, 64 * 1024 * 1024)
        if group is None:
            pytest.skip("a root worker without a writable cgroup cannot bound forks")
        group.destroy()
    skip_unless_local_method(backend, local_sandbox_method, METHOD_BWRAP, "unshare")
    source = "import os\ndef answer():\n    while True:\n        os.fork()\n"

    result = grade_then_check("python_function", FUNCTION_SPEC, source)

    assert result.verdict in (Verdict.RUNTIME_ERROR, Verdict.TIME_LIMIT_EXCEEDED)
    assert result.score == 0


def test_ten_gigabytes_is_memory_limit(grade_then_check: Grade) -> None:
    source = "def answer():\n    block = bytearray(10 * 1024**3)\n    return 42\n"

    result = grade_then_check("python_function", FUNCTION_SPEC, source)

    assert result.verdict == Verdict.MEMORY_LIMIT_EXCEEDED


def test_growing_list_is_memory_limit(grade_then_check: Grade) -> None:
    source = (
        "def answer():\n"
        "    blocks = []\n"
        "    while True:\n"
        "        blocks.append(bytearray(1024 * 1024))\n"
    )

    result = grade_then_check("python_function", FUNCTION_SPEC, source)

    assert result.verdict == Verdict.MEMORY_LIMIT_EXCEEDED


def test_hundred_megabytes_of_output_is_output_limit(grade_then_check: Grade) -> None:
    source = "import sys\nfor _ in range(100):\n    sys.stdout.write('x' * 1_000_000)\n"

    result = grade_then_check("python_program", PROGRAM_SPEC, source)

    assert result.verdict == Verdict.OUTPUT_LIMIT_EXCEEDED
    assert result.details["duration_s"] < 10


def test_network_connection_fails(
    grade_then_check: Grade, backend: str, local_sandbox_method: str
) -> None:
    skip_unless_local_method(backend, local_sandbox_method, METHOD_BWRAP, "unshare")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    source = (
        "import socket\n"
        "names = [name for _, name in socket.if_nameindex()]\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
        "    print('connected', names)\n"
        "except OSError:\n"
        "    print('ok' if names == ['lo'] else names)\n"
    )

    with listener:
        result = grade_then_check("python_program", PROGRAM_SPEC, source)
        with pytest.raises(TimeoutError):
            listener.accept()

    assert result.verdict == Verdict.PASSED, result.checks[0].message


def test_files_outside_workdir_hold_no_secrets(
    grade_then_check: Grade,
    backend: str,
    local_sandbox_method: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: os.PathLike[str],
) -> None:
    skip_unless_local_method(backend, local_sandbox_method, METHOD_BWRAP)
    secret = "expected-answer-" + os.urandom(8).hex()
    monkeypatch.setenv("GRADEWELL_TEST_SECRET", secret)
    secret_file = os.path.join(tmp_path, "answers.txt")
    with open(secret_file, "w") as file:
        file.write(secret)
    spec = {
        "cases": [{"stdin": "", "expected": "ok\n"}],
        "samples": [{"stdin": "", "expected": secret}],
        # Walking the interpreter's directories takes a few seconds.
        "limits": {"case_time_s": 20.0, "wall_time_s": 60.0},
    }
    # Reversed, so the source file itself does not contain the secret.
    source = f"""
import os
SECRET = {secret[::-1]!r}[::-1]
found = [name for name, value in os.environ.items() if SECRET in value]
for path in ({secret_file!r}, "/proc/1/environ", "/proc/1/cmdline", "/proc/1/fd/0"):
    try:
        with open(path, "rb") as file:
            if SECRET.encode() in file.read(1_000_000):
                found.append(path)
    except OSError:
        pass
for top in ("/opt", "/sandbox", "/tmp", "/home", "/root", "/run", "/var", "/etc"):
    for folder, _, files in os.walk(top):
        for name in files:
            try:
                with open(os.path.join(folder, name), "rb") as file:
                    if SECRET.encode() in file.read(1_000_000):
                        found.append(os.path.join(folder, name))
            except OSError:
                pass
print("ok" if not found else found)
"""

    result = grade_then_check("python_program", spec, source)

    hidden = result.checks[1]
    assert hidden.passed, hidden.message


def test_root_filesystem_is_read_only(
    grade_then_check: Grade, backend: str, local_sandbox_method: str
) -> None:
    skip_unless_local_method(backend, local_sandbox_method, METHOD_BWRAP)
    source = (
        "written = []\n"
        "for path in ('/evil', '/usr/evil', '/opt/gradewell/harness/runner.py'):\n"
        "    try:\n"
        "        with open(path, 'a') as file:\n"
        "            file.write('x')\n"
        "        written.append(path)\n"
        "    except OSError:\n"
        "        pass\n"
        "open('scratch.txt', 'w').write('fine')\n"
        "print('ok' if not written else written)\n"
    )

    result = grade_then_check("python_program", PROGRAM_SPEC, source)

    assert result.verdict == Verdict.PASSED, result.checks[0].message


def test_forged_report_changes_nothing(grade_then_check: Grade) -> None:
    forged = (
        '{"protocol":1,"nonce":"x","status":"ok","cases":[{"status":"ok","value":42}]}'
    )
    source = f"""
import os, sys
FORGED = {forged!r}
print(FORGED)
sys.stderr.write(FORGED)
for fd in range(3, 64):
    try:
        os.write(fd, FORGED.encode())
    except OSError:
        pass
for path in ("/proc/1/fd/1", "/proc/self/fd/1"):
    try:
        with open(path, "w") as file:
            file.write(FORGED)
    except OSError:
        pass
def answer():
    return 41
"""

    result = grade_then_check("python_function", FUNCTION_SPEC, source)

    assert result.verdict in (Verdict.WRONG_ANSWER, Verdict.RUNTIME_ERROR)
    assert result.score == 0


def test_killing_the_supervisor_fails(
    grade_then_check: Grade, backend: str, local_sandbox_method: str
) -> None:
    skip_unless_local_method(backend, local_sandbox_method, METHOD_BWRAP, "unshare")
    source = (
        "import os, signal\n"
        "for target in (1, os.getppid()):\n"
        "    for number in (signal.SIGTERM, signal.SIGKILL):\n"
        "        try:\n"
        "            os.kill(target, number)\n"
        "        except OSError:\n"
        "            pass\n"
        "def answer():\n"
        "    return 41\n"
    )

    result = grade_then_check("python_function", FUNCTION_SPEC, source)

    assert result.verdict == Verdict.WRONG_ANSWER


def test_forged_runner_result_is_only_a_return_value(grade_then_check: Grade) -> None:
    source = (
        "import os\n"
        "result_fd = int(os.environ['GRADEWELL_FDS'].split(',')[1])\n"
        'os.write(result_fd, b\'{"status": "passed", "value": 42}\')\n'
        "os._exit(0)\n"
    )

    result = grade_then_check("python_function", FUNCTION_SPEC, source)

    assert result.verdict == Verdict.RUNTIME_ERROR


@pytest.mark.parametrize(
    "attack",
    [
        "os.kill(os.getppid(), signal.SIGINT)\n",
        "os.chmod('/sandbox', 0o500)\n",
        'os.write(fd, b\'{"status": "exit", "exit_code": "abc"}\')\nos._exit(0)\n',
        "os.write(fd, b'[' * 50000 + b']' * 50000)\nos._exit(0)\n",
        'os.write(fd, b\'{"status": "exception", "exit_code": 1e400}\')\nos._exit(0)\n',
    ],
    ids=["sigint", "chmod", "bad-field", "deep-json", "huge-number"],
)
def test_disrupting_the_harness_is_students_error(
    grade_then_check: Grade,
    backend: str,
    local_sandbox_method: str,
    attack: str,
) -> None:
    skip_unless_local_method(backend, local_sandbox_method, METHOD_BWRAP, "unshare")
    source = (
        "import os, signal\n"
        "fd = int(os.environ.get('GRADEWELL_FDS', '0,1').split(',')[1])\n"
        "try:\n"
        + "".join(f"    {line}\n" for line in attack.splitlines())
        + "except OSError:\n"
        "    pass\n"
        "def answer():\n"
        "    return 42\n"
    )

    result = grade_then_check("python_function", FUNCTION_SPEC, source)

    # Never an infrastructure error, which would be retried and refunded.
    assert result.verdict in (Verdict.RUNTIME_ERROR, Verdict.PASSED)


def test_unconvertible_return_is_wrong_answer(grade_then_check: Grade) -> None:
    spec = {**FUNCTION_SPEC, "cases": [{"args": [], "expected": 1.5}]}
    source = "def answer():\n    return 10 ** 400\n"

    result = grade_then_check("python_function", spec, source)

    assert result.verdict == Verdict.WRONG_ANSWER


def test_long_lines_nul_and_unicode_in_output(grade_then_check: Grade) -> None:
    line = "é✓𝔘\u202e\u0301" * 2000
    spec = {
        "cases": [{"stdin": "", "expected": f"{line}\na\0b\n"}],
        "limits": FAST_LIMITS,
    }
    source = f"# ünïcödé ✓ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u202e comment\nprint({line!r})\nprint('a\\0b')\n"

    result = grade_then_check("python_program", spec, source)

    assert result.verdict == Verdict.PASSED, result.checks[0].message


def test_nul_in_output_is_stored_safely(grade_then_check: Grade) -> None:
    spec = {"samples": [{"stdin": "", "expected": "x\n"}], **PROGRAM_SPEC}
    source = "print('bad\\0output \\udcff')\n"

    result = grade_then_check("python_program", spec, source)

    assert result.verdict == Verdict.WRONG_ANSWER
    assert all("\0" not in check.message for check in result.checks)
    assert "bad\\0output" in result.checks[0].message


def test_nul_in_source_is_syntax_error(grade_then_check: Grade) -> None:
    source = "def answer():\n    return 42\n# \0\n"

    result = grade_then_check("python_function", FUNCTION_SPEC, source)

    assert result.verdict == Verdict.SYNTAX_ERROR
    assert result.checks[0].message.startswith("line 3:")


def test_one_megabyte_source_is_rejected_before_running(
    grade: Grade, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_sandbox() -> None:
        raise AssertionError("the sandbox must not be used")

    monkeypatch.setattr("graders.code.get_sandbox", no_sandbox)
    source = CORRECT_FUNCTION + "#" * (1024 * 1024)

    result = grade("python_function", FUNCTION_SPEC, source)

    assert result.verdict == Verdict.INVALID_ANSWER
    assert "maximum is 65536 bytes" in result.feedback


def test_local_method_is_known(local_sandbox_method: str) -> None:
    assert local_sandbox_method in (METHOD_BWRAP, "unshare", METHOD_NONE)
