"""Create the demo course, its assignments, a teacher and an enrolled student."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from gradewell.accounts.models import Role, User
from gradewell.courses.models import (
    Assignment,
    AssignmentExercise,
    Course,
    Enrollment,
    EnrollmentRole,
    LatePolicy,
)
from gradewell.exercises.models import Exercise

DEMO_COURSE_CODE = "web-foundations"

# Assignment title -> bank topics whose exercises it holds.
DEMO_ASSIGNMENTS = [
    ("HTTP and REST", ["rest-http"]),
    ("DNS records", ["dns"]),
    ("Fault-tolerant networks", ["fault-tolerance"]),
    ("Parallel speedup", ["parallel-computing"]),
    ("Deployment", ["deployment"]),
]


class Command(BaseCommand):
    help = (
        "Create the demo course with one assignment per bank topic, a teacher "
        "'teacher' and a student 'student'. Passwords come from "
        "DEMO_TEACHER_PASSWORD and DEMO_STUDENT_PASSWORD, or are generated and "
        "printed. Existing users keep their passwords; running it again adds "
        "bank exercises the demo assignments lack."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not Exercise.objects.filter(is_active=True).exists():
            raise CommandError("The exercise bank is empty: run load_exercises first.")
        with transaction.atomic():
            teacher = self._user("teacher", Role.TEACHER, "DEMO_TEACHER_PASSWORD")
            student = self._user("student", Role.STUDENT, "DEMO_STUDENT_PASSWORD")
            course, created = Course.objects.get_or_create(
                code=DEMO_COURSE_CODE,
                defaults={
                    "title": "Web Foundations",
                    "description": "HTTP, DNS, resilient networks and parallel "
                    "computing, graded automatically.",
                },
            )
            Enrollment.objects.get_or_create(
                user=teacher, course=course, defaults={"role": EnrollmentRole.TEACHER}
            )
            Enrollment.objects.get_or_create(
                user=student, course=course, defaults={"role": EnrollmentRole.STUDENT}
            )
            self._assignments(course)
        verb = "Created" if created else "Kept"
        self.stdout.write(
            f"{verb} course {course.code!r} (id {course.pk}); enrollment code "
            f"{course.enrollment_code}"
        )

    def _user(self, username: str, role: Role, password_variable: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is not None:
            self.stdout.write(f"Kept user {username!r}; its password is unchanged.")
            return user
        password = os.environ.get(password_variable)
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        user = User.objects.create_user(
            username=username,
            email=f"{username}@example.com",
            password=password,
            role=role,
        )
        if generated:
            self.stdout.write(
                f"Created user {username!r} with generated password: {password}"
            )
        else:
            self.stdout.write(
                f"Created user {username!r} with the password in {password_variable}."
            )
        return user

    def _assignments(self, course: Course) -> None:
        """Create missing demo assignments and add bank exercises they lack."""
        now = timezone.now()
        for position, (title, topics) in enumerate(DEMO_ASSIGNMENTS):
            exercises = list(
                Exercise.objects.filter(is_active=True, topic__in=topics).order_by(
                    "slug"
                )
            )
            if not exercises:
                continue
            assignment, _ = Assignment.objects.get_or_create(
                course=course,
                title=title,
                defaults={
                    "position": position,
                    "opens_at": now - timedelta(days=1),
                    "due_at": now + timedelta(days=30),
                    "late_policy": LatePolicy.PENALTY,
                    "late_penalty_percent": 20,
                    "late_until": now + timedelta(days=37),
                    "max_attempts": 10,
                },
            )
            linked = set(
                assignment.exercise_links.values_list("exercise_id", flat=True)
            )
            AssignmentExercise.objects.bulk_create(
                AssignmentExercise(
                    assignment=assignment, exercise=exercise, position=index
                )
                for index, exercise in enumerate(exercises)
                if exercise.pk not in linked
            )
