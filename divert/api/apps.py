from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "divert.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from divert.api.audit import CODES
        from divert.audit.codes import register

        register(CODES)
