"""disclose() writes the accounting and the audit trail; the accounting page and its CSV show it."""

import csv
import io

import pytest
from django.test import RequestFactory

from divert.audit.models import AuditEvent
from divert.privacy.models import AppendOnlyError, Disclosure, ReleaseKind
from divert.privacy.policy import REDISCLOSURE_NOTICE, Category, disclose


@pytest.fixture
def request_(prosecutor_pat):
    request = RequestFactory().get("/")
    request.user = prosecutor_pat
    request.request_id = "req-12345678"
    return request


def test_a_disclosure_under_a_release_is_logged_against_it(make_release, agencies, prosecutor_pat, participant,
                                                           request_):
    release = make_release([agencies.prosecutor])
    notice = disclose(prosecutor_pat, participant, [Category.IDENTITY, Category.STATUS], request=request_,
                      purpose="officer lookup")
    assert notice is None
    disclosure = Disclosure.objects.get()
    assert (disclosure.release, disclosure.person, disclosure.recipient, disclosure.recipient_agency) == (
        release, participant, prosecutor_pat, agencies.prosecutor)
    assert disclosure.categories == ["identity", "status"] and not disclosure.part2
    assert (disclosure.purpose, disclosure.request_id) == ("officer lookup", "req-12345678")
    events = AuditEvent.objects.filter(action="divert.disclosure.made").order_by("id")
    assert [(e.category, e.consent_id, e.person_id) for e in events] == [
        ("identity", release.pk, participant.pk), ("status", release.pk, participant.pk)]


def test_part2_information_carries_the_redisclosure_notice(make_release, agencies, prosecutor_pat, participant,
                                                           request_):
    make_release([agencies.prosecutor], kind=ReleaseKind.PART2)
    notice = disclose(prosecutor_pat, participant, [Category.SUD], request=request_)
    assert notice == str(REDISCLOSURE_NOTICE) and "42 CFR Part 2" in notice
    disclosure = Disclosure.objects.get()
    assert disclosure.part2 and disclosure.purpose == "Care coordination"


def test_nothing_is_disclosed_without_a_consent(prosecutor_pat, case_manager_cam, participant, request_):
    assert disclose(prosecutor_pat, participant, Category.ALL, request=request_) is None
    assert disclose(case_manager_cam, participant, Category.ALL, request=request_) is None  # the team's own record
    assert not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(action="divert.disclosure.made").exists()


def test_the_accounting_is_append_only(make_release, agencies, prosecutor_pat, participant, request_):
    make_release([agencies.prosecutor])
    disclose(prosecutor_pat, participant, [Category.STATUS], request=request_)
    disclosure = Disclosure.objects.get()
    with pytest.raises(AppendOnlyError):
        disclosure.save()
    with pytest.raises(AppendOnlyError):
        disclosure.delete()
    with pytest.raises(AppendOnlyError):
        Disclosure.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        Disclosure.objects.update(purpose="changed")


@pytest.fixture
def disclosed(make_release, agencies, prosecutor_pat, participant, login):
    """The prosecutor opens the person page under a general release and a Part 2 consent."""
    general = make_release([agencies.prosecutor], categories=["status"])
    part2 = make_release([agencies.prosecutor], kind=ReleaseKind.PART2, categories=["sud"])
    assert login(prosecutor_pat).get(f"/people/{participant.pk}/").status_code == 200
    disclose(prosecutor_pat, participant, [Category.SUD], request=None, purpose='=HYPERLINK("http://evil")')
    return general, part2


@pytest.mark.parametrize("name", ["case_manager_cam", "supervisor_sue", "outreach_omar"])
def test_the_team_sees_the_whole_accounting(name, personas, disclosed, participant, login):
    general, part2 = disclosed
    response = login(getattr(personas, name)).get(f"/people/{participant.pk}/disclosures/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/releases/{general.pk}/" in html and f"/releases/{part2.pk}/" in html
    assert "Pat Tester" in html and "Test Prosecutor&#x27;s Office" in html and "Part 2" in html
    event = AuditEvent.objects.get(action="divert.disclosure.accounting.viewed")
    assert (event.actor, event.person_id) == (getattr(personas, name), participant.pk)


def test_the_csv_has_every_disclosure_and_defuses_formulas(disclosed, case_manager_cam, participant, login):
    response = login(case_manager_cam).get(f"/people/{participant.pk}/disclosures.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["date", "recipient", "recipient agency"]
    assert len(rows) - 1 == Disclosure.objects.count() == 2
    assert any(row[4].startswith("'=HYPERLINK") for row in rows[1:])
    assert {row[6] for row in rows[1:]} == {"yes", "no"}
    assert AuditEvent.objects.filter(action="divert.disclosure.accounting.exported").count() == 1


def test_the_project_manager_sees_the_accounting_without_part2(disclosed, manager_mo, participant, login):
    general, part2 = disclosed
    client = login(manager_mo)
    html = client.get(f"/people/{participant.pk}/disclosures/").content.decode()
    assert f"/releases/{general.pk}/" in html and f"/releases/{part2.pk}/" not in html
    rows = list(csv.reader(io.StringIO(client.get(f"/people/{participant.pk}/disclosures.csv").content.decode())))
    assert len(rows) == 2 and rows[1][6] == "no"


def test_partners_and_colleagues_get_403_outsiders_404(disclosed, prosecutor_pat, case_manager_casey,
                                                       outsider_oscar, evaluator_eve, participant, login):
    for user in (prosecutor_pat, case_manager_casey):
        assert login(user).get(f"/people/{participant.pk}/disclosures/").status_code == 403
        assert login(user).get(f"/people/{participant.pk}/disclosures.csv").status_code == 403
    for user in (outsider_oscar, evaluator_eve):
        assert login(user).get(f"/people/{participant.pk}/disclosures/").status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="divert.disclosure.accounting").exists()
