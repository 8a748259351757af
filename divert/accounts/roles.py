"""The seats people work from, and which kind of agency each seat belongs to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    POLICE = "police", _("Police department")
    PROSECUTOR = "prosecutor", _("Prosecutor's office")
    DEFENDER = "defender", _("Public defender")
    PROVIDER = "provider", _("Case-management provider")
    PROJECT = "project", _("Project-management agency")
    EVALUATOR = "evaluator", _("Evaluator")
    COURT = "court", _("Court")
    PROBATION = "probation", _("Probation")


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    SERGEANT = "sergeant", _("Sergeant")
    OUTREACH = "outreach", _("Outreach worker")
    CASE_MANAGER = "case_manager", _("Case manager")
    SUPERVISOR = "supervisor", _("Case-management supervisor")
    PROSECUTOR = "prosecutor", _("Liaison prosecutor")
    DEFENDER = "defender", _("Public defender")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    EVALUATOR = "evaluator", _("Evaluator")
    SITE_ADMIN = "site_admin", _("Site administrator")


# Courts and probation receive letters; they have no seats in the application.
RECIPIENT_ONLY_KINDS = {AgencyKind.COURT, AgencyKind.PROBATION}

ROLES_BY_AGENCY_KIND: dict[str, set[str]] = {
    AgencyKind.POLICE: {Role.OFFICER, Role.SERGEANT},
    AgencyKind.PROSECUTOR: {Role.PROSECUTOR},
    AgencyKind.DEFENDER: {Role.DEFENDER},
    AgencyKind.PROVIDER: {Role.OUTREACH, Role.CASE_MANAGER, Role.SUPERVISOR},
    AgencyKind.PROJECT: {Role.PROJECT_MANAGER, Role.SITE_ADMIN},
    AgencyKind.EVALUATOR: {Role.EVALUATOR},
    AgencyKind.COURT: set(),
    AgencyKind.PROBATION: set(),
}

CASE_MANAGEMENT_ROLES = {Role.OUTREACH, Role.CASE_MANAGER, Role.SUPERVISOR}
