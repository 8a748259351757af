"""A synthetic LEAD site: agencies, staff in every seat, and participants with believable histories.

Deterministic: the same --seed and the same day give the same site. Later modules add their own
synthetic referrals, casework and justice events here so the demo always shows every module.
"""

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from faker import Faker

from divert.accounts.models import Agency, Membership
from divert.accounts.roles import AgencyKind, Role
from divert.accounts.seats import DEMO_LOGINS, DEMO_PASSWORD
from divert.audit.log import log_event
from divert.demo.seed_assessment import seed_assessment
from divert.demo.seed_contacts import seed_contacts
from divert.demo.seed_evaluation import seed_evaluation
from divert.demo.seed_feeds import seed_feeds
from divert.demo.seed_legal import seed_legal
from divert.demo.seed_letters import seed_letters
from divert.demo.seed_owg import seed_owg
from divert.demo.seed_pcg import seed_pcg
from divert.demo.seed_referrals import seed_enrolled_referrals, seed_on_call, seed_open_referrals, seed_protocol
from divert.demo.seed_releases import seed_releases
from divert.demo.seed_services import seed_services
from divert.participants.actions import record_initial_history
from divert.participants.models import Alias, Door, Enrollment, EnrollmentStatus, ExitReason, Identifier, Person

AGENCIES = [
    ("Riverside Police Department", AgencyKind.POLICE, "555-0100"),
    ("Riverside County Prosecuting Attorney", AgencyKind.PROSECUTOR, "555-0110"),
    ("Riverside Public Defender Association", AgencyKind.DEFENDER, "555-0120"),
    ("Harbor Harm Reduction Services", AgencyKind.PROVIDER, "555-0130"),
    ("Northside Community Health", AgencyKind.PROVIDER, "555-0140"),
    ("LEAD Project Office", AgencyKind.PROJECT, "555-0150"),
    ("State University Evaluation Team", AgencyKind.EVALUATOR, "555-0160"),
    ("Riverside Municipal Court", AgencyKind.COURT, "555-0170"),
    ("Riverside County Probation", AgencyKind.PROBATION, "555-0180"),
]
# Which agency each demo seat works for (by the agency's kind; providers: the first one).
SEAT_AGENCY = {
    Role.OFFICER: AgencyKind.POLICE, Role.SERGEANT: AgencyKind.POLICE, Role.OUTREACH: AgencyKind.PROVIDER,
    Role.CASE_MANAGER: AgencyKind.PROVIDER, Role.SUPERVISOR: AgencyKind.PROVIDER,
    Role.PROSECUTOR: AgencyKind.PROSECUTOR, Role.DEFENDER: AgencyKind.DEFENDER,
    Role.PROJECT_MANAGER: AgencyKind.PROJECT, Role.EVALUATOR: AgencyKind.EVALUATOR, Role.SITE_ADMIN: AgencyKind.PROJECT,
}
DEMO_NAMES = {
    "officer": ("Olivia", "Ortega"), "sergeant": ("Sam", "Sato"), "outreach": ("Omar", "Okafor"),
    "casemanager": ("Cam", "Castillo"), "supervisor": ("Sue", "Sullivan"), "prosecutor": ("Pat", "Park"),
    "defender": ("Dana", "Diaz"), "manager": ("Mo", "Mahmoud"), "evaluator": ("Eve", "Evans"),
    "admin": ("Ada", "Adams"),
}
CASELOAD_TARGET = 18  # the LEAD toolkit's intensive range is 12-15, averaging up to 20
STREET_NAMES = ["Red", "Shorty", "Tex", "Junior", "Smiley", "Boots", "Doc", "Lucky", "Slim", "Sunny", "Bear",
                "Mouse", "Preacher", "Chef", "Ace", "Birdie", "Cowboy", "Peanut"]
STATUS_WEIGHTS = [
    (EnrollmentStatus.ACTIVE, 55), (EnrollmentStatus.INACTIVE, 10), (EnrollmentStatus.IN_THE_WIND, 10),
    (EnrollmentStatus.PENDING_INTAKE, 5), (EnrollmentStatus.EXITED, 20),
]
EXIT_WEIGHTS = [(ExitReason.SELF_SUFFICIENT, 35), (ExitReason.MOVED_AWAY, 30),
                (ExitReason.NO_LONGER_WANTS_SERVICES, 20), (ExitReason.DIED, 5), (ExitReason.OTHER, 10)]
DOOR_WEIGHTS = [(Door.ARREST_DIVERSION, 45), (Door.SOCIAL_CONTACT, 45), (Door.COMMUNITY, 10)]
BATCH = 2000


@dataclass
class SeedReport:
    agencies: int
    staff: int
    participants: int
    enrollments: int


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _scrambled(i: int, salt: int, width: int) -> int:
    """A distinct number for each i below 10**width: an affine permutation, so identifiers never collide."""
    modulus = 10**width
    return (i * 7_919_993 + salt * 104_729) % modulus


def seed_site(participants: int, seed: int, today: date | None = None,
              progress: Callable[[int, int], None] | None = None,
              stage: Callable[[str], None] | None = None, justice_feeds: bool = True,
              events: int | None = None, events_progress: Callable[[int, int], None] | None = None) -> SeedReport:
    """`progress(done, total)` reports participants as they are made; `stage(label)` announces each later step.
    `justice_feeds=False` leaves out the week of jail feeds (linking them is the slowest step; tests of other
    modules skip it). `events` synthetic justice events before and after referral (default: twelve a participant)
    feed the outcomes; `events_progress(done, total)` reports them."""
    if participants < 0 or participants >= 10**7:
        raise ValueError("participants must be between 0 and 9,999,999")
    if Person.objects.exists():
        raise ValueError("this database already holds people; start from an empty one (divert seed --reset)")
    today = today or timezone.localdate()
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    # The demo's synthetic notifications go nowhere: no console full of e-mails while seeding.
    quiet = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
                              DIVERT_SMS_BACKEND="divert.notify.sms.LocmemBackend")
    with quiet, transaction.atomic():  # quiet outlasts the commit, when e-mails would go out
        agencies = _agencies()
        # Staff names come from their own stream, so participants do not depend on who already exists.
        staff_fake = Faker("en_US")
        staff_fake.seed_instance(seed + 1)
        staff = _staff(agencies, participants, staff_fake)
        protocol = seed_protocol(today)
        enrollments = _participants(participants, seed, rng, fake, today, agencies, staff, progress)
        announce = stage or (lambda label: None)
        announce("referrals, hand-offs and the on-call roster")
        seed_on_call()
        referrals = seed_enrolled_referrals(protocol, random.Random(seed + 2))
        referrals += seed_open_referrals(protocol, random.Random(seed + 3), fake, timezone.now())
        announce("service directory, service referrals and flexible funds")
        seed_services(random.Random(seed + 4), fake, today)
        announce("assessments, monthly status and plans")
        seed_assessment(random.Random(seed + 5), fake, today)
        announce("contacts, tasks and partner summaries")
        seed_contacts(random.Random(seed + 6), fake, today)
        announce("releases of information and consents")
        seed_releases(random.Random(seed + 7), fake, today)
        announce("legal matters and charge coordination")
        seed_legal(random.Random(seed + 11), fake, today)
        announce("the policy coordinating group")
        seed_pcg(random.Random(seed + 8), fake, today)
        announce("court and probation releases, and letters")
        seed_letters(random.Random(seed + 9), fake, today)
        announce("a year of the Operational Work Group")
        seed_owg(random.Random(seed + 10), fake, today)
        if justice_feeds:
            announce("a week of nightly jail feeds, linked, with alerts and a review queue")
            seed_feeds(random.Random(seed + 12), fake, today)
        announce("unit costs and a history of justice events before and after referral")
        from divert.demo.seed_outcomes import EVENTS_PER_PARTICIPANT, seed_justice_history, seed_unit_costs

        seed_unit_costs(today)
        history = participants * EVENTS_PER_PARTICIPANT if events is None else events
        seed_justice_history(random.Random(seed + 13), history, today, events_progress)
        if justice_feeds:
            announce("a comparison group from the justice data, and the evaluation")
            seed_evaluation(random.Random(seed + 14), today)
        announce("saving")
        log_event("divert.demo.seeded", details={"participants": participants, "seed": seed,
                                                 "referrals": referrals})
    agency_count = sum(len(v) for v in agencies.values())
    return SeedReport(agency_count, sum(len(v) for v in staff.values()), participants, enrollments)


def people(seed: int, today: date | None = None,
           start: int = 0) -> Iterator[tuple[Person, list[Alias], list[Identifier]]]:
    """The persons `seed_site` draws, one after another, unsaved: each with its aliases and identifiers.

    The same functions draw them (`_person`, `_aliases`, `_identifiers`) with the same seed; only the enrollments,
    which `seed_site` draws in between, are left out, so the same seed gives people like the full seed's, not the
    same ones. Identifiers are distinct for the first 10 million. `start` skips that many people.
    """
    today = today or timezone.localdate()
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    for i in range(10**7):
        person = _person(rng, fake, today)
        aliases, identifiers = _aliases(rng, fake, person), _identifiers(rng, i, seed, person)
        if i >= start:
            yield person, aliases, identifiers


def seed_people(count: int, seed: int, today: date | None = None, *, enrolled: int = 0,
                progress: Callable[[int, int], None] | None = None,
                drawn: Iterator[tuple[Person, list[Alias], list[Identifier]]] | None = None) -> SeedReport:
    """The lean path of the seed: only persons, their aliases and identifiers (`people`), saved in batches.

    The first `enrolled` of them also get the seed's enrollments (`_enrollments`, with the seed's agencies, demo
    logins and enough case managers for them), so that justice data about them alerts someone. Nothing else of
    the site is made: no referrals, casework or feeds. Used by `divert seed --people-only` and the linkage
    scale benchmark. Unlike `seed_site` it adds to a database that already holds people. `drawn` (a `people`
    iterator) lets a caller go on drawing from where the seed stopped, e.g. people Divert does not know.
    """
    if count < 0 or count >= 10**7 or not 0 <= enrolled <= count:
        raise ValueError("people must be between 0 and 9,999,999, and enrolled at most that many")
    today = today or timezone.localdate()
    enrol_rng = random.Random(seed + 13)
    quiet = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
                              DIVERT_SMS_BACKEND="divert.notify.sms.LocmemBackend")
    with quiet, transaction.atomic():
        agencies, case_managers, loads = {}, {}, {}
        if enrolled:
            agencies = _agencies()
            staff_fake = Faker("en_US")
            staff_fake.seed_instance(seed + 1)
            case_managers = _staff(agencies, enrolled, staff_fake)
        drawn = drawn or people(seed, today)
        made = enrollments_made = 0
        while made < count:
            batch = [next(drawn) for _ in range(min(BATCH, count - made))]
            Person.objects.bulk_create([person for person, _, _ in batch])
            Alias.objects.bulk_create([alias for _, aliases, _ in batch for alias in aliases])
            Identifier.objects.bulk_create([ident for _, _, identifiers in batch for ident in identifiers])
            enrollments = [e for offset, (person, _, _) in enumerate(batch) if made + offset < enrolled
                           for e in _enrollments(enrol_rng, today, person, agencies.get(AgencyKind.PROVIDER, []),
                                                 case_managers, loads)]
            Enrollment.objects.bulk_create(enrollments)
            record_initial_history(enrollments)
            made += len(batch)
            enrollments_made += len(enrollments)
            if progress:
                progress(made, count)
        log_event("divert.demo.seeded", details={"people_only": count, "enrolled": enrolled, "seed": seed})
    return SeedReport(sum(len(v) for v in agencies.values()), sum(len(v) for v in case_managers.values()), enrolled,
                      enrollments_made)


def _agencies() -> dict[str, list[Agency]]:
    by_kind: dict[str, list[Agency]] = {}
    for name, kind, phone in AGENCIES:
        agency, _ = Agency.objects.get_or_create(name=name, defaults={"kind": kind, "phone": phone})
        by_kind.setdefault(agency.kind, []).append(agency)
    return by_kind


def _staff(agencies, participants: int, fake: Faker) -> dict[int, list]:
    """Demo logins for every seat, plus enough case managers to keep caseloads near the target."""
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    for login in DEMO_LOGINS:
        first, last = DEMO_NAMES[login.username]
        user, created = User.objects.get_or_create(
            username=login.username,
            defaults={"first_name": first, "last_name": last, "password": password,
                      "email": f"{login.username}@example.org", "is_staff": login.role == Role.SITE_ADMIN},
        )
        if created:
            Membership.objects.create(user=user, agency=agencies[SEAT_AGENCY[login.role]][0], role=login.role)
    providers = agencies[AgencyKind.PROVIDER]
    wanted = max(1, math.ceil(participants * 0.8 / CASELOAD_TARGET))  # about 80% of enrollments are open
    existing = Membership.objects.filter(role=Role.CASE_MANAGER, active=True, agency__in=providers).count()
    for n in range(existing, wanted):
        user = User.objects.create(
            username=f"cm{n:04d}", first_name=fake.first_name(), last_name=fake.last_name(),
            password=make_password(None),
        )
        Membership.objects.create(user=user, agency=providers[n % len(providers)], role=Role.CASE_MANAGER)
    case_managers: dict[int, list] = {p.pk: [] for p in providers}
    seats = Membership.objects.filter(role=Role.CASE_MANAGER, active=True, agency__in=providers)
    for membership in seats.select_related("user").order_by("user__username"):
        case_managers[membership.agency_id].append(membership.user)
    return case_managers


def _participants(count, seed, rng, fake, today, agencies, case_managers, progress) -> int:
    providers = agencies[AgencyKind.PROVIDER]
    made = 0
    enrollments_made = 0
    loads: dict[int, int] = {}
    while made < count:
        size = min(BATCH, count - made)
        people = [_person(rng, fake, today) for _ in range(size)]
        Person.objects.bulk_create(people)
        aliases, identifiers, enrollments = [], [], []
        for offset, person in enumerate(people):
            i = made + offset
            aliases.extend(_aliases(rng, fake, person))
            identifiers.extend(_identifiers(rng, i, seed, person))
            enrollments.extend(_enrollments(rng, today, person, providers, case_managers, loads))
        Alias.objects.bulk_create(aliases)
        Identifier.objects.bulk_create(identifiers)
        Enrollment.objects.bulk_create(enrollments)
        record_initial_history(enrollments)
        made += size
        enrollments_made += len(enrollments)
        if progress:
            progress(made, count)
    return enrollments_made


def _person(rng: random.Random, fake: Faker, today: date) -> Person:
    female = rng.random() < 0.3  # LEAD participants are mostly men
    first = fake.first_name_female() if female else fake.first_name_male()
    middle = (fake.first_name_female() if female else fake.first_name_male()) if rng.random() < 0.5 else ""
    age_days = rng.randint(18 * 365, 70 * 365)
    dob = today - timedelta(days=age_days)
    known = rng.random() > 0.05
    return Person(
        first_name=first, middle_name=middle, last_name=fake.last_name(),
        date_of_birth=dob if known else None, approximate_age=None if known else age_days // 365,
    )


def _aliases(rng: random.Random, fake: Faker, person: Person) -> list[Alias]:
    aliases = []
    for _ in range(rng.choices([0, 1, 2, 3], weights=[45, 35, 15, 5])[0]):
        kind = rng.choice([Alias.Kind.AKA, Alias.Kind.STREET, Alias.Kind.PREVIOUS, Alias.Kind.SPELLING])
        if kind == Alias.Kind.STREET:
            name = rng.choice(STREET_NAMES)
        elif kind == Alias.Kind.PREVIOUS:
            name = f"{person.first_name} {fake.last_name()}"
        elif kind == Alias.Kind.SPELLING:
            name = f"{_misspell(rng, person.first_name)} {person.last_name}"
        else:
            name = f"{fake.first_name()} {person.last_name}"
        aliases.append(Alias(person=person, name=name, kind=kind))
    return aliases


def _misspell(rng: random.Random, name: str) -> str:
    if len(name) < 3:
        return name + name[-1]
    i = rng.randrange(len(name) - 1)
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


def _identifiers(rng: random.Random, i: int, seed: int, person: Person) -> list[Identifier]:
    ids = [Identifier(person=person, kind=Identifier.Kind.JAIL_ID, value=f"J{_scrambled(i, seed, 7):07d}",
                      issuer="Riverside County Jail")]
    if rng.random() < 0.8:
        state_id = f"SID{_scrambled(i, seed + 1, 8):08d}"
        ids.append(Identifier(person=person, kind=Identifier.Kind.STATE_ID, value=state_id, issuer="State Patrol"))
    if rng.random() < 0.4:
        letters = "ABCDEFGHJKLMNPRSTUVWXY"
        ids.append(Identifier(person=person, kind=Identifier.Kind.FBI,
                              value=f"{_scrambled(i, seed + 2, 7):07d}{rng.choice(letters)}{rng.choice(letters)}"))
    return ids


def _enrollments(rng, today, person, providers, case_managers, loads) -> list[Enrollment]:
    result = []
    referred = today - timedelta(days=rng.randint(1, 3 * 365))
    if rng.random() < 0.1:  # referred before, exited, and came back: a new enrollment, never a new person
        earlier = referred - timedelta(days=rng.randint(200, 700))
        result.append(_enrollment(rng, person, providers, case_managers, earlier, EnrollmentStatus.EXITED, today,
                                  loads))
    status = _weighted(rng, STATUS_WEIGHTS)
    result.append(_enrollment(rng, person, providers, case_managers, referred, status, today, loads))
    return result


def _assign(rng, staff: list, status: str, loads: dict[int, int]):
    """Open enrollments go to the least-loaded case manager, as a supervisor would; closed ones to anyone."""
    if not staff:
        return None
    if status == EnrollmentStatus.EXITED:
        return rng.choice(staff)
    lightest = min(loads.get(u.pk, 0) for u in staff)
    chosen = rng.choice([u for u in staff if loads.get(u.pk, 0) == lightest])
    loads[chosen.pk] = lightest + 1
    return chosen


def _enrollment(rng, person, providers, case_managers, referred, status, today, loads) -> Enrollment:
    provider = rng.choice(providers)
    staff = case_managers[provider.pk]
    pending = status == EnrollmentStatus.PENDING_INTAKE
    if pending:  # a referral awaiting intake is recent: the intake deadline is days, not years
        referred = today - timedelta(days=rng.randint(0, 10))
    enrolled = None if pending else min(today, referred + timedelta(days=rng.randint(0, 20)))
    exited, exit_reason = None, ""
    if status == EnrollmentStatus.EXITED:
        exited = min(today, (enrolled or referred) + timedelta(days=rng.randint(60, 600)))
        exit_reason = _weighted(rng, EXIT_WEIGHTS)
    return Enrollment(
        person=person, door=_weighted(rng, DOOR_WEIGHTS), provider=provider,
        case_manager=None if pending and rng.random() < 0.5 else _assign(rng, staff, status, loads),
        status=status, referred_on=referred, enrolled_on=enrolled, exited_on=exited, exit_reason=exit_reason,
    )


PARTICIPANT_APPS = ("referrals", "casework", "coordination", "records", "privacy", "participants", "outcomes",
                    "evaluation")


def clear_participants() -> None:
    """Remove synthetic participants and everything recorded about them (for `divert seed --reset`).

    Staff, agencies, protocol versions and the audit trail stay. Models are emptied repeatedly in any order
    until nothing protected remains, so models added later are cleared without listing them here. The
    accounting of disclosures is append-only everywhere else; a demo reset is the one place it is wiped.
    """
    from django.apps import apps
    from django.db.models.deletion import ProtectedError, RestrictedError

    models = [m for m in apps.get_models() if m._meta.app_label in PARTICIPANT_APPS]
    with transaction.atomic():
        for _round in range(len(models) + 1):
            left = 0
            for model in models:
                rows = model._base_manager.all()
                if not rows.exists():
                    continue
                try:
                    with transaction.atomic():
                        if model._meta.label == "privacy.Disclosure":
                            rows._raw_delete(rows.db)
                        else:
                            rows.delete()
                except (ProtectedError, RestrictedError):
                    left += 1
            if not left:
                return
        raise RuntimeError("could not clear participants: protected rows remain")
