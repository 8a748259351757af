from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "divert.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"

    def ready(self):
        from divert.audit.codes import register
        from divert.lib.jobs import register as register_job
        from divert.outcomes.audit import CODES
        from divert.outcomes.dashboard import warm_figures
        from divert.outcomes.report import run_quarterly_report

        register(CODES)
        # Once a quarter, the Policy Coordinating Group's report is made and kept; the job is safe to run often.
        register_job("quarterly outcomes report", run_quarterly_report, order=90,
                     summary="{n} quarterly outcomes reports made")
        # New data since the last tick: compute the public figures and the dashboard's first view now, so the
        # next reader finds them kept.
        register_job("outcome figures", warm_figures, order=95, summary="{n} sets of outcome figures computed")
