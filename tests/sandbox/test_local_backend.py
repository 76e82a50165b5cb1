"""The local backend with each isolation method this machine permits."""

from __future__ import annotations

import os

import pytest

from graders.base import Verdict
from graders.sandbox import get_sandbox, local_backend
from graders.sandbox.local_backend import (
    METHOD_BWRAP,
    METHOD_NONE,
    METHOD_UNSHARE,
    LocalSandbox,
    isolation_method,
)
from tests.sandbox.conftest import FAST_LIMITS, Grade

SPEC = {
    "cases": [{"stdin": "", "expected": "ok\n"}],
    "limits": FAST_LIMITS,
}
ENVIRONMENT_PROBE = (
    "import os\n"
    "print('ok' if 'GRADEWELL_TEST_SECRET' not in os.environ else os.environ)\n"
)


@pytest.fixture(params=[METHOD_BWRAP, METHOD_UNSHARE, METHOD_NONE])
def method(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Force one isolation method, skipping those this machine lacks."""
    wanted: str = request.param
    strongest = isolation_method()
    order = [METHOD_BWRAP, METHOD_UNSHARE, METHOD_NONE]
    if wanted == METHOD_BWRAP and strongest != METHOD_BWRAP:
        pytest.skip("bubblewrap is not usable here")
    if wanted == METHOD_UNSHARE and not local_backend._probe(
        local_backend._unshare_prefix() + ["true"]
    ):
        pytest.skip("unshare namespaces are not permitted here")
    assert wanted in order
    monkeypatch.setattr(local_backend, "isolation_method", lambda: wanted)
    monkeypatch.setenv("GRADEWELL_SANDBOX_BACKEND", "local")
    monkeypatch.setenv("GRADEWELL_TEST_SECRET", "do-not-leak")
    return wanted


def test_method_grades_and_hides_environment(grade: Grade, method: str) -> None:
    result = grade("python_program", SPEC, ENVIRONMENT_PROBE)

    assert result.verdict == Verdict.PASSED, result.checks[0].message
    assert result.details["backend"] == "local"


def test_method_enforces_case_time(grade: Grade, method: str) -> None:
    result = grade("python_program", SPEC, "while True:\n    pass\n")

    assert result.verdict == Verdict.TIME_LIMIT_EXCEEDED


def test_status_names_the_method(method: str) -> None:
    sandbox = get_sandbox()

    status = sandbox.check_available()

    assert isinstance(sandbox, LocalSandbox)
    assert status.available is True
    assert method in status.detail


def test_local_backend_logs_weaker_warning(
    grade: Grade, method: str, caplog: pytest.LogCaptureFixture
) -> None:
    local_backend._warn_once.cache_clear()

    grade("python_program", SPEC, "print('ok')\n")

    assert "weaker than Docker" in caplog.text


def test_working_directory_is_removed(grade: Grade, method: str) -> None:
    source = "import os\nprint('ok' if os.getcwd() else 'no')\n"
    before = {name for name in os.listdir("/tmp") if name.startswith("gradewell-")}

    grade("python_program", SPEC, source)

    after = {name for name in os.listdir("/tmp") if name.startswith("gradewell-")}
    assert after <= before
