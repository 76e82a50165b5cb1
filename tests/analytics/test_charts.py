"""SVG charts: well-formed, script-free, escaped, deterministic, permitted."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from gradewell.accounts.models import User
from gradewell.analytics.charts import Series, histogram_svg, line_chart_svg
from gradewell.courses.models import Assignment, Course
from gradewell.exercises.models import Exercise
from tests.analytics.conftest import DAY, SPEEDUP, STATUS, submit
from tests.conftest import client_for

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = 'R&D <script>alert("x")</script>\x07'


def parse(body: bytes) -> ET.Element:
    root = ET.fromstring(body)
    assert root.tag == f"{SVG}svg"
    for element in root.iter():
        assert not element.tag.endswith("script"), element.tag
        assert not [name for name in element.attrib if name.startswith("on")]
    return root


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def distribution_url(course: Course, slug: str, query: str = "") -> str:
    base = f"/api/v1/courses/{course.pk}/analytics/exercises/{slug}"
    return f"{base}/distribution.svg{query}"


def progress_url(course: Course, student: User) -> str:
    return f"/api/v1/courses/{course.pk}/analytics/students/{student.pk}/progress.svg"


def get_svg(client: APIClient, url: str) -> bytes:
    response = client.get(url, HTTP_ACCEPT="image/svg+xml")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Content-Security-Policy"] == "default-src 'none'"
    return response.content


@pytest.mark.django_db
def test_distribution_chart_draws_bins(
    teacher: User, student: User, classmate: User, course: Course, week: Assignment
) -> None:
    submit(student, week, STATUS, "2")
    submit(classmate, week, STATUS, "0")
    client = client_for(teacher)

    body = get_svg(client, distribution_url(course, STATUS))
    root = parse(body)

    bars = [
        rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None
    ]
    assert len(bars) == 10
    assert bars[0].find(f"{SVG}title").text == "0.00 to 0.20: 1"
    assert bars[9].find(f"{SVG}title").text == "1.80 to 2.00: 1"
    assert "Score (out of 2.00)" in texts(root)
    assert get_svg(client, distribution_url(course, STATUS)) == body


@pytest.mark.django_db
def test_distribution_chart_escapes_title(
    teacher: User, course: Course, week: Assignment
) -> None:
    Exercise.objects.filter(slug=STATUS).update(title=HOSTILE)

    root = parse(get_svg(client_for(teacher), distribution_url(course, STATUS)))

    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == 'R&D <script>alert("x")</script>: best score per student'


@pytest.mark.django_db
def test_progress_chart_draws_each_assignment(
    teacher: User,
    student: User,
    course: Course,
    week: Assignment,
    make_assignment: Callable[..., Assignment],
) -> None:
    make_assignment(slugs=[STATUS], title="Week 2", position=1)
    Course.objects.filter(pk=course.pk).update(title=HOSTILE)
    submit(student, week, STATUS, "2", graded_at=DAY)
    submit(student, week, SPEEDUP, "10", graded_at=DAY + timedelta(days=3))
    client = client_for(teacher)

    body = get_svg(client, progress_url(course, student))
    root = parse(body)

    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 1
    assert len(lines[0].get("points", "").split()) == 2
    assert "Week 1" in texts(root)
    assert "Week 2" in texts(root)
    assert "2026-03-02" in texts(root)
    assert get_svg(client, progress_url(course, student)) == body


@pytest.mark.django_db
def test_student_opens_own_progress_chart(
    student: User, course: Course, week: Assignment
) -> None:
    root = parse(get_svg(client_for(student), progress_url(course, student)))

    assert "No graded submissions yet." in texts(root)


@pytest.mark.django_db
def test_chart_errors_stay_json(
    student: User, classmate: User, course: Course, week: Assignment
) -> None:
    client = client_for(student)

    forbidden = client.get(
        distribution_url(course, STATUS), HTTP_ACCEPT="image/svg+xml"
    )
    hidden = client.get(progress_url(course, classmate), HTTP_ACCEPT="image/svg+xml")

    assert forbidden.status_code == 403
    assert forbidden["Content-Type"] == "application/json"
    assert hidden.status_code == 404
    assert hidden.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_distribution_chart_needs_known_slug(
    teacher: User, course: Course, week: Assignment
) -> None:
    response = client_for(teacher).get(distribution_url(course, "no-such-exercise"))

    assert response.status_code == 404
    assert "no-such-exercise" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_distribution_chart_asks_which_assignment(
    teacher: User,
    course: Course,
    week: Assignment,
    make_assignment: Callable[..., Assignment],
) -> None:
    week2 = make_assignment(slugs=[STATUS], title="Week 2", position=1)
    client = client_for(teacher)

    ambiguous = client.get(distribution_url(course, STATUS))
    chosen = client.get(distribution_url(course, STATUS, f"?assignment={week2.pk}"))

    assert ambiguous.status_code == 400
    assert ambiguous.json()["error"]["code"] == "assignment_required"
    assert chosen.status_code == 200


@pytest.mark.django_db
def test_other_teacher_gets_404_for_charts(
    other_teacher: User, student: User, course: Course, week: Assignment
) -> None:
    client = client_for(other_teacher)

    assert client.get(distribution_url(course, STATUS)).status_code == 404
    assert client.get(progress_url(course, student)).status_code == 404


def test_histogram_svg_rejects_mismatched_edges() -> None:
    with pytest.raises(ValueError, match="one more item"):
        histogram_svg("t", ["0", "1"], [1, 2], "x", "y")


def test_line_chart_single_day_is_well_formed() -> None:
    series = [Series("Only", [(date(2026, 1, 5), 3.0)]), Series("Empty", [])]

    root = parse(line_chart_svg("One day", series, 4.0, "Date", "Points").encode())

    assert "2026-01-05" in texts(root)
    assert len(list(root.iter(f"{SVG}circle"))) == 1


def test_line_chart_drops_characters_xml_forbids() -> None:
    svg = line_chart_svg("Bell\x07 \x00title", [], 0.0, "Date", "Points")

    root = parse(svg.encode())

    assert root.find(f"{SVG}title").text == "Bell title"


def test_line_chart_legend_counts_overflow() -> None:
    series = [Series(f"Week {n}", [(date(2026, 1, n), float(n))]) for n in range(1, 21)]

    root = parse(line_chart_svg("Many", series, 20.0, "Date", "Points").encode())

    assert "Week 15" in texts(root)
    assert "Week 16" not in texts(root)
    assert "and 5 more" in texts(root)
    assert len(list(root.iter(f"{SVG}polyline"))) == 20
