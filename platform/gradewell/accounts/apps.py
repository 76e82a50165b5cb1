from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gradewell.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Registers the OpenAPI extension for the JWT authentication class.
        from gradewell.accounts import schema  # noqa: F401
