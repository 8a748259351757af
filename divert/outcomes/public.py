"""The public impact figures: the tables the public page and the static site show, suppressed as one release.

Only aggregates leave, and only after suppression (suppression.py) under the threshold k of the protocol version
in effect. Each time the figures are computed for new data, every suppression decision is logged
(`SuppressionDecision` rows and one audit event).
"""

from datetime import date

from django.utils import timezone

from divert.outcomes.metrics import METRICS, Filter, Table, sharing
from divert.outcomes.present import data_version, kept
from divert.outcomes.suppression import Release, suppress

DEFAULT_K = 11
# The metrics the public page shows, in order.
PUBLIC_METRICS = ["referrals_by_quarter", "referrals_by_door", "engagement", "services_connected",
                  "housing_status", "justice_people", "justice_events", "costs"]


def threshold(on: date | None = None) -> int:
    from divert.protocol.models import DiversionProtocol

    protocol = DiversionProtocol.objects.in_effect(on or timezone.localdate())
    return protocol.suppression_threshold if protocol else DEFAULT_K


def launch_date() -> date | None:
    from divert.participants.models import Enrollment

    first = Enrollment.objects.order_by("referred_on").values_list("referred_on", flat=True).first()
    return first


def build_release(name: str, tables: list[Table], k: int) -> Release:
    release = Release(name, k, tables)
    # Tables of the same referrals share their total: a reader knows they are equal.
    totals = [(t, len(table.rows) - 1) for t, table in enumerate(tables)
              if table.has_total and table.metric.startswith("referrals_by")]
    for (a, ra), (b, rb) in zip(totals, totals[1:], strict=False):
        release.same((a, ra, 0), (b, rb, 0))
    return release


def log_decisions(name: str, version: str, k: int, decisions) -> None:
    from divert.audit.log import log_event
    from divert.outcomes.models import SuppressionDecision

    SuppressionDecision.objects.bulk_create([
        SuppressionDecision(release=name, version=version[:255], table=table, cell=cell[:200], reason=reason,
                            threshold=k) for table, cell, reason in decisions])
    log_event("divert.outcomes.suppression.applied",
              details={"release": name, "threshold": k, "hidden_cells": len(decisions),
                       "primary": sum(1 for *_, r in decisions if r == "primary")})


def compute_public(today: date | None = None) -> dict:
    today = today or timezone.localdate()
    start = launch_date() or today
    k = threshold(today)
    f = Filter(start, today)
    with sharing():  # the two justice tables rest on one set of counts
        tables = [METRICS[name](f) for name in PUBLIC_METRICS]
    result = suppress(build_release("public", tables, k))
    return {"k": k, "start": start.isoformat(), "end": today.isoformat(),
            "tables": [t.as_dict() for t in result.tables], "decisions": result.decisions}


def public_figures() -> dict:
    """The suppressed public figures, computed once per state of the data."""
    version = data_version()

    def logged(payload, version):
        log_decisions("public", version, payload["k"], payload["decisions"])

    return kept("public", compute_public, version=version, on_compute=logged)


def tables_of(payload: dict) -> dict[str, Table]:
    return {t["metric"]: Table.from_dict(t) for t in payload["tables"]}


def headlines(payload: dict) -> list[dict]:
    """The few figures at the top of the page, in words; a hidden one says so instead of a number."""
    tables, k = tables_of(payload), payload["k"]
    out = []

    def cell(metric, row, col):
        table = tables.get(metric)
        if table is None or row >= len(table.values):
            return None
        return table.values[row][col]

    def add(value, text, hidden_text):
        if value is None:
            out.append({"figure": f"Fewer than {k}" if hidden_text == "small" else "Not shown",
                        "text": text})
        else:
            out.append({"figure": f"{value:,.0f}" if not isinstance(value, float) or value.is_integer()
                        else f"{value:,.1f}", "text": text})

    referrals = tables.get("referrals_by_quarter")
    if referrals:
        add(referrals.values[-1][0], "referrals to the program since it began", "small")
    engagement = tables.get("engagement")
    if engagement:
        add(cell("engagement", 1, 2), "percent of people now enrolled who had a substantive contact with their "
            "case manager in the last 90 days", "hidden")
    justice = tables.get("justice_people")
    if justice:
        add(cell("justice_people", 0, 3), "percent of participants arrested in the year before referral", "hidden")
        add(cell("justice_people", 0, 4), "percent arrested in the time since referral (up to a year)", "hidden")
    return out
