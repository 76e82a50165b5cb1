"""Start and stop a real Celery worker process against the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class WorkerProcess:
    """A ``celery worker`` child process with its log in a file."""

    def __init__(
        self, env: dict[str, str], log_path: Path, concurrency: int = 2
    ) -> None:
        self.env = env
        self.log_path = log_path
        self.concurrency = concurrency
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        command = [
            sys.executable,
            "-m",
            "celery",
            "--app",
            "gradewell",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(self.concurrency),
            "--queues",
            "grading,sandbox",
            "--include",
            "tests.support.fake_graders",
            "--loglevel",
            "INFO",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ]
        self.log_path.touch()
        offset = self.log_path.stat().st_size
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited at start:\n{self.log_tail()}")
            if b" ready." in self.log_path.read_bytes()[offset:]:
                return
            time.sleep(0.2)
        raise RuntimeError(f"worker not ready after {timeout} s:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL the whole worker, as a crashed machine would."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def is_alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, characters: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-characters:]
