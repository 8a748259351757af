"""Showing a metric's table: its chart, its CSV, and figures computed once per state of the data."""

import csv
import hashlib
import io
import time

from django.db import transaction
from django.db.models import Count, Max

from divert.lib.charts import bar_chart, column_chart, grouped_bar_chart
from divert.lib.spreadsheet import neutralise
from divert.outcomes.cohort import ensure_cohort
from divert.outcomes.metrics import RATE, Table

SERIES = {"referrals_by_quarter", "caseload_trend"}
PAIRED = {"housing_status": [0, 1], "income_status": [0, 1], "employment_status": [0, 1],
          "justice_people": [3, 4], "justice_events": [5, 6]}


def chart_for(table: Table):
    body = list(zip(table.rows, table.values, strict=True))
    if table.has_total:
        body = body[:-1]
    title = table.title
    if table.metric in SERIES:
        return column_chart([(label, values[table.chart_column]) for label, values in body], title)
    if table.metric in PAIRED:
        columns = PAIRED[table.metric]
        return grouped_bar_chart([(label, [values[c] for c in columns]) for label, values in body],
                                 [table.columns[c].label for c in columns], title)
    column = table.chart_column
    shown = [(label, values[column]) for label, values in body]
    if any(v is None for _, v in shown) or any(isinstance(v, float) for _, v in shown):
        return grouped_bar_chart([(label, [v]) for label, v in shown], [table.columns[column].label], title)
    return bar_chart([(label, int(v)) for label, v in shown], title)


def cell_text(value, column, k: int | None = None) -> str:
    if value is None:
        return "—"
    if column.kind == RATE:
        return f"{value:,.1f}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(table.title), *[neutralise(c.label) for c in table.columns]])
    for r, (label, values) in enumerate(zip(table.rows, table.values, strict=True)):
        cells = []
        for c, value in enumerate(values):
            hidden = table.hidden and table.hidden[r][c]
            cells.append("suppressed" if hidden else neutralise("" if value is None else value))
        writer.writerow([neutralise(label), *cells])
    writer.writerow([])
    writer.writerow([neutralise(f"Definition: {table.definition}")])
    for note in table.notes:
        writer.writerow([neutralise(note)])
    return out.getvalue()


# --- Figures kept until the data changes ---------------------------------------------------------------------

def data_version() -> str:
    """A signature of everything the metrics read: any new or changed row changes it (plus today's date, since
    windows run up to today). Cheap: counts and maxima, no table scans beyond indexes on large tables."""
    from django.utils import timezone

    from divert.casework.models import Contact, Expense, MonthlyStatus, ServiceReferralStatusChange
    from divert.outcomes.models import UnitCostDeclaration
    from divert.protocol.models import DiversionProtocol
    from divert.records.models import FeedImport
    from divert.records.models_events import JusticeEvent
    from divert.referrals.models import HandOff

    parts = [ensure_cohort(), str(timezone.localdate())]
    for model, last in ((Contact, "updated_at"), (Expense, "updated_at"), (MonthlyStatus, "updated_at"),
                        (ServiceReferralStatusChange, "pk"), (UnitCostDeclaration, "updated_at"),
                        (FeedImport, "finished_at"), (HandOff, "pk"), (DiversionProtocol, "updated_at")):
        row = model.objects.aggregate(n=Count("pk"), last=Max(last))
        parts.append(f"{row['n']}@{row['last']}")
    parts.append(str(JusticeEvent.objects.aggregate(last=Max("pk"))["last"]))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def kept(key: str, compute, *, version: str | None = None, on_compute=None):
    """`compute()`'s JSON-able result for `key`, recomputed only when the data version changed."""
    from divert.outcomes.models import FigureSnapshot

    version = version or data_version()
    row = FigureSnapshot.objects.filter(key=key).first()
    if row is not None and row.version == version:
        return row.payload
    started = time.perf_counter()
    payload = compute()
    with transaction.atomic():
        FigureSnapshot.objects.update_or_create(key=key, defaults={
            "version": version, "payload": payload, "seconds": time.perf_counter() - started})
        if on_compute:
            on_compute(payload, version)
    return payload
