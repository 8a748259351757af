from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import IDENTITY_CANARY, SUD_CANARY
from divert.audit.models import AuditEvent
from divert.casework.actions_services import do_record_expense
from divert.casework.models import Expense, ExpenseStatus, FundingSource, SpendingCategory
from divert.casework.timeline import timeline_for
from divert.notify.models import Notification
from divert.privacy.policy import Category

pytest_plugins = ["divert.casework.tests.conftest_services"]


def new_url(person) -> str:
    return f"/people/{person.pk}/funds/new/"


def decide_url(expense) -> str:
    return f"/funds/expenses/{expense.pk}/"


def spend(client, person, source, amount="40.00", **extra):
    data = {"funding_source": source.pk, "category": SpendingCategory.FOOD, "amount": amount,
            "spent_on": timezone.localdate().isoformat(), "description": "Groceries"}
    data.update(extra)
    return client.post(new_url(person), data)


def record(person, actor, source, amount, **extra) -> Expense:
    fields = {"category": SpendingCategory.MOTEL, "spent_on": timezone.localdate(), "description": "Two nights"}
    fields.update(extra)
    return do_record_expense(person, actor=actor, funding_source=source, amount=Decimal(amount), **fields)


def decide(client, expense, decision, reason=""):
    expense.refresh_from_db()
    return client.post(decide_url(expense), {"decision": decision, "reason": reason,
                                             "updated_at": expense.updated_at.isoformat()})


# --- Recording an expense -------------------------------------------------------------------------------------

def test_case_manager_records_an_expense(login, case_manager_cam, participant, funding):
    client = login(case_manager_cam)
    assert client.get(new_url(participant)).status_code == 200
    response = spend(client, participant, funding)
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert (expense.status, expense.amount, expense.requested_by) == ("approved", Decimal("40.00"), case_manager_cam)
    assert expense.enrollment == participant.enrollments.get()
    event = AuditEvent.objects.get(action="divert.casework.expense.recorded")
    assert (event.person, event.category, event.details["status"]) == (participant, Category.CASEWORK, "approved")
    assert "Groceries" not in str(event.details)


@pytest.mark.parametrize("who", ["supervisor_sue", "outreach_omar"])
def test_teammates_record_expenses(login, personas, participant, funding, who):
    assert spend(login(getattr(personas, who)), participant, funding).status_code == 302
    assert Expense.objects.count() == 1


@pytest.mark.parametrize("who", ["case_manager_casey", "outsider_oscar", "officer_olivia", "prosecutor_pat",
                                 "defender_dana", "manager_mo", "evaluator_eve", "admin_ada"])
def test_outsiders_get_404(login, personas, participant, funding, who):
    client = login(getattr(personas, who))
    assert client.get(new_url(participant)).status_code == 404
    assert spend(client, participant, funding).status_code == 404
    assert not Expense.objects.exists()


def test_a_partner_reading_casework_gets_403(login, defender_dana, participant, funding, services_release):
    services_release()
    client = login(defender_dana)
    assert client.get(new_url(participant)).status_code == 403
    assert spend(client, participant, funding).status_code == 403
    assert not Expense.objects.exists()


@pytest.mark.parametrize("bad", [{"amount": "0"}, {"amount": "-5"}, {"amount": "abc"}, {"amount": ""},
                                 {"category": "casino"}, {"funding_source": "999999"}, {"spent_on": ""}])
def test_bad_input_is_refused(login, case_manager_cam, participant, funding, bad):
    response = spend(login(case_manager_cam), participant, funding, **bad)
    assert response.status_code == 400
    assert not Expense.objects.exists()
    assert not AuditEvent.objects.filter(action="divert.casework.expense.recorded").exists()


def test_a_day_outside_the_funding_period_is_refused(login, case_manager_cam, participant, funding):
    day = (funding.period_end + timedelta(days=1)).isoformat()
    response = spend(login(case_manager_cam), participant, funding, spent_on=day)
    assert response.status_code == 400
    assert not Expense.objects.exists()


def test_a_closed_source_is_not_offered(login, case_manager_cam, participant, funding):
    FundingSource.objects.filter(pk=funding.pk).update(active=False)
    assert spend(login(case_manager_cam), participant, funding).status_code == 400


# --- The approval threshold ----------------------------------------------------------------------------------------

def test_at_the_threshold_is_approved_above_it_waits(login, case_manager_cam, supervisor_sue, participant, funding):
    client = login(case_manager_cam)
    spend(client, participant, funding, amount="250.00")
    spend(client, participant, funding, amount="250.01")
    statuses = list(Expense.objects.order_by("id").values_list("status", flat=True))
    assert statuses == [ExpenseStatus.APPROVED, ExpenseStatus.PENDING]
    note = Notification.objects.get(recipient=supervisor_sue)
    # The notice says only that something waits: no name, no amount, no purpose.
    assert "250" not in note.title and IDENTITY_CANARY not in note.title and "Groceries" not in note.title + note.body
    assert note.url == decide_url(Expense.objects.get(status="pending"))


def test_the_threshold_is_a_setting(settings, case_manager_cam, participant, funding):
    settings.DIVERT_FUNDS_APPROVAL_OVER = 20
    assert record(participant, case_manager_cam, funding, "25").status == ExpenseStatus.PENDING


def test_supervisor_approves_with_a_reason(login, case_manager_cam, supervisor_sue, participant, funding):
    expense = record(participant, case_manager_cam, funding, "400")
    client = login(supervisor_sue)
    page = client.get(decide_url(expense))
    assert page.status_code == 200 and b"Two nights" in page.content
    assert decide(client, expense, "approved", "Keeps them housed until the voucher").status_code == 302
    expense.refresh_from_db()
    assert (expense.status, expense.approved_by, expense.reason) == (
        "approved", supervisor_sue, "Keeps them housed until the voucher")
    event = AuditEvent.objects.get(action="divert.casework.expense.approved")
    assert (event.actor, event.person, event.category) == (supervisor_sue, participant, Category.CASEWORK)


def test_supervisor_declines_only_with_a_reason(login, case_manager_cam, supervisor_sue, participant, funding):
    expense = record(participant, case_manager_cam, funding, "400")
    client = login(supervisor_sue)
    assert decide(client, expense, "declined").status_code == 400
    expense.refresh_from_db()
    assert expense.status == "pending"
    assert decide(client, expense, "declined", "Use the housing grant instead").status_code == 302
    expense.refresh_from_db()
    assert expense.status == "declined"
    assert AuditEvent.objects.filter(action="divert.casework.expense.declined", actor=supervisor_sue).count() == 1


def test_a_decided_expense_cannot_be_decided_again(login, case_manager_cam, supervisor_sue, participant, funding):
    expense = record(participant, case_manager_cam, funding, "400")
    client = login(supervisor_sue)
    decide(client, expense, "approved")
    assert decide(client, expense, "declined", "Changed my mind").status_code == 400
    expense.refresh_from_db()
    assert expense.status == "approved"


def test_nobody_approves_their_own_request(login, supervisor_sue, participant, funding):
    expense = record(participant, supervisor_sue, funding, "400")
    response = decide(login(supervisor_sue), expense, "approved")
    assert response.status_code == 400
    expense.refresh_from_db()
    assert expense.status == "pending"


def test_stale_decision_is_refused(login, case_manager_cam, supervisor_sue, participant, funding):
    expense = record(participant, case_manager_cam, funding, "400")
    stamp = expense.updated_at.isoformat()
    Expense.objects.filter(pk=expense.pk).update(updated_at=timezone.now() + timedelta(seconds=1))
    response = login(supervisor_sue).post(decide_url(expense), {"decision": "approved", "reason": "",
                                                                  "updated_at": stamp})
    assert response.status_code == 400
    assert b"changed by someone else" in response.content


def test_case_managers_may_not_approve(login, case_manager_cam, outreach_omar, participant, funding):
    expense = record(participant, outreach_omar, funding, "400")
    client = login(case_manager_cam)
    assert client.get(decide_url(expense)).status_code == 403
    assert decide(client, expense, "approved").status_code == 403
    expense.refresh_from_db()
    assert expense.status == "pending"


@pytest.mark.parametrize("who", ["case_manager_casey", "outsider_oscar", "manager_mo", "officer_olivia"])
def test_outsiders_get_404_on_approval(login, personas, case_manager_cam, participant, funding, who):
    expense = record(participant, case_manager_cam, funding, "400")
    client = login(getattr(personas, who))
    assert client.get(decide_url(expense)).status_code == 404
    assert decide(client, expense, "approved").status_code == 404


# --- The budget cap ---------------------------------------------------------------------------------------------

def test_the_budget_counts_approved_and_pending(login, case_manager_cam, participant, funding):
    record(participant, case_manager_cam, funding, "200")
    record(participant, case_manager_cam, funding, "200")
    record(participant, case_manager_cam, funding, "200")
    record(participant, case_manager_cam, funding, "300")   # pending
    response = spend(login(case_manager_cam), participant, funding, amount="100.01")
    assert response.status_code == 400
    assert b"$100.00 left" in response.content
    assert Expense.objects.count() == 4
    assert spend(login(case_manager_cam), participant, funding, amount="99.99").status_code == 302


def test_a_declined_expense_frees_its_budget(login, case_manager_cam, supervisor_sue, participant, funding):
    expense = record(participant, case_manager_cam, funding, "1000")
    with pytest.raises(Exception, match="left"):
        record(participant, case_manager_cam, funding, "1")
    decide(login(supervisor_sue), expense, "declined", "Too much for one source")
    assert record(participant, case_manager_cam, funding, "1").status == "approved"


def test_spending_outside_the_period_does_not_count(case_manager_cam, participant, funding):
    Expense.objects.create(person=participant, funding_source=funding, category="food", amount=Decimal("1000"),
                           spent_on=funding.period_start - timedelta(days=1), requested_by=case_manager_cam)
    assert record(participant, case_manager_cam, funding, "50").status == "approved"


# --- The ledger -------------------------------------------------------------------------------------------------

@pytest.fixture
def spending(participant, case_manager_cam, funding, sud_referral):
    record(participant, case_manager_cam, funding, "120", category=SpendingCategory.MOTEL)
    record(participant, case_manager_cam, funding, "35.50", category=SpendingCategory.FOOD)
    return record(participant, case_manager_cam, funding, "300", category=SpendingCategory.HOUSING,
                  description=f"Deposit {SUD_CANARY}")


def test_supervisor_sees_the_ledger_and_pending_approvals(login, supervisor_sue, participant, spending):
    response = login(supervisor_sue).get("/funds/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body
    assert "City flex fund" in body
    assert "$155.50" in body  # approved within the source
    assert decide_url(spending) in body and IDENTITY_CANARY in body
    assert AuditEvent.objects.filter(action="divert.casework.expense.viewed", person=participant,
                                     details__where="pending approvals").exists()
    assert AuditEvent.objects.filter(action="divert.casework.funds.ledger_viewed", actor=supervisor_sue).exists()


def test_project_manager_sees_aggregates_only(login, manager_mo, spending):
    response = login(manager_mo).get("/funds/")
    assert response.status_code == 200
    assert b"City flex fund" in response.content
    assert IDENTITY_CANARY.encode() not in response.content
    assert SUD_CANARY.encode() not in response.content
    assert b"Add a funding source" in response.content


@pytest.mark.parametrize("who", ["case_manager_cam", "outreach_omar", "officer_olivia", "prosecutor_pat",
                                 "evaluator_eve", "admin_ada"])
def test_other_seats_get_403_on_the_ledger(login, personas, spending, who):
    client = login(getattr(personas, who))
    assert client.get("/funds/").status_code == 403
    assert client.get("/funds.csv").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, funding):
    assert client.get("/funds/").status_code == 302


@pytest.mark.parametrize("who", ["supervisor_sue", "manager_mo"])
def test_csv_export_is_aggregate(login, personas, spending, who):
    response = login(getattr(personas, who)).get("/funds.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert "City flex fund" in text and "Motel" in text
    assert IDENTITY_CANARY not in text and SUD_CANARY not in text and "Deposit" not in text
    assert AuditEvent.objects.filter(action="divert.casework.funds.ledger_exported").exists()


def test_csv_cells_cannot_run_as_formulas(login, manager_mo, funding):
    FundingSource.objects.filter(pk=funding.pk).update(name="=HYPERLINK(1)")
    assert "'=HYPERLINK(1)" in login(manager_mo).get("/funds.csv").content.decode()


# --- The person page and the timeline ---------------------------------------------------------------------------

def test_person_page_shows_funds_to_the_team(login, case_manager_cam, participant, spending):
    page = login(case_manager_cam).get(f"/people/{participant.pk}/")
    assert b"Flexible funds" in page.content and b"$120.00" in page.content
    assert b"/funds/new/" in page.content
    assert AuditEvent.objects.filter(action="divert.casework.expense.viewed", details__where="person page").exists()


@pytest.mark.parametrize("who", ["case_manager_casey", "manager_mo", "prosecutor_pat"])
def test_person_page_hides_funds_from_others(login, personas, participant, spending, who):
    page = login(getattr(personas, who)).get(f"/people/{participant.pk}/")
    assert b"Flexible funds" not in page.content and b"$120.00" not in page.content


def test_timeline_carries_expenses_as_casework(case_manager_cam, manager_mo, participant, spending):
    items = [i for i in timeline_for(case_manager_cam, participant) if i.kind == "expense"]
    assert len(items) == 3 and all(i.category == Category.CASEWORK for i in items)
    assert not [i for i in timeline_for(manager_mo, participant) if i.kind == "expense"]


# --- Funding sources ---------------------------------------------------------------------------------------------

def source_data(**extra) -> dict:
    today = timezone.localdate()
    data = {"name": "County opioid settlement", "budget_amount": "5000.00",
            "period_start": today.isoformat(), "period_end": (today + timedelta(days=365)).isoformat(),
            "active": "on"}
    data.update(extra)
    return data


def test_project_manager_adds_a_funding_source(login, manager_mo):
    response = login(manager_mo).post("/funds/sources/new/", source_data())
    assert response.status_code == 302
    source = FundingSource.objects.get()
    assert source.budget_amount == Decimal("5000.00")
    assert AuditEvent.objects.filter(action="divert.casework.funding_source.added", actor=manager_mo).exists()


@pytest.mark.parametrize("who", ["supervisor_sue", "case_manager_cam", "admin_ada"])
def test_others_may_not_manage_funding_sources(login, personas, funding, who):
    client = login(getattr(personas, who))
    assert client.post("/funds/sources/new/", source_data()).status_code == 403
    assert client.get(f"/funds/sources/{funding.pk}/edit/").status_code == 403
    assert FundingSource.objects.count() == 1


@pytest.mark.parametrize("bad", [{"budget_amount": "-1"}, {"name": ""}, {"period_end": "2000-01-01"}])
def test_bad_funding_source_is_refused(login, manager_mo, bad):
    assert login(manager_mo).post("/funds/sources/new/", source_data(**bad)).status_code == 400
    assert not FundingSource.objects.exists()


def test_budget_cannot_drop_below_what_is_committed(login, manager_mo, case_manager_cam, participant, funding):
    record(participant, case_manager_cam, funding, "200")
    client = login(manager_mo)
    stamp = client.get(f"/funds/sources/{funding.pk}/edit/").context["form"].initial["updated_at"]
    response = client.post(f"/funds/sources/{funding.pk}/edit/", source_data(
        name=funding.name, budget_amount="150", period_start=funding.period_start.isoformat(),
        period_end=funding.period_end.isoformat(), updated_at=stamp.isoformat()))
    assert response.status_code == 400
    funding.refresh_from_db()
    assert funding.budget_amount == Decimal("1000.00")


# --- The demo seed ------------------------------------------------------------------------------------------------

def test_seed_fills_every_status_within_budget(db):
    import random

    from divert.casework.actions_services import committed
    from divert.casework.models import ServiceProvider, ServiceReferral
    from divert.demo.seed import seed_site
    from divert.demo.seed_services import seed_services

    today = timezone.localdate()
    seed_site(150, seed=7, today=today, justice_feeds=False)
    written = seed_services(random.Random(7), None, today)
    assert written > 0
    assert ServiceProvider.objects.count() >= 25
    assert set(ServiceReferral.objects.values_list("status", flat=True)) == {
        "sent", "accepted", "declined", "connected", "not_connected"}
    assert ServiceReferral.objects.filter(data_category=Category.SUD).exists()
    assert all(r.status_changes.exists() for r in ServiceReferral.objects.all()[:50])
    assert Expense.objects.filter(status=ExpenseStatus.PENDING).exists()
    assert len(set(Expense.objects.values_list("category", flat=True))) >= 5
    for source in FundingSource.objects.all():
        assert committed(source) <= source.budget_amount
