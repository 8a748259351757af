from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "divert.casework"
    label = "casework"

    def ready(self):
        # Each area adds its events to the person timeline when its actions module loads.
        from divert.casework import actions_assessment, actions_contacts, actions_services  # noqa: F401
        from divert.casework.reminders import send_task_reminders
        from divert.lib.jobs import register

        register("task reminders", send_task_reminders, order=30, summary="{n} task reminders sent")
