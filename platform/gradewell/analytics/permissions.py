"""Access rules for a course's analytics.

A course the caller does not belong to is a 404, so its existence does not
leak. A student of the course who requests teacher-only analytics gets 403.
"""

from __future__ import annotations

from django.http import Http404
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404

from gradewell.accounts.models import User
from gradewell.courses.models import Course, EnrollmentRole


def teaches(user: User, course: Course) -> bool:
    return Course.objects.taught_by(user).filter(pk=course.pk).exists()


def access_taught_course(user: User, course_id: int) -> Course:
    """Return the course if ``user`` teaches it, or raise 404 or 403."""
    course = get_object_or_404(Course.objects.for_user(user), pk=course_id)
    if not teaches(user, course):
        raise PermissionDenied("Only the course's teachers can read its analytics.")
    return course


def access_student_progress(
    user: User, course_id: int, student_id: int
) -> tuple[Course, User]:
    """Return the course and one of its students whose progress ``user`` may read.

    Students read their own progress and teachers any student's. Every other
    case is a 404, so a classmate cannot probe who else is enrolled.
    """
    course = get_object_or_404(Course.objects.for_user(user), pk=course_id)
    if student_id != user.pk and not teaches(user, course):
        raise Http404
    student = get_object_or_404(
        User.objects.filter(
            enrollments__course=course, enrollments__role=EnrollmentRole.STUDENT
        ),
        pk=student_id,
    )
    return course, student
