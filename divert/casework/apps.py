from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "divert.casework"
    label = "casework"

    def ready(self):
        # Each area adds its events to the person timeline when its actions module loads.
        from divert.casework import actions_assessment, actions_contacts, actions_services  # noqa: F401
