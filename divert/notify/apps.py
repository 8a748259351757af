from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "divert.notify"
    label = "notify"
