from django.apps import AppConfig


class GradebookConfig(AppConfig):
    name = "gradewell.gradebook"
    label = "gradebook"
