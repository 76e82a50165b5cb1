"""Figures of a student's own variant, served as SVG."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from exercises.definition import ExerciseDefinition
from exercises.figures import render_figure
from exercises.loader import BANK_ROOT, load_definition
from exercises.variants import draw_parameters
from gradewell.accounts.models import User
from gradewell.courses.models import Assignment, AssignmentExercise, Course
from gradewell.exercises.models import Exercise, VariantSeed
from gradewell.exercises.services import do_sync_bank
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SLUG = "network-link-cut"
FIGURE_URL = f"/api/v1/exercises/{SLUG}/figures/network.svg"
SVG_TAGS = {"svg", "title", "rect", "line", "circle", "text"}


@pytest.fixture
def network_definition() -> ExerciseDefinition:
    path = BANK_ROOT / f"fault-tolerance/{SLUG}/exercise.yaml"
    definition, problems = load_definition(path)
    assert problems == []
    assert definition is not None
    return definition


@pytest.fixture
def network_exercise(
    course: Course, network_definition: ExerciseDefinition
) -> Exercise:
    """Publish the exercise in ``course``, which the outsider is not in."""
    do_sync_bank([network_definition], deactivate_missing=False)
    exercise = Exercise.objects.get(slug=SLUG)
    now = timezone.now()
    assignment = Assignment.objects.create(
        course=course,
        title="Networks",
        opens_at=now - timedelta(days=1),
        due_at=now + timedelta(days=7),
    )
    AssignmentExercise.objects.create(
        assignment=assignment, exercise=exercise, position=0
    )
    return exercise


def set_seed(user: User, exercise: Exercise, seed: int) -> None:
    VariantSeed.objects.create(user=user, exercise=exercise, seed=seed)


def expected_svg(definition: ExerciseDefinition, seed: int) -> str:
    params = draw_parameters(definition, seed)
    return render_figure(definition.figures, "network", params)


def test_student_gets_own_variant_figure(
    student: User,
    network_exercise: Exercise,
    network_definition: ExerciseDefinition,
) -> None:
    set_seed(student, network_exercise, 11)

    response = client_for(student).get(FIGURE_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.decode() == expected_svg(network_definition, 11)
    assert "private" in response["Cache-Control"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_figure_drawn_on_first_use(
    student: User, network_exercise: Exercise, network_definition: ExerciseDefinition
) -> None:
    response = client_for(student).get(FIGURE_URL)

    seed = VariantSeed.objects.get(user=student, exercise=network_exercise).seed
    assert response.status_code == 200
    assert response.content.decode() == expected_svg(network_definition, seed)


def test_classmates_get_different_figures(
    student: User, classmate: User, network_exercise: Exercise
) -> None:
    set_seed(student, network_exercise, 1)
    set_seed(classmate, network_exercise, 2)

    mine = client_for(student).get(FIGURE_URL)
    theirs = client_for(classmate).get(FIGURE_URL)

    assert mine.status_code == theirs.status_code == 200
    assert mine.content != theirs.content


def test_unknown_figure_is_404(student: User, network_exercise: Exercise) -> None:
    client = client_for(student)

    unknown = client.get(f"/api/v1/exercises/{SLUG}/figures/routers.svg")
    bad_name = client.get(f"/api/v1/exercises/{SLUG}/figures/Network.svg")

    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"
    assert bad_name.status_code == 404


def test_exercise_without_figures_is_404(
    teacher: User, network_exercise: Exercise, exercises: dict[str, Exercise]
) -> None:
    client = client_for(teacher)

    exercise = client.get("/api/v1/exercises/speedup-two-processors")
    figure = client.get("/api/v1/exercises/speedup-two-processors/figures/network.svg")

    assert exercise.status_code == 200
    assert exercise.json()["figures"] == []
    assert figure.status_code == 404


def test_other_course_student_gets_404(
    outsider: User, network_exercise: Exercise
) -> None:
    response = client_for(outsider).get(FIGURE_URL)

    assert response.status_code == 404
    assert not VariantSeed.objects.filter(user=outsider).exists()


def test_anonymous_request_is_401(network_exercise: Exercise) -> None:
    response = APIClient().get(FIGURE_URL)

    assert response.status_code == 401


def test_svg_accept_header_is_served(student: User, network_exercise: Exercise) -> None:
    client = client_for(student)

    found = client.get(FIGURE_URL, HTTP_ACCEPT="image/svg+xml")
    missing = client.get(
        f"/api/v1/exercises/{SLUG}/figures/other.svg", HTTP_ACCEPT="image/svg+xml"
    )

    assert found.status_code == 200
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/json"


def test_svg_contains_no_script(student: User, network_exercise: Exercise) -> None:
    body = client_for(student).get(FIGURE_URL).content.decode()
    root = ElementTree.fromstring(body)
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    attributes = {name for element in root.iter() for name in element.attrib}

    assert tags <= SVG_TAGS
    assert not any(name.lower().startswith("on") for name in attributes)
    assert "script" not in body.lower()
    assert "href" not in body.lower()


def test_student_serializer_links_figures(
    student: User, network_exercise: Exercise
) -> None:
    detail = client_for(student).get(f"/api/v1/exercises/{SLUG}").json()
    url = f"http://testserver{FIGURE_URL}"

    assert detail["figures"] == [{"name": "network", "url": url}]
    assert f'src="{url}"' in detail["statement_html"]
    assert "figures/network.svg" in detail["statement"]
