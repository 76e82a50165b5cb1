"""Choose the sandbox backend from the environment.

GRADEWELL_SANDBOX_BACKEND
    ``docker``, ``local`` or ``auto`` (default): Docker when an engine
    responds, else local.
GRADEWELL_SANDBOX_IMAGE
    Image of the Docker backend (default ``gradewell-sandbox:latest``).
GRADEWELL_SANDBOX_REQUIRE_DOCKER
    ``1`` makes choosing the local backend an error; set it in production.
"""

from __future__ import annotations

import logging
import os

from graders.sandbox.base import (
    Sandbox,
    SandboxConfigurationError,
    SandboxStatus,
    SandboxUnavailableError,
)

logger = logging.getLogger(__name__)

DEFAULT_IMAGE = "gradewell-sandbox:latest"
BACKEND_DOCKER = "docker"
BACKEND_LOCAL = "local"
BACKEND_AUTO = "auto"
_BACKENDS = (BACKEND_DOCKER, BACKEND_LOCAL, BACKEND_AUTO)
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


def get_sandbox() -> Sandbox:
    """Return the backend the environment selects.

    Raises ``SandboxConfigurationError`` for an invalid setting, and
    ``SandboxUnavailableError`` when Docker is required but does not respond.
    Both are infrastructure errors, so the grading task is retried.
    """
    backend = _setting_backend()
    if backend == BACKEND_DOCKER:
        return _docker_sandbox()
    if backend == BACKEND_AUTO:
        docker_sandbox = _docker_sandbox()
        status = docker_sandbox.check_available()
        if status.available:
            return docker_sandbox
        if status.reachable:
            # An engine that answers with a missing or stale image is a fault
            # to fix, not a reason to run students' code in a weaker sandbox.
            logger.error("sandbox docker engine unusable detail=%s", status.detail)
            raise SandboxUnavailableError(status.detail)
        logger.info("sandbox auto selection docker_unavailable=%s", status.detail)
        if _require_docker():
            raise SandboxUnavailableError(
                "GRADEWELL_SANDBOX_REQUIRE_DOCKER=1 but Docker cannot run sandboxes: "
                f"{status.detail}"
            )
    elif _require_docker():
        raise SandboxConfigurationError(
            "GRADEWELL_SANDBOX_BACKEND=local conflicts with "
            "GRADEWELL_SANDBOX_REQUIRE_DOCKER=1; use docker or auto"
        )
    from graders.sandbox.local_backend import LocalSandbox

    return LocalSandbox()


def sandbox_status() -> SandboxStatus:
    """Return the backend that would run code now and whether it can.

    For start-up logs and readiness checks; never raises.
    """
    try:
        sandbox = get_sandbox()
    except (SandboxConfigurationError, SandboxUnavailableError) as error:
        return SandboxStatus(_setting_backend_or_invalid(), False, str(error))
    return sandbox.check_available()


def prepare_worker_sandbox() -> SandboxStatus:
    """Log the active backend and remove Docker sandboxes a crashed worker left.

    Call once when a grading worker starts, before it takes tasks.
    """
    status = sandbox_status()
    log = logger.info if status.available else logger.error
    log(
        "sandbox backend=%s available=%s detail=%s",
        status.backend,
        status.available,
        status.detail,
    )
    if status.backend == BACKEND_DOCKER and status.available:
        from graders.sandbox.docker_backend import remove_orphaned_containers

        removed = remove_orphaned_containers()
        logger.info("sandbox orphans removed count=%d", removed)
    return status


def image_name() -> str:
    return os.environ.get("GRADEWELL_SANDBOX_IMAGE", "").strip() or DEFAULT_IMAGE


def _docker_sandbox() -> Sandbox:
    from graders.sandbox.docker_backend import DockerSandbox

    return DockerSandbox(image_name())


def _setting_backend() -> str:
    value = os.environ.get("GRADEWELL_SANDBOX_BACKEND", "").strip().lower()
    value = value or BACKEND_AUTO
    if value not in _BACKENDS:
        raise SandboxConfigurationError(
            f"GRADEWELL_SANDBOX_BACKEND={value!r} is invalid; "
            f"use one of {', '.join(_BACKENDS)}"
        )
    return value


def _setting_backend_or_invalid() -> str:
    try:
        return _setting_backend()
    except SandboxConfigurationError:
        return "invalid"


def _require_docker() -> bool:
    value = os.environ.get("GRADEWELL_SANDBOX_REQUIRE_DOCKER", "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SandboxConfigurationError(
        f"GRADEWELL_SANDBOX_REQUIRE_DOCKER={value!r} is invalid; use 1 or 0"
    )
