from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "divert.demo"
    label = "demo"
