"""Casework: everything a case-management team records about a participant.

Split by area so each file stays readable: contacts, tasks and the partner summary (contacts.py); the
assessment instrument, assessments, monthly status and the intervention plan (assessment.py); the provider
directory, service referrals and the flexible-funds ledger (services.py).
"""

from .assessment import *  # noqa: F403
from .contacts import *  # noqa: F403
from .services import *  # noqa: F403
