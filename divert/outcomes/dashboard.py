"""What the internal dashboard shows for a filter, in full or suppressed, each table computed once per data state.

Suppressed seats (see policy.may_see_program_outcomes) pick whole quarters or years and one breakdown at a time;
their tables are suppressed together with the same tables for every other value of that breakdown and for no
breakdown at all, linked by the equation "everyone = the sum over the values", so switching the filter cannot
give away a hidden cell.
"""

from dataclasses import replace
from datetime import date

from django.utils import timezone

from divert.outcomes.cohort import AGE_BAND_LABELS
from divert.outcomes.metrics import AMOUNT, COUNT, METRICS, Filter, Table, quarters, sharing
from divert.outcomes.models import CohortMember
from divert.outcomes.present import data_version, kept
from divert.outcomes.public import launch_date, log_decisions, threshold
from divert.outcomes.suppression import Release, suppress

DASHBOARD_METRICS = list(METRICS)
DIMENSIONS = ["area", "door", "provider", "race", "gender", "age_band"]


def period_choices(today: date | None = None) -> list[tuple[str, str, date, date]]:
    """(value, label, start, end): since launch, each calendar year and each quarter since launch."""
    today = today or timezone.localdate()
    start = launch_date() or today
    choices = [("launch", "Since the program began", start, today)]
    for year in range(today.year, start.year - 1, -1):
        choices.append((str(year), f"{year}" + (" so far" if year == today.year else ""),
                        date(year, 1, 1), min(date(year, 12, 31), today)))
    for first, last in reversed(quarters(start, today)):
        label = f"{first.year} Q{(first.month - 1) // 3 + 1}"
        choices.append((label.replace(" ", "-"), label + (" so far" if last > today else ""), first,
                        min(last, today)))
    return choices


def dimension_values(name: str) -> list[tuple[str, str]]:
    """The values a breakdown takes in the cohort, as (value, label)."""
    from divert.accounts.models import Agency
    from divert.casework.actions_assessment import DEFAULT_INSTRUMENT
    from divert.participants.models import Door

    if name == "door":
        return [(str(v), str(label)) for v, label in Door.choices]
    if name == "provider":
        ids = CohortMember.objects.values_list("provider_id", flat=True).distinct()
        return [(str(pk), n) for pk, n in Agency.objects.filter(pk__in=ids).order_by("name").values_list("pk",
                                                                                                          "name")]
    values = sorted(set(CohortMember.objects.values_list(name, flat=True).distinct()))
    if name == "area":
        return [(v, v or "No area recorded") for v in values]
    if name == "age_band":
        return [(v, AGE_BAND_LABELS.get(v, v)) for v in values]
    labels = {}
    for _, questions in DEFAULT_INSTRUMENT:
        for q in questions:
            if q.key == {"race": "race_ethnicity", "gender": "gender"}[name]:
                labels = dict(q.choices)
    labels.update({"multiple": "More than one race or ethnicity", "unknown": "Not known or not said"})
    return [(v, labels.get(v, v)) for v in values]


def _table(name: str, f: Filter, version: str) -> Table:
    payload = kept(f"m:{name}:{f.key()}", lambda: METRICS[name](f).as_dict(), version=version)
    return Table.from_dict(payload)


def full_tables(f: Filter, names=None) -> list[Table]:
    version = data_version()
    with sharing():
        return [_table(name, f, version) for name in names or DASHBOARD_METRICS]


def suppressed_tables(f: Filter, dimension: str | None, names=None) -> list[Table]:
    """The tables for `f` as a suppressed seat sees them (see the module's note)."""
    names = names or DASHBOARD_METRICS
    version = data_version()
    k = threshold()
    base = replace(f, **dict.fromkeys(DIMENSIONS, "")) if dimension else f
    if dimension == "provider":
        base = replace(base, provider=None)
    chosen = getattr(f, dimension) if dimension else None
    values = [v for v, _ in dimension_values(dimension)] if dimension else []

    def compute() -> dict:
        with sharing():
            return _suppressed_all()

    def _suppressed_all() -> dict:
        shown = {}
        for name in names:
            overall = _table(name, base, version)
            parts = [_table(name, replace(base, **{dimension: int(v) if dimension == "provider" else v}), version)
                     for v in values]
            release = Release(f"dashboard:{name}", k, [overall, *parts])
            for r, label in enumerate(overall.rows):
                for c, column in enumerate(overall.columns):
                    if column.kind not in (COUNT, AMOUNT):
                        continue
                    # A value without this row has none of it (a known zero), so it drops out of the sum.
                    equation = {(0, r, c): -1.0}
                    for i, part in enumerate(parts, start=1):
                        if label in part.rows and part.columns[c].kind == column.kind:
                            equation[(i, part.rows.index(label), c)] = 1.0
                    if len(equation) > 1:
                        release.links.append(equation)
            result = suppress(release)
            index = 0 if not dimension else 1 + [str(v) for v in values].index(str(chosen))
            shown[name] = result.tables[index].as_dict()
            log_decisions(f"dashboard:{name}", version, k, result.decisions)
        return shown

    key = f"s:{f.key()}:{dimension or ''}"
    payload = kept(key, compute, version=version)
    return [Table.from_dict(payload[name]) for name in names]


def warm_figures(now) -> int:
    """Tick job: recompute what new data made stale (the public figures; the dashboard's default view, this year,
    and the view since the program began, each in full and suppressed). Nothing to do when the data did not
    change; returns how many sets were computed."""
    from divert.outcomes.models import FigureSnapshot
    from divert.outcomes.public import public_figures
    from divert.participants.models import Enrollment

    if not Enrollment.objects.exists():
        return 0
    version = data_version()
    before = dict(FigureSnapshot.objects.values_list("key", "version"))
    public_figures()
    today = timezone.localdate(now)
    for f in (Filter(date(today.year, 1, 1), today), Filter(launch_date() or today, today)):
        full_tables(f)
        suppressed_tables(f, None)
    after = dict(FigureSnapshot.objects.values_list("key", "version"))
    return sum(1 for key, v in after.items() if v == version and before.get(key) != version and key != "cohort")
