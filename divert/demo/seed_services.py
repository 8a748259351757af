"""Synthetic services and flexible funds for the demo: a directory of Riverside providers, service referrals at
every point of the closed loop (treatment referrals included, so the demo shows Part 2 protections), funding
sources with budgets, and expenses across categories, some waiting for a supervisor.

Everything is written in bulk, batch by batch over the open enrollments (fast at 100,000 participants).
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import ROUND_UP, Decimal

from django.conf import settings
from django.utils import timezone

from divert.accounts.models import Membership
from divert.accounts.roles import Role
from divert.casework.models import (
    Expense,
    ExpenseStatus,
    FundingSource,
    ServiceCategory,
    ServiceOffering,
    ServiceProvider,
    ServiceReferral,
    ServiceReferralStatus,
    ServiceReferralStatusChange,
    SpendingCategory,
    data_category_for,
)
from divert.participants.models import OPEN_STATUSES, Enrollment

BATCH = 2000
S = ServiceCategory

# name, categories, address, hours, walk-ins, languages
PROVIDERS = [
    ("Riverside Opioid Treatment Program", [S.MAT, S.OUTPATIENT], "410 Mill St", "Mon–Sat 6am–2pm", True,
     "English, Spanish"),
    ("Bridge Clinic at Riverside General", [S.MAT, S.MEDICAL], "1 Hospital Way, Building C", "Every day 8am–8pm", True,
     "English, Spanish, Vietnamese"),
    ("Northside Recovery Center", [S.OUTPATIENT, S.MENTAL_HEALTH], "77 Alder Ave", "Mon–Fri 8am–6pm", False,
     "English"),
    ("Cedar House Residential Treatment", [S.RESIDENTIAL], "2200 County Rd 9", "Admissions Mon–Fri 9am–3pm", False,
     "English"),
    ("Riverside Detox and Sobering Center", [S.WITHDRAWAL], "15 Depot St", "24 hours", True, "English, Spanish"),
    ("Harbor Light Withdrawal Services", [S.WITHDRAWAL, S.RESIDENTIAL], "900 Harbor Blvd", "24 hours", False,
     "English"),
    ("Eastgate Shelter", [S.SHELTER, S.FOOD], "3 Eastgate Plaza", "Check-in 5pm–9pm", True, "English, Spanish"),
    ("Riverside Women's Shelter", [S.SHELTER], "Confidential address — call first", "24-hour line", False,
     "English, Spanish"),
    ("Riverside Housing Navigation", [S.HOUSING, S.BENEFITS], "220 Main St, Suite 4", "Mon–Fri 9am–5pm", False,
     "English, Spanish"),
    ("Mercy Rapid Rehousing", [S.HOUSING], "58 Chapel St", "Mon–Thu 9am–4pm", False, "English"),
    ("Harbor Food Bank", [S.FOOD], "600 Pier Rd", "Tue, Thu, Sat 10am–2pm", True, "English, Spanish, Tagalog"),
    ("St. Brendan's Community Meal", [S.FOOD], "12 Church St", "Every day 11:30am–1pm", True, "English"),
    ("Riverside Legal Aid", [S.LEGAL_AID, S.BENEFITS], "101 Court St, 2nd floor", "Mon–Fri 9am–5pm", False,
     "English, Spanish"),
    ("Public Benefits Help Desk (Library)", [S.BENEFITS, S.ID_DOCUMENTS], "Central Library, 300 Oak St",
     "Mon, Wed, Fri 10am–4pm", True, "English, Spanish"),
    ("ID Now Riverside", [S.ID_DOCUMENTS], "45 Transit Center", "Wed 1pm–5pm", True, "English"),
    ("Riverside WorkSource Center", [S.JOB_TRAINING, S.BENEFITS], "500 Commerce Dr", "Mon–Fri 8am–5pm", False,
     "English, Spanish"),
    ("Second Chance Trades Program", [S.JOB_TRAINING], "18 Foundry Ln", "Mon–Fri 7am–3pm", False, "English"),
    ("Eastside Community Clinic", [S.MEDICAL, S.MENTAL_HEALTH], "840 East Ave", "Mon–Fri 8am–7pm, Sat 9am–1pm", True,
     "English, Spanish, Somali"),
    ("Riverside Street Medicine", [S.MEDICAL, S.HARM_REDUCTION], "Mobile — van schedule on the website", "Varies",
     True, "English, Spanish"),
    ("Riverside County Behavioral Health", [S.MENTAL_HEALTH, S.OUTPATIENT], "1 County Plaza", "Mon–Fri 8am–5pm",
     False, "English, Spanish"),
    ("Crisis Respite House", [S.MENTAL_HEALTH, S.SHELTER], "Call the crisis line for intake", "24 hours", False,
     "English"),
    ("Riverside Syringe Services Program", [S.HARM_REDUCTION], "9 Canal St", "Mon–Sat 10am–4pm", True,
     "English, Spanish"),
    ("Naloxone Now", [S.HARM_REDUCTION], "Pop-up sites — see calendar", "Varies", True, "English"),
    ("Veterans Resource Center", [S.HOUSING, S.BENEFITS, S.JOB_TRAINING], "70 Liberty St", "Mon–Fri 8am–4:30pm",
     False, "English"),
    ("Riverside Dental Access Day", [S.MEDICAL], "Community College, Health Sciences Bldg", "First Saturday monthly",
     True, "English, Spanish"),
]

REFERRAL_WEIGHTS = [
    (S.MAT, 10), (S.WITHDRAWAL, 3), (S.OUTPATIENT, 5), (S.RESIDENTIAL, 2), (S.SHELTER, 8), (S.HOUSING, 12),
    (S.FOOD, 8), (S.LEGAL_AID, 4), (S.ID_DOCUMENTS, 10), (S.BENEFITS, 10), (S.JOB_TRAINING, 3), (S.MEDICAL, 9),
    (S.MENTAL_HEALTH, 7), (S.HARM_REDUCTION, 6),
]
# Where a referral ends up: every point of the loop, most of them closed.
STATUS_PATHS = [
    ([ServiceReferralStatus.SENT], 12),
    ([ServiceReferralStatus.SENT, ServiceReferralStatus.ACCEPTED], 15),
    ([ServiceReferralStatus.SENT, ServiceReferralStatus.DECLINED], 8),
    ([ServiceReferralStatus.SENT, ServiceReferralStatus.ACCEPTED, ServiceReferralStatus.CONNECTED], 45),
    ([ServiceReferralStatus.SENT, ServiceReferralStatus.ACCEPTED, ServiceReferralStatus.NOT_CONNECTED], 20),
]
OUTCOMES = {
    "sud": ["Started buprenorphine; first dose went well.", "Induction on methadone, daily dosing at the clinic.",
            "Completed withdrawal management, asked about outpatient.", "Waitlisted for a residential bed.",
            "Attending outpatient group twice a week."],
    "health": ["Wound care done; follow-up booked.", "Seen by a psychiatric nurse practitioner.",
               "Enrolled in the clinic as a primary-care patient.", "Dental extraction scheduled."],
    "casework": ["Got a bed for the week.", "Voucher approved; looking at units.", "Food box picked up.",
                 "State ID ordered, arrives in two weeks.", "SNAP application filed.", "Court fines reduced.",
                 "Started a forklift course.", "Given naloxone and supplies."],
}
NOT_CONNECTED = ["Did not make it to the appointment; will try again.", "Moved out of the area.",
                 "Decided not to go for now.", "Provider could not reach them."]
DECLINED = ["No openings this month.", "Outside their catchment area.", "Needs documents first."]

SPENDING = [  # category, weight, low, high (dollars)
    (SpendingCategory.FOOD, 14, 15, 80), (SpendingCategory.TRANSPORT, 14, 5, 60), (SpendingCategory.PHONE, 8, 25, 60),
    (SpendingCategory.ID_DOCUMENTS, 10, 20, 90), (SpendingCategory.MOTEL, 10, 120, 520),
    (SpendingCategory.HOUSING, 8, 200, 1200), (SpendingCategory.CLOTHING, 6, 20, 120),
    (SpendingCategory.TREATMENT, 4, 30, 300), (SpendingCategory.OTHER, 4, 10, 150),
]
SPENDING_TEXT = {
    SpendingCategory.FOOD: "Grocery card", SpendingCategory.TRANSPORT: "Bus pass",
    SpendingCategory.PHONE: "Prepaid phone and minutes", SpendingCategory.ID_DOCUMENTS: "Birth certificate and ID fee",
    SpendingCategory.MOTEL: "Motel nights", SpendingCategory.HOUSING: "Rent deposit",
    SpendingCategory.CLOTHING: "Work boots", SpendingCategory.TREATMENT: "Prescription co-pay",
    SpendingCategory.OTHER: "Storage unit",
}


def _pick(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _providers() -> dict[str, list[int]]:
    """The directory (added once), as category → provider ids."""
    existing = set(ServiceProvider.objects.values_list("name", flat=True))
    new = [ServiceProvider(name=name, address=address, hours=hours, accepts_walk_ins=walk_ins, languages=languages,
                           phone=f"555-01{i:02d}", website=f"https://{name.lower().split()[0]}.example.org")
           for i, (name, _cats, address, hours, walk_ins, languages) in enumerate(PROVIDERS) if name not in existing]
    ServiceProvider.objects.bulk_create(new)
    ids = dict(ServiceProvider.objects.filter(name__in=[p[0] for p in PROVIDERS]).values_list("name", "id"))
    ServiceOffering.objects.bulk_create(
        [ServiceOffering(provider_id=ids[name], category=c) for name, cats, *_ in PROVIDERS for c in cats],
        ignore_conflicts=True)
    by_category: dict[str, list[int]] = {}
    for provider_id, category in ServiceOffering.objects.filter(provider__active=True).values_list(
            "provider_id", "category"):
        by_category.setdefault(category, []).append(provider_id)
    return by_category


def _fiscal_year(today: date) -> tuple[date, date]:
    start = date(today.year if today.month >= 7 else today.year - 1, 7, 1)
    return start, date(start.year + 1, 6, 30)


def _funding_sources(today: date) -> list[FundingSource]:
    start, end = _fiscal_year(today)
    names = ["City of Riverside flexible fund", "County opioid settlement fund", "Riverside Community Foundation"]
    sources = []
    for name in names:
        source, _created = FundingSource.objects.get_or_create(
            name=name, defaults={"budget_amount": Decimal("0"), "period_start": start, "period_end": end})
        sources.append(source)
    return sources


def _at(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 18), rng.randint(0, 59))))


def _referrals(rng, row, providers, today) -> list[tuple[ServiceReferral, list]]:
    enrollment_id, person_id, provider_agency, cm_id, enrolled_on, referred_on = row
    start = enrolled_on or referred_on
    out = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        category = _pick(rng, REFERRAL_WEIGHTS)
        if not providers.get(category):
            continue
        span = max((today - start).days, 0)
        sent_on = start + timedelta(days=rng.randint(0, span))
        path = _pick(rng, STATUS_PATHS)
        # Recent referrals are still open; older ones have usually closed.
        if (today - sent_on).days < 7:
            path = path[:2]
        data = data_category_for(category)
        final = path[-1]
        outcome = ""
        if final == ServiceReferralStatus.CONNECTED:
            outcome = rng.choice(OUTCOMES[data])
        elif final == ServiceReferralStatus.NOT_CONNECTED:
            outcome = rng.choice(NOT_CONNECTED)
        elif final == ServiceReferralStatus.DECLINED:
            outcome = rng.choice(DECLINED)
        referral = ServiceReferral(person_id=person_id, enrollment_id=enrollment_id, category=category,
                                   data_category=data, provider_id=rng.choice(providers[category]), status=final,
                                   sent_on=sent_on, outcome=outcome, created_by_id=cm_id)
        steps, day, prev = [], sent_on, ""
        for status in path:
            steps.append((prev, status, _at(min(day, today), rng), cm_id))
            prev, day = status, day + timedelta(days=rng.randint(1, 14))
        out.append((referral, steps))
    return out


def _expenses(rng, row, sources, supervisors, today, threshold) -> list[Expense]:
    enrollment_id, person_id, provider_agency, cm_id, enrolled_on, referred_on = row
    period_start = sources[0].period_start
    start = max(enrolled_on or referred_on, period_start)
    if start > today:
        return []
    out = []
    supervisor = supervisors.get(provider_agency)
    for _ in range(rng.choice((1, 1, 2))):
        category, _w, low, high = rng.choices(SPENDING, [s[1] for s in SPENDING])[0]
        amount = Decimal(rng.randint(low * 100, high * 100)) / 100
        spent_on = start + timedelta(days=rng.randint(0, (today - start).days))
        status, decided_by, decided_at, reason = ExpenseStatus.APPROVED, None, _at(spent_on, rng), ""
        if amount > threshold:
            if (today - spent_on).days < 10 or supervisor is None:
                status, decided_at = ExpenseStatus.PENDING, None
            elif rng.random() < 0.1:
                status, decided_by, reason = ExpenseStatus.DECLINED, supervisor, "Use the housing program's funds."
            else:
                decided_by, reason = supervisor, "Keeps them housed while the voucher comes through."
        out.append(Expense(person_id=person_id, enrollment_id=enrollment_id, funding_source=rng.choice(sources),
                           category=category, amount=amount, spent_on=spent_on, requested_by_id=cm_id,
                           description=SPENDING_TEXT[category], status=status, approved_by_id=decided_by,
                           approved_at=decided_at, reason=reason))
    return out


def _flush(referrals, expenses) -> int:
    ServiceReferral.objects.bulk_create([r for r, _ in referrals], batch_size=BATCH)
    changes = [ServiceReferralStatusChange(referral_id=r.pk, from_status=prev, to_status=to, changed_at=at,
                                           changed_by_id=who)
               for r, steps in referrals for prev, to, at, who in steps]
    ServiceReferralStatusChange.objects.bulk_create(changes, batch_size=BATCH)
    Expense.objects.bulk_create(expenses, batch_size=BATCH)
    return len(referrals) + len(changes) + len(expenses)


def seed_services(rng: random.Random, fake, today: date) -> int:
    """Fill the directory, referrals and funds for the open enrollments; return the number of rows written.
    `fake` is unused: every text here comes from the lists above."""
    providers = _providers()
    sources = _funding_sources(today)
    threshold = Decimal(settings.DIVERT_FUNDS_APPROVAL_OVER)
    supervisors = dict(Membership.objects.filter(role=Role.SUPERVISOR, active=True)
                       .order_by("agency_id", "id").values_list("agency_id", "user_id"))
    rows = (Enrollment.objects.filter(status__in=OPEN_STATUSES, case_manager__isnull=False)
            .order_by("id").values_list("id", "person_id", "provider_id", "case_manager_id", "enrolled_on",
                                        "referred_on"))
    written = len(PROVIDERS)
    committed = {s.pk: Decimal("0") for s in sources}
    referrals, expenses = [], []
    for row in rows.iterator(chunk_size=BATCH):
        if rng.random() < 0.55:
            referrals.extend(_referrals(rng, row, providers, today))
        if rng.random() < 0.3:
            for expense in _expenses(rng, row, sources, supervisors, today, threshold):
                if expense.status != ExpenseStatus.DECLINED:
                    committed[expense.funding_source.pk] += expense.amount
                expenses.append(expense)
        if len(referrals) + len(expenses) >= BATCH:
            written += _flush(referrals, expenses)
            referrals, expenses = [], []
    written += _flush(referrals, expenses)
    # Budgets leave room to spare: what was committed plus a quarter, rounded up to the thousand.
    for source in sources:
        total = committed[source.pk] * Decimal("1.25") + Decimal("5000")
        source.budget_amount = (total / 1000).quantize(Decimal("1"), rounding=ROUND_UP) * 1000
        source.save(update_fields=["budget_amount", "updated_at"])
    return written
