"""OpenAPI description of the platform's JWT authentication."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class StrictJWTScheme(SimpleJWTScheme):
    """Declares the Bearer JWT scheme for StrictJWTAuthentication."""

    target_class = "gradewell.accounts.authentication.StrictJWTAuthentication"
    name = "jwtAuth"
