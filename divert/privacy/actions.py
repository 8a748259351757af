"""Writes about releases of information. Each is one transaction that also writes its audit event."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from divert.audit.log import log_event
from divert.privacy.categories import Category
from divert.privacy.models import ReleaseKind, ReleaseOfInformation, ReleaseRecipient, Revocation


class IrrevocableError(ValidationError):
    """A criminal-justice referral consent (42 CFR 2.35) cannot be revoked before its stated event."""


@dataclass(frozen=True)
class RecipientChoice:
    agency: object
    role: str = ""


def do_record_release(person, *, actor, recipients: list[RecipientChoice], request=None, signature_png=None,
                      scan=None, **fields) -> ReleaseOfInformation:
    """Record a signed release and its recipients. ValidationError (nothing saved) when it is incomplete."""
    release = ReleaseOfInformation(person=person, recorded_by=actor, signature_png=signature_png or None,
                                   **fields)
    if scan is not None:
        release.scan = scan
    unique = list(dict.fromkeys((r.agency.pk, r.role) for r in recipients))
    try:
        release.full_clean()
    except ValidationError as e:
        errors = e.update_error_dict({})
        if not unique:
            errors.setdefault("recipients", []).append(_("Name at least one recipient."))
        raise ValidationError(errors) from None
    if not unique:
        raise ValidationError({"recipients": [_("Name at least one recipient.")]})
    with transaction.atomic():
        release.save()
        ReleaseRecipient.objects.bulk_create(
            [ReleaseRecipient(release=release, agency_id=agency_id, role=role) for agency_id, role in unique])
        log_event("divert.consent.recorded", request=request, actor=actor, person=person, target=release,
                  consent=release, details={"kind": release.kind, "categories": release.categories,
                                            "recipients": len(unique)})
    return release


def do_revoke_release(release: ReleaseOfInformation, *, actor, scope: str, effective_on: date,
                      categories: list[str] | None = None, recipients: list[ReleaseRecipient] | None = None,
                      reason: str = "", request=None) -> Revocation:
    """Revoke all or part of a release from `effective_on`. Refused for a 2.35 consent before its event."""
    categories = [c for c in (categories or []) if c in release.categories]
    recipients = [r for r in (recipients or []) if r.release_id == release.pk]
    with transaction.atomic():
        release = ReleaseOfInformation.objects.select_for_update().get(pk=release.pk)
        if release.kind == ReleaseKind.CRIMINAL_JUSTICE and release.irrevocable_until_event.strip():
            occurred = release.irrevocable_event_on
            if occurred is None:
                raise IrrevocableError(
                    _("This criminal-justice referral consent (42 CFR 2.35) cannot be revoked until %(event)s. "
                      "Record that the event has occurred first.") % {"event": release.irrevocable_until_event},
                    code="irrevocable")
            if effective_on < occurred:
                raise IrrevocableError(
                    _("This consent could not be revoked before %(event)s, which occurred on %(day)s: the "
                      "revocation cannot take effect earlier.") % {"event": release.irrevocable_until_event,
                                                                   "day": occurred},
                    code="irrevocable")
        if effective_on < release.starts_on:
            raise ValidationError({"effective_on": [_("A revocation cannot take effect before the release "
                                                      "starts (%(day)s).") % {"day": release.starts_on}]})
        if release.revocations.filter(scope=Revocation.Scope.FULL).exists():
            raise ValidationError(_("This release has already been revoked in full."), code="already_revoked")
        if scope == Revocation.Scope.PARTIAL and not categories and not recipients:
            raise ValidationError(_("For a partial revocation, choose the information or the recipients "
                                    "withdrawn."), code="empty_partial")
        if scope == Revocation.Scope.FULL:
            categories, recipients = [], []
        revocation = Revocation.objects.create(release=release, scope=scope, effective_on=effective_on,
                                               categories=categories, reason=reason.strip(), recorded_by=actor)
        revocation.recipients.set(recipients)
        log_event("divert.consent.revoked", request=request, actor=actor, person=release.person, target=release,
                  consent=release, details={"scope": scope, "effective_on": effective_on.isoformat(),
                                            "categories": categories, "recipients": [r.pk for r in recipients]})
    return revocation


EXPIRY = "expiry"
IRREVOCABILITY = "irrevocability"


def do_record_expiry_event(release: ReleaseOfInformation, *, actor, which: str, occurred_on: date,
                           note: str = "", request=None) -> ReleaseOfInformation:
    """Record that the release's expiry event (which ends it) or its 2.35 irrevocability event occurred."""
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": [_("The event cannot be recorded before it happens.")]})
    if occurred_on < release.starts_on:
        raise ValidationError({"occurred_on": [_("The event cannot have occurred before the release started.")]})
    with transaction.atomic():
        release = ReleaseOfInformation.objects.select_for_update().get(pk=release.pk)
        if which == EXPIRY:
            if not release.expiry_event.strip():
                raise ValidationError(_("This release has no expiry event."), code="no_event")
            if release.ended_by_event_on is not None:
                raise ValidationError(_("The expiry event was already recorded."), code="already")
            release.ended_by_event_on = occurred_on
            release.save(update_fields=["ended_by_event_on"])
            event = release.expiry_event
        elif which == IRREVOCABILITY:
            if not release.irrevocable_until_event.strip():
                raise ValidationError(_("This consent is not irrevocable until an event."), code="no_event")
            if release.irrevocable_event_on is not None:
                raise ValidationError(_("The event was already recorded."), code="already")
            release.irrevocable_event_on = occurred_on
            release.save(update_fields=["irrevocable_event_on"])
            event = release.irrevocable_until_event
        else:
            raise ValueError(f"unknown event {which!r}")
        log_event("divert.consent.event_recorded", request=request, actor=actor, person=release.person,
                  target=release, consent=release,
                  details={"which": which, "event": event, "occurred_on": occurred_on.isoformat(),
                           "note": note.strip()})
    return release


def log_release_viewed(release: ReleaseOfInformation, *, request, part: str = "detail") -> None:
    # A Part 2 consent is itself substance-use information: it says the person is in treatment.
    category = Category.SUD if release.is_part2 else Category.CASEWORK
    log_event("divert.consent.viewed", request=request, person=release.person, target=release, consent=release,
              category=category, details={"part": part})
