"""The Docker backend against a fake engine: options, cleanup and stream caps."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from typing import Any

import pytest
from docker.errors import APIError

from graders.harness import protocol
from graders.sandbox import (
    HarnessCase,
    HarnessInput,
    Limits,
    SandboxUnavailableError,
    docker_backend,
)
from graders.sandbox.docker_backend import DockerSandbox, remove_orphaned_containers


def frame(stream: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", stream, len(payload)) + payload


class FakeEngine:
    """Records calls; its "container" replies to the request with a fixed report."""

    def __init__(self, stdout_extra: bytes = b"", fail_start: bool = False) -> None:
        self.calls: list[str] = []
        self.host_config: dict[str, Any] = {}
        self.container: dict[str, Any] = {}
        self.stdout_extra = stdout_extra
        self.fail_start = fail_start
        self.listed: list[dict[str, Any]] = []

    def create_host_config(self, **options: Any) -> dict[str, Any]:
        self.host_config = options
        return options

    def create_container(self, image: str, **options: Any) -> dict[str, str]:
        self.calls.append("create")
        self.container = {"image": image, **options}
        return {"Id": "c0ffee" * 10}

    def attach_socket(self, container_id: str, params: dict[str, int]) -> socket.socket:
        ours, theirs = socket.socketpair()
        threading.Thread(target=self._answer, args=(theirs,), daemon=True).start()
        return ours

    def start(self, container_id: str) -> None:
        self.calls.append("start")
        if self.fail_start:
            raise APIError("start failed")

    def wait(self, container_id: str, timeout: float) -> dict[str, int]:
        return {"StatusCode": 0}

    def inspect_container(self, container_id: str) -> dict[str, Any]:
        return {"State": {"ExitCode": 0, "OOMKilled": False}}

    def kill(self, container_id: str, signal: str) -> None:
        self.calls.append("kill")

    def remove_container(self, container_id: str, force: bool, v: bool) -> None:
        self.calls.append(f"remove {container_id[:6]}")

    def containers(self, all: bool, filters: dict[str, str]) -> list[dict[str, Any]]:
        return self.listed

    def _answer(self, sock: socket.socket) -> None:
        request = b""
        while chunk := sock.recv(65536):
            request += chunk
        if not request:  # The run failed before sending its request.
            sock.close()
            return
        nonce = json.loads(request)["nonce"]
        report = {"protocol": 1, "nonce": nonce, "status": "ok", "cases": []}
        report["cases"] = [{"status": "ok", "value": 7}]
        try:
            sock.sendall(frame(1, protocol.dumps(report)) + self.stdout_extra)
            sock.sendall(frame(2, b"diagnostics"))
        except OSError:
            pass
        sock.close()


class FakeClient:
    def __init__(self, engine: FakeEngine) -> None:
        self.api = engine


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> FakeEngine:
    fake = FakeEngine()
    monkeypatch.setattr(docker_backend, "_client", lambda: FakeClient(fake))
    return fake


HARNESS_INPUT = HarnessInput(
    mode=protocol.MODE_FUNCTION, cases=[HarnessCase(args=[1])], function="f"
)


def run(limits: Limits | None = None) -> Any:
    return DockerSandbox("img:test").run(
        "def f(x): return 7",
        HARNESS_INPUT,
        limits or Limits(),
        {"gradewell.submission": "s1"},
    )


def test_container_is_locked_down(engine: FakeEngine) -> None:
    limits = Limits(memory_mib=128, cpus=0.5, pids=32, open_files=16)

    run(limits)

    config = engine.host_config
    assert config["network_mode"] == "none"
    assert config["read_only"] is True
    assert config["cap_drop"] == ["ALL"]
    assert config["security_opt"] == ["no-new-privileges"]
    assert config["mem_limit"] == config["memswap_limit"] == 128 * 1024 * 1024
    assert config["nano_cpus"] == 500_000_000
    assert config["pids_limit"] == 32
    assert {ulimit["Name"] for ulimit in config["ulimits"]} >= {"nofile", "fsize"}
    assert "size=64m" in config["tmpfs"]["/sandbox"]
    assert engine.container["user"] == "10001:10001"
    assert engine.container["network_disabled"] is True
    assert "environment" not in engine.container


def test_container_is_labelled(engine: FakeEngine) -> None:
    run()

    labels = engine.container["labels"]
    assert labels["gradewell.sandbox"] == "1"
    assert labels["gradewell.submission"] == "s1"


def test_report_is_read_and_container_removed(engine: FakeEngine) -> None:
    result = run()

    assert result.report is not None
    assert result.report.cases[0].value == 7
    assert result.stderr.text == "diagnostics"
    assert engine.calls[-1] == "remove c0ffee"


def test_container_removed_when_start_fails(engine: FakeEngine) -> None:
    engine.fail_start = True

    with pytest.raises(SandboxUnavailableError, match="start failed"):
        run()

    assert engine.calls == ["create", "start", "remove c0ffee"]


def test_output_over_cap_kills_container(engine: FakeEngine) -> None:
    engine.stdout_extra = frame(1, b"x" * 3_000_000)

    result = run(Limits(output_bytes=1024, return_value_bytes=1024))

    assert result.killed_for_output is True
    assert "kill" in engine.calls
    assert engine.calls[-1] == "remove c0ffee"


def test_orphan_cleanup_spares_live_workers(engine: FakeEngine) -> None:
    host = socket.gethostname()
    live = docker_backend._owner()
    now = time.time()
    engine.listed = [
        {
            "Id": "aaaaaa-ended",
            "Created": now,
            "Labels": {"gradewell.owner": f"{host}/1/0"},
        },
        {
            "Id": "bbbbbb-old",
            "Created": now - 3600,
            "Labels": {"gradewell.owner": live},
        },
        {"Id": "cccccc-live", "Created": now, "Labels": {"gradewell.owner": live}},
        {"Id": "dddddd-other", "Created": now, "Labels": {"gradewell.owner": "x/1/0"}},
    ]

    removed = remove_orphaned_containers()

    assert removed == 2
    assert engine.calls == ["remove aaaaaa", "remove bbbbbb"]
