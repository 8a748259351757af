from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "divert.participants"
    label = "participants"
