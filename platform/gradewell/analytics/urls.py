"""Routes under ``/api/v1/courses/<course_id>/analytics/``."""

from django.urls import path

from gradewell.analytics import views

urlpatterns = [
    path(
        "exercises",
        views.ExerciseAnalyticsView.as_view(),
        name="course-analytics-exercises",
    ),
    path(
        "exercises/<slug:slug>/distribution.svg",
        views.ExerciseDistributionChartView.as_view(),
        name="course-analytics-distribution",
    ),
    path(
        "students/<int:student_id>",
        views.StudentProgressView.as_view(),
        name="course-analytics-student",
    ),
    path(
        "students/<int:student_id>/progress.svg",
        views.StudentProgressChartView.as_view(),
        name="course-analytics-progress",
    ),
]
