"""Audit codes of record linkage (merged into the records app's codes at start-up, see apps.py)."""

from django.utils.translation import gettext_lazy as _

LINKAGE_CODES: dict = {
    "divert.records.linkage.ran": _("linked waiting justice-data rows to people"),
    "divert.records.linkage.trained": _("trained a new record-linkage model and made it the one in use"),
    "divert.records.link.accepted": _("confirmed that a justice-data row belongs to a person (linked it)"),
    "divert.records.link.rejected": _("decided that a justice-data row does not belong to a person"),
    "divert.records.link.viewed": _("compared a justice-data row with a person in the review queue"),
}


def _link_waiting(now=None) -> int:
    from divert.records.linking import link_waiting_job  # pandas and Splink load only when there is work

    return link_waiting_job(now)


def register_linkage() -> None:
    """At start-up (the records app's ready): these codes, and the periodic job for rows an import left waiting."""
    from divert.audit.codes import register
    from divert.lib.jobs import register as register_job

    register(LINKAGE_CODES)
    register_job("record linkage", _link_waiting, order=25, summary="{n} waiting justice-data rows linked")
