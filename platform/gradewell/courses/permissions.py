"""Who may act on a course: its teachers, and admins."""

from __future__ import annotations

from django.http import Http404
from rest_framework.exceptions import PermissionDenied

from gradewell.accounts.models import User
from gradewell.courses.models import Course


def teaches(user: User, course_id: int | None) -> bool:
    if user.is_platform_admin:
        return True
    if course_id is None:
        return False
    return Course.objects.taught_by(user).filter(pk=course_id).exists()


def require_teacher(user: User, course_id: int | None) -> None:
    """Raise 404 for a course the user cannot see, 403 when they only study it."""
    if teaches(user, course_id):
        return
    if (
        course_id is not None
        and Course.objects.for_user(user).filter(pk=course_id).exists()
    ):
        raise PermissionDenied("Only the course's teachers may do this.")
    raise Http404
