"""Shared fixtures: fixed personas, a course with an assignment, API clients."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from exercises.definition import ExerciseDefinition
from exercises.loader import BANK_ROOT, load_definition
from gradewell.accounts.models import Role, User
from gradewell.courses.models import (
    Assignment,
    AssignmentExercise,
    Course,
    Enrollment,
    EnrollmentRole,
    LatePolicy,
)
from gradewell.exercises.models import Exercise
from gradewell.exercises.services import do_sync_bank
from tests.support import fake_graders  # noqa: F401  (registers the test kind)
from tests.support.worker import ROOT, WorkerProcess

PASSWORD = "correct-horse-battery-staple"

# Small definitions used across the suite, independent of the bank's content.
STATUS_DEFINITION = ExerciseDefinition(
    slug="test-status-created",
    title="Status for a created resource",
    topic="rest-http",
    kind="single_choice",
    points=2,
    statement="Which status code answers a POST that created a resource?",
    options=[
        {"id": "s200", "text": "200 OK"},
        {"id": "s201", "text": "201 Created"},
        {"id": "s204", "text": "204 No Content"},
    ],
    grading={"correct": "s201", "feedback": {"s200": "The resource is new."}},
)
SLOW_DEFINITION = ExerciseDefinition(
    slug="test-slow",
    title="Slow grading",
    topic="parallel-computing",
    kind="test_slow",
    points=1,
    statement="Anything.",
    grading={"seconds": 4},
)


def services_required() -> bool:
    """True on CI, where a test that needs a service must fail, not skip."""
    return "1" in (
        os.environ.get("GRADEWELL_REQUIRE_SERVICES"),
        os.environ.get("GRADEWELL_REQUIRE_DOCKER"),
    )


def docker_problem() -> str:
    """Return why the Docker sandbox cannot run here, or "" when it can."""
    from graders.sandbox.docker_backend import DockerSandbox
    from graders.sandbox.factory import image_name

    status = DockerSandbox(image_name()).check_available()
    return "" if status.available else status.detail


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip Docker tests without an engine and image, or fail them on CI."""
    if item.get_closest_marker("docker") is None:
        return
    problem = docker_problem()
    if not problem:
        return
    message = f"Docker sandbox unavailable: {problem}"
    if services_required():
        pytest.fail(f"{message} (services are required here)", pytrace=False)
    pytest.skip(message)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """On CI, a skipped test fails the run: a skip there hides a missing service."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or not services_required():
        return
    skipped = reporter.stats.get("skipped", [])
    if skipped and exitstatus == 0:
        reporter.write_line(
            f"{len(skipped)} test(s) skipped while services are required: failing.",
            red=True,
        )
        session.exitstatus = 1


def make_user(username: str, role: Role = Role.STUDENT) -> User:
    return User.objects.create_user(
        username=username,
        email=f"{username}@example.com",
        password=PASSWORD,
        role=role,
    )


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        token = RefreshToken.for_user(user).access_token
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def student(db: None) -> User:
    return make_user("student")


@pytest.fixture
def classmate(db: None) -> User:
    return make_user("classmate")


@pytest.fixture
def outsider(db: None) -> User:
    """A student of another course."""
    return make_user("outsider")


@pytest.fixture
def teacher(db: None) -> User:
    return make_user("teacher", Role.TEACHER)


@pytest.fixture
def other_teacher(db: None) -> User:
    """A teacher of another course."""
    return make_user("other-teacher", Role.TEACHER)


@pytest.fixture
def speedup_definition() -> ExerciseDefinition:
    path = BANK_ROOT / "parallel-computing/speedup-two-processors/exercise.yaml"
    definition, problems = load_definition(path)
    assert problems == []
    assert definition is not None
    return definition


@pytest.fixture
def exercises(db: None, speedup_definition: ExerciseDefinition) -> dict[str, Exercise]:
    do_sync_bank(
        [speedup_definition, STATUS_DEFINITION, SLOW_DEFINITION],
        deactivate_missing=False,
    )
    return {exercise.slug: exercise for exercise in Exercise.objects.all()}


@pytest.fixture
def course(
    db: None,
    student: User,
    classmate: User,
    outsider: User,
    teacher: User,
    other_teacher: User,
) -> Course:
    course = Course.objects.create(title="Web Foundations", code="web")
    other = Course.objects.create(title="Other Course", code="other")
    Enrollment.objects.create(user=student, course=course)
    Enrollment.objects.create(user=classmate, course=course)
    Enrollment.objects.create(user=teacher, course=course, role=EnrollmentRole.TEACHER)
    Enrollment.objects.create(user=outsider, course=other)
    Enrollment.objects.create(
        user=other_teacher, course=other, role=EnrollmentRole.TEACHER
    )
    return course


@pytest.fixture
def make_assignment(
    course: Course, exercises: dict[str, Exercise]
) -> Callable[..., Assignment]:
    """Build an assignment in ``course``; keyword arguments override fields."""

    def make(slugs: list[str] | None = None, **fields: Any) -> Assignment:
        now = timezone.now()
        values: dict[str, Any] = {
            "course": course,
            "title": "Week 1",
            "opens_at": now - timedelta(days=1),
            "due_at": now + timedelta(days=7),
            "late_policy": LatePolicy.REJECT,
        }
        values.update(fields)
        assignment = Assignment.objects.create(**values)
        for position, slug in enumerate(slugs or list(exercises)):
            AssignmentExercise.objects.create(
                assignment=assignment, exercise=exercises[slug], position=position
            )
        return assignment

    return make


@pytest.fixture
def assignment(make_assignment: Callable[..., Assignment]) -> Assignment:
    return make_assignment()


@pytest.fixture
def student_client(student: User) -> APIClient:
    return client_for(student)


@pytest.fixture
def worker_env() -> dict[str, str]:
    """Environment that points a worker process at this test's database."""
    env = dict(os.environ)
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{database['NAME']}"
    else:
        credentials = quote(database["USER"] or "")
        if database["PASSWORD"]:
            credentials += ":" + quote(database["PASSWORD"])
        env["DATABASE_URL"] = (
            f"postgres://{credentials}@{database['HOST'] or 'localhost'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "platform"), str(ROOT)])
    return env


@pytest.fixture
def celery_worker_process(
    transactional_db: None, worker_env: dict[str, str], tmp_path: Path
) -> Iterator[WorkerProcess]:
    worker = WorkerProcess(worker_env, tmp_path / "worker.log")
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


def flaky_definition(failures: int) -> ExerciseDefinition:
    return ExerciseDefinition(
        slug=f"test-flaky-{failures}",
        title="Flaky grading",
        topic="parallel-computing",
        kind="test_flaky",
        points=1,
        statement="Anything.",
        grading={"failures": failures},
    )
