"""Sandbox test fixtures: backends, a grading helper and leftover checks.

Tests marked ``docker`` skip when no Docker engine with the sandbox image
is reachable, unless GRADEWELL_REQUIRE_DOCKER=1, which turns the skip into a
failure (set it in CI, where docker/start-dockerd.sh and
docker/sandbox/build.sh have run).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from graders.base import GradeResult, GradingContext
from graders.registry import get_grader
from graders.sandbox.base import LABEL_SANDBOX

Grade = Callable[..., GradeResult]

# Small limits keep hostile cases quick; the defaults allow 5 s per case.
FAST_LIMITS = {"case_time_s": 2.0, "wall_time_s": 20.0}


def sandbox_containers() -> list[dict[str, Any]]:
    """Return the sandbox containers this test process created and left.

    Filtered by owner, because other processes (a worker under test) may
    use the same engine at the same time.
    """
    from graders.sandbox.docker_backend import LABEL_OWNER, _client, _owner

    labels = [f"{LABEL_SANDBOX}=1", f"{LABEL_OWNER}={_owner()}"]
    return _client().api.containers(all=True, filters={"label": labels})


def leftover_workdirs() -> set[str]:
    """Return the local backend's working directories of this test process."""
    return {
        entry.name
        for entry in Path(tempfile.gettempdir()).iterdir()
        if entry.name.startswith(f"gradewell-sandbox-{os.getpid()}-")
    }


@pytest.fixture(
    params=[pytest.param("docker", marks=pytest.mark.docker), pytest.param("local")]
)
def backend(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """Select each backend in turn, and check that a test leaves nothing behind."""
    name: str = request.param
    monkeypatch.setenv("GRADEWELL_SANDBOX_BACKEND", name)
    monkeypatch.delenv("GRADEWELL_SANDBOX_REQUIRE_DOCKER", raising=False)
    workdirs_before = leftover_workdirs()
    yield name
    if name == "docker":
        assert sandbox_containers() == []
    assert leftover_workdirs() - workdirs_before == set()


@pytest.fixture
def local_sandbox_method() -> str:
    from graders.sandbox.local_backend import isolation_method

    return isolation_method()


@pytest.fixture
def grade() -> Grade:
    """Grade ``source`` against a grading section, as the worker would."""

    def run(
        kind: str,
        spec: dict[str, Any],
        source: str,
        params: dict[str, Any] | None = None,
        points: float = 10.0,
    ) -> GradeResult:
        grader = get_grader(kind)
        assert grader.validate_spec(spec) == []
        context = GradingContext(
            slug="sandbox-test",
            kind=kind,
            version=1,
            points=points,
            spec=spec,
            params=params or {},
            submission_id="test-submission",
        )
        return grader.grade(context, source)

    return run
