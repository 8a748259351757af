from django.apps import AppConfig


def _rerun_if_new_data(now) -> int:
    # Imported when tick runs, not at start-up: the statistics libraries are heavy to load.
    from divert.outcomes.evaluation.runner import rerun_if_new_data

    return rerun_if_new_data(now)


class EvaluationConfig(AppConfig):
    name = "divert.outcomes.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation"

    def ready(self):
        from divert.audit.codes import register
        from divert.lib.jobs import register as register_job
        from divert.outcomes.evaluation.audit import CODES

        register(CODES)
        register_job("evaluation", _rerun_if_new_data, order=90, summary="{n} evaluation runs on new data")
