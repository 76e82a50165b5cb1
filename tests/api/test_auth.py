"""Sign-up, JWT sign-in, refresh rotation, sign-out and lockout."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from gradewell.accounts.models import Role, User
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def sign_in(client: APIClient, username: str, password: str = PASSWORD):
    return client.post(
        "/api/v1/auth/token", {"username": username, "password": password}
    )


def b64(data: dict) -> str:
    raw = json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_register_creates_student_with_tokens() -> None:
    response = APIClient().post(
        "/api/v1/auth/register",
        {"username": "ada", "email": "ada@example.com", "password": PASSWORD},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"]["role"] == "student"
    assert "access" in body["tokens"]
    assert User.objects.get(username="ada").check_password(PASSWORD)


def test_register_cannot_choose_teacher_role() -> None:
    response = APIClient().post(
        "/api/v1/auth/register",
        {
            "username": "mallory",
            "email": "m@example.com",
            "password": PASSWORD,
            "role": "teacher",
        },
    )

    assert response.status_code == 201
    assert User.objects.get(username="mallory").role == Role.STUDENT


def test_register_rejects_weak_password() -> None:
    response = APIClient().post(
        "/api/v1/auth/register",
        {"username": "bob", "email": "bob@example.com", "password": "password"},
    )

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "password"
    assert not User.objects.filter(username="bob").exists()


def test_register_rejects_taken_username() -> None:
    make_user("carol")

    response = APIClient().post(
        "/api/v1/auth/register",
        {"username": "Carol", "email": "other@example.com", "password": PASSWORD},
    )

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "username"


def test_register_reports_every_missing_field() -> None:
    response = APIClient().post("/api/v1/auth/register", {})

    fields = {detail["field"] for detail in response.json()["error"]["details"]}
    assert response.status_code == 400
    assert fields == {"username", "email", "password"}


@override_settings(GRADEWELL={"SELF_SIGNUP": False})
def test_register_closed_by_setting() -> None:
    response = APIClient().post(
        "/api/v1/auth/register",
        {"username": "dan", "email": "dan@example.com", "password": PASSWORD},
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "registration_closed"
    assert not User.objects.filter(username="dan").exists()


def test_token_pair_gives_access_to_me(student: User) -> None:
    client = APIClient()
    tokens = sign_in(client, "student").json()

    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    response = client.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["username"] == "student"


def test_wrong_password_is_401(student: User) -> None:
    response = sign_in(APIClient(), "student", "not-the-password")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "no_active_account"


def test_me_without_token_is_401() -> None:
    response = APIClient().get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_expired_access_token_is_401(student: User) -> None:
    token = str(AccessToken.for_user(student))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    with time_machine.travel(timedelta(hours=2)):
        response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"


def test_tampered_token_is_401(student: User, teacher: User) -> None:
    header, _, signature = str(AccessToken.for_user(student)).split(".")
    payload = AccessToken.for_user(student).payload
    payload["user_id"] = str(teacher.pk)
    forged = f"{header}.{b64(payload)}.{signature}"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")

    response = client.get("/api/v1/me")

    assert response.status_code == 401


def test_alg_none_token_is_401(student: User) -> None:
    payload = AccessToken.for_user(student).payload
    unsigned = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(payload)}."
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {unsigned}")

    response = client.get("/api/v1/me")

    assert response.status_code == 401


def test_other_algorithm_token_is_401(student: User) -> None:
    import jwt
    from django.conf import settings

    payload = dict(AccessToken.for_user(student).payload)
    token = jwt.encode(payload, settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS512")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    response = client.get("/api/v1/me")

    assert response.status_code == 401


def test_refresh_rotates_and_blacklists_old(student: User) -> None:
    client = APIClient()
    refresh = sign_in(client, "student").json()["refresh"]

    first = client.post("/api/v1/auth/token/refresh", {"refresh": refresh})
    replay = client.post("/api/v1/auth/token/refresh", {"refresh": refresh})

    assert first.status_code == 200
    assert first.json()["refresh"] != refresh
    assert replay.status_code == 401


def test_logout_blacklists_refresh(student: User) -> None:
    client = APIClient()
    refresh = sign_in(client, "student").json()["refresh"]

    logout = client.post("/api/v1/auth/logout", {"refresh": refresh})
    after = client.post("/api/v1/auth/token/refresh", {"refresh": refresh})

    assert logout.status_code == 204
    assert after.status_code == 401


def test_logout_with_garbage_token_is_401() -> None:
    response = APIClient().post("/api/v1/auth/logout", {"refresh": "garbage"})

    assert response.status_code == 401


def test_repeated_failures_for_account_get_429(student: User) -> None:
    for address in range(5):
        APIClient(REMOTE_ADDR=f"10.0.0.{address}").post(
            "/api/v1/auth/token", {"username": "student", "password": "wrong"}
        )

    response = APIClient(REMOTE_ADDR="10.0.0.99").post(
        "/api/v1/auth/token", {"username": "student", "password": PASSWORD}
    )

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "too_many_failed_sign_ins"
    assert int(response["Retry-After"]) > 0


def test_repeated_failures_from_address_get_429(student: User) -> None:
    client = APIClient(REMOTE_ADDR="10.1.1.1")
    for attempt in range(5):
        client.post(
            "/api/v1/auth/token", {"username": f"nobody{attempt}", "password": "x"}
        )

    response = sign_in(client, "student")

    assert response.status_code == 429


def test_teacher_command_creates_teacher(tmp_path) -> None:
    from django.core.management import call_command

    password_file = tmp_path / "password"
    password_file.write_text(PASSWORD + "\n")

    call_command("create_teacher", "tess", "--password-file", str(password_file))

    assert User.objects.get(username="tess").role == Role.TEACHER
