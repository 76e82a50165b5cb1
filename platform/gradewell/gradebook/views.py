"""The gradebook endpoint, as JSON or as CSV for LMS imports."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, renderers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gradewell.api.errors import ApiError
from gradewell.api.filters import MAX_ID
from gradewell.courses.models import Course
from gradewell.gradebook.tables import PLACES, Gradebook, Row, build_gradebook

ORDERINGS = ("username", "-username", "total", "-total")


class GradebookCSVRenderer(renderers.BaseRenderer):
    """One row per student with a stable id column, as LMS imports expect."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        if not isinstance(data, dict) or "csv_rows" not in data:
            # Errors keep their JSON body even when CSV was asked for.
            return renderers.JSONRenderer().render(data)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerows(data["csv_rows"])
        return buffer.getvalue().encode(self.charset)


class GradebookView(APIView):
    """A course's gradebook; teachers see every student, students their own row."""

    renderer_classes = [renderers.JSONRenderer, GradebookCSVRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("assignment", OpenApiTypes.INT),
            OpenApiParameter(
                "student", OpenApiTypes.STR, description="Ids, comma-separated."
            ),
            OpenApiParameter("ordering", OpenApiTypes.STR, enum=ORDERINGS),
            OpenApiParameter("format", OpenApiTypes.STR, enum=("json", "csv")),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request, course_id: int) -> Response:
        course = generics.get_object_or_404(
            Course.objects.for_user(request.user), pk=course_id
        )
        teaches = Course.objects.taught_by(request.user).filter(pk=course.pk).exists()
        student_ids = _ids(request, "student")
        if not teaches:
            student_ids = [request.user.pk]
        assignment = _ids(request, "assignment")
        gradebook = build_gradebook(
            course,
            assignment_id=assignment[0] if assignment else None,
            student_ids=student_ids,
            published_only=not teaches,
        )
        _sort(gradebook, request.query_params.get("ordering", "username"))
        if request.accepted_renderer.format == "csv":
            response = Response({"csv_rows": _csv_rows(gradebook)})
            filename = f"gradebook-{course.code}.csv"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        return Response(_as_json(gradebook))


def _ids(request: Request, name: str) -> list[int] | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        ids = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        ids = []
    if not ids or any(not 1 <= value <= MAX_ID for value in ids):
        raise ApiError(
            f"{name} must be one or more positive ids separated by commas, "
            f"such as {name}=3,7.",
            code="invalid",
            field=name,
        )
    return ids


def _sort(gradebook: Gradebook, ordering: str) -> None:
    if ordering not in ORDERINGS:
        raise ApiError(
            f"ordering must be one of {', '.join(ORDERINGS)}.",
            code="invalid",
            field="ordering",
        )
    descending = ordering.startswith("-")
    key = ordering.lstrip("-")
    if key == "total":
        gradebook.rows.sort(
            key=lambda row: (row.total, row.student.username), reverse=descending
        )
    else:
        gradebook.rows.sort(key=lambda row: row.student.username, reverse=descending)


def _money(value: Decimal) -> str:
    return str(value.quantize(PLACES))


def _as_json(gradebook: Gradebook) -> dict[str, Any]:
    return {
        "course": gradebook.course.pk,
        "grading_policy": gradebook.course.grading_policy,
        "columns": [
            {
                "key": column.key,
                "assignment": column.assignment_id,
                "assignment_title": column.assignment_title,
                "exercise": column.exercise,
                "title": column.title,
                "max_score": _money(column.max_score),
            }
            for column in gradebook.columns
        ],
        "assignment_max": {
            str(assignment): _money(maximum)
            for assignment, maximum in gradebook.assignment_max.items()
        },
        "total_max": _money(gradebook.total_max),
        "rows": [_row_json(row) for row in gradebook.rows],
    }


def _row_json(row: Row) -> dict[str, Any]:
    return {
        "student": {
            "id": row.student.pk,
            "username": row.student.username,
            "email": row.student.email,
            "name": row.student.get_full_name(),
        },
        "cells": {key: cell.as_dict() for key, cell in row.cells.items()},
        "assignment_totals": {
            str(assignment): _money(total)
            for assignment, total in row.assignment_totals.items()
        },
        "total": _money(row.total),
    }


def _csv_safe(text: str) -> str:
    """Keep spreadsheets from running a cell as a formula (CSV injection)."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def _csv_rows(gradebook: Gradebook) -> list[list[str]]:
    header = ["student_id", "username", "email", "name"]
    header += [column.key for column in gradebook.columns]
    header += [f"assignment {a} total" for a in gradebook.assignment_max]
    header += ["course total"]
    rows = [header]
    for row in gradebook.rows:
        student = row.student
        line = [str(student.pk), _csv_safe(student.username), _csv_safe(student.email)]
        line.append(_csv_safe(student.get_full_name()))
        for column in gradebook.columns:
            cell = row.cells.get(column.key)
            line.append(_money(cell.score) if cell else "")
        line += [_money(row.assignment_totals[a]) for a in gradebook.assignment_max]
        line.append(_money(row.total))
        rows.append(line)
    return rows
