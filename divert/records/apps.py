from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "divert.records"
    label = "records"
    verbose_name = "Justice records"

    def ready(self):
        from divert.audit.codes import register
        from divert.lib.jobs import register as register_job
        from divert.records.audit import CODES
        from divert.records.audit_events import register as register_events_area
        from divert.records.audit_linkage import register_linkage
        from divert.records.importer import run_waiting_imports

        register(CODES)
        register_linkage()  # record linkage: audit codes, the job for rows left waiting
        register_events_area()  # justice events: audit codes, tick jobs, timeline source
        # Uploads normally run at once in the background; this picks up any that did not (a restarted server).
        register_job("feed imports", run_waiting_imports, order=20, summary="{n} waiting feed imports run")
