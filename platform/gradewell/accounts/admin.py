from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from gradewell.accounts.models import User


@admin.register(User)
class GradewellUserAdmin(UserAdmin):
    list_display = ("username", "email", "role", "is_active", "date_joined")
    list_filter = ("role", "is_active", "is_staff")
    fieldsets = (*UserAdmin.fieldsets, ("Gradewell", {"fields": ("role",)}))
