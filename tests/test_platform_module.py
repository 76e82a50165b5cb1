"""The standard library's platform module must never be shadowed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECK = "import platform; print(platform.system())"


def run(command: list[str], **kwargs) -> str:
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=120, **kwargs
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_platform_folder_is_not_a_package() -> None:
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_stdlib_platform_from_repository_root() -> None:
    assert run([sys.executable, "-c", CHECK]) == "Linux"


def test_stdlib_platform_inside_django_shell() -> None:
    output = run(
        [sys.executable, "manage.py", "shell", "-c", CHECK],
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin", "LOG_LEVEL": "WARNING"},
    )

    assert output == "Linux"


@pytest.mark.worker
def test_stdlib_platform_inside_celery_worker_process() -> None:
    code = (
        "import sys; sys.path[:0] = ['platform', '.'];"
        "from gradewell.celery import app; import platform, kombu, celery;"
        "print(platform.system())"
    )
    assert run([sys.executable, "-c", code]) == "Linux"
