"""URL routes: the versioned API, its schema and docs, and the admin site."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from gradewell.api.views import not_found
from gradewell.audit.views import AuditRecordViewSet
from gradewell.courses.assignment_authoring import (
    AssignmentCopyView,
    AssignmentDetailView,
)
from gradewell.courses.extensions import (
    AssignmentExtensionDetailView,
    AssignmentExtensionsView,
)
from gradewell.courses.views import CourseAssignmentsView, CourseViewSet
from gradewell.exercises.views import ExerciseViewSet
from gradewell.gradebook.views import GradebookView
from gradewell.health import healthz, readyz
from gradewell.metrics_export import metrics
from gradewell.submissions.review_views import (
    CourseSubmissionsView,
    RegradeJobViewSet,
    override_view,
)
from gradewell.submissions.views import SubmissionViewSet

router = SimpleRouter(trailing_slash=False)
router.register("courses", CourseViewSet, basename="course")
router.register("exercises", ExerciseViewSet, basename="exercise")
router.register("submissions", SubmissionViewSet, basename="submission")
router.register("audit", AuditRecordViewSet, basename="audit")
router.register("regrades", RegradeJobViewSet, basename="regrade")

api_v1 = [
    path("", include("gradewell.accounts.urls")),
    path("courses/<int:course_id>/analytics/", include("gradewell.analytics.urls")),
    path(
        "courses/<int:course_id>/submissions",
        CourseSubmissionsView.as_view(),
        name="course-submissions",
    ),
    path(
        "submissions/<uuid:submission_id>/override",
        override_view,
        name="submission-override",
    ),
    path(
        "assignments/<int:pk>",
        AssignmentDetailView.as_view(),
        name="assignment-detail",
    ),
    path(
        "assignments/<int:assignment_id>/copy",
        AssignmentCopyView.as_view(),
        name="assignment-copy",
    ),
    path(
        "assignments/<int:assignment_id>/extensions",
        AssignmentExtensionsView.as_view(),
        name="assignment-extensions",
    ),
    path(
        "assignments/<int:assignment_id>/extensions/<int:student_id>",
        AssignmentExtensionDetailView.as_view(),
        name="assignment-extension",
    ),
    path(
        "courses/<int:course_id>/gradebook",
        GradebookView.as_view(),
        name="course-gradebook",
    ),
    path(
        "courses/<int:course_id>/assignments",
        CourseAssignmentsView.as_view(),
        name="course-assignments",
    ),
    *router.urls,
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    # Unknown API paths get the JSON 404 even when DEBUG shows HTML pages.
    re_path(r"^api/", not_found),
]

handler404 = "gradewell.api.views.not_found"
handler500 = "gradewell.api.views.server_error"
