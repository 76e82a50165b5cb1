from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "gradewell.analytics"
    label = "analytics"
