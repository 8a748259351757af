"""The privacy section of the person page."""

from divert.privacy.models import Disclosure, ReleaseKind


def test_the_team_sees_releases_with_status_and_links(make_release, agencies, case_manager_cam, participant, login):
    release = make_release([agencies.prosecutor], kind=ReleaseKind.PART2)
    html = login(case_manager_cam).get(f"/people/{participant.pk}/").content.decode()
    assert "Releases of information" in html and f"/releases/{release.pk}/" in html
    assert "Active" in html and "Test Prosecutor&#x27;s Office" in html
    assert f"/people/{participant.pk}/releases/new/" in html and f"/people/{participant.pk}/disclosures/" in html
    assert not Disclosure.objects.exists()  # the team's own record is not a disclosure


def test_the_team_is_told_when_there_is_none(case_manager_cam, participant, login):
    assert "No release of information" in login(case_manager_cam).get(f"/people/{participant.pk}/").content.decode()


def test_a_colleague_sees_nothing_here(make_release, agencies, case_manager_casey, participant, login):
    make_release([agencies.prosecutor])
    html = login(case_manager_casey).get(f"/people/{participant.pk}/").content.decode()
    assert "Releases of information" not in html and "/releases/" not in html


def test_the_project_manager_gets_the_accounting_link_only(make_release, agencies, manager_mo, participant, login):
    release = make_release([agencies.prosecutor])
    html = login(manager_mo).get(f"/people/{participant.pk}/").content.decode()
    assert f"/people/{participant.pk}/disclosures/" in html and f"/releases/{release.pk}/" not in html


def test_a_partner_sees_nothing_here_and_the_view_is_accounted(make_release, agencies, prosecutor_pat, participant,
                                                               login):
    release = make_release([agencies.prosecutor], categories=["status"])
    html = login(prosecutor_pat).get(f"/people/{participant.pk}/").content.decode()
    assert "Releases of information" not in html and "/disclosures/" not in html
    disclosure = Disclosure.objects.get()
    assert disclosure.release == release and disclosure.categories == ["identity", "status"]
    assert disclosure.purpose == "person page"
