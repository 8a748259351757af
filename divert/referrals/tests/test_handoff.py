"""The warm hand-off: paging whoever is on call, the timer, and the three timestamps."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from divert.notify.models import Notification
from divert.referrals.actions import on_call_now
from divert.referrals.models import OnCallShift

from .factories import arrest_referral

LA = ZoneInfo("America/Los_Angeles")
TUESDAY_NOON = datetime(2026, 3, 3, 12, 0, tzinfo=LA)


@pytest.fixture
def roster(case_manager_cam, case_manager_casey, agencies):
    # Cam works Tuesday days; Casey covers Tuesday night into Wednesday morning.
    OnCallShift.objects.create(case_manager=case_manager_cam, provider=agencies.provider, weekday=1,
                               starts=time(8), ends=time(18))
    OnCallShift.objects.create(case_manager=case_manager_casey, provider=agencies.provider, weekday=1,
                               starts=time(18), ends=time(8))


@pytest.mark.parametrize("moment,expected", [
    (datetime(2026, 3, 3, 12, 0), ["case_manager_cam"]),
    (datetime(2026, 3, 3, 18, 0), ["case_manager_casey"]),
    (datetime(2026, 3, 4, 7, 59), ["case_manager_casey"]),
    (datetime(2026, 3, 4, 8, 0), []),
    (datetime(2026, 3, 2, 12, 0), []),
])
def test_roster_by_day_and_hour(roster, moment, expected):
    assert [u.username for u in on_call_now(moment.replace(tzinfo=LA))] == expected


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_request_pages_whoever_is_on_call(roster, protocol, officer_olivia, case_manager_cam, login,
                                          django_capture_on_commit_callbacks):
    case_manager_cam.email = "cam@example.org"
    case_manager_cam.save()
    referral = arrest_referral(protocol, officer_olivia)
    client = login(officer_olivia)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("handoff_request", args=[referral.pk]))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert list(referral.handoff.paged.all()) == [case_manager_cam]
    note = Notification.objects.get(recipient=case_manager_cam, kind="divert.handoff.requested")
    assert referral.reference in note.title
    assert any(referral.reference in m.subject for m in mail.outbox)


@time_machine.travel(TUESDAY_NOON, tick=False)
def test_nobody_on_call_pages_the_supervisors(protocol, officer_olivia, supervisor_sue, login):
    referral = arrest_referral(protocol, officer_olivia)
    login(officer_olivia).post(reverse("handoff_request", args=[referral.pk]))
    assert list(referral.handoff.paged.all()) == [supervisor_sue]


def test_steps_in_order_and_the_hand_off_time(roster, protocol, officer_olivia, case_manager_cam, client,
                                              login):
    with time_machine.travel(TUESDAY_NOON, tick=False):
        referral = arrest_referral(protocol, officer_olivia)
        login(officer_olivia).post(reverse("handoff_request", args=[referral.pk]))
        # The officer cannot mark custody transferred before the case manager arrives.
        login(officer_olivia).post(reverse("handoff_step", args=[referral.pk, "custody"]))
    referral.handoff.refresh_from_db()
    assert referral.handoff.custody_transferred_at is None
    with time_machine.travel(TUESDAY_NOON + timedelta(minutes=2), tick=False):
        login(case_manager_cam).post(reverse("handoff_step", args=[referral.pk, "acknowledge"]))
    with time_machine.travel(TUESDAY_NOON + timedelta(minutes=24), tick=False):
        panel = login(case_manager_cam).get(reverse("handoff_panel", args=[referral.pk])).content.decode()
        assert "24" in panel and "minutes waiting" in panel
        login(case_manager_cam).post(reverse("handoff_step", args=[referral.pk, "arrived"]))
    with time_machine.travel(TUESDAY_NOON + timedelta(minutes=30), tick=False):
        login(officer_olivia).post(reverse("handoff_step", args=[referral.pk, "custody"]))
    handoff = referral.handoff
    handoff.refresh_from_db()
    assert handoff.minutes_to_arrival == 24 and handoff.met_target is True
    assert handoff.custody_transferred_by == officer_olivia
    page = login(officer_olivia).get(reverse("referral", args=[referral.pk])).content.decode()
    assert "arrived after 24 minutes" in page and "within the 30-minute target" in page


def test_htmx_step_returns_the_panel(roster, protocol, officer_olivia, case_manager_cam, login):
    with time_machine.travel(TUESDAY_NOON, tick=False):
        referral = arrest_referral(protocol, officer_olivia)
        login(officer_olivia).post(reverse("handoff_request", args=[referral.pk]))
        response = login(case_manager_cam).post(reverse("handoff_step", args=[referral.pk, "acknowledge"]),
                                                HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="handoff"' in response.content.decode()


def test_other_officers_and_outsiders_cannot_see_the_hand_off(protocol, officer_olivia, outsider_oscar,
                                                              defender_dana, login, agencies):
    from conftest import make_user
    referral = arrest_referral(protocol, officer_olivia)
    referral.provider = agencies.provider  # routed: other providers no longer see it
    referral.save()
    other_officer = make_user("officer_other", "officer", agencies.police)
    for user in (other_officer, outsider_oscar, defender_dana):
        client = login(user)
        assert client.get(reverse("referral", args=[referral.pk])).status_code == 404
        assert client.post(reverse("handoff_request", args=[referral.pk])).status_code == 404


def test_only_the_case_team_acknowledges(roster, protocol, officer_olivia, prosecutor_pat, login):
    with time_machine.travel(TUESDAY_NOON, tick=False):
        referral = arrest_referral(protocol, officer_olivia)
        login(officer_olivia).post(reverse("handoff_request", args=[referral.pk]))
        assert login(officer_olivia).post(reverse("handoff_step", args=[referral.pk, "acknowledge"])).status_code == 403
        assert login(prosecutor_pat).post(reverse("handoff_step", args=[referral.pk, "acknowledge"])).status_code == 403
