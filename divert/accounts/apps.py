from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "divert.accounts"
    label = "accounts"

    def ready(self) -> None:
        from divert.accounts import checks, signals  # noqa: F401
