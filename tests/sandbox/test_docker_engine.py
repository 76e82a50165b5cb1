"""The Docker backend against the real engine: outside kill and orphan cleanup."""

from __future__ import annotations

import socket

import pytest
from docker.errors import NotFound

from graders.harness import protocol
from graders.sandbox import HarnessCase, HarnessInput, Limits, docker_backend
from graders.sandbox.docker_backend import DockerSandbox, remove_orphaned_containers
from graders.sandbox.factory import image_name
from tests.sandbox.conftest import sandbox_containers

pytestmark = pytest.mark.docker

HARNESS_INPUT = HarnessInput(
    mode=protocol.MODE_PROGRAM, cases=[HarnessCase(stdin="")], function=""
)


def test_wall_time_kill_stops_process_ignoring_sigterm(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A main process that ignores SIGTERM plays the part of a hung harness,
    # which only the worker's SIGKILL from outside can end.
    hanging = (
        "import signal, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "while True:\n"
        "    time.sleep(1)\n"
    )
    monkeypatch.setattr(docker_backend, "COMMAND", ["python3", "-c", hanging])
    monkeypatch.setattr(docker_backend, "START_GRACE_S", 1.0)

    result = DockerSandbox(image_name()).run(
        "", HARNESS_INPUT, Limits(wall_time_s=1.0), {"gradewell.submission": "hang"}
    )

    assert result.killed_for_wall_time is True
    assert result.report is None
    assert 1.5 < result.duration_s < 10
    assert sandbox_containers() == []


def test_orphaned_container_is_removed() -> None:
    api = docker_backend._client().api
    ended_worker = f"{socket.gethostname()}/1/0"
    container = api.create_container(
        image_name(),
        command=["sleep", "300"],
        labels={"gradewell.sandbox": "1", "gradewell.owner": ended_worker},
    )
    api.start(container["Id"])

    removed = remove_orphaned_containers()

    assert removed >= 1
    with pytest.raises(NotFound):
        api.inspect_container(container["Id"])


PROBE = "import os, sys; print(sys.version_info[:2], os.getuid())"


def test_image_runs_python_311_as_unprivileged_user() -> None:
    api = docker_backend._client().api
    container = api.create_container(
        image_name(),
        command=[
            "python3",
            "-c",
            "import os, sys; print(sys.version_info[:2], os.getuid())",
        ],
    )
    try:
        api.start(container["Id"])
        api.wait(container["Id"], timeout=30)
        output = api.logs(container["Id"]).decode()
    finally:
        api.remove_container(container["Id"], force=True)

    assert output.strip() == "(3, 11) 10001"
