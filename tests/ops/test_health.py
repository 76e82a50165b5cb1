"""Liveness and readiness endpoints."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def test_healthz_ok() -> None:
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_ready_when_all_up() -> None:
    response = Client().get("/readyz")

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ready"
    assert body["failing"] == []
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["sandbox"]["ok"] is True


def test_readyz_names_sandbox_backend() -> None:
    body = Client().get("/readyz").json()

    assert body["checks"]["sandbox"]["backend"] in ("docker", "local")
    assert body["checks"]["sandbox"]["detail"]


def test_readyz_unreachable_broker_fails() -> None:
    with override_settings(CELERY_BROKER_URL=UNREACHABLE_BROKER):
        response = Client().get("/readyz")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"]["ok"] is False
    assert "127.0.0.1:1" in body["checks"]["broker"]["detail"]
    assert body["checks"]["database"]["ok"] is True


def test_readyz_failing_database_fails() -> None:
    refused = OperationalError("connection refused")

    with mock.patch.object(connection, "cursor", side_effect=refused):
        response = Client().get("/readyz")

    body = response.json()
    assert response.status_code == 503
    assert body["failing"] == ["database"]
    assert body["checks"]["database"]["detail"] == (
        "OperationalError: connection refused"
    )
    assert body["checks"]["broker"]["ok"] is True
