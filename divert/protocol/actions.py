"""Writes to the protocol. Each is one transaction with its audit event; approved versions never change."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict

from divert.audit.log import log_event

from .examples import EXAMPLES
from .models import DiversionProtocol, DivertibleOffense, ProtocolLocked

_COPIED = [f.name for f in DiversionProtocol._meta.get_fields()
           if f.concrete and f.editable and not f.primary_key and f.name not in {"summary"}]
# What a draft's editor may change: every setting, and the "what changed" note (which is not copied forward).
_EDITABLE = [*_COPIED, "summary"]


def _settings_of(protocol: DiversionProtocol, fields: list[str] = _COPIED) -> dict:
    return {k: (str(v) if v is not None and not isinstance(v, bool | int | list) else v)
            for k, v in model_to_dict(protocol, fields=fields).items()}


@transaction.atomic
def do_create_draft(*, actor, based_on: DiversionProtocol | None = None, request=None, **values) -> DiversionProtocol:
    """A new draft, copied from `based_on` (an approved version usually) or from `values`."""
    if DiversionProtocol.objects.filter(state=DiversionProtocol.State.DRAFT).exists():
        raise ValidationError("A draft already exists: edit it, or discard it first.")
    offenses = values.pop("offenses", None)
    fields = model_to_dict(based_on, fields=_COPIED) if based_on else {}
    fields.update(values)
    draft = DiversionProtocol(based_on=based_on, created_by=actor, **fields)
    draft.full_clean(exclude=["version"])
    draft.save()
    if based_on is not None and offenses is None:
        offenses = [(o.code, o.label, o.category) for o in based_on.offenses.all()]
    for code, label, category in offenses or []:
        DivertibleOffense.objects.create(protocol=draft, code=code, label=label, category=category)
    log_event("divert.protocol.draft_created", request=request, actor=actor, target=draft,
              details={"version": draft.version, "based_on": based_on.version if based_on else None})
    return draft


@transaction.atomic
def do_update_draft(draft: DiversionProtocol, *, actor, changes: dict, request=None) -> list[str]:
    """Apply changes to a draft's settings; returns the names of the fields that changed."""
    draft = DiversionProtocol.objects.select_for_update().get(pk=draft.pk)
    if draft.is_approved:
        raise ProtocolLocked(f"protocol version {draft.version} is approved and cannot change")
    not_settings = set(changes) - set(_EDITABLE)
    if not_settings:
        raise ValueError(f"not a protocol setting: {', '.join(sorted(not_settings))}")
    before = _settings_of(draft, _EDITABLE)
    for name, value in changes.items():
        setattr(draft, name, value)
    draft.full_clean(exclude=["version"])
    draft.save()
    # Compare what the database holds, so 3 and 3.00 grams are the same value.
    draft.refresh_from_db()
    after = _settings_of(draft, _EDITABLE)
    changed = sorted(k for k in after if before.get(k) != after.get(k))
    if changed:
        log_event("divert.protocol.draft_changed", request=request, actor=actor, target=draft,
                  details={"version": draft.version,
                           "changes": {k: {"from": before.get(k), "to": after.get(k)} for k in changed}})
    return changed


@transaction.atomic
def do_set_offenses(draft: DiversionProtocol, offenses: list[tuple[str, str, str]], *, actor, request=None) -> None:
    """Replace a draft's divertible offenses with (code, label, category) rows."""
    # The state in the database, not the caller's copy: the bulk delete below bypasses the model's lock.
    draft = DiversionProtocol.objects.select_for_update().get(pk=draft.pk)
    if draft.is_approved:
        raise ProtocolLocked(f"protocol version {draft.version} is approved and cannot change")
    before = sorted((o.code, o.label, o.category) for o in draft.offenses.all())
    after = sorted(tuple(row) for row in offenses)
    if before == after:
        return
    draft.offenses.all().delete()
    for code, label, category in offenses:
        offense = DivertibleOffense(protocol=draft, code=code, label=label, category=category)
        offense.full_clean()
        offense.save()
    log_event("divert.protocol.offenses_changed", request=request, actor=actor, target=draft,
              details={"version": draft.version, "removed": sorted(set(before) - set(after)),
                       "added": sorted(set(after) - set(before))})


@transaction.atomic
def do_approve(draft: DiversionProtocol, *, actor, approved_on: date, effective_on: date, record: str,
               request=None) -> DiversionProtocol:
    """Record the Policy Coordinating Group's approval. From here on the version is immutable."""
    draft = DiversionProtocol.objects.select_for_update().get(pk=draft.pk)
    if draft.is_approved:
        raise ValidationError("This version is already approved.")
    errors = {}
    if effective_on < approved_on:
        errors["effective_on"] = "A version cannot take effect before the policy group approved it."
    if not draft.offenses.exists() and (draft.arrest_door_open or draft.social_door_open):
        errors["__all__"] = "List at least one divertible offense before approval."
    if not record.strip():
        errors["record"] = "Say where the approval is recorded (meeting and date, minutes, resolution)."
    if errors:
        raise ValidationError(errors)
    draft.full_clean(exclude=["version"])
    DiversionProtocol.objects.filter(pk=draft.pk).update(
        state=DiversionProtocol.State.APPROVED, approved_on=approved_on, effective_on=effective_on,
        approval_record=record.strip(), approved_by=actor)
    draft.refresh_from_db()
    log_event("divert.protocol.approved", request=request, actor=actor, target=draft,
              details={"version": draft.version, "approved_on": approved_on.isoformat(),
                       "effective_on": effective_on.isoformat()})
    return draft


@transaction.atomic
def do_discard_draft(draft: DiversionProtocol, *, actor, request=None) -> None:
    draft = DiversionProtocol.objects.select_for_update().get(pk=draft.pk)
    if draft.is_approved:
        raise ProtocolLocked(f"protocol version {draft.version} is approved and cannot be discarded")
    version = draft.version
    log_event("divert.protocol.draft_discarded", request=request, actor=actor, details={"version": version})
    draft.offenses.all().delete()
    draft.delete()


def load_example(key: str, *, actor=None, approved_on: date, effective_on: date | None = None,
                 record: str = "Example protocol loaded for a demonstration site.") -> DiversionProtocol:
    """Create and approve one of the shipped example protocols (demo sites and tests)."""
    values = dict(EXAMPLES[key])
    draft = do_create_draft(actor=actor, **values)
    return do_approve(draft, actor=actor, approved_on=approved_on, effective_on=effective_on or approved_on,
                      record=record)
