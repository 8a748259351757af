"""Legal matters: recording, editing, charges, court dates and dispositions, by hand and by a feed. Quartets, audit
rows, stale edits and double submits."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from divert.audit.models import AuditEvent
from divert.coordination import actions_legal as actions
from divert.coordination.models import Charge, CourtDate, LegalMatter
from divert.coordination.tests.conftest_legal import CASE_NUMBER, OTHER_CASE_NUMBER

pytest_plugins = ["divert.coordination.tests.conftest_legal"]


def _new_matter_data(agencies, **extra):
    return {"kind": "pre_existing", "case_number": "CR-25-0042", "court": "Test Municipal Court",
            "prosecuting_agency": agencies.prosecutor.pk, "defending_agency": agencies.defender.pk,
            "incident_on": "2025-09-01", "filed_on": "2025-10-15", "offense": "Criminal trespass",
            "severity": "misdemeanor", **extra}


# --- Recording ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["case_manager_cam", "supervisor_sue"])
def test_the_team_records_a_matter(name, personas, login, participant, agencies):
    user = getattr(personas, name)
    response = login(user).post(f"/people/{participant.pk}/legal/new/", _new_matter_data(agencies))
    matter = LegalMatter.objects.get()
    assert response.status_code == 302 and response.url == f"/legal/{matter.pk}/"
    assert (matter.person, matter.kind, matter.created_by, matter.source) == (participant, "pre_existing", user,
                                                                              "manual")
    assert matter.incident_on == date(2025, 9, 1) and matter.filed_on == date(2025, 10, 15)
    assert [c.offense for c in matter.charges.all()] == ["Criminal trespass"]
    event = AuditEvent.objects.get(action="divert.legal.matter.recorded")
    assert (event.actor, event.person, event.category) == (user, participant, "legal")
    assert "CR-25-0042" not in str(event.details)


def test_a_prosecutor_records_only_their_own_offices_matters(login, prosecutor_pat, participant, agencies,
                                                             other_office, prosecutor_release):
    # The prosecutor knows the person through the release; the matter's office is theirs whatever is posted.
    data = _new_matter_data(agencies, prosecuting_agency=other_office.pk)
    response = login(prosecutor_pat).post(f"/people/{participant.pk}/legal/new/", data)
    assert response.status_code == 302
    assert LegalMatter.objects.get().prosecuting_agency == agencies.prosecutor


@pytest.mark.parametrize(("extra", "field"), [
    ({"kind": ""}, "kind"),
    ({"filed_on": "2025-08-01"}, "filed_on"),
    ({"incident_on": (timezone.localdate() + timedelta(days=2)).isoformat()}, "incident_on"),
    ({"severity": ""}, "severity"),
    ({"kind": "warrant"}, "warrant_issued_on"),
    ({"warrant_issued_on": "2025-05-01", "warrant_quashed_on": "2025-04-01"}, "warrant_quashed_on"),
    ({"prosecuting_agency": ""}, "prosecuting_agency"),
])
def test_bad_matters_are_refused(extra, field, login, case_manager_cam, participant, agencies):
    response = login(case_manager_cam).post(f"/people/{participant.pk}/legal/new/", _new_matter_data(agencies, **extra))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not LegalMatter.objects.exists()


def test_a_defenders_agency_must_be_a_defender(case_manager_cam, participant, agencies):
    with pytest.raises(ValidationError):
        actions.do_record_legal_matter(case_manager_cam, participant, kind="new_arrest",
                                       prosecuting_agency=agencies.prosecutor, defending_agency=agencies.police)
    assert not LegalMatter.objects.exists()


@pytest.mark.parametrize("name", ["manager_mo", "defender_dana", "case_manager_casey"])
def test_readers_get_403_on_the_new_matter_form(name, personas, login, participant, matter):
    assert login(getattr(personas, name)).get(f"/people/{participant.pk}/legal/new/").status_code == 403


@pytest.mark.parametrize("name", ["outsider_oscar", "officer_olivia", "evaluator_eve"])
def test_strangers_get_404_on_the_new_matter_form(name, personas, login, participant):
    assert login(getattr(personas, name)).get(f"/people/{participant.pk}/legal/new/").status_code == 404


def test_a_feed_records_each_row_once(participant, agencies):
    fields = {"kind": "new_arrest", "prosecuting_agency": agencies.prosecutor, "arrested_on": date(2026, 1, 3)}
    first, created = actions.do_record_legal_matter(None, participant, source="feed", source_key="jail:42", **fields)
    again, created_again = actions.do_record_legal_matter(None, participant, source="feed", source_key="jail:42",
                                                          **fields)
    assert created and not created_again and first == again
    assert LegalMatter.objects.count() == 1
    event = AuditEvent.objects.get(action="divert.legal.matter.recorded")
    assert event.actor is None and event.details["source"] == "feed"


# --- Reading --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["case_manager_cam", "supervisor_sue", "outreach_omar", "manager_mo",
                                  "prosecutor_pat", "defender_dana"])
def test_the_matter_page_works_and_logs_the_read(name, personas, login, matter):
    user = getattr(personas, name)
    response = login(user).get(f"/legal/{matter.pk}/")
    assert response.status_code == 200 and CASE_NUMBER in response.content.decode()
    assert "Theft in the third degree" in response.content.decode()
    assert AuditEvent.objects.filter(action="divert.legal.matter.viewed", actor=user, category="legal").exists()


@pytest.mark.parametrize("name", ["outsider_oscar", "case_manager_casey", "officer_olivia", "sergeant_sam",
                                  "evaluator_eve", "admin_ada"])
def test_strangers_get_404_on_the_matter(name, personas, login, matter):
    assert login(getattr(personas, name)).get(f"/legal/{matter.pk}/").status_code == 404


def test_a_prosecutor_never_sees_another_offices_matter(login, prosecutor_pat, prosecutor_pete, matter, other_matter):
    assert login(prosecutor_pat).get(f"/legal/{other_matter.pk}/").status_code == 404
    assert login(prosecutor_pete).get(f"/legal/{matter.pk}/").status_code == 404
    assert login(prosecutor_pete).get(f"/legal/{other_matter.pk}/").status_code == 200


# --- Editing ----------------------------------------------------------------------------------------------------------

def _edit_data(matter, **extra):
    return {"kind": matter.kind, "case_number": matter.case_number, "court": matter.court,
            "prosecuting_agency": matter.prosecuting_agency_id, "defending_agency": matter.defending_agency_id or "",
            "incident_on": matter.incident_on.isoformat(), "filed_on": matter.filed_on.isoformat(),
            "version": matter.updated_at.isoformat(), **extra}


@pytest.mark.parametrize("name", ["case_manager_cam", "prosecutor_pat"])
def test_the_team_and_the_office_prosecutor_edit(name, personas, login, matter):
    user = getattr(personas, name)
    response = login(user).post(f"/legal/{matter.pk}/edit/", _edit_data(matter, case_number="CR-26-00118"))
    assert response.status_code == 302
    assert LegalMatter.objects.get().case_number == "CR-26-00118"
    assert AuditEvent.objects.get(action="divert.legal.matter.updated").details == {"fields": ["case_number"]}


def test_a_stale_edit_is_refused(login, case_manager_cam, prosecutor_pat, matter):
    stale = _edit_data(matter, court="Stale court")
    actions.do_update_legal_matter(matter, actor=prosecutor_pat, court="District Court")
    response = login(case_manager_cam).post(f"/legal/{matter.pk}/edit/", stale)
    assert response.status_code == 409
    assert LegalMatter.objects.get().court == "District Court"


def test_a_bad_edit_changes_nothing(login, case_manager_cam, matter):
    response = login(case_manager_cam).post(f"/legal/{matter.pk}/edit/", _edit_data(matter, filed_on="2020-01-01"))
    assert response.status_code == 400
    assert LegalMatter.objects.get().filed_on == matter.filed_on


@pytest.mark.parametrize("name", ["manager_mo", "defender_dana"])
def test_readers_get_403_on_edits(name, personas, login, matter):
    client = login(getattr(personas, name))
    for url in (f"/legal/{matter.pk}/edit/", f"/legal/{matter.pk}/charges/new/", f"/legal/{matter.pk}/court-dates/new/",
                f"/legal/{matter.pk}/disposition/"):
        assert client.get(url).status_code == 403, url


def test_another_office_gets_404_on_edits(login, prosecutor_pete, matter):
    assert login(prosecutor_pete).get(f"/legal/{matter.pk}/edit/").status_code == 404


# --- Charges, court dates, disposition ------------------------------------------------------------------------------

def test_add_a_charge(login, case_manager_cam, matter):
    client = login(case_manager_cam)
    assert client.post(f"/legal/{matter.pk}/charges/new/", {"offense": ""}).status_code == 400
    response = client.post(f"/legal/{matter.pk}/charges/new/", {"offense": "Resisting", "severity": "misdemeanor"})
    assert response.status_code == 302
    assert Charge.objects.filter(matter=matter).count() == 2
    assert AuditEvent.objects.filter(action="divert.legal.charge.added").count() == 1


def test_add_a_court_date_once(login, prosecutor_pat, matter):
    client = login(prosecutor_pat)
    when = (timezone.localdate() + timedelta(days=10)).isoformat() + "T09:30"
    data = {"scheduled_at": when, "purpose": "arraignment", "courtroom": "3B"}
    assert client.post(f"/legal/{matter.pk}/court-dates/new/", data).status_code == 302
    assert client.post(f"/legal/{matter.pk}/court-dates/new/", data).status_code == 302
    assert CourtDate.objects.filter(matter=matter).count() == 1
    assert AuditEvent.objects.filter(action="divert.legal.court_date.added").count() == 1
    assert client.post(f"/legal/{matter.pk}/court-dates/new/", {"scheduled_at": "soon"}).status_code == 400


def test_record_a_disposition(login, case_manager_cam, matter):
    client = login(case_manager_cam)
    data = {"disposition": "dismissed", "disposed_on": timezone.localdate().isoformat(),
            "version": matter.updated_at.isoformat()}
    assert client.post(f"/legal/{matter.pk}/disposition/", data).status_code == 302
    matter.refresh_from_db()
    assert (matter.status, matter.disposition) == ("closed", "dismissed")
    # The same form again: nothing changes, no error.
    assert client.post(f"/legal/{matter.pk}/disposition/", data).status_code == 302
    assert AuditEvent.objects.filter(action="divert.legal.disposition.recorded").count() == 1


@pytest.mark.parametrize(("data", "status"), [
    ({"disposition": "pardoned"}, 400),
    ({"disposition": "dismissed", "disposed_on": "2030-01-01"}, 400),
    ({"disposition": "dismissed", "disposed_on": "2020-01-01"}, 400),  # before the filing
])
def test_bad_dispositions_are_refused(data, status, login, case_manager_cam, matter):
    data = {"disposed_on": timezone.localdate().isoformat(), "version": matter.updated_at.isoformat(), **data}
    assert login(case_manager_cam).post(f"/legal/{matter.pk}/disposition/", data).status_code == status
    assert LegalMatter.objects.get().status == "open"


def test_a_stale_disposition_is_refused(login, case_manager_cam, prosecutor_pat, matter):
    data = {"disposition": "dismissed", "disposed_on": timezone.localdate().isoformat(),
            "version": matter.updated_at.isoformat()}
    actions.do_update_legal_matter(matter, actor=prosecutor_pat, court="District Court")
    assert login(case_manager_cam).post(f"/legal/{matter.pk}/disposition/", data).status_code == 409
    assert LegalMatter.objects.get().status == "open"


def test_a_warrant_quashed_closes_the_warrant(other_matter):
    actions.do_record_disposition(other_matter, actor=None, disposition="warrant_quashed",
                                  disposed_on=date(2025, 7, 1))
    other_matter.refresh_from_db()
    assert other_matter.warrant_quashed_on == date(2025, 7, 1) and not other_matter.warrant_active
    assert other_matter.case_number == OTHER_CASE_NUMBER


def test_opening_a_form_is_a_logged_read(login, case_manager_cam, matter):
    login(case_manager_cam).get(f"/legal/{matter.pk}/court-dates/new/")
    event = AuditEvent.objects.get(action="divert.legal.matter.viewed")
    assert event.details == {"form": "legal_court_date_new"} and event.category == "legal"
