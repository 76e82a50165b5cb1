from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "gradewell.submissions"
    label = "submissions"
