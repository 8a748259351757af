from django.apps import AppConfig


class ProtocolConfig(AppConfig):
    name = "divert.protocol"
    label = "protocol"
