"""Passwords, tokens and submitted code never reach a log line."""

from __future__ import annotations

import logging

import pytest
from rest_framework.test import APIClient

from gradewell.accounts.models import User
from gradewell.courses.models import Assignment
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SECRET_CODE = "def speedup(a, b):\n    return 'SECRET-CODE-MARKER'\n"


def test_secrets_absent_from_logs(
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    student: User,
    assignment: Assignment,
) -> None:
    monkeypatch.setattr(
        "gradewell.submissions.services.enqueue_grading",
        lambda submission, request_id="": None,
    )
    caplog.set_level(logging.DEBUG)
    client = APIClient()

    client.post("/api/v1/auth/token", {"username": "student", "password": "wrong-pw"})
    tokens = client.post(
        "/api/v1/auth/token", {"username": "student", "password": PASSWORD}
    ).json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    client.post(
        "/api/v1/submissions",
        {"exercise": "test-status-created", "answer": SECRET_CODE},
    )
    client.post("/api/v1/auth/token/refresh", {"refresh": tokens["refresh"]})
    logged = caplog.text + "".join(str(record.msg) for record in caplog.records)

    assert caplog.records, "nothing was logged, so the check below proves nothing"
    assert PASSWORD not in logged
    assert "wrong-pw" not in logged
    assert tokens["access"] not in logged
    assert tokens["refresh"] not in logged
    assert "SECRET-CODE-MARKER" not in logged
