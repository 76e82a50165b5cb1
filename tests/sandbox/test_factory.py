"""Choosing the sandbox backend from environment variables."""

from __future__ import annotations

import pytest

from graders.sandbox import (
    SandboxConfigurationError,
    SandboxStatus,
    SandboxUnavailableError,
    get_sandbox,
    sandbox_status,
)
from graders.sandbox.docker_backend import DockerSandbox
from graders.sandbox.local_backend import LocalSandbox


@pytest.fixture
def docker_down(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(self: DockerSandbox) -> SandboxStatus:
        return SandboxStatus(
            "docker", False, "engine not reachable: test", reachable=False
        )

    monkeypatch.setattr(DockerSandbox, "check_available", unavailable)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "GRADEWELL_SANDBOX_BACKEND",
        "GRADEWELL_SANDBOX_IMAGE",
        "GRADEWELL_SANDBOX_REQUIRE_DOCKER",
    ):
        monkeypatch.delenv(name, raising=False)


def test_docker_backend_uses_configured_image(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADEWELL_SANDBOX_BACKEND", "docker")
    monkeypatch.setenv("GRADEWELL_SANDBOX_IMAGE", "example/sandbox:7")

    sandbox = get_sandbox()

    assert isinstance(sandbox, DockerSandbox)
    assert sandbox.image == "example/sandbox:7"


def test_default_image(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADEWELL_SANDBOX_BACKEND", "docker")

    sandbox = get_sandbox()

    assert isinstance(sandbox, DockerSandbox)
    assert sandbox.image == "gradewell-sandbox:latest"


def test_local_backend_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADEWELL_SANDBOX_BACKEND", "local")

    assert isinstance(get_sandbox(), LocalSandbox)


@pytest.mark.usefixtures("docker_down")
def test_auto_falls_back_to_local_without_docker() -> None:
    assert isinstance(get_sandbox(), LocalSandbox)


@pytest.mark.usefixtures("docker_down")
def test_auto_with_required_docker_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADEWELL_SANDBOX_REQUIRE_DOCKER", "1")

    with pytest.raises(SandboxUnavailableError, match="REQUIRE_DOCKER"):
        get_sandbox()


def test_local_with_required_docker_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADEWELL_SANDBOX_BACKEND", "local")
    monkeypatch.setenv("GRADEWELL_SANDBOX_REQUIRE_DOCKER", "1")

    with pytest.raises(SandboxConfigurationError, match="conflicts"):
        get_sandbox()


def test_unknown_backend_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADEWELL_SANDBOX_BACKEND", "podman")

    with pytest.raises(SandboxConfigurationError, match="podman"):
        get_sandbox()


def test_invalid_require_flag_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRADEWELL_SANDBOX_BACKEND", "local")
    monkeypatch.setenv("GRADEWELL_SANDBOX_REQUIRE_DOCKER", "maybe")

    with pytest.raises(SandboxConfigurationError, match="maybe"):
        get_sandbox()


@pytest.mark.usefixtures("docker_down")
def test_status_reports_unavailable_required_docker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GRADEWELL_SANDBOX_REQUIRE_DOCKER", "1")

    status = sandbox_status()

    assert status.available is False
    assert "REQUIRE_DOCKER" in status.detail


def test_auto_refuses_stale_image(monkeypatch: pytest.MonkeyPatch) -> None:
    def stale(self: DockerSandbox) -> SandboxStatus:
        return SandboxStatus("docker", False, "image contains another harness")

    monkeypatch.setattr(DockerSandbox, "check_available", stale)
    monkeypatch.setenv("GRADEWELL_SANDBOX_BACKEND", "auto")

    with pytest.raises(SandboxUnavailableError, match="another harness"):
        get_sandbox()
