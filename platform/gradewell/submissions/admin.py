from django.contrib import admin

from gradewell.submissions.models import Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "user",
        "exercise",
        "status",
        "verdict",
        "score",
        "created_at",
    )
    list_filter = ("status", "verdict")
    search_fields = ("id", "user__username", "exercise__slug")
    raw_id_fields = ("user", "exercise", "exercise_version", "assignment")
    readonly_fields = ("created_at", "queued_at", "started_at", "graded_at")
