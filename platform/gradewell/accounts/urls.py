from django.urls import path

from gradewell.accounts import views

urlpatterns = [
    path("auth/register", views.RegisterView.as_view(), name="register"),
    path("auth/token", views.TokenObtainView.as_view(), name="token-obtain"),
    path(
        "auth/token/refresh",
        views.TokenRefreshRotateView.as_view(),
        name="token-refresh",
    ),
    path("auth/logout", views.LogoutView.as_view(), name="logout"),
    path("me", views.MeView.as_view(), name="me"),
]
