"""A synthetic Policy Coordinating Group for the demo: the partner agencies as members with their heads as
representatives, a founding meeting that approved the protocol in effect, quarterly meetings over the past year
with attendance, positions and minutes, the policy documents they adopted, and the county resolution and the MOU
with their signatories (the MOU up for renewal within 60 days, so the reminders and the PCG page show it).

Records are written directly (no audit events, like the other demo seeders); they follow the same rules as the
actions: the outcome of each decision follows from its positions, and a blocked decision approves nothing.
"""

import itertools
import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from divert.accounts.models import Agency
from divert.accounts.roles import AgencyKind, Role
from divert.coordination.models.pcg import (
    Agreement,
    AgreementParty,
    AgreementSignatory,
    PCGAttendance,
    PCGDecision,
    PCGMeeting,
    PCGMember,
    PCGPosition,
    PCGRepresentative,
    PCGRules,
    PolicyDocument,
    PolicyDocumentVersion,
    Stance,
    quorum_needed,
)
from divert.protocol.models import DiversionProtocol

MEMBER_KINDS = (AgencyKind.POLICE, AgencyKind.PROSECUTOR, AgencyKind.DEFENDER, AgencyKind.PROVIDER,
                AgencyKind.PROJECT)
HEAD_TITLES = {
    AgencyKind.POLICE: ("Chief of Police", "Assistant Chief, Patrol"),
    AgencyKind.PROSECUTOR: ("County Prosecuting Attorney", "Chief Deputy, Criminal Division"),
    AgencyKind.DEFENDER: ("Director, Public Defender Association", "Managing Attorney"),
    AgencyKind.PROVIDER: ("Executive Director", "Director of Programs"),
    AgencyKind.PROJECT: ("LEAD Project Director", "Deputy Project Director"),
}
SPARE_NAMES = ["Rosa Ruiz", "Jordan Reyes", "Alex Morgan", "Sam Lee", "Casey Nguyen", "Robin Patel", "Drew Kim",
               "Jamie Ortiz", "Taylor Brooks", "Morgan Chen", "Avery Singh", "Riley Okafor"]
QUARTERLY_ITEMS = [
    ("Review the quarterly program figures", "The group reviewed the aggregate figures the evaluator presented and "
     "asks for referral counts by door at the next meeting."),
    ("Adopt the revised data-sharing policy", "The group adopts version 2 of the data-sharing policy: partners "
     "receive status only; substance-use records never leave the case-management team."),
    ("Endorse the community engagement plan", "The group endorses the plan for two community meetings a year and "
     "a standing invitation to the community leadership team."),
    ("Renew the memorandum of understanding", "The project manager will circulate the renewal draft to every "
     "party; signatures are expected before the renewal date."),
]


def seed_pcg(rng: random.Random, fake, today: date) -> int:
    """Write the demo's policy group; returns how many records were written (0 if one exists already)."""
    if PCGMember.objects.exists():
        return 0
    manager = get_user_model().objects.filter(memberships__role=Role.PROJECT_MANAGER, memberships__active=True,
                                              is_active=True).order_by("id").first()
    agencies = list(Agency.objects.filter(active=True, kind__in=MEMBER_KINDS).order_by("kind", "name"))
    if manager is None or not agencies:
        return 0
    names = _names(rng, fake)
    protocol = DiversionProtocol.objects.in_effect(today)
    founded = protocol.approved_on if protocol else today - timedelta(days=400)
    with transaction.atomic():
        written = 0
        PCGRules.objects.update_or_create(pk=1, defaults={"quorum": "majority"})
        members = []
        for agency in agencies:
            member = PCGMember.objects.create(agency=agency, joined_on=founded - timedelta(days=60))
            head, deputy = HEAD_TITLES[agency.kind]
            PCGRepresentative.objects.create(member=member, name=next(names), title=head,
                                             kind=PCGRepresentative.Kind.REPRESENTATIVE)
            if rng.random() < 0.6:
                PCGRepresentative.objects.create(member=member, name=next(names), title=deputy,
                                                 kind=PCGRepresentative.Kind.ALTERNATE)
            members.append(member)
        written += len(members)
        by_kind = {m.agency.kind: m for m in members}

        # The founding meeting approved the protocol in effect and the first data-sharing policy.
        founding = _meeting(founded, "City Hall, council chamber", members, rng, everyone=True)
        protocol_decision = _decision(founding, 1, "Approve the diversion protocol",
                                      "The group approves the diversion protocol, its doors, divertible offenses "
                                      "and exclusions, as presented by the project manager.", members, manager,
                                      protocol=protocol)
        sharing = _decision(founding, 2, "Adopt the data-sharing policy",
                            "The group adopts the data-sharing policy: each partner receives what its role needs "
                            "and no more.", members, manager)
        meetings, decisions = [founding], [protocol_decision, sharing]

        # Quarterly meetings over the past year; the latest one's minutes are still a draft.
        for quarter, (title, text) in enumerate(QUARTERLY_ITEMS):
            held_on = today - timedelta(days=365 - 91 * quarter)
            if held_on <= founded:
                continue
            meeting = _meeting(held_on, rng.choice(["County building, room 210", "LEAD project office"]), members,
                               rng)
            decisions.append(_decision(meeting, 1, title, text, members, manager))
            if quarter == 1:
                # A proposal the police blocked: recorded, and it changed nothing.
                decisions.append(_decision(
                    meeting, 2, "Open the community referral door", "Proposal to accept referrals from community "
                    "members from next quarter.", members, manager,
                    block=(by_kind.get(AgencyKind.POLICE), "Not until case managers have room under the caseload "
                                                           "maximum; revisit in two quarters.")))
            meetings.append(meeting)
        PCGMeeting.objects.create(held_on=today + timedelta(days=rng.randint(10, 40)),
                                  place="City Hall, council chamber", created_by=manager,
                                  agenda="Renewal of the memorandum of understanding\nEvaluation plan")
        for earlier, later in zip(meetings, meetings[1:], strict=False):
            PCGMeeting.objects.filter(pk=earlier.pk).update(minutes_approved_on=later.held_on,
                                                            minutes_approved_by=manager)
        written += len(meetings) + 1 + len(decisions)

        written += _documents(decisions, manager)
        written += _agreements(rng, names, today, founded, members, manager)
    return written


def _names(rng: random.Random, fake):
    """Distinct names: from Faker, or else the spare list shuffled, with a middle initial once it runs out."""
    seen = set()
    spare = rng.sample(SPARE_NAMES, k=len(SPARE_NAMES))
    for i in itertools.count():
        if fake is not None:
            name = fake.name()
        else:
            first, last = spare[i % len(spare)].split()
            name = f"{first} {chr(ord('A') + i // len(spare) - 1)}. {last}" if i >= len(spare) else f"{first} {last}"
        if name not in seen:
            seen.add(name)
            yield name


def _meeting(held_on: date, place: str, members: list, rng: random.Random, everyone: bool = False) -> PCGMeeting:
    meeting = PCGMeeting.objects.create(
        held_on=held_on, place=place, agenda="Minutes of the last meeting\nProgram figures\nPolicy items",
        minutes=f"Meeting of {held_on.isoformat()}. The project manager reported on the program's aggregate figures. "
                "The group took the decisions recorded with these minutes.")
    missing = set() if everyone else set(rng.sample(range(len(members)), k=rng.choice([0, 1, 1, 2])))
    for i, member in enumerate(members):
        if i not in missing:
            PCGAttendance.objects.create(meeting=meeting, member=member, attendees="Representative")
    return meeting


def _decision(meeting: PCGMeeting, number: int, title: str, text: str, members: list, manager, *,
              protocol: DiversionProtocol | None = None, block=None) -> PCGDecision:
    represented = [a.member for a in meeting.attendance.select_related("member")]
    rules = PCGRules.current()
    count = len(members)
    decision = PCGDecision.objects.create(
        meeting=meeting, number=number, title=title, text=text, member_count=count, quorum_rule=rules.quorum,
        quorum=quorum_needed(rules.quorum, count), protocol=protocol, recorded_by=manager,
        protocol_effective_on=protocol.effective_on if protocol else None)
    blocker, reason = block or (None, "")
    for i, member in enumerate(represented):
        if blocker is not None and member.pk == blocker.pk:
            stance, note = Stance.BLOCK, reason
        else:
            stance, note = (Stance.STAND_ASIDE, "Supports the aim; will review after the evaluation.") \
                if i == len(represented) - 1 and number > 1 else (Stance.AGREE, "")
        PCGPosition.objects.create(decision=decision, member=member, stance=stance, note=note)
    if protocol is not None and not decision.reached_consensus:
        raise ValueError("the demo's protocol decision must reach consensus")
    return decision


def _documents(decisions: list[PCGDecision], manager) -> int:
    adopted = [d for d in decisions if d.reached_consensus]
    sharing = PolicyDocument.objects.create(title="Data-sharing policy", kind=PolicyDocument.Kind.DATA_SHARING,
                                            description="What each partner may receive, and how.")
    engagement = PolicyDocument.objects.create(title="Community engagement plan",
                                               kind=PolicyDocument.Kind.COMMUNITY_ENGAGEMENT)
    narrative = PolicyDocument.objects.create(title="Protocol narrative", kind=PolicyDocument.Kind.PROTOCOL_NARRATIVE,
                                              description="The protocol in plain words, for partners and the public.")
    rows = [(narrative, adopted[0], "LEAD diverts people whose low-level offenses stem from unmet behavioral health "
             "needs or poverty to intensive case management instead of booking.", "")]
    by_title = {d.title: d for d in adopted}
    rows.append((sharing, adopted[1], "Partners receive enrollment status only. Case notes stay with the "
                 "case-management team.", ""))
    if "Adopt the revised data-sharing policy" in by_title:
        rows.append((sharing, by_title["Adopt the revised data-sharing policy"], "Partners receive enrollment "
                     "status only. Substance-use records never leave the case-management team without a Part 2 "
                     "consent.", "Substance-use records made explicit"))
    if "Endorse the community engagement plan" in by_title:
        rows.append((engagement, by_title["Endorse the community engagement plan"], "Two community meetings a "
                     "year; a standing invitation to the community leadership team.", ""))
    numbers: dict[int, int] = {}
    for document, decision, text, summary in rows:
        numbers[document.pk] = numbers.get(document.pk, 0) + 1
        PolicyDocumentVersion.objects.create(document=document, number=numbers[document.pk], text=text,
                                             summary=summary, adopted_by=decision, created_by=manager)
    return 3 + len(rows)


def _agreements(rng: random.Random, names, today: date, founded: date, members: list, manager) -> int:
    resolution_doc = PolicyDocument.objects.create(title="County resolution on LEAD",
                                                   kind=PolicyDocument.Kind.AGREEMENT)
    resolution = Agreement.objects.create(
        kind=Agreement.Kind.RESOLUTION, title="County resolution on LEAD", effective_on=founded - timedelta(days=90),
        document=resolution_doc, created_by=manager,
        notes="The county council's resolution committing the county to plan LEAD with the city.")
    mou_doc = PolicyDocument.objects.create(title="LEAD memorandum of understanding",
                                            kind=PolicyDocument.Kind.AGREEMENT)
    renewal = today + timedelta(days=rng.randint(30, 55))
    mou = Agreement.objects.create(
        kind=Agreement.Kind.MOU, title="LEAD memorandum of understanding", effective_on=founded,
        renewal_on=renewal, term="Renewable by the parties; the policy group reviews it before renewal",
        document=mou_doc, created_by=manager,
        notes="Decisions by consensus, one vote per member agency (appendix A: PCG logistics).")
    written = 2
    project = next((m.agency for m in members if m.agency.kind == AgencyKind.PROJECT), members[0].agency)
    party = AgreementParty.objects.create(agreement=resolution, agency=project,
                                          commitments="Convenes the planning partners.")
    AgreementSignatory.objects.create(party=party, name=next(names), title="Chair, County Council",
                                      signed_on=resolution.effective_on)
    for member in members:
        party = AgreementParty.objects.create(agreement=mou, agency=member.agency,
                                              commitments=_commitment(member.agency.kind))
        head = member.representatives.filter(kind=PCGRepresentative.Kind.REPRESENTATIVE).first()
        AgreementSignatory.objects.create(party=party, name=head.name if head else next(names),
                                          title=head.title if head else "Director",
                                          signed_on=founded - timedelta(days=rng.randint(1, 20)))
        written += 2
    return written + 2


def _commitment(kind: str) -> str:
    return {
        AgencyKind.POLICE: "Officers divert eligible people at arrest and make social contact referrals.",
        AgencyKind.PROSECUTOR: "Holds diverted charges while intake is completed; coordinates on new charges.",
        AgencyKind.DEFENDER: "Advises participants on their cases and takes part in coordination.",
        AgencyKind.PROVIDER: "Provides intensive case management without sanctions.",
        AgencyKind.PROJECT: "Manages the project, convenes the groups and keeps the records.",
    }.get(kind, "Takes part in the program.")
