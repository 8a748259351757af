from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "divert.outcomes.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation"

    def ready(self):
        from divert.audit.codes import register
        from divert.lib.jobs import register as register_job
        from divert.outcomes.evaluation.audit import CODES
        from divert.outcomes.evaluation.runner import rerun_if_new_data

        register(CODES)
        register_job("evaluation", rerun_if_new_data, order=90, summary="{n} evaluation runs on new data")
