"""The data categories: every participant-level datum belongs to exactly one (architecture.md §4).

Kept apart from policy.py so the consent models can name categories without importing the policy;
``divert.privacy.policy.Category`` is the same class and the usual way to reach it.
"""

from django.utils.translation import gettext_lazy as _


class Category:
    IDENTITY = "identity"
    REFERRAL = "referral"
    STATUS = "status"
    PARTNER_SUMMARY = "partner_summary"
    CASEWORK = "casework"
    HEALTH = "health"
    SUD = "sud"
    LEGAL = "legal"

    ALL = (IDENTITY, REFERRAL, STATUS, PARTNER_SUMMARY, CASEWORK, HEALTH, SUD, LEGAL)
    # Reads of these are written to the audit trail.
    SENSITIVE = frozenset({CASEWORK, HEALTH, SUD, LEGAL})
    # What a release may name: identity is never released on its own, it comes with any other category.
    RELEASABLE = (REFERRAL, STATUS, PARTNER_SUMMARY, CASEWORK, HEALTH, SUD, LEGAL)
    LABELS = {
        IDENTITY: _("Identity"),
        REFERRAL: _("Referral"),
        STATUS: _("Program status"),
        PARTNER_SUMMARY: _("Partner summary"),
        CASEWORK: _("Casework"),
        HEALTH: _("Health"),
        SUD: _("Substance-use treatment (42 CFR Part 2)"),
        LEGAL: _("Legal"),
    }

    @classmethod
    def label(cls, category: str) -> str:
        return str(cls.LABELS.get(category, category))
