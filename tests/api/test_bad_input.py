"""Bad input of every kind gets a 4xx JSON error, and nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from gradewell.accounts.models import User
from gradewell.courses.models import Assignment
from gradewell.submissions.models import Submission
from gradewell.submissions.services import (
    do_record_result,
    do_start_grading,
    run_grader,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SLUG = "test-status-created"


@pytest.fixture(autouse=True)
def no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "gradewell.submissions.services.enqueue_grading",
        lambda submission, request_id="": None,
    )


def post(client: APIClient, body: Any) -> Any:
    return client.post("/api/v1/submissions", body, format="json")


@pytest.mark.parametrize(
    "answer",
    ['"s20\\u00001"', '"\\ud800"'],
    ids=["nul", "lone-surrogate"],
)
def test_unstorable_text_is_400(
    student_client: APIClient, assignment: Assignment, answer: str
) -> None:
    # Raw JSON, because the escapes must reach the server as a client sends them.
    body = f'{{"exercise": "{SLUG}", "answer": {answer}}}'

    response = student_client.post(
        "/api/v1/submissions", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "answer"
    assert Submission.objects.count() == 0


def test_unknown_option_is_400(
    student_client: APIClient, assignment: Assignment
) -> None:
    response = post(student_client, {"exercise": SLUG, "answer": "s999"})

    assert response.status_code == 400
    assert "s999" in response.json()["error"]["message"]
    assert Submission.objects.count() == 0


def test_unreadable_number_keeps_attempt(
    student_client: APIClient, assignment: Assignment
) -> None:
    body = post(
        student_client, {"exercise": "speedup-two-processors", "answer": "abc"}
    ).json()

    submission = do_start_grading(body["id"])
    result, duration = run_grader(submission)
    do_record_result(submission, result, duration)
    graded = Submission.objects.get(pk=body["id"])

    assert graded.verdict == "invalid_answer"
    assert "not a number" in graded.feedback
    assert graded.counts_as_attempt is False


@pytest.mark.parametrize(
    "query, field",
    [
        ("assignment=99999999999999999999999", "assignment"),
        ("assignment=-3", "assignment"),
        ("created_after=0001-01-01T00:00:00%2B14:00", "created_after"),
        ("created_before=yesterday", "created_before"),
    ],
)
def test_bad_submission_filters_are_400(
    student_client: APIClient, query: str, field: str
) -> None:
    response = student_client.get(f"/api/v1/submissions?{query}")

    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_huge_exercise_filter_is_400(student_client: APIClient) -> None:
    response = student_client.get("/api/v1/exercises?course=99999999999999999999")

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "course"


def test_chunked_body_is_411(student_client: APIClient) -> None:
    response = student_client.post(
        "/api/v1/submissions",
        data=b"",
        content_type="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
    )

    assert response.status_code == 411
    assert response.json()["error"]["code"] == "length_required"


def test_refresh_of_deleted_user_is_401(student: User) -> None:
    refresh = str(RefreshToken.for_user(student))
    student.delete()

    response = APIClient().post("/api/v1/auth/token/refresh", {"refresh": refresh})

    assert response.status_code == 401


def test_token_with_malformed_user_id_is_401(student: User) -> None:
    token = RefreshToken.for_user(student).access_token
    token["user_id"] = "abc"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    response = client.get("/api/v1/me")

    assert response.status_code == 401


def test_overlong_email_is_400() -> None:
    email = "a" * 250 + "@example.com"

    response = APIClient().post(
        "/api/v1/auth/register",
        {"username": "long", "email": email, "password": PASSWORD},
    )

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "email"


def test_email_unique_ignoring_case_in_database(student: User) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="twin", email="STUDENT@example.com")


def test_register_race_is_409(monkeypatch: pytest.MonkeyPatch) -> None:
    # Skip the serializer's own check, as a concurrent request would.
    User.objects.create_user(username="racer", email="r1@example.com")
    monkeypatch.setattr(
        "gradewell.accounts.serializers.RegisterSerializer.validate_username",
        lambda self, value: value,
    )

    response = APIClient().post(
        "/api/v1/auth/register",
        {"username": "racer", "email": "r2@example.com", "password": PASSWORD},
    )

    assert response.status_code == 409
    assert response.json()["error"]["field"] == "username"


@pytest.mark.parametrize(
    "path", ["/api/v1/submissions/", "/api/v1/courses/abc/assignments", "/api/x"]
)
def test_unknown_api_path_is_json_404(student_client: APIClient, path: str) -> None:
    response = student_client.get(path)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_answer_limit_counts_utf8_bytes(
    student_client: APIClient, assignment: Assignment
) -> None:
    answer = "é" * 33_000  # 33,000 characters, 66,000 bytes

    response = post(student_client, {"exercise": SLUG, "answer": answer})

    assert response.status_code == 400
    assert "bytes" in response.json()["error"]["message"]
    assert Submission.objects.count() == 0
