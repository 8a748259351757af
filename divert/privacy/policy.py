"""THE disclosure policy. Every view, search, export, PDF, notification and API endpoint asks here.

Entry points:

- ``can_see(user, person, category) -> Decision``: may this user see this category of this person's data?
- ``visible_persons(user) -> QuerySet[Person]``: the persons whose existence this user may know of.
- ``disclose(user, person, categories, request=...)``: log what a partner was just shown under a consent
  (the accounting of disclosures) and get the Part 2 redisclosure notice when it applies.
- ``may_manage_releases``, ``may_see_accounting``, ``may_see_release``: who works with releases.
- ``visible_legal_matters(user, person=None)``: the legal matters this user may read (category: legal).
- ``visible_rows(user, rows, category=... | category_field=...)``: the rows of a per-person list this user may read.

A person's identity is visible to anyone who may see any other category of theirs, and to nobody else:
denied means 404, so a page never reveals that a person exists to someone who may not know it.

Access is granted by *grants*: each is a reason, the categories it opens and the persons it covers. Seats
give the case-management team and the project manager their grants; the liaison prosecutor sees the legal category
(and so identity) of persons with a matter of their office, the defender of persons with a matter their agency
defends, and through those grants only those matters; everyone else (police, other providers), and prosecutors and
defenders for anything more, gets grants only from releases of information in effect today that name their
agency or seat. Substance-use treatment information (Part 2) reaches a partner only through a Part 2 or
criminal-justice referral consent that names them.
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divert.accounts.roles import Role
from divert.participants.models import OPEN_STATUSES, Person
from divert.privacy.categories import Category
from divert.privacy.models import Disclosure, Purpose, ReleaseOfInformation, ReleaseRecipient, Revocation

__all__ = ["Category", "Decision", "Grant", "can_see", "disclose", "disclose_to_agency", "grants_for",
           "hmis_export_persons", "may_manage_releases",
           "may_see_accounting", "may_see_release", "release_for_agency", "sees_all_legal",
           "visible_legal_matters", "visible_persons",
           "visible_referrals", "visible_rows", "REDISCLOSURE_NOTICE",
           "may_see_evaluation", "may_run_evaluation", "may_record_data_use_agreement", "data_use_agreement_for"]


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
    # When known, the persons as ids: can_see answers without a query (consent grants cover one person).
    person_ids: frozenset[int] | None = None
    # For a grant of the legal category that opens only some of a person's matters (a prosecutor's office, a
    # defender's clients): those matters, as a filter on LegalMatter. None: all the matters of the persons covered.
    legal_matters: Q | None = None


CASE_TEAM_CATEGORIES = frozenset(
    {Category.REFERRAL, Category.STATUS, Category.PARTNER_SUMMARY, Category.CASEWORK, Category.HEALTH,
     Category.SUD, Category.LEGAL}
)
CASE_TEAM_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR, Role.OUTREACH})
# Seats that never receive participant data under a release: evaluators work from de-identified extracts,
# and the site administrator's seat carries no participant content.
NO_CONSENT_ROLES = frozenset({Role.EVALUATOR, Role.SITE_ADMIN})

# 42 CFR 2.32: the notice that goes with every disclosure of Part 2 information made under a consent.
REDISCLOSURE_NOTICE = _(
    "This information has been disclosed to you from records protected by federal confidentiality rules "
    "(42 CFR Part 2). You may not use it, or testimony describing what it contains, in any civil, criminal, "
    "administrative or legislative proceeding brought by a federal, state or local authority against the "
    "participant, unless the participant consents in writing or a court authorizes it under 42 CFR 2.64 or "
    "2.79 (or 42 CFR 2.12(c)(5) applies). Any other use or further disclosure is prohibited too, unless the "
    "participant's written consent expressly permits it or 42 CFR Part 2 otherwise allows it; or you are a "
    "HIPAA covered entity or business associate that received it for treatment, payment or health care "
    "operations; or you received it from one as 45 CFR part 164, subparts A and E, allow. A general "
    "authorization to release medical or other information is not enough to permit further use or "
    "disclosure (see 42 CFR 2.31)."
)


def _open_at_provider(agency_id: int) -> Q:
    return Q(enrollments__provider_id=agency_id, enrollments__status__in=OPEN_STATUSES)


def _ever_at_provider(agency_id: int) -> Grant:
    # The team re-engages people after an exit: it must find them (identity) and see their past participation
    # (status), so that re-engagement reopens the same person instead of creating a new one. Casework and the
    # rest stay limited to open enrollments.
    return Grant("previously enrolled at the provider", frozenset({Category.STATUS}),
                 Q(enrollments__provider_id=agency_id))


def _case_manager_grants(user, seat) -> list[Grant]:
    # The assigned case manager is on the team; colleagues at the same provider may learn that a
    # person is enrolled there and who to call (to cover for each other), but not the casework.
    return [
        Grant("assigned case manager", CASE_TEAM_CATEGORIES,
              Q(enrollments__case_manager_id=user.pk, enrollments__status__in=OPEN_STATUSES)),
        Grant("same case-management provider", frozenset({Category.STATUS}), _open_at_provider(seat.agency_id)),
        _ever_at_provider(seat.agency_id),
    ]


def _provider_team_grants(user, seat) -> list[Grant]:
    # Supervisors and outreach workers work the provider's whole caseload.
    return [Grant(f"{seat.get_role_display().lower()} at the provider", CASE_TEAM_CATEGORIES,
                  _open_at_provider(seat.agency_id)),
            _ever_at_provider(seat.agency_id)]


def _project_manager_grants(user, seat) -> list[Grant]:
    return [Grant("project manager", frozenset({Category.REFERRAL, Category.STATUS, Category.LEGAL}),
                  Q(enrollments__isnull=False))]


# --- Legal matters: the prosecutor's office and the defender's clients -------------------------------------------
# LegalMatter lives in coordination, a higher app: these grants name it only through the reverse relation
# `legal_matters` and `apps.get_model`, never by import.

def _legal_matters_installed() -> bool:
    from django.apps import apps

    return apps.is_installed("divert.coordination")


def _office_matters_grant(reason: str, field: str, agency_id: int) -> list[Grant]:
    if not _legal_matters_installed():
        return []
    return [Grant(reason, frozenset({Category.LEGAL}), Q(**{f"legal_matters__{field}": agency_id}),
                  legal_matters=Q(**{field: agency_id}))]


def _prosecutor_grants(user, seat) -> list[Grant]:
    # The liaison prosecutor holds the charging decision on their office's matters and coordinates them with the
    # plan (lead-programs.md §7.1): they see those matters, and who the person is. Nothing else comes with it.
    return _office_matters_grant("prosecutor for their office's matters", "prosecuting_agency_id", seat.agency_id)


def _defender_grants(user, seat) -> list[Grant]:
    return _office_matters_grant("defender for their clients", "defending_agency_id", seat.agency_id)


_GRANTS_BY_ROLE: dict[str, Callable] = {
    Role.CASE_MANAGER: _case_manager_grants,
    Role.SUPERVISOR: _provider_team_grants,
    Role.OUTREACH: _provider_team_grants,
    Role.PROJECT_MANAGER: _project_manager_grants,
    Role.PROSECUTOR: _prosecutor_grants,
    Role.DEFENDER: _defender_grants,
}


def _seat(user):
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user.seat


def releases_naming(seat, *, person: Person | None = None) -> QuerySet[ReleaseOfInformation]:
    """Releases that name this seat (its agency, or its role there) and may be in effect today.

    Revocations and withdrawn recipients are applied in Python (``categories_for_seat``) on the prefetched rows.
    """
    today = timezone.localdate()
    releases = (ReleaseOfInformation.objects
                .filter(recipients__in=ReleaseRecipient.objects.filter(
                    Q(role="") | Q(role=seat.role), agency_id=seat.agency_id))
                .filter(starts_on__lte=today)
                .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=today))
                .filter(Q(ended_by_event_on__isnull=True) | Q(ended_by_event_on__gt=today))
                .exclude(pk__in=Revocation.objects.filter(scope=Revocation.Scope.FULL, effective_on__lte=today)
                         .values("release_id")))
    if person is not None:
        releases = releases.filter(person_id=person.pk)
    return releases.distinct().order_by("id").prefetch_related(
        "recipients", Prefetch("revocations", queryset=Revocation.objects.prefetch_related("recipients")))


def _consent_grants(seat, person: Person | None) -> list[Grant]:
    if seat.role in NO_CONSENT_ROLES:
        return []
    today = timezone.localdate()
    grants = []
    for release in releases_naming(seat, person=person):
        categories = release.categories_for_seat(seat, today)
        if categories:
            grants.append(Grant(f"{release.get_kind_display()} #{release.pk}", categories,
                                Q(pk=release.person_id), consent=release,
                                person_ids=frozenset({release.person_id})))
    return grants


def grants_for(user, *, person: Person | None = None) -> list[Grant]:
    """The user's grants: their seat's first, then releases naming them (only those about `person`, if given)."""
    seat = _seat(user)
    if seat is None:
        return []
    make = _GRANTS_BY_ROLE.get(seat.role)
    grants = make(user, seat) + _consent_grants(seat, person) if make else _consent_grants(seat, person)
    # A grant limited to some legal matters (the prosecutor's office, the defender's clients) answers last, so a
    # release that opens the person's whole legal record is the one named, and its reads are logged against it.
    return sorted(grants, key=lambda grant: grant.legal_matters is not None)


# Within one request the same questions come back many times (a person page asks for each section). The answers
# are remembered for the request only, and forgotten as soon as anything the policy depends on is written.
_decisions: ContextVar[dict | None] = ContextVar("divert_policy_decisions", default=None)


@contextmanager
def remembered_decisions():
    """Remember the policy's answers until the block ends (one request; see PolicyCacheMiddleware)."""
    token = _decisions.set({})
    try:
        yield
    finally:
        _decisions.reset(token)


def forget_decisions() -> None:
    """Drop remembered answers (the middleware calls it on every write that could change one)."""
    cache = _decisions.get()
    if cache:
        cache.clear()


def can_see(user, person: Person, category: str) -> Decision:
    if category not in Category.ALL:
        raise ValueError(f"unknown data category {category!r}")
    cache = _decisions.get()
    if cache is None:
        return _decide(user, person, category, {})
    key = ("decision", getattr(user, "pk", None), person.pk, category)
    if key not in cache:
        cache[key] = _decide(user, person, category, cache)
    return cache[key]


def _decide(user, person: Person, category: str, cache: dict) -> Decision:
    grants_key = ("grants", getattr(user, "pk", None), person.pk)
    if grants_key not in cache:
        cache[grants_key] = grants_for(user, person=person)
    for index, grant in enumerate(cache[grants_key]):
        if category != Category.IDENTITY and category not in grant.categories:
            continue
        if grant.person_ids is not None:
            covered = person.pk in grant.person_ids
        else:
            covered_key = ("covered", getattr(user, "pk", None), person.pk, index)
            if covered_key not in cache:
                cache[covered_key] = Person.objects.filter(pk=person.pk).filter(grant.persons).exists()
            covered = cache[covered_key]
        if covered:
            return Decision(True, grant.reason, grant.consent)
    return Decision(False, "no rule or consent allows it")


def _consent_persons(seat, category: str) -> Q | None:
    """Persons whose `category` a release naming this seat opens today, as one subquery (no id lists: a
    partner can be named in tens of thousands of releases). Matches grants_for: partial revocations, which are
    few, are applied release by release in Python."""
    if seat.role in NO_CONSENT_ROLES:
        return None
    today = timezone.localdate()
    releases = releases_naming(seat).order_by()
    if category != Category.IDENTITY:
        # The categories are a JSON list; its text holds the quoted name (works on SQLite and PostgreSQL alike).
        releases = releases.annotate(_categories=Cast("categories", TextField())).filter(
            _categories__contains=f'"{category}"')
    partly_revoked = releases.filter(revocations__scope=Revocation.Scope.PARTIAL,
                                     revocations__effective_on__lte=today).distinct()
    withheld = [r.pk for r in partly_revoked
                if not (cats := r.categories_for_seat(seat, today)) or (category != Category.IDENTITY
                                                                         and category not in cats)]
    if withheld:
        releases = releases.exclude(pk__in=withheld)
    return Q(pk__in=releases.values("person_id"))


def visible_persons(user, category: str = Category.IDENTITY) -> QuerySet[Person]:
    """The persons this user may know of (identity), or whose `category` they may see."""
    if category not in Category.ALL:
        raise ValueError(f"unknown data category {category!r}")
    seat = _seat(user)
    if seat is None:
        return Person.objects.none()
    make = _GRANTS_BY_ROLE.get(seat.role)
    q = None
    for grant in make(user, seat) if make else []:
        if category == Category.IDENTITY or category in grant.categories:
            q = grant.persons if q is None else q | grant.persons
    consent = _consent_persons(seat, category)
    if consent is not None:
        q = consent if q is None else q | consent
    if q is None:
        return Person.objects.none()
    return Person.objects.filter(pk__in=Person.objects.filter(q).values("pk"))


def disclose(user, person: Person, categories: Iterable[str], *, request, purpose: str = "") -> str | None:
    """Log what `user` is being shown of `person` under a consent; returns the redisclosure notice if Part 2.

    Categories the user sees through their seat (the case-management team, the project manager) are not
    disclosures and are skipped; so are categories nothing allows (the caller should not be showing them).
    Each consent used gets one Disclosure row (the accounting) and each category one audit event.
    """
    from divert.audit.log import log_event

    by_release: dict[int, tuple[ReleaseOfInformation, list[str]]] = {}
    for category in dict.fromkeys(categories):
        decision = can_see(user, person, category)
        if decision.allowed and decision.consent is not None:
            by_release.setdefault(decision.consent.pk, (decision.consent, []))[1].append(category)
    seat = _seat(user)
    part2_disclosed = False
    for release, shown in by_release.values():
        part2 = Category.SUD in shown
        part2_disclosed |= part2
        disclosure = Disclosure.objects.create(
            release=release, person=person, recipient=user, recipient_agency=seat.agency if seat else None,
            categories=shown, purpose=(purpose or ", ".join(release.purpose_labels()))[:300], part2=part2,
            request_id=getattr(request, "request_id", "") if request is not None else "",
        )
        for category in shown:
            log_event("divert.disclosure.made", request=request, actor=user, person=person, target=disclosure,
                      category=category, consent=release, details={"purpose": disclosure.purpose})
    return str(REDISCLOSURE_NOTICE) if part2_disclosed else None


# --- Documents sent outside: letters to courts and probation ------------------------------------------------

def _release_covers_agency(release: ReleaseOfInformation, person: Person, agency, categories: Iterable[str]) -> bool:
    today = timezone.localdate()
    return (release.person_id == person.pk
            and any(rr.agency_id == agency.pk and rr.role == "" for rr in release.effective_recipients_on(today))
            and set(categories) <= release.effective_categories_on(today))


def release_for_agency(person: Person, agency, categories: Iterable[str]) -> ReleaseOfInformation | None:
    """The release in effect today that names `agency` as a whole (courts and probation have no seats here) and
    opens every one of `categories` for this person; None when none does. A letter is refused without one."""
    wanted = set(categories)
    candidates = (ReleaseOfInformation.objects.filter(person_id=person.pk, recipients__agency=agency,
                                                      recipients__role="")
                  .distinct().order_by("-starts_on", "-id")
                  .prefetch_related("recipients", Prefetch(
                      "revocations", queryset=Revocation.objects.prefetch_related("recipients"))))
    return next((release for release in candidates if _release_covers_agency(release, person, agency, wanted)), None)


def disclose_to_agency(actor, person: Person, agency, release: ReleaseOfInformation, categories: Iterable[str], *,
                       request, purpose: str) -> str | None:
    """Log a document sent to an agency under `release` (the accounting of disclosures); returns the Part 2
    redisclosure notice when substance-use information went with it. Refuses categories the release does not open
    today, so a caller cannot log (or send) more than the consent allows."""
    from divert.audit.log import log_event

    shown = list(dict.fromkeys(categories))
    if not _release_covers_agency(release, person, agency, shown):
        raise PermissionError("this release does not name this recipient for this information today")
    part2 = Category.SUD in shown
    disclosure = Disclosure.objects.create(
        release=release, person=person, recipient=None, recipient_agency=agency, categories=shown,
        purpose=purpose[:300], part2=part2,
        request_id=getattr(request, "request_id", "") if request is not None else "")
    for category in shown:
        log_event("divert.disclosure.made", request=request, actor=actor, person=person, target=disclosure,
                  category=category, consent=release, details={"purpose": disclosure.purpose,
                                                                "recipient_agency": agency.pk})
    return str(REDISCLOSURE_NOTICE) if part2 else None


# --- The continuum of care's HMIS ----------------------------------------------------------------------------

# What an HMIS export may carry, by category. Identity always goes with it (a client record is who someone is).
# Health and substance-use (Part 2) data never go, whatever a release opens: the HMIS CSV files Divert writes have
# no field it fills from them (disabilities and health insurance are sent as "data not collected").
HMIS_CATEGORIES = frozenset({Category.STATUS, Category.CASEWORK})


def hmis_export_persons(agency, *, day=None) -> list[tuple[Person, ReleaseOfInformation, frozenset[str]]]:
    """The persons whose records may go to the continuum of care's HMIS (`agency`) on `day` (today by default),
    each with the release that allows it and the categories it opens for the export.

    A release qualifies when it is in effect that day (not expired, not fully revoked, the HMIS not withdrawn as a
    recipient), names the HMIS agency as a whole, has HMIS sharing among its purposes and still opens program status
    (the enrollment and exit records); casework opens services and income too. Only HMIS_CATEGORIES are ever
    returned. Merged-away records (tombstones) are left out. Where several releases qualify, the one opening the most
    wins (then the newest)."""
    day = day or timezone.localdate()
    candidates = (ReleaseOfInformation.objects
                  .filter(recipients__agency=agency, recipients__role="", starts_on__lte=day,
                          person__merged_into__isnull=True)
                  .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=day))
                  .distinct().order_by("person_id", "-starts_on", "-id")
                  .select_related("person")
                  .prefetch_related("recipients", Prefetch(
                      "revocations", queryset=Revocation.objects.prefetch_related("recipients"))))
    chosen: dict[int, tuple[Person, ReleaseOfInformation, frozenset[str]]] = {}
    for release in candidates:
        if Purpose.HMIS_SHARING not in (release.purposes or []):
            continue
        if not any(rr.agency_id == agency.pk and rr.role == "" for rr in release.effective_recipients_on(day)):
            continue
        categories = release.effective_categories_on(day) & HMIS_CATEGORIES
        if Category.STATUS not in categories:
            continue
        best = chosen.get(release.person_id)
        if best is None or len(categories) > len(best[2]):
            chosen[release.person_id] = (release.person, release, frozenset(categories))
    return list(chosen.values())


# --- Who works with releases --------------------------------------------------------------------------------

def is_on_team(user, person: Person) -> bool:
    """The person's case-management team, by seat, never by a release: the assigned case manager, and supervisors
    and outreach workers at a provider where the person has an open enrollment. Only the team writes casework,
    records releases, changes status or the photo; a partner reading under a release writes nothing."""
    seat = _seat(user)
    if seat is None or seat.role not in CASE_TEAM_ROLES:
        return False
    cache = _decisions.get()
    key = ("team", user.pk, person.pk)
    if cache is not None and key in cache:
        return cache[key]
    enrollments = person.enrollments.filter(provider_id=seat.agency_id, status__in=OPEN_STATUSES)
    if seat.role == Role.CASE_MANAGER:
        enrollments = enrollments.filter(case_manager_id=user.pk)
    answer = enrollments.exists()
    if cache is not None:
        cache[key] = answer
    return answer


# The team records, revokes and reads releases.
may_manage_releases = is_on_team


def may_merge(user, survivor: Person, duplicate: Person) -> bool:
    """The project manager merges any two records; a supervisor only records that are wholly their provider's, so
    a merge never carries another provider's history into sight."""
    seat = _seat(user)
    if seat is None:
        return False
    if seat.role == Role.PROJECT_MANAGER:
        return True
    elsewhere = Q(person__in=[survivor.pk, duplicate.pk]) & ~Q(provider_id=seat.agency_id)
    return seat.role == Role.SUPERVISOR and not survivor.enrollments.model.objects.filter(elsewhere).exists()


def may_see_accounting(user, person: Person) -> bool:
    """The accounting of disclosures: the case-management team and the project manager."""
    if may_manage_releases(user, person):
        return True
    seat = _seat(user)
    return seat is not None and seat.role == Role.PROJECT_MANAGER and bool(can_see(user, person, Category.STATUS))


def may_see_release(user, release: ReleaseOfInformation) -> str | None:
    """"manage" for the person's team; "read" for a partner the release names and lets see anything today
    (a recipient is entitled to know the scope of the consent it receives under); None otherwise."""
    if may_manage_releases(user, release.person):
        return "manage"
    seat = _seat(user)
    if seat is None or seat.role in NO_CONSENT_ROLES:
        return None
    categories = release.categories_for_seat(seat)
    # The Part 2 consent itself says the person is in treatment: only a recipient still owed SUD may read it.
    if categories and (not release.is_part2 or Category.SUD in categories):
        return "read"
    return None


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
        # Their department's referrals, and community referrals the protocol gives sergeants to approve.
        return referral.objects.filter(Q(referred_by=user) | Q(referring_agency_id=seat.agency_id)
                                       | Q(door="community", approver_role=Role.SERGEANT))
    if role in (Role.CASE_MANAGER, Role.SUPERVISOR, Role.OUTREACH):
        return referral.objects.filter(Q(provider_id=seat.agency_id) | Q(provider__isnull=True))
    if role == Role.PROSECUTOR:
        return referral.objects.filter(Q(door="arrest") | Q(approver_role=Role.PROSECUTOR))
    if role == Role.PROJECT_MANAGER:
        return referral.objects.all()
    return referral.objects.none()


def sees_all_legal(user, person: Person) -> bool:
    """True when a grant opens the whole legal category of `person` to `user`, not only some matters (a prosecutor's
    office matters, a defender's clients'): justice events, which belong to no matter, need the whole category."""
    for grant in grants_for(user, person=person):
        if Category.LEGAL not in grant.categories or grant.legal_matters is not None:
            continue
        if grant.person_ids is not None:
            if person.pk in grant.person_ids:
                return True
        elif Person.objects.filter(pk=person.pk).filter(grant.persons).exists():
            return True
    return False


def visible_legal_matters(user, person: Person | None = None, *, by_seat: bool = False):
    """The legal matters this user may read (category: legal), of `person` if given. Matters live in a higher app,
    hence the lazy model.

    - every matter of the persons whose legal category the user sees in full: the case-management team and the
      project manager by their seat, a partner through a release in effect that opens legal;
    - otherwise only the matters a limited grant opens: the liaison prosecutor their office's matters, the defender
      the matters their agency defends. A prosecutor never sees another office's matter through their own office's.

    `by_seat=True` leaves releases out: the matters the seat itself works on (charge coordination is between the
    team and the matter's own prosecutor and defender; a release opening legal to a partner does not seat them in it).
    """
    from django.apps import apps

    matter = apps.get_model("coordination", "LegalMatter")
    seat = _seat(user)
    if seat is None:
        return matter.objects.none()
    make = _GRANTS_BY_ROLE.get(seat.role)
    q = None
    for grant in make(user, seat) if make else []:
        if Category.LEGAL not in grant.categories:
            continue
        opens = grant.legal_matters if grant.legal_matters is not None else Q(
            person__in=Person.objects.filter(grant.persons).values("pk"))
        q = opens if q is None else q | opens
    consent = None if by_seat else _consent_persons(seat, Category.LEGAL)
    if consent is not None:
        opens = Q(person__in=Person.objects.filter(consent).values("pk"))
        q = opens if q is None else q | opens
    if q is None:
        return matter.objects.none()
    matters = matter.objects.filter(q)
    if person is not None:
        matters = matters.filter(person_id=person.pk)
    return matters


# --- Program outcomes (aggregates) ----------------------------------------------------------------------------

OUTCOMES_IN_FULL = "full"
OUTCOMES_SUPPRESSED = "suppressed"
# Front-line partners never see the program's dashboard, even when their agency sits on the policy group: its
# breakdowns by area and door are close enough to people on their beat or docket. They read the group's quarterly
# report, which is suppressed like the public page.
_NO_OUTCOMES_ROLES = {Role.OFFICER, Role.SERGEANT, Role.PROSECUTOR, Role.DEFENDER}


def may_see_program_outcomes(user) -> str | None:
    """Whether `user` may open the internal outcomes dashboard, and how: None (404), "full" or "suppressed".

    - the project manager and case-management supervisors see every figure ("full": they already see the people
      behind them);
    - the evaluator, and anyone named as a representative of a current member agency of the Policy Coordinating
      Group, see the figures with small cells suppressed as on the public page ("suppressed");
    - officers, sergeants, prosecutors, defenders and everyone else: no (404).
    """
    from django.apps import apps

    seat = _seat(user)
    if seat is None or seat.role in _NO_OUTCOMES_ROLES:
        return None
    if seat.role in (Role.PROJECT_MANAGER, Role.SUPERVISOR):
        return OUTCOMES_IN_FULL
    if seat.role == Role.EVALUATOR:
        return OUTCOMES_SUPPRESSED
    try:
        representative = apps.get_model("coordination", "PCGRepresentative")
    except LookupError:
        return None
    today = timezone.localdate()
    sits = representative.objects.filter(user=user, member__joined_on__lte=today).filter(
        Q(member__left_on__isnull=True) | Q(member__left_on__gt=today)).exists()
    return OUTCOMES_SUPPRESSED if sits else None


# --- The evaluation: aggregates for the evaluator and the policy group; extracts only under an agreement ---------

def may_see_evaluation(user) -> bool:
    """The evaluation's results (aggregates only, never identities): the evaluator, the project manager, and
    every seat of an agency that is a current member of the Policy Coordinating Group (as `/pcg/` decides
    membership). Everyone else gets 404: the page is not theirs to know of."""
    seat = _seat(user)
    if seat is None:
        return False
    if seat.role in (Role.EVALUATOR, Role.PROJECT_MANAGER):
        return True
    from django.apps import apps

    if not apps.is_installed("divert.coordination"):
        return False
    member = apps.get_model("coordination", "PCGMember")
    return member.objects.current().filter(agency_id=seat.agency_id).exists()


def may_run_evaluation(user) -> bool:
    """Running the evaluation again and importing a comparison cohort: the evaluator and the project manager."""
    seat = _seat(user)
    return seat is not None and seat.role in (Role.EVALUATOR, Role.PROJECT_MANAGER)


def may_record_data_use_agreement(user) -> bool:
    """Data-use agreements are the program's to sign: the project manager records them."""
    seat = _seat(user)
    return seat is not None and seat.role == Role.PROJECT_MANAGER


def data_use_agreement_for(user, on=None):
    """The data-use agreement in effect on `on` (default today) under which `user` may take a de-identified
    extract: an evaluator's seat at the agency the agreement names, signed and not expired. None when there is
    none: no extract without one."""
    seat = _seat(user)
    if seat is None or seat.role != Role.EVALUATOR:
        return None
    from django.apps import apps

    agreement = apps.get_model("evaluation", "DataUseAgreement")
    day = on or timezone.localdate()
    return (agreement.objects.filter(recipient_agency_id=seat.agency_id, starts_on__lte=day, expires_on__gte=day,
                                     signed_on__lte=day).order_by("-signed_on", "-id").first())


def visible_rows(user, rows: QuerySet, *, category: str | None = None, category_field: str | None = None,
                 person_field: str = "person") -> QuerySet:
    """The rows of a per-person queryset (contacts, goals, service referrals, ...) whose data category this user may
    see for the row's person: a fixed `category`, or each row's own in `category_field`. Lists of the API ask this,
    so that a row is absent exactly when a read of it would answer 404."""
    if (category is None) == (category_field is None):
        raise ValueError("give either category or category_field")
    if category is not None:
        return rows.filter(**{f"{person_field}__in": visible_persons(user, category)})
    q = Q(pk__in=[])
    for each in Category.ALL:
        if each == Category.IDENTITY:
            continue
        q |= Q(**{category_field: each, f"{person_field}__in": visible_persons(user, each)})
    return rows.filter(q)
