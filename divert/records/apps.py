from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "divert.records"
    label = "records"
    verbose_name = "Justice records"

    def ready(self):
        from divert.audit.codes import register
        from divert.lib.jobs import register as register_job
        from divert.records.audit import CODES
        from divert.records.importer import run_waiting_imports

        register(CODES)
        # Uploads normally run at once in the background; this picks up any that did not (a restarted server).
        register_job("feed imports", run_waiting_imports, order=20, summary="{n} waiting feed imports run")
