"""The quarterly report for the Policy Coordinating Group: made on demand and by tick, kept, listed, its text."""

import pytest
import time_machine

from conftest import IDENTITY_CANARY, SUD_CANARY
from divert.lib.pdf import pdf_text
from divert.notify.models import Notification
from divert.outcomes.models import QuarterlyReport
from divert.outcomes.report import last_full_quarter, run_quarterly_report
from divert.outcomes.tests.site import TODAY, build_site


@pytest.fixture
def site(agencies, personas, participant):
    with time_machine.travel(TODAY, tick=False):
        yield build_site(agencies, personas, participant)


def test_last_full_quarter():
    from datetime import date

    assert last_full_quarter(date(2026, 3, 1)) == (date(2025, 10, 1), date(2025, 12, 31))
    assert last_full_quarter(date(2026, 4, 1)) == (date(2026, 1, 1), date(2026, 3, 31))


def test_the_project_manager_makes_the_report_and_the_group_reads_it(site, login, manager_mo, evaluator_eve,
                                                                     require_pdf):
    response = login(manager_mo).post("/outcomes/reports/new/")
    assert response.status_code == 302
    report = QuarterlyReport.objects.get()
    text = " ".join(pdf_text(bytes(report.pdf)).split())
    assert "Outcomes report for the Policy Coordinating Group, 2025 Q4" in text
    assert "Enrolled at the end of the period" in text and "Program and jail costs" in text
    assert "counts below 11 hidden" in text
    assert IDENTITY_CANARY not in text and SUD_CANARY not in text
    # The project manager is told, without a figure.
    notice = Notification.objects.get(recipient=manager_mo, kind="divert.outcomes.report.ready")
    assert "is ready" in notice.title and not any(ch.isdigit() for ch in notice.body)
    reader = login(evaluator_eve)
    assert "Quarter from" in reader.get("/outcomes/reports/").content.decode()
    download = reader.get(f"/outcomes/reports/{report.pk}.pdf")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert reader.post("/outcomes/reports/new/").status_code == 403


def test_police_seats_of_a_member_agency_read_reports_but_outsiders_get_404(site, login, agencies, personas):
    from datetime import date

    from divert.coordination.models.pcg import PCGMember

    PCGMember.objects.create(agency=agencies.police, joined_on=date(2024, 1, 1))
    assert login(personas.officer_olivia).get("/outcomes/reports/").status_code == 200
    assert login(personas.outsider_oscar).get("/outcomes/reports/").status_code == 404


def test_tick_makes_each_quarter_once(site, monkeypatch):
    # The PDF itself is checked above; here only the schedule.
    monkeypatch.setattr("divert.outcomes.report.render_report", lambda start, end: b"%PDF-1.7 test")
    monkeypatch.setattr("divert.outcomes.report.pdf_available", lambda: True)
    with time_machine.travel(TODAY, tick=False):
        from django.utils import timezone

        assert run_quarterly_report(timezone.now()) == 1
        assert run_quarterly_report(timezone.now()) == 0
    report = QuarterlyReport.objects.get()
    assert report.scheduled and str(report.quarter_start) == "2025-10-01"
