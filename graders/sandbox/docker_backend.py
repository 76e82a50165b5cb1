"""Docker backend: one fresh, locked-down container per run.

Every call Gradewell makes to the Docker engine is in this module, so tests
fake the engine by replacing ``_client``. The request (source and case
inputs) reaches the harness on the container's stdin; the report comes back
on its stdout. No file, volume or environment variable of the worker goes in.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import socket
import struct
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import requests
from docker.errors import APIError, DockerException, ImageNotFound, NotFound
from docker.types import LogConfig, Ulimit

import docker
from graders.sandbox.base import (
    LABEL_SANDBOX,
    LABEL_SUBMISSION,
    HarnessInput,
    Sandbox,
    SandboxStatus,
    SandboxUnavailableError,
)
from graders.sandbox.limits import Limits
from graders.sandbox.report import build_request, parse_report, report_stream_cap
from graders.sandbox.results import SandboxResult
from graders.sandbox.streams import StreamCapture

logger = logging.getLogger(__name__)

LABEL_OWNER = "gradewell.owner"
LABEL_HARNESS_HASH = "org.gradewell.harness-sha256"
HARNESS_DIR = Path(__file__).resolve().parent.parent / "harness"
# Numeric so it works whether or not the image defines the user.
SANDBOX_USER = "10001:10001"
WORKDIR = "/sandbox"
COMMAND = ["python3", "-I", "/opt/gradewell/harness/supervisor.py"]
# Python's tempfile needs a writable /tmp; it is a small tmpfs of its own.
TMP_MIB = 16

# Time allowed beyond Limits.wall_time_s for starting the container and the
# interpreter before the worker kills it.
START_GRACE_S = 5.0
# Sandbox containers older than this are orphans, whichever worker created
# them, because no run lasts longer than MAX_LIMITS.wall_time_s plus grace.
ORPHAN_AGE_S = 600.0
_API_TIMEOUT_S = 60
_SEND_TIMEOUT_S = 30.0
_POLL_S = 0.25
_STREAM_HEADER = struct.Struct(">BxxxL")
_STDOUT, _STDERR = 1, 2
_ENGINE_ERRORS = (DockerException, requests.exceptions.RequestException, OSError)

_clients = threading.local()


class DockerSandbox(Sandbox):
    """Runs each submission in a new container and always removes it afterwards."""

    name = "docker"

    def __init__(self, image: str) -> None:
        self.image = image

    def run(
        self,
        source: str,
        harness_input: HarnessInput,
        limits: Limits,
        labels: Mapping[str, str],
    ) -> SandboxResult:
        # NOTE: only check_available() compares the image's harness hash; a
        # run with GRADEWELL_SANDBOX_BACKEND=docker uses whatever image is
        # tagged, so rebuild it whenever graders/harness changes.
        request, nonce = build_request(source, harness_input, limits)
        stream_cap = report_stream_cap(limits, len(harness_input.cases))
        container_id = ""
        try:
            api = _client().api
            container_id = _create_container(api, self.image, limits, labels)
            exchange = _Exchange(api, container_id, limits, stream_cap)
            exchange.run(request)
            exit_code, oom_killed = _wait_for_exit(api, container_id)
        except ImageNotFound as error:
            raise SandboxUnavailableError(
                f"sandbox image {self.image} not found; build it with "
                "docker/sandbox/build.sh"
            ) from error
        except _ENGINE_ERRORS as error:
            raise SandboxUnavailableError(
                f"Docker engine call failed: {error}"
            ) from error
        finally:
            if container_id:
                _remove_container(container_id)

        report, problem = parse_report(exchange.stdout.data, nonce, limits)
        return SandboxResult(
            backend=self.name,
            report=report,
            report_problem=problem,
            exit_code=exit_code,
            killed_for_wall_time=exchange.killed_for == "wall_time",
            killed_for_memory=oom_killed,
            killed_for_output=exchange.killed_for == "output",
            stdout=exchange.stdout.captured(),
            stderr=exchange.stderr.captured(),
            duration_s=exchange.duration_s,
            container_id=container_id,
        )

    def check_available(self) -> SandboxStatus:
        try:
            api = _client().api
            api.ping()
            image = api.inspect_image(self.image)
        except ImageNotFound:
            detail = f"image {self.image} not found; run docker/sandbox/build.sh"
            return SandboxStatus(self.name, False, detail)
        except _ENGINE_ERRORS as error:
            return SandboxStatus(
                self.name, False, f"engine not reachable: {error}", reachable=False
            )
        labels = (image.get("Config") or {}).get("Labels") or {}
        if labels.get(LABEL_HARNESS_HASH) != harness_sha256():
            detail = (
                f"image {self.image} contains another version of graders/harness; "
                "rebuild it with docker/sandbox/build.sh"
            )
            return SandboxStatus(self.name, False, detail)
        return SandboxStatus(self.name, True, f"engine reachable, image {self.image}")


class _Exchange:
    """Sends the request to a started container and reads its output, bounded.

    Output is read while it streams and kept only up to its cap. The
    container is killed at the wall-time deadline or when stdout exceeds
    ``stream_cap``, so the worker never buffers unbounded output.
    """

    def __init__(
        self, api: docker.APIClient, container_id: str, limits: Limits, stream_cap: int
    ) -> None:
        self.api = api
        self.container_id = container_id
        self.limits = limits
        self.stdout = StreamCapture(stream_cap)
        self.stderr = StreamCapture(limits.output_bytes)
        self.killed_for = ""
        self.duration_s = 0.0

    def run(self, request: bytes) -> None:
        attached = self.api.attach_socket(
            self.container_id,
            params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1},
        )
        # docker-py returns a SocketIO wrapper for a Unix-socket engine and
        # the socket itself for TCP; both hold the raw socket the hijacked
        # HTTP connection runs on.
        raw: socket.socket = getattr(attached, "_sock", attached)
        try:
            self.api.start(self.container_id)
            started = time.monotonic()
            raw.settimeout(_SEND_TIMEOUT_S)
            raw.sendall(request)
            # Closing our side closes the container's stdin (stdin_once).
            raw.shutdown(socket.SHUT_WR)
            self._read(raw, started + self.limits.wall_time_s + START_GRACE_S)
            self.duration_s = time.monotonic() - started
        finally:
            attached.close()

    def _read(self, raw: socket.socket, deadline: float) -> None:
        raw.settimeout(_POLL_S)
        buffer = bytearray()
        while True:
            if time.monotonic() >= deadline:
                self._kill("wall_time")
                return
            try:
                chunk = raw.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                return
            buffer += chunk
            self._split_frames(buffer)
            if self.stdout.exceeded or self.stderr.exceeded:
                self._kill("output")
                return

    def _split_frames(self, buffer: bytearray) -> None:
        # The attach stream multiplexes stdout and stderr in frames of an
        # 8-byte header (stream type, 3 zero bytes, big-endian length).
        while len(buffer) >= _STREAM_HEADER.size:
            stream_type, length = _STREAM_HEADER.unpack_from(buffer)
            end = _STREAM_HEADER.size + length
            if len(buffer) < end:
                return
            payload = bytes(buffer[_STREAM_HEADER.size : end])
            del buffer[:end]
            if stream_type == _STDOUT:
                self.stdout.feed(payload)
            elif stream_type == _STDERR:
                self.stderr.feed(payload)

    def _kill(self, reason: str) -> None:
        self.killed_for = reason
        logger.info(
            "sandbox killed container_id=%s reason=%s", self.container_id[:12], reason
        )
        _kill_container(self.api, self.container_id)


def remove_orphaned_containers(max_age_s: float = ORPHAN_AGE_S) -> int:
    """Remove sandbox containers that crashed workers left; return how many.

    Removes every container labelled ``gradewell.sandbox=1`` whose creating
    process, on this host, no longer runs, and every one older than
    ``max_age_s``, whichever worker created it. Sandboxes of live workers on
    the same engine are kept, so any worker may call this when it starts.
    """
    api = _client().api
    now = datetime.datetime.now(datetime.UTC)
    removed = 0
    for container in api.containers(all=True, filters={"label": f"{LABEL_SANDBOX}=1"}):
        labels = container.get("Labels") or {}
        created = datetime.datetime.fromtimestamp(
            container.get("Created", 0), datetime.UTC
        )
        age_s = (now - created).total_seconds()
        if age_s < max_age_s and not _owner_is_gone(labels.get(LABEL_OWNER, "")):
            continue
        logger.warning(
            "sandbox orphan removed container_id=%s submission_id=%s age_s=%d",
            container["Id"][:12],
            labels.get(LABEL_SUBMISSION, ""),
            age_s,
        )
        _remove_container(container["Id"])
        removed += 1
    return removed


def _create_container(
    api: docker.APIClient, image: str, limits: Limits, labels: Mapping[str, str]
) -> str:
    host_config = api.create_host_config(
        network_mode="none",
        read_only=True,
        # Owned by the sandbox user: Docker 20.10 ignored mode=1777 here.
        tmpfs={
            WORKDIR: _tmpfs_options(limits.tmpfs_mib),
            "/tmp": _tmpfs_options(TMP_MIB),
        },
        cap_drop=["ALL"],
        security_opt=["no-new-privileges"],
        mem_limit=limits.memory_bytes,
        memswap_limit=limits.memory_bytes,
        nano_cpus=int(limits.cpus * 1e9),
        pids_limit=limits.pids,
        ulimits=[
            Ulimit(name="nofile", soft=limits.open_files, hard=limits.open_files),
            Ulimit(
                name="fsize", soft=limits.file_size_bytes, hard=limits.file_size_bytes
            ),
            Ulimit(name="core", soft=0, hard=0),
        ],
        log_config=LogConfig(type=LogConfig.types.NONE),
    )
    container = api.create_container(
        image,
        command=COMMAND,
        user=SANDBOX_USER,
        working_dir=WORKDIR,
        hostname="sandbox",
        # With detach left False, docker-py also sets StdinOnce, so closing
        # the attached stdin closes the container's stdin.
        stdin_open=True,
        tty=False,
        network_disabled=True,
        labels={**labels, LABEL_SANDBOX: "1", LABEL_OWNER: _owner()},
        host_config=host_config,
    )
    return str(container["Id"])


def _tmpfs_options(size_mib: int) -> str:
    uid, gid = SANDBOX_USER.split(":")
    return f"rw,nosuid,nodev,noexec,size={size_mib}m,uid={uid},gid={gid},mode=0700"


def _wait_for_exit(api: docker.APIClient, container_id: str) -> tuple[int | None, bool]:
    """Return the container's exit code and whether the kernel OOM-killed in it."""
    try:
        api.wait(container_id, timeout=START_GRACE_S)
    except requests.exceptions.RequestException:
        # Still running after its streams closed, which a correct harness
        # never does; kill it rather than wait.
        _kill_container(api, container_id)
        api.wait(container_id, timeout=_API_TIMEOUT_S)
    state: dict[str, Any] = api.inspect_container(container_id)["State"]
    return state.get("ExitCode"), bool(state.get("OOMKilled"))


def _kill_container(api: docker.APIClient, container_id: str) -> None:
    try:
        api.kill(container_id, signal="SIGKILL")
    except (NotFound, APIError):
        pass  # It ended by itself in the meantime.


def _remove_container(container_id: str) -> None:
    # A removal that fails leaves an orphan for remove_orphaned_containers,
    # so it is logged rather than raised over the run's own error.
    try:
        _client().api.remove_container(container_id, force=True, v=True)
    except NotFound:
        pass
    except APIError as error:
        if error.status_code != 409:  # 409: a removal is already in progress.
            logger.exception(
                "sandbox removal failed container_id=%s", container_id[:12]
            )
    except _ENGINE_ERRORS:
        logger.exception("sandbox removal failed container_id=%s", container_id[:12])


def _owner() -> str:
    """Return the owner label: host name, process id and process start time.

    The start time distinguishes a live process from a later one that
    reuses its id.
    """
    pid = os.getpid()
    return f"{socket.gethostname()}/{pid}/{_process_start_time(pid)}"


def _owner_is_gone(owner: str) -> bool:
    """Return whether ``owner`` names a process of this host that has ended.

    Owners on other hosts (or unreadable labels) count as alive, because
    their processes cannot be seen from here; age removes their orphans.
    """
    host, _, rest = owner.partition("/")
    pid_text, _, start_time = rest.partition("/")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    return _process_start_time(int(pid_text)) != start_time


def _process_start_time(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            stat = file.read()
    except OSError:
        return ""
    # Field 22, counted after the command name, which may contain spaces.
    return stat[stat.rfind(b")") + 2 :].split()[19].decode()


def harness_sha256() -> str:
    """Return the hash build.sh stores in the image label of the same name."""
    digest = hashlib.sha256()
    for path in sorted(HARNESS_DIR.glob("*.py"), key=lambda path: path.name.encode()):
        digest.update(f"{path.name}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _client() -> docker.DockerClient:
    """Return a Docker client for this process and thread.

    Clients are not shared across threads (requests sessions are not
    thread-safe) nor across forks (a Celery prefork child must not reuse
    its parent's connections).
    """
    client = getattr(_clients, "client", None)
    if client is None or getattr(_clients, "pid", None) != os.getpid():
        client = docker.from_env(timeout=_API_TIMEOUT_S)
        _clients.client = client
        _clients.pid = os.getpid()
    return client
