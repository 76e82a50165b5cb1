"""Course analytics endpoints: JSON for programs and SVG charts for people."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gradewell.analytics.charts import Series, histogram_svg, line_chart_svg
from gradewell.analytics.exercise_stats import (
    ExerciseStats,
    build_exercise_stats,
    money,
)
from gradewell.analytics.permissions import (
    access_student_progress,
    access_taught_course,
)
from gradewell.analytics.progress import build_student_progress
from gradewell.api.errors import ApiError
from gradewell.api.filters import MAX_ID
from gradewell.api.negotiation import FirstRendererNegotiation
from gradewell.courses.models import Course

# A browser may open a chart directly, so this policy stops the SVG from
# loading or running anything.
CHART_SECURITY_POLICY = "default-src 'none'"

ASSIGNMENT_PARAMETER = OpenApiParameter(
    "assignment", OpenApiTypes.INT, description="Limit to one assignment's id."
)
SVG_RESPONSES = {
    (200, "image/svg+xml"): OpenApiResponse(OpenApiTypes.STR, description="SVG"),
}


class ExerciseAnalyticsView(APIView):
    """Statistics for each exercise of a course's assignments, for its teachers."""

    @extend_schema(
        parameters=[ASSIGNMENT_PARAMETER], responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request: Request, course_id: int) -> Response:
        course = access_taught_course(request.user, course_id)
        assignment_id = _assignment_id(request, course)
        stats = build_exercise_stats(course, assignment_id=assignment_id)
        return Response(
            {"course": course.pk, "exercises": [item.as_dict() for item in stats]}
        )


class StudentProgressView(APIView):
    """A student's points over time, for the student or the course's teachers."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, course_id: int, student_id: int) -> Response:
        course, student = access_student_progress(request.user, course_id, student_id)
        progress = build_student_progress(course, student, request.user)
        return Response(progress.as_dict())


class ExerciseDistributionChartView(APIView):
    """A bar chart of the best scores per student on one exercise."""

    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(
        operation_id="courses_analytics_exercise_distribution_chart",
        parameters=[ASSIGNMENT_PARAMETER],
        responses=SVG_RESPONSES,
    )
    def get(self, request: Request, course_id: int, slug: str) -> HttpResponse:
        course = access_taught_course(request.user, course_id)
        stats = _one_exercise(course, slug, _assignment_id(request, course))
        svg = histogram_svg(
            title=f"{stats.title}: best score per student",
            edges=[money(edge) for edge in stats.distribution.edges],
            counts=stats.distribution.counts,
            x_label=f"Score (out of {money(stats.max_score)})",
            y_label="Students",
        )
        return _svg_response(svg, f"{slug}-distribution.svg")


class StudentProgressChartView(APIView):
    """A line chart of a student's points over time, one line per assignment."""

    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(
        operation_id="courses_analytics_student_progress_chart",
        responses=SVG_RESPONSES,
    )
    def get(self, request: Request, course_id: int, student_id: int) -> HttpResponse:
        course, student = access_student_progress(request.user, course_id, student_id)
        progress = build_student_progress(course, student, request.user)
        series = [
            Series(
                item.title,
                [(day, float(points)) for day, points in item.series.items()],
            )
            for item in progress.assignments
        ]
        top = max((item.max_points for item in progress.assignments), default=0)
        svg = line_chart_svg(
            title=f"Progress of {student.username} in {course.title}",
            series=series,
            y_max=float(top),
            x_label="Date",
            y_label="Points",
        )
        return _svg_response(svg, f"progress-{student.pk}.svg")


def _assignment_id(request: Request, course: Course) -> int | None:
    """Read ``?assignment=``, which must name an assignment of ``course``."""
    raw = request.query_params.get("assignment")
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_ID:
        raise ApiError(
            "assignment must be a positive assignment id, such as assignment=3.",
            code="invalid",
            field="assignment",
        )
    if not course.assignments.filter(pk=value).exists():
        raise ApiError(
            f"Assignment {value} is not part of course {course.code}.",
            code="not_found",
            status_code=status.HTTP_404_NOT_FOUND,
            field="assignment",
        )
    return value


def _one_exercise(
    course: Course, slug: str, assignment_id: int | None
) -> ExerciseStats:
    """Return the statistics of exercise ``slug`` in one assignment of ``course``."""
    stats = build_exercise_stats(course, assignment_id=assignment_id, slug=slug)
    if not stats:
        raise ApiError(
            f"Exercise {slug!r} is not in any assignment of course {course.code}.",
            code="not_found",
            status_code=status.HTTP_404_NOT_FOUND,
        )
    if len(stats) > 1:
        ids = ", ".join(str(item.assignment_id) for item in stats)
        raise ApiError(
            f"Exercise {slug!r} is in assignments {ids} of course {course.code}. "
            "Choose one with ?assignment=ID.",
            code="assignment_required",
            field="assignment",
        )
    return stats[0]


def _svg_response(svg: str, filename: str) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = CHART_SECURITY_POLICY
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
