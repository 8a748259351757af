from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "divert.notify"
    label = "notify"

    def ready(self) -> None:
        from divert.notify import checks  # noqa: F401 - registers the system checks
