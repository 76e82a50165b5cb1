from django.contrib import admin

from gradewell.courses.models import (
    Assignment,
    AssignmentExercise,
    Course,
    Enrollment,
)


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "grading_policy", "enrollment_open")
    search_fields = ("code", "title")
    inlines = [EnrollmentInline]


class AssignmentExerciseInline(admin.TabularInline):
    model = AssignmentExercise
    extra = 0


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "opens_at", "due_at", "late_policy")
    list_filter = ("course", "late_policy")
    inlines = [AssignmentExerciseInline]
