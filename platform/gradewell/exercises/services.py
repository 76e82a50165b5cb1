"""Exercise actions: storing the bank and drawing students' variants."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

import structlog
from django.db import IntegrityError, transaction

from exercises.definition import ExerciseDefinition
from exercises.figures import render_figure
from exercises.variants import Variant, build_variant, draw_parameters
from gradewell.audit import services as audit
from gradewell.exercises.models import Exercise, ExerciseVersion, VariantSeed

if TYPE_CHECKING:
    from gradewell.accounts.models import User

logger = structlog.get_logger(__name__)


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)


@transaction.atomic
def do_sync_bank(
    definitions: list[ExerciseDefinition], deactivate_missing: bool = True
) -> SyncReport:
    """Store ``definitions``, making a new version only where content changed.

    Runs in one transaction, so a failure leaves the database as it was.
    Exercises no longer in the bank are deactivated, never deleted, because
    submissions refer to them.
    """
    report = SyncReport()
    for definition in definitions:
        outcome = _sync_one(definition)
        getattr(report, outcome).append(definition.slug)
    if deactivate_missing:
        slugs = [definition.slug for definition in definitions]
        missing = Exercise.objects.filter(is_active=True, source="bank").exclude(
            slug__in=slugs
        )
        report.deactivated = sorted(missing.values_list("slug", flat=True))
        missing.update(is_active=False)
    logger.info(
        "exercise bank synchronised",
        created=len(report.created),
        updated=len(report.updated),
        unchanged=len(report.unchanged),
        deactivated=len(report.deactivated),
    )
    return report


class SlugTakenError(ValueError):
    """The slug belongs to an exercise of the other source (bank or authored)."""


def _sync_one(
    definition: ExerciseDefinition, source: str = "bank", author: User | None = None
) -> str:
    exercise = (
        Exercise.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .filter(slug=definition.slug)
        .first()
    )
    content_hash = definition.content_hash
    if exercise is not None and exercise.source != source:
        raise SlugTakenError(
            f"slug {definition.slug!r} is used by an exercise from the "
            f"{exercise.source} source; choose another slug"
        )
    if exercise is None:
        exercise = Exercise.objects.create(
            slug=definition.slug,
            title=definition.title,
            topic=definition.topic,
            kind=definition.kind,
            points=Decimal(str(definition.points)),
            source=source,
            author=author,
        )
        outcome = "created"
    elif (
        exercise.current_version is not None
        and exercise.current_version.content_hash == content_hash
    ):
        if exercise.is_active:
            return "unchanged"
        exercise.is_active = True
        exercise.save(update_fields=["is_active", "updated_at"])
        return "updated"
    else:
        outcome = "updated"

    version = ExerciseVersion.objects.create(
        exercise=exercise,
        number=exercise.version + 1,
        content_hash=content_hash,
        definition=definition.as_dict(),
    )
    exercise.current_version = version
    exercise.title = definition.title
    exercise.topic = definition.topic
    exercise.kind = definition.kind
    exercise.points = Decimal(str(definition.points))
    exercise.is_active = True
    exercise.save()
    audit.record(
        "exercise_created" if outcome == "created" else "exercise_changed",
        actor=author,
        target=exercise,
        details={"version": version.number, "content_hash": content_hash},
    )
    logger.info(
        "exercise version stored",
        exercise=exercise.slug,
        version=version.number,
        outcome=outcome,
    )
    return outcome


def seed_for(user: User, exercise: Exercise) -> int:
    """Return the user's seed for ``exercise``, drawing it on first use."""
    existing = VariantSeed.objects.filter(user=user, exercise=exercise).first()
    if existing is not None:
        return existing.seed
    try:
        with transaction.atomic():
            return VariantSeed.objects.create(user=user, exercise=exercise).seed
    except IntegrityError:
        # Another request drew it at the same moment; theirs is the one kept.
        return VariantSeed.objects.get(user=user, exercise=exercise).seed


def variant_for(
    exercise: Exercise, seed: int, version: ExerciseVersion | None = None
) -> Variant:
    version = version or exercise.current_version
    if version is None:
        raise ValueError(f"exercise {exercise.slug} has no stored version")
    return build_variant(version.to_definition(), seed)


def figure_for(exercise: Exercise, seed: int, name: str) -> str | None:
    """Return the SVG of figure ``name`` in the variant of ``seed``.

    Returns None when the current version declares no figure of that name.
    The loader drew every figure with sample seeds, so an error here is a
    bug in the exercise that only some seeds reach, and it propagates.
    """
    version = exercise.current_version
    if version is None:
        return None
    definition = version.to_definition()
    if name not in definition.figures:
        return None
    params = draw_parameters(definition, seed)
    return render_figure(definition.figures, name, params)


@transaction.atomic
def do_store_authored(
    definition: ExerciseDefinition, author: User
) -> tuple[Exercise, str]:
    """Store an exercise written through the API; return it and the outcome."""
    outcome = _sync_one(definition, source="authored", author=author)
    return Exercise.objects.select_related("current_version").get(
        slug=definition.slug
    ), outcome
