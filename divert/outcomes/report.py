"""The quarterly outcomes report for the Policy Coordinating Group: a PDF of the dashboard's figures for the
quarter, suppressed as for any seat outside the case-management team (the group includes police and prosecutors),
made on demand by the project manager or once a quarter by `divert tick`, kept and listed at /outcomes/reports/.
The project manager is told it is ready; the notice carries no figure.
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from divert.audit.log import log_event
from divert.lib.pdf import html_to_pdf, pdf_available
from divert.outcomes.dashboard import suppressed_tables
from divert.outcomes.metrics import Filter
from divert.outcomes.models import QuarterlyReport
from divert.outcomes.public import threshold

# The report leaves out the monthly trend (the dashboard has it): a quarter's three months are in its tables.
REPORT_METRICS = ["referrals_by_door", "referral_funnel", "referral_outcomes", "handoff_times", "enrolled_at_end",
                  "engagement", "contacts", "services_connected", "funds_spent", "housing_status", "income_status",
                  "employment_status", "justice_people", "justice_events", "costs"]


def last_full_quarter(today: date) -> tuple[date, date]:
    first_of_this = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first_of_this - timedelta(days=1)
    return date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end


def render_report(start: date, end: date) -> bytes:
    from divert.outcomes.present import cell_text, chart_for

    tables = suppressed_tables(Filter(start, end), None, REPORT_METRICS)
    figures = []
    for table in tables:
        rows = []
        for r, (label, values) in enumerate(zip(table.rows, table.values, strict=True)):
            hidden = table.hidden[r] if table.hidden else [""] * len(values)
            rows.append((label, ["—" if hidden[c] else cell_text(v, table.columns[c]) for c, v in enumerate(values)]))
        figures.append({"table": table, "chart": chart_for(table), "rows": rows})
    quarter = f"{start.year} Q{(start.month - 1) // 3 + 1}"
    html = render_to_string("outcomes/report_pdf.html", {
        "quarter": quarter, "start": start, "end": end, "figures": figures, "k": threshold(end),
        "made": timezone.localtime()})
    return html_to_pdf(html)


def do_make_report(start: date, end: date, *, actor=None, request=None, scheduled: bool = False) -> QuarterlyReport:
    from divert.accounts.models import User
    from divert.accounts.roles import Role
    from divert.notify.actions import notify

    content = render_report(start, end)
    with transaction.atomic():
        report = QuarterlyReport.objects.create(quarter_start=start, quarter_end=end, made_by=actor,
                                                scheduled=scheduled, pdf=content)
        log_event("divert.outcomes.report.made", request=request, actor=actor, target=report,
                  details={"quarter_start": str(start), "scheduled": scheduled})
        managers = User.objects.filter(memberships__role=Role.PROJECT_MANAGER, is_active=True).distinct()
        notify(managers, kind="divert.outcomes.report.ready",
               title=f"The outcomes report for the quarter ending {end:%B %-d, %Y} is ready",
               url=reverse("outcomes:reports"), channels=("inbox", "email"),
               dedupe_key=f"outcomes-report:{start}:{report.pk}")
    return report


def run_quarterly_report(now: datetime) -> int:
    """Tick job: once the quarter has ended, make its report once (a report already kept for it is enough)."""
    if not pdf_available():
        return 0
    start, end = last_full_quarter(timezone.localdate(now))
    if QuarterlyReport.objects.filter(quarter_start=start).exists():
        return 0
    from divert.participants.models import Enrollment

    if not Enrollment.objects.filter(referred_on__lte=end).exists():
        return 0
    do_make_report(start, end, scheduled=True)
    return 1
