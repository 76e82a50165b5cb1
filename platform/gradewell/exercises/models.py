"""Exercises, their immutable versions, and each student's variant seed."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from exercises.definition import ExerciseDefinition

if TYPE_CHECKING:
    from gradewell.accounts.models import User


class ExerciseQuerySet(models.QuerySet["Exercise"]):
    def for_user(self, user: User) -> ExerciseQuerySet:
        """Exercises ``user`` may open.

        Teachers and admins see the whole active bank; a student sees the
        exercises of published assignments that have opened in their courses.
        """
        active = self.filter(is_active=True)
        if user.is_teacher:
            return active
        return active.filter(
            assignment_links__assignment__course__enrollments__user=user,
            assignment_links__assignment__is_published=True,
            assignment_links__assignment__opens_at__lte=timezone.now(),
        ).distinct()


class Exercise(models.Model):
    """A stable identity for an exercise; its content lives in versions."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    topic = models.CharField(max_length=50, db_index=True)
    kind = models.CharField(max_length=50, db_index=True)
    points = models.DecimalField(max_digits=8, decimal_places=2)
    current_version = models.ForeignKey(
        "ExerciseVersion",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    # Exercises removed from the bank stay, so old submissions keep their
    # history, but no new submission may be made.
    is_active = models.BooleanField(default=True)
    # "bank" exercises come from files and are changed by load_exercises;
    # "authored" ones are written through the API and edited there.
    source = models.CharField(
        max_length=16,
        choices=[("bank", "Bank"), ("authored", "Authored")],
        default="bank",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "slug"]

    def __str__(self) -> str:
        return self.slug

    @property
    def version(self) -> int:
        return self.current_version.number if self.current_version else 0


class ExerciseVersion(models.Model):
    """One immutable snapshot of an exercise's content.

    A new version is made whenever the content hash changes; submissions
    point at the version they were graded against.
    """

    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    definition = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["exercise", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "number"], name="unique_exercise_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.exercise_id} v{self.number}"

    def to_definition(self) -> ExerciseDefinition:
        return ExerciseDefinition.from_dict(self.definition)


def new_seed() -> int:
    return secrets.randbits(62)


class VariantSeed(models.Model):
    """The random seed that fixes one student's variant of one exercise.

    Drawn once and kept, so the variant survives changes to secrets or code
    and a regrade uses exactly the numbers the student saw.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    seed = models.BigIntegerField(default=new_seed)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "exercise"], name="unique_variant_seed"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.exercise_id}"
