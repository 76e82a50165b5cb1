from django.contrib import admin

from gradewell.exercises.models import Exercise, ExerciseVersion


class ExerciseVersionInline(admin.TabularInline):
    model = ExerciseVersion
    extra = 0
    fields = ("number", "content_hash", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ("slug", "title", "topic", "kind", "points", "is_active")
    list_filter = ("topic", "kind", "is_active")
    search_fields = ("slug", "title")
    readonly_fields = ("current_version",)
    inlines = [ExerciseVersionInline]
