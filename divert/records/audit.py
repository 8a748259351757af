"""Audit codes of the records app (registered with divert.audit.codes at start-up)."""

from django.utils.translation import gettext_lazy as _

CODES: dict = {
    "divert.records.import.started": _("started importing a justice-data file"),
    "divert.records.import.finished": _("finished importing a justice-data file"),
    "divert.records.import.rejected": _("had a justice-data file refused (nothing from it was kept)"),
    "divert.records.import.failed": _("had a justice-data import stop on an unexpected error (nothing was kept)"),
    "divert.records.import.report_downloaded": _("downloaded the problem report of a justice-data import"),
    "divert.records.profile.saved": _("added or changed a justice-data import profile"),
}
