from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "gradewell.audit"
    label = "audit"

    def ready(self) -> None:
        # Connects the sign-in failure receiver.
        from gradewell.audit import receivers  # noqa: F401
