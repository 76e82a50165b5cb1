"""Configuration read from environment variables, checked in fresh processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def manage_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "LOG_LEVEL": "WARNING"}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_stops_start() -> None:
    result = manage_check({"DEBUG": "0"})

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_secret_key_from_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("a-long-random-secret-for-tests\n")

    result = manage_check({"DEBUG": "0", "SECRET_KEY_FILE": str(secret)})

    assert result.returncode == 0, result.stderr


def test_malformed_boolean_is_named() -> None:
    result = manage_check({"DEBUG": "maybe"})

    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_malformed_integer_is_named() -> None:
    result = manage_check({"DEBUG": "1", "ACCESS_TOKEN_MINUTES": "soon"})

    assert result.returncode != 0
    assert "ACCESS_TOKEN_MINUTES='soon' is not an integer" in result.stderr
