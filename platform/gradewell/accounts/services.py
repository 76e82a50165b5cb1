"""Account actions: every write to users goes through here."""

from __future__ import annotations

import structlog
from django.db import IntegrityError, transaction
from rest_framework import status

from gradewell.accounts.models import Role, User
from gradewell.api.errors import ApiError
from gradewell.audit import services as audit

logger = structlog.get_logger(__name__)


def do_register_student(
    *, username: str, email: str, password: str, first_name: str, last_name: str
) -> User:
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username,
                email=email,
                password=password,
                first_name=first_name,
                last_name=last_name,
                role=Role.STUDENT,
            )
            audit.record("signed_up", actor=user, target=user)
    except IntegrityError as exc:
        # A concurrent sign-up took the name or address after validation.
        field = "email" if "email" in str(exc).lower() else "username"
        raise ApiError(
            f"This {field} was just taken by another sign-up. Choose another one.",
            code="conflict",
            status_code=status.HTTP_409_CONFLICT,
            field=field,
        ) from exc
    logger.info("student registered", user_id=user.pk)
    return user


@transaction.atomic
def do_set_role(user: User, role: Role) -> User:
    """Give ``user`` a platform-wide role; admins also get the admin site."""
    user.role = role
    user.is_staff = role == Role.ADMIN or user.is_superuser
    user.save(update_fields=["role", "is_staff"])
    audit.record("role_changed", target=user, details={"role": str(role)})
    logger.info("user role changed", user_id=user.pk, role=str(role))
    return user
