"""Releases are in effect by their dates, events and revocations, computed on the day asked: nothing is stored."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.utils import timezone

from divert.privacy.actions import EXPIRY, do_record_expiry_event, do_revoke_release
from divert.privacy.models import Revocation
from divert.privacy.policy import Category, can_see, visible_persons


def morning(day):
    return datetime.combine(day, time(9), tzinfo=ZoneInfo(settings.TIME_ZONE))


def test_a_release_expiring_tomorrow_allows_today_and_denies_tomorrow(make_release, agencies, prosecutor_pat,
                                                                     participant):
    today = timezone.localdate()
    make_release([agencies.prosecutor], starts_on=today - timedelta(days=10), expires_in_days=11)
    assert can_see(prosecutor_pat, participant, Category.STATUS)
    with time_machine.travel(morning(today + timedelta(days=1)), tick=False):
        assert not can_see(prosecutor_pat, participant, Category.STATUS)
        assert not visible_persons(prosecutor_pat).exists()


def test_a_revocation_effective_next_week_still_allows_today(make_release, agencies, prosecutor_pat, participant,
                                                             case_manager_cam):
    today = timezone.localdate()
    release = make_release([agencies.prosecutor])
    do_revoke_release(release, actor=case_manager_cam, scope=Revocation.Scope.FULL,
                      effective_on=today + timedelta(days=7))
    assert can_see(prosecutor_pat, participant, Category.STATUS).consent == release
    with time_machine.travel(morning(today + timedelta(days=7)), tick=False):
        assert not can_see(prosecutor_pat, participant, Category.STATUS)
        assert release.status_on(timezone.localdate()) == "revoked"


def test_a_release_starting_next_week_is_not_yet_in_effect(make_release, agencies, prosecutor_pat, participant):
    today = timezone.localdate()
    release = make_release([agencies.prosecutor], starts_on=today + timedelta(days=7))
    assert release.status == "not_started"
    assert not can_see(prosecutor_pat, participant, Category.STATUS)
    with time_machine.travel(morning(today + timedelta(days=7)), tick=False):
        assert can_see(prosecutor_pat, participant, Category.STATUS)


def test_recording_the_expiry_event_stops_disclosure_from_that_day(make_release, agencies, prosecutor_pat,
                                                                    participant, case_manager_cam):
    release = make_release([agencies.prosecutor], expires_in_days=None, expiry_event="the charge is resolved")
    assert can_see(prosecutor_pat, participant, Category.STATUS)
    do_record_expiry_event(release, actor=case_manager_cam, which=EXPIRY, occurred_on=timezone.localdate())
    assert not can_see(prosecutor_pat, participant, Category.STATUS)
    release.refresh_from_db()
    assert release.status == "expired"


def test_partial_revocation_of_a_recipient_leaves_the_others(make_release, agencies, prosecutor_pat, defender_dana,
                                                              participant, case_manager_cam):
    release = make_release([agencies.prosecutor, agencies.defender])
    pat = release.recipients.get(agency=agencies.prosecutor)
    do_revoke_release(release, actor=case_manager_cam, scope=Revocation.Scope.PARTIAL,
                      effective_on=timezone.localdate(), recipients=[pat])
    assert not can_see(prosecutor_pat, participant, Category.STATUS)
    assert can_see(defender_dana, participant, Category.STATUS)


def test_a_seat_named_by_role_excludes_the_other_seats_at_the_agency(make_release, agencies, sergeant_sam,
                                                                     officer_olivia, participant):
    make_release([(agencies.police, "sergeant")])
    assert can_see(sergeant_sam, participant, Category.PARTNER_SUMMARY)
    assert not can_see(officer_olivia, participant, Category.IDENTITY)
