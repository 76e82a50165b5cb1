from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "gradewell.exercises"
    label = "exercises"
