from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "gradewell.courses"
    label = "courses"
