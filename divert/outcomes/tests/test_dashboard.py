"""The internal dashboard: who sees it and how, its filters, its CSV, the unit costs page, and leaks."""

from datetime import date

import pytest
import time_machine

from conftest import IDENTITY_CANARY, SUD_CANARY, make_user
from divert.accounts.roles import Role
from divert.audit.models import AuditEvent
from divert.outcomes.models import SuppressionDecision, UnitCostDeclaration
from divert.outcomes.tests.site import TODAY, build_site
from divert.privacy.policy import may_see_program_outcomes


@pytest.fixture
def site(agencies, personas, participant):
    with time_machine.travel(TODAY, tick=False):
        site = build_site(agencies, personas, participant)
        yield site


def get(login, user, url, **params):
    return login(user).get(url, params)


def test_the_project_manager_sees_every_figure(site, login, manager_mo):
    response = get(login, manager_mo, "/outcomes/", period="2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Referrals by door" in html and "Program and jail costs" in html
    # Four referrals in 2025, shown as they are: small counts are not hidden for the project manager.
    assert '<td class="num">4</td>' in html
    assert "<svg" in html and "Download “Referrals by door” as CSV" in html
    assert 'href="/outcomes/"' in html  # the menu entry


def test_a_supervisor_also_sees_every_figure(site, login, supervisor_sue):
    response = get(login, supervisor_sue, "/outcomes/", period="2025", door="arrest")
    assert response.status_code == 200
    assert '<td class="num">1</td>' in response.content.decode()


def test_the_evaluator_sees_small_cells_hidden_and_the_decisions_are_logged(site, login, evaluator_eve):
    response = get(login, evaluator_eve, "/outcomes/", period="2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<td class="num">4</td>' not in html and "hidden" in html
    assert SuppressionDecision.objects.filter(release="dashboard:referrals_by_door", reason="primary").exists()
    assert AuditEvent.objects.filter(action="divert.outcomes.suppression.applied").exists()


def test_a_policy_group_representative_sees_suppressed_figures_but_front_line_seats_never(
        site, login, agencies, personas):
    from divert.coordination.models.pcg import PCGMember, PCGRepresentative

    member = PCGMember.objects.create(agency=agencies.provider, joined_on=date(2024, 1, 1))
    police = PCGMember.objects.create(agency=agencies.police, joined_on=date(2024, 1, 1))
    PCGRepresentative.objects.create(member=member, user=personas.outreach_omar, name="Omar")
    PCGRepresentative.objects.create(member=police, user=personas.sergeant_sam, name="Sam")
    assert may_see_program_outcomes(personas.outreach_omar) == "suppressed"
    assert get(login, personas.outreach_omar, "/outcomes/", period="2025").status_code == 200
    assert may_see_program_outcomes(personas.sergeant_sam) is None
    assert may_see_program_outcomes(personas.case_manager_casey) is None


@pytest.mark.parametrize("name", ["outsider_oscar", "officer_olivia", "prosecutor_pat", "defender_dana",
                                  "case_manager_cam", "admin_ada"])
def test_everyone_else_gets_404(db, login, personas, name):
    user = getattr(personas, name)
    assert get(login, user, "/outcomes/").status_code == 404
    assert get(login, user, "/outcomes/export/referrals_by_door.csv").status_code == 404
    assert get(login, user, "/outcomes/unit-costs/").status_code == 404


def test_signed_out_is_sent_to_sign_in(db, client):
    assert client.get("/outcomes/").status_code == 302


def test_bad_filters_are_refused(site, login, manager_mo, evaluator_eve):
    assert get(login, manager_mo, "/outcomes/", period="1999").status_code == 400
    response = get(login, manager_mo, "/outcomes/", period="2025", start="2025-05-01")
    assert response.status_code == 400 and "Give both dates" in response.content.decode()
    response = get(login, evaluator_eve, "/outcomes/", period="2025", door="arrest", area="Downtown")
    assert response.status_code == 400 and "one breakdown at a time" in response.content.decode()
    # A custom period is for full seats only: the evaluator's form has no dates to give.
    assert get(login, evaluator_eve, "/outcomes/", period="2025", start="2025-01-01", end="2025-01-31"
               ).status_code == 200
    assert get(login, manager_mo, "/outcomes/export/nothing.csv", period="2025").status_code == 404


def test_csv_export_is_spreadsheet_safe_and_logged(site, login, manager_mo, evaluator_eve):
    response = get(login, manager_mo, "/outcomes/export/referrals_by_area.csv", period="2025")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert "Downtown,3" in text and "Definition: Referrals made in the period" in text
    assert AuditEvent.objects.filter(action="divert.outcomes.dashboard.exported", actor=manager_mo).exists()
    hidden = get(login, evaluator_eve, "/outcomes/export/referrals_by_area.csv", period="2025").content.decode()
    assert "Downtown,suppressed" in hidden


def test_the_project_manager_declares_unit_costs(site, login, manager_mo, supervisor_sue):
    client = login(manager_mo)
    response = client.post("/outcomes/unit-costs/", {"effective_on": "2026-01-01", "bed_day_average": "-5",
                                                     "source": "x"})
    assert response.status_code == 400 and UnitCostDeclaration.objects.count() == 1
    response = client.post("/outcomes/unit-costs/", {"effective_on": "2026-01-01", "bed_day_average": "165.50",
                                                     "bed_day_marginal": "41", "source": "2026 jail budget"})
    assert response.status_code == 302
    row = UnitCostDeclaration.objects.get(effective_on="2026-01-01")
    assert str(row.bed_day_average) == "165.50" and row.declared_by == manager_mo
    assert AuditEvent.objects.filter(action="divert.outcomes.unit_costs.declared").count() == 1
    assert get(login, supervisor_sue, "/outcomes/unit-costs/").status_code == 404


def test_no_canary_on_the_dashboard_or_its_csv(site, login, manager_mo, evaluator_eve, supervisor_sue):
    for user in (manager_mo, evaluator_eve, supervisor_sue):
        pages = [get(login, user, "/outcomes/", period="launch").content.decode()]
        for metric in ("referrals_by_door", "contacts", "justice_events"):
            pages.append(get(login, user, f"/outcomes/export/{metric}.csv", period="launch").content.decode())
        for page in pages:
            assert IDENTITY_CANARY not in page and SUD_CANARY not in page


def test_a_representative_in_a_member_agency_that_left_sees_nothing(agencies):
    from divert.coordination.models.pcg import PCGMember, PCGRepresentative

    user = make_user("rep_rita", Role.CASE_MANAGER, agencies.provider)
    member = PCGMember.objects.create(agency=agencies.provider, joined_on=date(2024, 1, 1), left_on=date(2025, 1, 1))
    PCGRepresentative.objects.create(member=member, user=user, name="Rita")
    assert may_see_program_outcomes(user) is None


def test_the_tick_computes_stale_figures_once_and_again_after_new_data(site):
    from datetime import datetime, time

    from django.utils import timezone

    from divert.casework.models import Contact
    from divert.outcomes.dashboard import DASHBOARD_METRICS, warm_figures
    from divert.outcomes.metrics import Filter
    from divert.outcomes.models import FigureSnapshot
    from divert.outcomes.public import launch_date

    today = TODAY.date()
    now = timezone.make_aware(datetime.combine(today, time(3)))
    # The public figures; this year and since launch, each as every metric's full table and as one suppressed set.
    sets = 1 + 2 * (len(DASHBOARD_METRICS) + 1)
    assert warm_figures(now) == sets
    keys = set(FigureSnapshot.objects.values_list("key", flat=True))
    year, since_launch = Filter(date(today.year, 1, 1), today), Filter(launch_date(), today)
    assert launch_date() < year.start
    assert {"public", f"s:{year.key()}:", f"s:{since_launch.key()}:"} <= keys
    assert {f"m:{name}:{f.key()}" for name in DASHBOARD_METRICS for f in (year, since_launch)} <= keys
    assert warm_figures(now) == 0  # nothing changed
    first = Contact.objects.order_by("pk").first()
    Contact.objects.create(person=first.person, enrollment=first.enrollment, occurred_at=now, substantive=True,
                           recorded_by=first.recorded_by, note="")
    assert warm_figures(now) == sets
