"""Writes for contacts, the partner summary and tasks. Each is one transaction that also writes its audit event.

Audit details name what changed, never the text: a note or a summary stays in its own row, behind the policy.
"""

import uuid
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from divert.audit.log import log_event
from divert.casework.models import Contact, PartnerSummary, Task
from divert.participants.models import OPEN_STATUSES, Person
from divert.privacy.policy import Category

CONTACT_FIELDS = ("kind", "occurred_at", "place", "duration_minutes", "substantive", "present", "note",
                  "note_category")
STALE_MESSAGE = _("This was changed by someone else since you opened it. Nothing was saved; "
                  "check what it says now and try again.")


class StaleEdit(ValidationError):
    """Someone else saved after the form was opened."""

    def __init__(self):
        super().__init__(STALE_MESSAGE, code="stale")


def _seat(user):
    return user.seat if user is not None and user.is_authenticated and user.is_active else None


def _open_enrollment(person: Person, actor):
    enrollments = person.enrollments.filter(status__in=OPEN_STATUSES).order_by("-referred_on", "-id")
    seat = _seat(actor)
    mine = enrollments.filter(provider_id=seat.agency_id).first() if seat else None
    return mine or enrollments.first()


def do_record_contact(person: Person, *, actor, submission_key: uuid.UUID | None = None, request=None,
                      **fields) -> tuple[Contact, bool]:
    """Record a contact; (contact, created). The same submission key twice gives back the first contact."""
    if submission_key is not None:
        existing = Contact.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            if existing.person_id != person.pk or existing.recorded_by_id != actor.pk:
                raise ValidationError(_("This form was already used for another contact; open a new one."),
                                      code="key_reused")
            return existing, False
    contact = Contact(person=person, enrollment=_open_enrollment(person, actor), recorded_by=actor,
                      submission_key=submission_key or uuid.uuid4(),
                      **{k: v for k, v in fields.items() if k in CONTACT_FIELDS})
    contact.full_clean(exclude=["submission_key"])
    try:
        with transaction.atomic():
            contact.save()
            log_event("divert.casework.contact.recorded", request=request, actor=actor, person=person,
                      target=contact, category=contact.note_category,
                      details={"kind": contact.kind, "substantive": contact.substantive})
    except IntegrityError:
        # The same form arrived twice at once: the other request won, and its contact is this one.
        existing = Contact.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, False
    return contact, True


def do_edit_contact(contact: Contact, *, actor, if_unchanged_since: datetime | None, request=None,
                    **fields) -> Contact:
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        if if_unchanged_since is not None and locked.updated_at != if_unchanged_since:
            raise StaleEdit()
        was = locked.note_category
        changed = [k for k in CONTACT_FIELDS if k in fields and getattr(locked, k) != fields[k]]
        for name in changed:
            setattr(locked, name, fields[name])
        locked.full_clean(exclude=["submission_key"])
        locked.save()
        log_event("divert.casework.contact.edited", request=request, actor=actor, person=locked.person,
                  target=locked, category=locked.note_category,
                  details={"fields": changed, "from_category": was})
    return locked


def latest_partner_summary(person: Person) -> PartnerSummary | None:
    return PartnerSummary.objects.filter(person=person).select_related("written_by").first()


def do_write_partner_summary(person: Person, *, actor, text: str, based_on: int | None,
                             request=None) -> PartnerSummary:
    """Save a new version. `based_on` is the version the writer saw (None for the first); a newer one refuses."""
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the summary, or leave the page without saving."), code="empty")
    with transaction.atomic():
        # Lock the person row so two writers queue up instead of both passing the check.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        latest = PartnerSummary.objects.filter(person=person).first()
        if (latest.pk if latest else None) != based_on:
            raise StaleEdit()
        summary = PartnerSummary.objects.create(person=person, text=text, written_by=actor,
                                                updated_at=timezone.now())
        log_event("divert.casework.partner_summary.written", request=request, actor=actor, person=person,
                  target=summary, category=Category.PARTNER_SUMMARY,
                  details={"previous_version": based_on, "length": len(text)})
    return summary


def do_add_task(*, actor, assigned_to, title: str, kind: str, due_on: date | None = None,
                person: Person | None = None, request=None) -> Task:
    task = Task(person=person, assigned_to=assigned_to, title=title.strip(), kind=kind, due_on=due_on,
                created_by=actor)
    task.full_clean()
    with transaction.atomic():
        task.save()
        log_event("divert.casework.task.added", request=request, actor=actor, person=person, target=task,
                  category=Category.CASEWORK if person else "",
                  details={"kind": kind, "assigned_to": assigned_to.pk, "due_on": due_on.isoformat() if due_on
                           else None})
    return task


def do_complete_task(task: Task, *, actor, request=None) -> Task:
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if locked.done_at is None:
            locked.done_at, locked.done_by = timezone.now(), actor
            locked.save(update_fields=["done_at", "done_by", "updated_at"])
            log_event("divert.casework.task.completed", request=request, actor=actor, person=locked.person,
                      target=locked, category=Category.CASEWORK if locked.person_id else "")
    return locked
