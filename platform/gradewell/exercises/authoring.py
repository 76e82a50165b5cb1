"""Teachers write, copy and edit exercises through the API.

The request body has the same keys as an ``exercise.yaml`` file, with the
Markdown statement inline as ``statement``. It passes through the same
validation as the bank's loader, so errors name the field the same way.
"""

from __future__ import annotations

from typing import Any

from rest_framework import status

from exercises.definition import ExerciseDefinition
from exercises.loader import definition_from_data, validate_data, validate_with_samples
from gradewell.accounts.models import User
from gradewell.api.errors import ApiError
from gradewell.exercises.models import Exercise
from gradewell.exercises.services import SlugTakenError, do_store_authored


class DefinitionInvalid(ApiError):
    """A definition with problems; ``details`` lists each with its field."""

    def __init__(self, problems: list[str]) -> None:
        details = [_problem_detail(problem) for problem in problems]
        first = details[0]
        super().__init__(
            f"{first['field']}: {first['message']}",
            code="invalid_definition",
            field=first["field"],
        )
        self.details = details


def _problem_detail(problem: str) -> dict[str, Any]:
    field, _, message = problem.partition(": ")
    return {"field": field, "code": "invalid", "message": message or problem}


def build_definition(data: Any) -> ExerciseDefinition:
    """Validate a request body as an exercise definition, or raise 400."""
    if not isinstance(data, dict):
        raise ApiError(
            "The body must be a JSON object with the keys of an exercise file.",
            code="invalid",
        )
    statement = data.get("statement")
    statement_problem = None
    if not isinstance(statement, str) or not statement.strip():
        statement_problem = "must be the Markdown statement as non-empty text"
    problems = validate_data(data, statement_problem)
    if problems:
        raise DefinitionInvalid(problems)
    definition = definition_from_data(data, statement)
    problems = validate_with_samples(definition)
    if problems:
        raise DefinitionInvalid(problems)
    return definition


def do_create(author: User, data: Any) -> Exercise:
    definition = build_definition(data)
    if Exercise.objects.filter(slug=definition.slug).exists():
        raise ApiError(
            f"An exercise with slug {definition.slug!r} exists. Choose another "
            "slug, or edit that exercise with PUT.",
            code="slug_taken",
            status_code=status.HTTP_409_CONFLICT,
            field="slug",
        )
    return _store(definition, author)


def do_update(exercise: Exercise, editor: User, data: Any) -> tuple[Exercise, bool]:
    """Replace an authored exercise's content; a change makes a new version."""
    _check_editable(exercise, editor)
    if isinstance(data, dict) and data.get("slug", exercise.slug) != exercise.slug:
        raise ApiError(
            "slug cannot change; copy the exercise to give it a new slug.",
            code="invalid",
            field="slug",
        )
    if isinstance(data, dict):
        data = {**data, "slug": exercise.slug}
    definition = build_definition(data)
    before = exercise.version
    stored = _store(definition, editor)
    return stored, stored.version != before


def do_copy(exercise: Exercise, author: User, slug: Any, title: Any) -> Exercise:
    data = dict(exercise.current_version.definition)
    data["slug"] = slug
    if title is not None:
        data["title"] = title
    return do_create(author, data)


def _check_editable(exercise: Exercise, editor: User) -> None:
    if exercise.source != "authored":
        raise ApiError(
            f"Exercise {exercise.slug!r} comes from the bank's files, which "
            "load_exercises manages. Copy it to edit your own version.",
            code="bank_exercise",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    if exercise.author_id != editor.pk and not editor.is_platform_admin:
        raise ApiError(
            "Only the exercise's author or an admin may edit it.",
            code="not_author",
            status_code=status.HTTP_403_FORBIDDEN,
        )


def _store(definition: ExerciseDefinition, author: User) -> Exercise:
    try:
        exercise, _ = do_store_authored(definition, author)
    except SlugTakenError as exc:
        raise ApiError(
            str(exc),
            code="slug_taken",
            status_code=status.HTTP_409_CONFLICT,
            field="slug",
        ) from exc
    return exercise
