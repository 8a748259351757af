"""The intake deadline: computed from the referral time, reminders before it, a status-only notice after it."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from divert.notify.models import Notification
from divert.referrals.actions import do_charge_decision, do_extend_deadline, record_lapses, send_intake_reminders
from divert.referrals.models import ChargeStatus, ReferralEvent, ReferralStatus

from .factories import arrest_referral, social_referral

LA = ZoneInfo("America/Los_Angeles")


def at(*args):
    return datetime(*args, tzinfo=LA)


@pytest.mark.parametrize("referred,days,last_day", [
    (at(2026, 1, 25, 9, 0), 14, date(2026, 2, 8)),      # across a month end
    (at(2026, 2, 20, 23, 30), 14, date(2026, 3, 6)),    # late evening counts as that local day
    (at(2026, 3, 1, 10, 0), 14, date(2026, 3, 15)),     # spans the spring daylight-saving change (8 March)
    (at(2026, 10, 25, 10, 0), 14, date(2026, 11, 8)),   # spans the autumn change (1 November)
    (at(2026, 12, 20, 10, 0), 30, date(2027, 1, 19)),   # across a year end, at the 30-day cap
    (at(2028, 2, 15, 10, 0), 14, date(2028, 2, 29)),    # a leap day
])
def test_deadline_is_the_end_of_the_local_day(protocol, officer_olivia, referred, days, last_day):
    from divert.protocol.models import DiversionProtocol
    DiversionProtocol.objects.filter(pk=protocol.pk).update(intake_deadline_days=days)
    protocol.refresh_from_db()
    with time_machine.travel(referred, tick=False):
        referral = arrest_referral(protocol, officer_olivia)
    deadline = referral.intake_deadline.astimezone(LA)
    assert deadline.date() == last_day
    assert (deadline.hour, deadline.minute) == (23, 59)
    assert not referral.deadline_passed(deadline)
    assert referral.deadline_passed(deadline + timedelta(microseconds=1))
    assert referral.days_left(deadline) == 0


def test_utc_midnight_does_not_move_the_local_day(protocol, officer_olivia):
    # 21:00 in Los Angeles on 31 January is already 1 February in UTC.
    with time_machine.travel(at(2026, 1, 31, 21, 0), tick=False):
        referral = arrest_referral(protocol, officer_olivia)
    assert referral.intake_deadline.astimezone(LA).date() == date(2026, 2, 14)


def test_reminders_before_the_deadline_reach_outreach_once(protocol, officer_olivia, outreach_omar, supervisor_sue):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        referral = arrest_referral(protocol, officer_olivia)  # due by the end of 16 March
    with time_machine.travel(at(2026, 3, 12, 9, 0), tick=False):  # 4 days left: nothing yet
        assert send_intake_reminders() == 0
    with time_machine.travel(at(2026, 3, 13, 9, 0), tick=False):  # 3 days left
        assert send_intake_reminders() == 1
        assert send_intake_reminders() == 0  # running again changes nothing
    notes = Notification.objects.filter(kind="divert.intake.reminder")
    assert {n.recipient.username for n in notes} == {"outreach_omar", "supervisor_sue"}
    assert all("Quillfeather" not in n.title and "Robin" not in n.title for n in notes)
    assert referral.events.filter(kind=ReferralEvent.Kind.REMINDER_SENT).count() == 1


def test_lapse_tells_the_prosecutor_status_only_and_decides_nothing(protocol, officer_olivia, prosecutor_pat,
                                                                    login):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        referral = arrest_referral(protocol, officer_olivia)
    with time_machine.travel(at(2026, 3, 16, 23, 0), tick=False):
        assert record_lapses() == 0
    with time_machine.travel(at(2026, 3, 17, 0, 5), tick=False):
        out = io.StringIO()
        call_command("tick", stdout=out)
        assert "1 intake deadlines lapsed" in out.getvalue()
        assert record_lapses() == 0
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.INTAKE_LAPSED
    assert referral.charge_status == ChargeStatus.HELD  # nothing files on its own
    note = Notification.objects.get(kind="divert.intake.lapsed")
    assert note.recipient == prosecutor_pat
    assert note.title == f"Intake not completed by the deadline: {referral.reference}"
    page = login(prosecutor_pat).get(reverse("referral", args=[referral.pk])).content.decode()
    assert "Intake not completed by the deadline" in page and "Decide about the held charge" in page


@pytest.mark.parametrize("decision,charge", [("file", ChargeStatus.FILED), ("decline", ChargeStatus.DECLINED),
                                             ("hold", ChargeStatus.HELD)])
def test_prosecutor_decides_after_a_lapse(protocol, officer_olivia, prosecutor_pat, login, decision, charge):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        referral = arrest_referral(protocol, officer_olivia)
    with time_machine.travel(at(2026, 3, 20, 9, 0), tick=False):
        record_lapses()
        response = login(prosecutor_pat).post(reverse("referral_charge", args=[referral.pk]),
                                              {"decision": decision, "reason": ""})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.charge_status == charge


def test_no_charge_decision_before_a_lapse(protocol, officer_olivia, prosecutor_pat):
    referral = arrest_referral(protocol, officer_olivia)
    with pytest.raises(ValidationError):
        do_charge_decision(referral, actor=prosecutor_pat, decision="file")
    referral.refresh_from_db()
    assert referral.charge_status == ChargeStatus.HELD


def test_extension_is_capped_at_thirty_days_and_needs_a_reason(protocol, officer_olivia, outreach_omar):
    referral = arrest_referral(protocol, officer_olivia)  # 14 days
    with pytest.raises(ValidationError):
        do_extend_deadline(referral, actor=outreach_omar, days=17, reason="hospital")
    with pytest.raises(ValidationError):
        do_extend_deadline(referral, actor=outreach_omar, days=3, reason=" ")
    do_extend_deadline(referral, actor=outreach_omar, days=16, reason="In hospital")
    referral.refresh_from_db()
    assert referral.deadline_extension_days == 16
    assert (referral.intake_deadline.date() - timezone.localdate(referral.referred_at)).days == 30


def test_social_contact_lapse_notifies_no_partner(protocol, officer_olivia, sergeant_sam, prosecutor_pat):
    from divert.referrals.actions import do_decide
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        referral = social_referral(protocol, officer_olivia)
        do_decide(referral, actor=sergeant_sam, approve=True)
    with time_machine.travel(at(2026, 4, 1, 9, 0), tick=False):
        assert record_lapses() == 1
    assert not Notification.objects.filter(kind="divert.intake.lapsed").exists()


def test_a_missed_tick_still_reminds_once(protocol, officer_olivia, outreach_omar):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        arrest_referral(protocol, officer_olivia)  # due by the end of 16 March
    with time_machine.travel(at(2026, 3, 14, 9, 0), tick=False):  # 2 days left: the 3-day reminder was missed
        assert send_intake_reminders() == 1
        assert send_intake_reminders() == 0
    with time_machine.travel(at(2026, 3, 15, 9, 0), tick=False):  # 1 day left
        assert send_intake_reminders() == 1
    with time_machine.travel(at(2026, 3, 16, 9, 0), tick=False):  # the last day
        assert send_intake_reminders() == 1
    titles = list(Notification.objects.filter(recipient=outreach_omar).order_by("id").values_list("title", flat=True))
    assert titles[0].endswith("is due in 2 days") and titles[-1].endswith("is due today")
