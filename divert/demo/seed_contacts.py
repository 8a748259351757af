"""Synthetic contacts, partner summaries and tasks for the open enrollments of the demo site.

Written in bulk (fast at 100,000 participants): one pass over the open enrollments in id order, rows created in
batches. Some contacts carry substance-use treatment notes (category sud), so the demo shows Part 2 protections:
partner seats never see them, the case-management team does.
"""

import random
import uuid
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from divert.casework.models import Contact, ContactKind, NoteCategory, PartnerSummary, Task, TaskKind
from divert.participants.models import OPEN_STATUSES, Enrollment, EnrollmentStatus

BATCH = 2000
PLACES = ["3rd and Main", "Riverside Park", "Eastgate shelter", "Library plaza", "Transit center", "Office",
          "Northside market", "Under the 5th St bridge", "Day center", "Clinic waiting room"]
CASEWORK_NOTES = [
    "Talked about the housing application; needs a birth certificate first.",
    "Went together to the ID office; appointment booked.",
    "Checked in; doing all right, wants help with food stamps.",
    "Worked on the benefits paperwork at the library.",
    "Brought a phone and charger; set up voicemail.",
    "Talked about court date next month; will go together.",
    "Left a message with their sister, who says they are at the shelter.",
    "Short visit; asked for bus passes.",
]
HEALTH_NOTES = [
    "Wound on the left foot looked infected; walked over to the clinic.",
    "Ran out of blood-pressure medicine; called in a refill.",
    "Talked about sleep and anxiety; wants to see the counselor again.",
]
SUD_NOTES = [
    "Attended MAT intake at the treatment program; buprenorphine started.",
    "Missed the methadone dose yesterday; talked about getting there earlier. No judgment, just planning.",
    "Picked up naloxone and fentanyl test strips; talked through overdose safety.",
    "Counselor at the treatment program says the group is going well (shared under Part 2 consent).",
]
SUMMARIES = [
    "Meets with the case manager most weeks. Working on an ID and a housing application. Main barrier: no "
    "stable address for mail.",
    "Engaged and keeping appointments. Progress on benefits. Barriers: transportation and phone access.",
    "Engagement comes and goes; we keep reaching out. Nothing further useful to share at this time.",
    "Recently housed. Working toward part-time work. Would benefit from help with court scheduling.",
]
TASK_TITLES = ["Bring the ID form", "Call about the housing voucher", "Drop off bus passes", "Check in after court",
               "Look for them at the day center", "Follow up on the benefits appointment"]
REMINDERS = ["Restock naloxone kits", "Team meeting notes", "Update the resource list"]

# Contacts per enrollment by status: how engaged the person is, without it ever counting against them.
CONTACTS_BY_STATUS = {EnrollmentStatus.PENDING_INTAKE: (0, 2), EnrollmentStatus.ACTIVE: (2, 9),
                      EnrollmentStatus.INACTIVE: (0, 3), EnrollmentStatus.IN_THE_WIND: (1, 4)}


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _moment(rng: random.Random, day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 18), rng.choice((0, 15, 30, 45)))))


def _note(rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.12:
        return NoteCategory.SUD, rng.choice(SUD_NOTES)
    if roll < 0.25:
        return NoteCategory.HEALTH, rng.choice(HEALTH_NOTES)
    return NoteCategory.CASEWORK, rng.choice(CASEWORK_NOTES)


def _contacts_for(rng, row, today: date) -> list[Contact]:
    pk, person_id, cm_id, status, referred_on, enrolled_on = row
    low, high = CONTACTS_BY_STATUS.get(status, (0, 0))
    start = enrolled_on or referred_on
    # People in the wind have not been seen for a while: their contacts stop a month or more ago.
    end = today - timedelta(days=rng.randint(30, 120)) if status == EnrollmentStatus.IN_THE_WIND else today
    if end < start:
        return []
    span = (end - start).days
    contacts = []
    for _ in range(rng.randint(low, high)):
        category, note = _note(rng)
        kind = rng.choices(ContactKind.values, weights=(6, 2, 3, 2, 1))[0]
        contacts.append(Contact(
            person_id=person_id, enrollment_id=pk, kind=kind,
            occurred_at=_moment(rng, start + timedelta(days=rng.randint(0, span))),
            place=rng.choice(PLACES) if kind in (ContactKind.FIELD, ContactKind.OFFICE) else "",
            duration_minutes=rng.choice((5, 15, 15, 30, 30, 45, 60, 90)), substantive=rng.random() < 0.75,
            present=rng.choice(("", "", "Just them", "Their partner", "Outreach worker")), note=note,
            note_category=category, recorded_by_id=cm_id, submission_key=_uuid(rng)))
    return contacts


def seed_contacts(rng: random.Random, fake, today: date) -> int:
    """Contacts, partner summaries and tasks for the open enrollments that have a case manager; rows written."""
    now = timezone.make_aware(datetime.combine(today, time(12)))
    rows = (Enrollment.objects.filter(status__in=OPEN_STATUSES, case_manager__isnull=False).order_by("id")
            .values_list("id", "person_id", "case_manager_id", "status", "referred_on", "enrolled_on"))
    contacts, summaries, tasks = [], [], []
    written = 0

    def flush(force: bool = False) -> int:
        n = 0
        for model, batch in ((Contact, contacts), (PartnerSummary, summaries), (Task, tasks)):
            if batch and (force or len(batch) >= BATCH):
                model.objects.bulk_create(batch, batch_size=BATCH)
                n += len(batch)
                batch.clear()
        return n

    for row in rows.iterator(chunk_size=BATCH):
        _pk, person_id, cm_id, status, _referred_on, _enrolled_on = row
        contacts.extend(_contacts_for(rng, row, today))
        if status == EnrollmentStatus.ACTIVE and rng.random() < 0.3:
            summaries.append(PartnerSummary(person_id=person_id, text=rng.choice(SUMMARIES), written_by_id=cm_id,
                                            updated_at=now - timedelta(days=rng.randint(0, 60))))
        if rng.random() < 0.15:
            done = rng.random() < 0.4
            tasks.append(Task(person_id=person_id, assigned_to_id=cm_id, created_by_id=cm_id, kind=TaskKind.TASK,
                              title=rng.choice(TASK_TITLES), due_on=today + timedelta(days=rng.randint(-3, 14)),
                              done_at=now - timedelta(days=rng.randint(0, 10)) if done else None,
                              done_by_id=cm_id if done else None))
        if rng.random() < 0.02:
            tasks.append(Task(assigned_to_id=cm_id, created_by_id=cm_id, kind=TaskKind.REMINDER,
                              title=rng.choice(REMINDERS), due_on=today + timedelta(days=rng.randint(0, 7))))
        written += flush()
    return written + flush(force=True)
