"""Audit codes of the evaluation (registered with divert.audit.codes at start-up)."""

from django.utils.translation import gettext_lazy as _

CODES: dict = {
    "divert.evaluation.run": _("ran the program evaluation"),
    "divert.evaluation.cohort.imported": _("imported a comparison cohort for the evaluation"),
    "divert.evaluation.cohort.rejected": _("had a comparison cohort file refused (nothing from it was kept)"),
    "divert.evaluation.dua.recorded": _("recorded a data-use agreement with an evaluator"),
    "divert.evaluation.extract.disclosed": _("disclosed a de-identified evaluator extract under a data-use agreement"),
    "divert.evaluation.extract.refused": _("was refused an evaluator extract (no data-use agreement in effect)"),
    "divert.evaluation.extract.downloaded": _("downloaded a de-identified evaluator extract"),
}
