"""Users and their platform-wide role."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower


class Role(models.TextChoices):
    STUDENT = "student", "Student"
    TEACHER = "teacher", "Teacher"
    ADMIN = "admin", "Admin"


class User(AbstractUser):
    """A platform account.

    ``role`` is the platform-wide role: teachers may author exercises and run
    courses, admins manage everything. What a user may do inside one course
    comes from their enrollment in it, not from this field.
    """

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STUDENT)

    class Meta:
        constraints = [
            # Sign-up checks these too; the constraints settle concurrent races.
            models.UniqueConstraint(
                Lower("username"), name="unique_username_ignoring_case"
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="unique_email_ignoring_case",
            ),
        ]

    @property
    def is_teacher(self) -> bool:
        return self.role in (Role.TEACHER, Role.ADMIN) or self.is_superuser

    @property
    def is_platform_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser
