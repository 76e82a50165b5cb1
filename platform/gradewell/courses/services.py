"""Course actions: joining with an enrollment code."""

from __future__ import annotations

import structlog
from django.db import IntegrityError, transaction
from rest_framework import status

from gradewell.accounts.models import User
from gradewell.api.errors import ApiError
from gradewell.audit import services as audit
from gradewell.courses.models import Course, Enrollment, EnrollmentRole

logger = structlog.get_logger(__name__)


def do_join_course(user: User, enrollment_code: str) -> tuple[Enrollment, bool]:
    """Enroll ``user`` as a student; return the enrollment and whether it is new."""
    course = Course.objects.filter(enrollment_code=enrollment_code.strip()).first()
    if course is None:
        raise ApiError(
            "No course has this enrollment code. Check the code your teacher gave.",
            code="invalid_enrollment_code",
            field="enrollment_code",
        )
    existing = Enrollment.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing, False
    if not course.enrollment_open:
        raise ApiError(
            f"Course {course.title!r} is not accepting new students. Ask the "
            "teacher to open enrollment.",
            code="enrollment_closed",
            status_code=status.HTTP_403_FORBIDDEN,
            field="enrollment_code",
        )
    try:
        with transaction.atomic():
            enrollment = Enrollment.objects.create(
                user=user, course=course, role=EnrollmentRole.STUDENT
            )
            audit.record("enrolled", actor=user, target=enrollment, course_id=course.pk)
    except IntegrityError:
        return Enrollment.objects.get(user=user, course=course), False
    logger.info("student enrolled", user_id=user.pk, course_id=course.pk)
    return enrollment, True
