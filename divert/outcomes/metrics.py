"""The outcome metrics: every figure on every page, export and report comes from one of these.

A metric is a name, a definition in words (shown wherever the figure is), a unit and a function that computes a
`Table` from the database for a `Filter` (period, area, door, provider, race and ethnicity, gender, age band).
Tables say what kind each column is (a count of people or referrals, an amount such as events, days or dollars,
or a rate), which is what small-cell suppression needs to know; see suppression.py.
"""

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from divert.outcomes.cohort import AGE_BAND_LABELS, UNKNOWN, ensure_cohort
from divert.outcomes.costs import declared_unit_costs
from divert.outcomes.models import CohortMember

COUNT, AMOUNT, RATE = "count", "amount", "rate"
DAYS_PER_MONTH = Decimal("30.4375")
DAYS_PER_YEAR = 365.25


# Several metrics rest on the same pass (the three justice tables on one set of counts, the three status tables on
# one read of monthly statuses): inside `sharing()`, such a pass runs once per filter. Only for the block, so
# nothing outlives the data it came from.
_shared: ContextVar[dict | None] = ContextVar("outcome_metrics_shared", default=None)


@contextmanager
def sharing():
    token = _shared.set({}) if _shared.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _shared.reset(token)


def _once(key: tuple, compute: Callable):
    memo = _shared.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


@dataclass(frozen=True)
class Filter:
    start: date
    end: date  # inclusive
    area: str = ""
    door: str = ""
    provider: int | None = None
    race: str = ""
    gender: str = ""
    age_band: str = ""

    def key(self) -> str:
        return "|".join(str(v if v is not None else "") for v in asdict(self).values())

    @property
    def demographic(self) -> bool:
        return bool(self.race or self.gender or self.age_band)

    def cohort(self):
        """Cohort rows (one per enrollment) this filter keeps, periods aside."""
        rows = CohortMember.objects.all()
        for name in ("area", "door", "race", "gender", "age_band"):
            if getattr(self, name):
                rows = rows.filter(**{name: getattr(self, name)})
        if self.provider:
            rows = rows.filter(provider_id=self.provider)
        return rows


@dataclass
class Column:
    label: str
    kind: str = COUNT
    base: int | None = None  # AMOUNT: the count column of the same row it rests on
    numerator: int | None = None  # RATE: columns of the same row
    denominator: int | None = None
    total: bool = True  # the table's total row sums this column
    cumulative_of: int | None = None  # a running total of that column, row by row
    sum_of: list[int] | None = None  # each row's total of these columns


@dataclass
class Table:
    metric: str
    title: str
    definition: str
    unit: str
    rows: list[str]
    columns: list[Column]
    values: list[list]  # values[row][column]; the total row, if any, is last
    has_total: bool = False
    notes: list[str] = field(default_factory=list)
    chart_column: int = 0
    hidden: list[list[str]] | None = None  # set by suppression: why each cell is hidden ("" when shown)

    def column(self, index: int) -> list:
        return [row[index] for row in self.values]

    def as_dict(self) -> dict:
        return {"metric": self.metric, "title": self.title, "definition": self.definition, "unit": self.unit,
                "rows": self.rows, "columns": [asdict(c) for c in self.columns], "values": self.values,
                "has_total": self.has_total, "notes": self.notes, "chart_column": self.chart_column,
                "hidden": self.hidden}

    @classmethod
    def from_dict(cls, data: dict) -> "Table":
        data = dict(data)
        data["columns"] = [Column(**c) for c in data["columns"]]
        return cls(**data)


@dataclass(frozen=True)
class Metric:
    name: str
    title: str
    definition: str
    unit: str
    compute: Callable[["Metric", Filter], Table]

    def __call__(self, f: Filter) -> Table:
        ensure_cohort()
        return self.compute(self, f)

    def table(self, rows, columns, values, *, total=False, notes=None, chart_column=0) -> Table:
        return Table(self.name, self.title, self.definition, self.unit, [str(r) for r in rows], columns,
                     values, total, notes or [], chart_column)


def _with_total(rows: list[str], values: list[list], columns: list[Column]) -> tuple[list[str], list[list]]:
    total = [sum(v[i] or 0 for v in values) if c.total and c.kind != RATE else None for i, c in enumerate(columns)]
    return [*rows, "Total"], [*values, total]


def _fill_rates(values: list[list], columns: list[Column], scale: float = 100.0) -> None:
    for row in values:
        for i, c in enumerate(columns):
            if c.kind == RATE:
                num, den = row[c.numerator], row[c.denominator]
                row[i] = round(scale * num / den, 1) if num is not None and den else None


def _labels(choices) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices}


def _in_period(f: Filter, field_name: str) -> Q:
    return Q(**{f"{field_name}__gte": f.start, f"{field_name}__lte": f.end})


def _referrals(f: Filter):
    from divert.referrals.models import Referral

    qs = Referral.objects.filter(referred_at__date__gte=f.start, referred_at__date__lte=f.end)
    if f.door:
        qs = qs.filter(door=f.door)
    if f.area:
        qs = qs.filter(area=f.area)
    if f.provider:
        qs = qs.filter(provider_id=f.provider)
    if f.demographic:
        qs = qs.filter(enrollment_id__in=f.cohort().values("enrollment_id"))
    return qs


def _counted(metric: Metric, counts: dict, labels: dict[str, str], column: str, notes=None) -> Table:
    keys = [k for k in labels if counts.get(k)] + sorted(k for k in counts if k not in labels)
    columns = [Column(column)]
    rows, values = _with_total([labels.get(k, k or "Not recorded") for k in keys], [[counts[k]] for k in keys],
                               columns)
    return metric.table(rows, columns, values, total=True, notes=notes)


# --- Referrals ------------------------------------------------------------------------------------------------

def _referrals_by(name: str, labels: Callable[[], dict]):
    def compute(metric: Metric, f: Filter) -> Table:
        counts = dict(_referrals(f).values_list(name).annotate(n=Count("pk")).values_list(name, "n"))
        return _counted(metric, counts, labels(), "Referrals")
    return compute


def _door_labels() -> dict:
    from divert.participants.models import Door
    return _labels(Door.choices)


def _status_labels() -> dict:
    from divert.referrals.models import ReferralStatus
    return _labels(ReferralStatus.choices)


def _quarter(day: date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def quarters(start: date, end: date) -> list[tuple[date, date]]:
    """The calendar quarters overlapping [start, end], each as (first day, last day)."""
    result, day = [], date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    while day <= end:
        nxt = date(day.year + (day.month > 9), (day.month + 2) % 12 + 1, 1)
        result.append((day, nxt - timedelta(days=1)))
        day = nxt
    return result


def months(start: date, end: date) -> list[date]:
    """The last day of each month from start's month to end's month."""
    result, day = [], date(start.year, start.month, 1)
    while day <= end:
        nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        result.append(min(nxt - timedelta(days=1), end))
        day = nxt
    return result


def _referrals_by_quarter(metric: Metric, f: Filter) -> Table:
    days = _referrals(f).values_list("referred_at", flat=True)
    counts: dict[str, int] = {}
    for at in days.iterator():
        key = _quarter(timezone.localtime(at).date())
        counts[key] = counts.get(key, 0) + 1
    labels = {_quarter(q): _quarter(q) for q, _ in quarters(f.start, f.end)}
    columns = [Column("Referrals"), Column("Since the start of the period", cumulative_of=0)]
    values, running = [], 0
    # From the first quarter with a referral: quarters before the program took referrals say nothing.
    while labels and not counts.get(next(iter(labels))) and any(counts.values()):
        labels.pop(next(iter(labels)))
    for label in labels:
        running += counts.get(label, 0)
        values.append([counts.get(label, 0), running])
    columns[1].total = False
    rows, values = _with_total(list(labels), values, columns)
    return metric.table(rows, columns, values, total=True)


def _funnel(metric: Metric, f: Filter) -> Table:
    from divert.protocol.eligibility import Outcome

    qs = _referrals(f)
    row = qs.aggregate(referred=Count("pk"), eligible=Count("pk", filter=~Q(eligibility=Outcome.INELIGIBLE)),
                       intake=Count("pk", filter=Q(intake_completed_at__isnull=False) | Q(enrollment__isnull=False)),
                       enrolled=Count("pk", filter=Q(enrollment__enrolled_on__isnull=False)))
    labels = ["Referred", "Not found ineligible", "Intake completed", "Enrolled"]
    return metric.table(labels, [Column("Referrals", total=False)],
                        [[row["referred"]], [row["eligible"]], [row["intake"]], [row["enrolled"]]])


def _referral_outcomes(metric: Metric, f: Filter) -> Table:
    counts = dict(_referrals(f).values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return _counted(metric, counts, _status_labels(), "Referrals")


def _handoff_times(metric: Metric, f: Filter) -> Table:
    from divert.referrals.models import HandOff

    handoffs = HandOff.objects.filter(referral__in=_referrals(f)).values_list("requested_at", "arrived_at",
                                                                               "target_minutes")
    met = missed = waiting = 0
    minutes: list[int] = []
    for requested, arrived, target in handoffs.iterator():
        if arrived is None:
            waiting += 1
            continue
        m = int((arrived - requested).total_seconds() // 60)
        minutes.append(m)
        if m <= target:
            met += 1
        else:
            missed += 1
    minutes.sort()
    median = minutes[len(minutes) // 2] if minutes else None
    columns = [Column("Hand-offs")]
    rows, values = _with_total(["Case manager arrived within the target", "Arrived after the target",
                                "No arrival recorded"], [[met], [missed], [waiting]], columns)
    notes = [f"Median minutes from the page to the case manager's arrival: {median}."] if median is not None else []
    return metric.table(rows, columns, values, total=True, notes=notes)


# --- Enrollment and engagement --------------------------------------------------------------------------------

def _enrolled_on(rows, day: date):
    return rows.filter(enrolled_on__isnull=False, enrolled_on__lte=day).filter(
        Q(exited_on__isnull=True) | Q(exited_on__gt=day))


def _enrolled_at_end(metric: Metric, f: Filter) -> Table:
    from divert.accounts.models import Agency

    rows = _enrolled_on(f.cohort(), f.end)
    counts = dict(rows.values_list("provider_id").annotate(n=Count("person", distinct=True))
                  .values_list("provider_id", "n"))
    names = dict(Agency.objects.filter(pk__in=counts).values_list("pk", "name"))
    return _counted(metric, {names[k]: v for k, v in counts.items()}, {}, "People enrolled")


def _engaged_counts(f: Filter, day: date, windows=(30, 90, 365)) -> tuple[int, list[int]]:
    from divert.casework.models import Contact

    enrolled = _enrolled_on(f.cohort(), day).values("person_id")
    total = _enrolled_on(f.cohort(), day).values("person_id").distinct().count()
    end = _day_end(day)
    counts = []
    for days in windows:
        counts.append(Contact.objects.filter(person_id__in=enrolled, substantive=True, occurred_at__lt=end,
                                             occurred_at__gte=end - timedelta(days=days))
                      .values("person_id").distinct().count())
    return total, counts


def _day_end(day: date):
    from datetime import datetime, time

    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _engagement(metric: Metric, f: Filter) -> Table:
    total, counts = _engaged_counts(f, f.end)
    columns = [Column("People engaged", total=False), Column("People enrolled", total=False),
               Column("Share (%)", RATE, numerator=0, denominator=1)]
    values = [[n, total, None] for n in counts]
    _fill_rates(values, columns)
    return metric.table(["In the last 30 days", "In the last 90 days", "In the last 365 days"], columns, values)


def _caseload_trend(metric: Metric, f: Filter) -> Table:
    rows, values = [], []
    for day in months(f.start, f.end):
        total, (engaged,) = _engaged_counts(f, day, windows=(30,))
        rows.append(f"{day:%Y-%m}")
        values.append([total, engaged, None])
    columns = [Column("People enrolled", total=False), Column("Engaged in the last 30 days", total=False),
               Column("Share engaged (%)", RATE, numerator=1, denominator=0)]
    _fill_rates(values, columns)
    return metric.table(rows, columns, values)


def _persons(f: Filter):
    return f.cohort().values("person_id")


def _contacts(metric: Metric, f: Filter) -> Table:
    from divert.casework.models import Contact, ContactKind

    qs = Contact.objects.filter(person_id__in=_persons(f), occurred_at__gte=_day_end(f.start - timedelta(days=1)),
                                occurred_at__lt=_day_end(f.end))
    counts = {k: (n, p) for k, n, p in qs.values_list("kind").annotate(n=Count("pk"), p=Count("person",
                                                                                             distinct=True))
              .values_list("kind", "n", "p")}
    totals = qs.aggregate(n=Count("pk"), p=Count("person", distinct=True), s=Count("pk", filter=Q(substantive=True)))
    labels = _labels(ContactKind.choices)
    keys = [k for k in labels if k in counts]
    columns = [Column("People contacted", total=False), Column("Contacts", AMOUNT, base=0)]
    values = [[counts[k][1], counts[k][0]] for k in keys] + [[totals["p"], totals["n"]]]
    notes = [f"{totals['s']:,} of the contacts were substantive."] if totals["n"] else []
    return metric.table([labels[k] for k in keys] + ["All contacts"], columns, values, notes=notes)


def _services(metric: Metric, f: Filter) -> Table:
    from divert.casework.models import ServiceCategory, ServiceReferralStatus, ServiceReferralStatusChange

    qs = ServiceReferralStatusChange.objects.filter(
        to_status=ServiceReferralStatus.CONNECTED, referral__person_id__in=_persons(f),
        changed_at__gte=_day_end(f.start - timedelta(days=1)), changed_at__lt=_day_end(f.end))
    counts = {k: (p, n) for k, p, n in qs.values_list("referral__category")
              .annotate(p=Count("referral__person", distinct=True), n=Count("referral", distinct=True))
              .values_list("referral__category", "p", "n")}
    labels = _labels(ServiceCategory.choices)
    keys = [k for k in labels if k in counts]
    columns = [Column("People connected", total=False), Column("Connections", AMOUNT, base=0, total=False)]
    return metric.table([labels[k] for k in keys], columns, [list(counts[k]) for k in keys],
                        notes=["A person connected to several kinds of service counts under each."])


def _funds(metric: Metric, f: Filter) -> Table:
    from divert.casework.models import Expense, ExpenseStatus, SpendingCategory

    qs = Expense.objects.filter(person_id__in=_persons(f), status=ExpenseStatus.APPROVED, spent_on__gte=f.start,
                                spent_on__lte=f.end)
    counts = {k: (p, s) for k, p, s in qs.values_list("category")
              .annotate(p=Count("person", distinct=True), s=Sum("amount")).values_list("category", "p", "s")}
    labels = _labels(SpendingCategory.choices)
    keys = [k for k in labels if k in counts]
    columns = [Column("People helped", total=False), Column("Dollars", AMOUNT, base=0)]
    values = [[counts[k][0], float(counts[k][1])] for k in keys]
    total = qs.aggregate(p=Count("person", distinct=True), s=Sum("amount"))
    values.append([total["p"], float(total["s"] or 0)])
    return metric.table([labels[k] for k in keys] + ["All spending"], columns, values, chart_column=1)


# --- Housing, income and employment -----------------------------------------------------------------------------

def _status_at_entry_and_now(f: Filter) -> tuple[dict, dict]:
    """Per person enrolled at the period's end: their first monthly status and their latest by the period's end."""
    return _once(("status", f.key()), lambda: _read_statuses(f))


def _read_statuses(f: Filter) -> tuple[dict, dict]:
    """Each person's first monthly status and their latest by the period's end. The database picks the two rows
    per person (one seek each on the (person, month) unique index) and only those rows are read."""
    from django.db.models import OuterRef, Subquery

    from divert.casework.models import MonthlyStatus
    from divert.participants.models import Person

    people = Person.objects.filter(pk__in=_enrolled_on(f.cohort(), f.end).values("person_id"))
    out = []
    for order in ("month", "-month"):
        pick = (MonthlyStatus.objects.filter(person_id=OuterRef("pk"), month__lte=f.end).order_by(order)
                .values("pk")[:1])
        rows = (MonthlyStatus.objects.filter(pk__in=people.annotate(status=Subquery(pick)).values("status"))
                .values_list("person_id", "housing", "income_sources", "employment"))
        out.append({person_id: status for person_id, *status in rows.iterator(chunk_size=5000)})
    return out[0], out[1]


def _status_table(metric: Metric, f: Filter, index: int, choices, multiple=False) -> Table:
    first, latest = _status_at_entry_and_now(f)
    labels = _labels(choices)
    counts = {k: [0, 0] for k in labels}
    for col, statuses in enumerate((first, latest)):
        for status in statuses.values():
            for value in (status[index] if multiple else [status[index]]):
                counts.setdefault(value, [0, 0])[col] += 1
    keys = [k for k in counts if counts[k] != [0, 0]]
    columns = [Column("At entry", total=not multiple), Column("Now", total=not multiple)]
    rows, values = [labels.get(k, k) for k in keys], [counts[k] for k in keys]
    if multiple:
        rows.append("People with a monthly status")
        values.append([len(first), len(latest)])
        return metric.table(rows, columns, values, notes=["A person with several sources counts under each."],
                            chart_column=1)
    rows, values = _with_total(rows, values, columns)
    return metric.table(rows, columns, values, total=True, chart_column=1)


def _housing(metric, f):
    from divert.casework.models import Housing
    return _status_table(metric, f, 0, Housing.choices)


def _income(metric, f):
    from divert.casework.models import IncomeSource
    return _status_table(metric, f, 1, IncomeSource.choices, multiple=True)


def _employment(metric, f):
    from divert.casework.models import Employment
    return _status_table(metric, f, 2, Employment.choices)


# --- Justice events before and after referral ------------------------------------------------------------------

def justice_counts(f: Filter, as_of: date | None = None) -> dict:
    """Per window (before, after): people with each kind of event, the events, jail days, and time at risk.

    The cohort is each person's first enrollment referred in the period. Before is the 365 days before referral;
    after is from the referral day up to 365 days, cut at `as_of` (today), so time at risk is what was observed.
    """
    as_of = as_of or timezone.localdate()
    return dict(_once(("justice", f.key(), as_of), lambda: _justice_counts(f, as_of)))


def _justice_counts(f: Filter, as_of: date) -> dict:
    from divert.outcomes.cohort import ensure_justice

    ensure_justice(as_of)
    cohort = f.cohort().filter(first=True, referred_on__gte=f.start, referred_on__lte=min(f.end, as_of))
    people = cohort.count()
    at_risk_after = 0
    for referred, until in cohort.values_list("referred_on", "after_until").iterator(chunk_size=10000):
        at_risk_after += max(0, (min(until, as_of + timedelta(days=1)) - referred).days)
    # Each person's counts were kept by ensure_justice: the figures are sums over the filtered cohort.
    aggregates = {}
    for window in ("before", "after"):
        for name in ("arrests", "felony", "misdemeanor", "bookings"):
            column = f"justice__{window}_{name}"
            aggregates[f"{window}_{name}"] = Sum(column)
            aggregates[f"{window}_{name}_people"] = Count("pk", filter=Q(**{f"{column}__gt": 0}))
        aggregates[f"{window}_jail"] = Sum(f"justice__{window}_jail")
    result = cohort.aggregate(**aggregates)
    for key, value in result.items():
        result[key] = value or 0
    result["people"] = people
    result["before_years"] = round(people * 365 / DAYS_PER_YEAR, 2)
    result["after_years"] = round(at_risk_after / DAYS_PER_YEAR, 2)
    return result


JUSTICE_ROWS = [("arrests", "Arrested"), ("felony", "Charged with a felony"),
                ("misdemeanor", "Charged with a misdemeanor"), ("bookings", "Booked into jail")]


def _justice_people(metric: Metric, f: Filter) -> Table:
    r = justice_counts(f)
    columns = [Column("People, year before", total=False), Column("People, after", total=False),
               Column("People in the cohort", total=False),
               Column("Share before (%)", RATE, numerator=0, denominator=2),
               Column("Share after (%)", RATE, numerator=1, denominator=2)]
    values = [[r[f"before_{k}_people"], r[f"after_{k}_people"], r["people"], None, None] for k, _ in JUSTICE_ROWS]
    _fill_rates(values, columns)
    return metric.table([label for _, label in JUSTICE_ROWS], columns, values,
                        notes=[f"Time at risk after referral: {r['after_years']:,} person-years "
                               f"(before: {r['before_years']:,})."])


def _justice_events(metric: Metric, f: Filter) -> Table:
    r = justice_counts(f)
    labels = [("arrests", "Arrests"), ("felony", "Felony charges"), ("misdemeanor", "Misdemeanor charges"),
              ("bookings", "Bookings"), ("jail", "Jail days")]
    columns = [Column("People in the cohort", total=False), Column("Year before", AMOUNT, base=0, total=False),
               Column("After", AMOUNT, base=0, total=False), Column("Person-years before", AMOUNT, base=0,
                                                                      total=False),
               Column("Person-years after", AMOUNT, base=0, total=False),
               Column("Per person-year before", RATE, numerator=1, denominator=3),
               Column("Per person-year after", RATE, numerator=2, denominator=4)]
    values = [[r["people"], r[f"before_{k}"] or 0, r[f"after_{k}"] or 0, r["before_years"], r["after_years"],
               None, None] for k, _ in labels]
    _fill_rates(values, columns, scale=1.0)
    return metric.table([label for _, label in labels], columns, values, chart_column=5)


# --- Costs ----------------------------------------------------------------------------------------------------

def participant_months(f: Filter) -> Decimal:
    """Months enrolled within the period, summed over enrollments (a month is 30.4375 days)."""
    ensure_cohort()
    days = 0
    rows = f.cohort().filter(enrolled_on__isnull=False, enrolled_on__lte=f.end).filter(
        Q(exited_on__isnull=True) | Q(exited_on__gte=f.start))
    for enrolled, exited in rows.values_list("enrolled_on", "exited_on").iterator(chunk_size=10000):
        first, last = max(enrolled, f.start), min(exited or f.end, f.end)
        days += max(0, (last - first).days + 1)
    return (Decimal(days) / DAYS_PER_MONTH).quantize(Decimal("0.1"))


def _money(value) -> float | None:
    return None if value is None else float(Decimal(value).quantize(Decimal("1")))


def _costs(metric: Metric, f: Filter) -> Table:
    prices = declared_unit_costs(f.end)
    months_ = participant_months(f)
    r = justice_counts(f)
    people = _enrolled_on(f.cohort(), f.end).values("person_id").distinct().count()

    def times(a, b):
        return None if a is None or b is None else _money(Decimal(a) * Decimal(b))

    columns = [Column("People", total=False), Column("Quantity", AMOUNT, base=0, total=False),
               Column("Unit cost ($)", AMOUNT, base=0, total=False), Column("Cost ($)", AMOUNT, base=0, total=False)]
    rows = [
        ("Program: participant-months in the period", people, float(months_), prices.program_per_participant_month),
        ("Jail, year before referral: days at the average bed-day cost", r["people"], r["before_jail"],
         prices.bed_day_average),
        ("Jail, after referral: days at the average bed-day cost", r["people"], r["after_jail"],
         prices.bed_day_average),
        ("Jail, year before referral: days at the marginal bed-day cost", r["people"], r["before_jail"],
         prices.bed_day_marginal),
        ("Jail, after referral: days at the marginal bed-day cost", r["people"], r["after_jail"],
         prices.bed_day_marginal),
        ("Bookings, year before referral", r["people"], r["before_bookings"], prices.booking),
        ("Bookings, after referral", r["people"], r["after_bookings"], prices.booking),
    ]
    values = [[p, q, _money(price) if price is not None else None, times(q, price)] for _, p, q, price in rows]
    notes = []
    if prices.as_of is None:
        notes.append("No unit costs have been declared, so no cost is shown.")
    else:
        notes.append(f"Unit costs declared from {prices.as_of:%Y-%m-%d}: {prices.source}")
        if prices.program_per_participant_month is not None and months_:
            notes.append(f"Cost per participant-month: ${prices.program_per_participant_month:,.0f}.")
    return metric.table([label for label, *_ in rows], columns, values, notes=notes, chart_column=3)


# --- The list ---------------------------------------------------------------------------------------------------

def _m(name, title, definition, unit, compute) -> Metric:
    return Metric(name, title, definition, unit, compute)


METRICS: dict[str, Metric] = {m.name: m for m in [
    _m("referrals_by_door", "Referrals by door",
       "Referrals made in the period, by the door they came through (arrest diversion, social contact, community "
       "referral). A person referred twice counts twice.", "referrals", _referrals_by("door", _door_labels)),
    _m("referrals_by_area", "Referrals by area",
       "Referrals made in the period, by the area recorded on the referral.", "referrals",
       _referrals_by("area", lambda: {})),
    _m("referrals_by_quarter", "Referrals by quarter",
       "Referrals made in each calendar quarter of the period (from the first quarter with a referral), and the "
       "running total since the period began.",
       "referrals", _referrals_by_quarter),
    _m("referral_funnel", "From referral to enrollment",
       "Of the referrals made in the period: how many were not found ineligible, how many reached intake, and how "
       "many led to an enrollment with an enrollment date.", "referrals", _funnel),
    _m("referral_outcomes", "Referral outcomes",
       "Referrals made in the period, by where each one stands now.", "referrals", _referral_outcomes),
    _m("handoff_times", "Hand-off times against the target",
       "Hand-offs of referrals made in the period: whether the case manager arrived within the protocol's "
       "hand-off target (minutes from the page to arrival).", "hand-offs", _handoff_times),
    _m("enrolled_at_end", "Enrolled at the end of the period",
       "People with an enrollment begun on or before the period's last day and not exited by then, by provider.",
       "people", _enrolled_at_end),
    _m("engagement", "Engagement",
       "Of the people enrolled at the end of the period, those with a substantive contact with their team in the "
       "30, 90 and 365 days up to that day.", "people", _engagement),
    _m("caseload_trend", "Caseload and engagement by month",
       "At the end of each month: people enrolled, and of them those with a substantive contact in the 30 days "
       "before.", "people", _caseload_trend),
    _m("contacts", "Contacts",
       "Contacts recorded in the period with people in the filter, by kind; people contacted counts each person "
       "once per kind.", "contacts", _contacts),
    _m("services_connected", "Services connected",
       "Service referrals marked connected in the period, by kind of service: the people connected and the "
       "connections made.", "people", _services),
    _m("funds_spent", "Flexible funds spent",
       "Approved flexible-fund expenses dated in the period, by what they paid for, and the people they helped.",
       "dollars", _funds),
    _m("housing_status", "Housing at entry and now",
       "For people enrolled at the end of the period: where they were staying in their first monthly status, "
       "and in their latest one by the period's end.", "people", _housing),
    _m("income_status", "Income at entry and now",
       "For people enrolled at the end of the period: their income and benefits in their first monthly status and "
       "in their latest one by the period's end.", "people", _income),
    _m("employment_status", "Work at entry and now",
       "For people enrolled at the end of the period: their work in their first monthly status and in their "
       "latest one by the period's end.", "people", _employment),
    _m("justice_people", "Arrests, charges and bookings: people, before and after referral",
       "People whose first referral fell in the period: how many had an arrest, a felony charge, a misdemeanor "
       "charge or a booking in the 365 days before referral, and in the time after it (up to 365 days, as far as "
       "today). The time after can be shorter than a year, so compare rates per person-year too.", "people",
       _justice_people),
    _m("justice_events", "Arrests, charges, bookings and jail days, before and after referral",
       "For the same people: the events in the 365 days before referral and after it (up to 365 days, as far as "
       "today), and the rate per person-year at risk. Jail days count the nights of each booking, an open booking "
       "up to today.", "events per person-year", _justice_events),
    _m("costs", "Program and jail costs",
       "Program cost is participant-months in the period times the declared cost per participant-month; jail cost "
       "is jail days times the declared average or marginal bed-day cost, and bookings times the declared cost of "
       "a booking, for the year before referral and the time after.", "dollars", _costs),
]}


def age_band_labels() -> dict[str, str]:
    return dict(AGE_BAND_LABELS)


__all__ = ["METRICS", "UNKNOWN", "Column", "Filter", "Metric", "Table", "justice_counts", "participant_months",
           "sharing", "quarters", "months"]
