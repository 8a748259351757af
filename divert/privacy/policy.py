"""THE disclosure policy. Every view, search, export, PDF, notification and API endpoint asks here.

Two entry points:

- ``can_see(user, person, category) -> Decision``: may this user see this category of this person's data?
- ``visible_persons(user) -> QuerySet[Person]``: the persons whose existence this user may know of.

A person's identity is visible to anyone who may see any other category of theirs, and to nobody else:
denied means 404, so a page never reveals that a person exists to someone who may not know it.

Access is granted by *grants*: each is a reason, the categories it opens and the persons it covers.
Grants that depend on releases of information and Part 2 consents arrive with the consent models; until
then partners (police, prosecutors, defenders) see no participant data at all, which is the safe default.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from divert.accounts.roles import Role
from divert.participants.models import OPEN_STATUSES, Person


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


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    consent: object | None = None

    def __bool__(self) -> bool:
        return self.allowed


@dataclass(frozen=True)
class Grant:
    reason: str
    categories: frozenset[str]
    persons: Q
    consent: object | None = None


CASE_TEAM_CATEGORIES = frozenset(
    {Category.REFERRAL, Category.STATUS, Category.PARTNER_SUMMARY, Category.CASEWORK, Category.HEALTH,
     Category.SUD, Category.LEGAL}
)


def _open_at_provider(agency_id: int) -> Q:
    return Q(enrollments__provider_id=agency_id, enrollments__status__in=OPEN_STATUSES)


def _case_manager_grants(user, seat) -> list[Grant]:
    # The assigned case manager is on the team; colleagues at the same provider may learn that a
    # person is enrolled there and who to call (to cover for each other), but not the casework.
    return [
        Grant("assigned case manager", CASE_TEAM_CATEGORIES,
              Q(enrollments__case_manager_id=user.pk, enrollments__status__in=OPEN_STATUSES)),
        Grant("same case-management provider", frozenset({Category.STATUS}), _open_at_provider(seat.agency_id)),
    ]


def _provider_team_grants(user, seat) -> list[Grant]:
    # Supervisors and outreach workers work the provider's whole caseload.
    return [Grant(f"{seat.get_role_display().lower()} at the provider", CASE_TEAM_CATEGORIES,
                  _open_at_provider(seat.agency_id))]


def _project_manager_grants(user, seat) -> list[Grant]:
    return [Grant("project manager", frozenset({Category.REFERRAL, Category.STATUS, Category.LEGAL}),
                  Q(enrollments__isnull=False))]


_GRANTS_BY_ROLE: dict[str, Callable] = {
    Role.CASE_MANAGER: _case_manager_grants,
    Role.SUPERVISOR: _provider_team_grants,
    Role.OUTREACH: _provider_team_grants,
    Role.PROJECT_MANAGER: _project_manager_grants,
}


def grants_for(user) -> list[Grant]:
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    seat = user.seat
    if seat is None:
        return []
    make = _GRANTS_BY_ROLE.get(seat.role)
    return make(user, seat) if make else []


def can_see(user, person: Person, category: str) -> Decision:
    if category not in Category.ALL:
        raise ValueError(f"unknown data category {category!r}")
    for grant in grants_for(user):
        if category != Category.IDENTITY and category not in grant.categories:
            continue
        if Person.objects.filter(pk=person.pk).filter(grant.persons).exists():
            return Decision(True, grant.reason, grant.consent)
    return Decision(False, "no rule or consent allows it")


def visible_persons(user) -> QuerySet[Person]:
    grants = grants_for(user)
    if not grants:
        return Person.objects.none()
    q = Q()
    for grant in grants:
        q |= grant.persons
    return Person.objects.filter(pk__in=Person.objects.filter(q).values("pk"))


def visible_referrals(user):
    """The referrals this user may read (category: referral). Referrals live in a higher app, hence the lazy model.

    - officers see the referrals they made; sergeants every referral made by their police agency (they approve
      social contacts and supervise the officers who refer);
    - the case-management team sees referrals routed to its provider, and unrouted ones awaiting a provider;
    - the liaison prosecutor sees arrest diversions (the charge they hold) and referrals the protocol sends to
      the prosecutor for approval;
    - the project manager sees every referral (triage, approvals, reporting);
    - defenders, evaluators and site administrators see none.
    """
    from django.apps import apps

    referral = apps.get_model("referrals", "Referral")
    if user is None or not user.is_authenticated or not user.is_active or user.seat is None:
        return referral.objects.none()
    seat = user.seat
    role = seat.role
    if role == Role.OFFICER:
        return referral.objects.filter(referred_by=user)
    if role == Role.SERGEANT:
        return referral.objects.filter(Q(referred_by=user) | Q(referring_agency_id=seat.agency_id))
    if role in (Role.CASE_MANAGER, Role.SUPERVISOR, Role.OUTREACH):
        return referral.objects.filter(Q(provider_id=seat.agency_id) | Q(provider__isnull=True))
    if role == Role.PROSECUTOR:
        return referral.objects.filter(Q(door="arrest") | Q(approver_role=Role.PROSECUTOR))
    if role == Role.PROJECT_MANAGER:
        return referral.objects.all()
    return referral.objects.none()
