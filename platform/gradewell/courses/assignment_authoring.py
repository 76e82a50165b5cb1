"""Teachers create, edit and copy assignments through the API."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from gradewell.audit import services as audit
from gradewell.courses.models import Assignment, AssignmentExercise, Course
from gradewell.courses.permissions import require_teacher
from gradewell.courses.serializers import AssignmentSerializer
from gradewell.exercises.models import Exercise


class AssignmentWriteSerializer(serializers.ModelSerializer):
    exercises = serializers.ListField(
        child=serializers.CharField(max_length=100),
        max_length=200,
        help_text="Exercise slugs, in the order students see them.",
    )

    class Meta:
        model = Assignment
        fields = [
            "title",
            "description",
            "position",
            "is_published",
            "opens_at",
            "due_at",
            "late_policy",
            "late_penalty_percent",
            "late_until",
            "max_attempts",
            "exercises",
        ]

    def validate_exercises(self, slugs: list[str]) -> list[Exercise]:
        if len(set(slugs)) != len(slugs):
            raise serializers.ValidationError("lists an exercise twice.")
        found = {
            exercise.slug: exercise
            for exercise in Exercise.objects.filter(slug__in=slugs, is_active=True)
        }
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise serializers.ValidationError(
                f"no active exercise with slug {', '.join(missing)}."
            )
        return [found[slug] for slug in slugs]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance = self.instance
        opens_at = attrs.get("opens_at", getattr(instance, "opens_at", None))
        due_at = attrs.get("due_at", getattr(instance, "due_at", None))
        late_until = attrs.get("late_until", getattr(instance, "late_until", None))
        if opens_at and due_at and due_at < opens_at:
            raise serializers.ValidationError(
                {"due_at": "must not be before opens_at."}
            )
        if late_until and due_at and late_until < due_at:
            raise serializers.ValidationError(
                {"late_until": "must not be before due_at."}
            )
        return attrs


def _store(assignment: Assignment, exercises: list[Exercise] | None) -> Assignment:
    assignment.full_clean(exclude=["course"])
    assignment.save()
    if exercises is not None:
        assignment.exercise_links.all().delete()
        AssignmentExercise.objects.bulk_create(
            AssignmentExercise(assignment=assignment, exercise=exercise, position=index)
            for index, exercise in enumerate(exercises)
        )
    return assignment


class AssignmentDetailView(generics.RetrieveUpdateAPIView):
    """Read, or as the course's teacher change, one assignment."""

    serializer_class = AssignmentSerializer

    def get_queryset(self) -> QuerySet[Assignment]:
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return Assignment.objects.for_user(self.request.user).select_related("course")

    @extend_schema(request=AssignmentWriteSerializer, responses=AssignmentSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        assignment = self.get_object()
        require_teacher(request.user, assignment.course_id)
        writer = AssignmentWriteSerializer(
            assignment, data=request.data, partial=kwargs.get("partial", False)
        )
        writer.is_valid(raise_exception=True)
        data = dict(writer.validated_data)
        exercises = data.pop("exercises", None)
        with transaction.atomic():
            for field, value in data.items():
                setattr(assignment, field, value)
            _store(assignment, exercises)
            audit.record(
                "assignment_changed",
                actor=request.user,
                target=assignment,
                course_id=assignment.course_id,
                details={"fields": sorted(request.data)},
            )
        return Response(self._read(assignment))

    def _read(self, assignment: Assignment) -> dict[str, Any]:
        context = {**self.get_serializer_context(), "course_role": "teacher"}
        return AssignmentSerializer(assignment, context=context).data


def create_assignment(request: Request, course: Course) -> Response:
    require_teacher(request.user, course.pk)
    writer = AssignmentWriteSerializer(data=request.data)
    writer.is_valid(raise_exception=True)
    data = dict(writer.validated_data)
    exercises = data.pop("exercises")
    with transaction.atomic():
        assignment = _store(Assignment(course=course, **data), exercises)
        audit.record(
            "assignment_created",
            actor=request.user,
            target=assignment,
            course_id=course.pk,
        )
    context = {"request": request, "course_role": "teacher"}
    body = AssignmentSerializer(assignment, context=context).data
    return Response(body, status=status.HTTP_201_CREATED)


class AssignmentCopyView(generics.GenericAPIView):
    """Copy an assignment, into the same or another course the caller teaches."""

    serializer_class = AssignmentSerializer

    @extend_schema(
        request=serializers.Serializer, responses={201: AssignmentSerializer}
    )
    def post(self, request: Request, assignment_id: int) -> Response:
        source = generics.get_object_or_404(
            Assignment.objects.for_user(request.user), pk=assignment_id
        )
        require_teacher(request.user, source.course_id)
        if not isinstance(request.data, dict):
            raise serializers.ValidationError(
                'The body must be a JSON object, such as {"course": 3}.'
            )
        target_id = request.data.get("course", source.course_id)
        if not isinstance(target_id, int):
            raise serializers.ValidationError({"course": "must be a course id."})
        require_teacher(request.user, target_id)
        exercises = [link.exercise for link in source.exercise_links.all()]
        with transaction.atomic():
            copy = Assignment(
                course_id=target_id,
                title=str(request.data.get("title") or f"{source.title} (copy)")[:200],
                description=source.description,
                position=source.position,
                is_published=False,
                opens_at=source.opens_at,
                due_at=source.due_at,
                late_policy=source.late_policy,
                late_penalty_percent=source.late_penalty_percent,
                late_until=source.late_until,
                max_attempts=source.max_attempts,
            )
            _store(copy, exercises)
            audit.record(
                "assignment_created",
                actor=request.user,
                target=copy,
                course_id=target_id,
                details={"copied_from": source.pk, "at": timezone.now().isoformat()},
            )
        context = {"request": request, "course_role": "teacher"}
        body = AssignmentSerializer(copy, context=context).data
        return Response(body, status=status.HTTP_201_CREATED)
