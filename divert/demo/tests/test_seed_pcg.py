"""The demo's Policy Coordinating Group: members, a year of meetings, the decision that approved the protocol in
effect, and an MOU up for renewal within 60 days."""

import random
from datetime import date

from django.urls import reverse
from faker import Faker

from divert.coordination.actions_pcg import agreements_due_for_renewal, send_agreement_renewal_reminders
from divert.coordination.models.pcg import (
    Agreement,
    Outcome,
    PCGDecision,
    PCGMeeting,
    PCGMember,
    PolicyDocumentVersion,
)
from divert.demo.seed_pcg import seed_pcg
from divert.demo.seed_referrals import seed_protocol

TODAY = date(2026, 11, 26)


def test_the_demo_group(personas, login, officer_olivia):
    protocol = seed_protocol(TODAY)
    fake = Faker("en_US")
    fake.seed_instance(5)
    written = seed_pcg(random.Random(5), fake, TODAY)
    assert written > 30
    assert seed_pcg(random.Random(5), fake, TODAY) == 0  # once
    assert PCGMember.objects.current().filter(agency__kind="police").exists()
    assert PCGMeeting.objects.filter(held_on__lt=TODAY, held_on__gte=date(2025, 11, 26)).count() == 4
    assert PCGMeeting.objects.filter(held_on__gt=TODAY).count() == 1
    approving = PCGDecision.objects.get(protocol=protocol)
    assert approving.outcome == Outcome.CONSENSUS and approving.meeting.held_on == protocol.approved_on
    assert any(d.outcome == Outcome.BLOCKED for d in PCGDecision.objects.all())
    assert all(v.adopted_by.reached_consensus for v in PolicyDocumentVersion.objects.all())
    mou = Agreement.objects.get(kind="mou")
    assert 0 < mou.days_to_renewal(TODAY) <= 60 and mou in agreements_due_for_renewal(TODAY)
    assert mou.parties.count() == PCGMember.objects.count() and all(p.signatories.exists() for p in mou.parties.all())
    assert send_agreement_renewal_reminders(TODAY) == 1
    # the protocol page names the decision that approved it
    page = login(officer_olivia).get(reverse("protocol:detail", args=[protocol.version])).content.decode()
    assert approving.get_absolute_url() in page


def test_without_faker(personas):
    seed_protocol(TODAY)
    assert seed_pcg(random.Random(1), None, TODAY) > 0
