from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "divert.privacy"
    label = "privacy"
