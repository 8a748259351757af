from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "divert.audit"
    label = "audit"

    def ready(self) -> None:
        from divert.audit import signals  # noqa: F401
