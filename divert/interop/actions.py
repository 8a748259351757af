"""Writes of the interop app, each one transaction with its audit event."""

from datetime import date

from django.db import transaction

from divert.audit.log import log_event
from divert.interop import hmis
from divert.interop.models import HmisExport, WebhookEndpoint
from divert.interop.webhooks import new_secret
from divert.privacy.policy import disclose_to_agency

HMIS_PURPOSE = "HMIS sharing with the continuum of care (HUD HMIS CSV export)"


def do_export_hmis(period_from: date, period_to: date, *, actor, via: str, request=None,
                   progress=None) -> tuple[HmisExport, bytes]:
    """Build the export, log one disclosure per participant against the release that allowed it, and return the
    record of the export with the zip of its CSV files. Nothing is written when anything fails."""
    with transaction.atomic():
        export = hmis.build(period_from, period_to, progress=progress)
        for person, release, categories in export.disclosed:
            disclose_to_agency(actor, person, export.agency, release, sorted(categories), request=request,
                               purpose=HMIS_PURPOSE)
        record = HmisExport.objects.create(
            export_id=export.export_id, made_by=actor, via=via, period_from=period_from, period_to=period_to,
            persons=len(export.disclosed), rows=export.counts())
        log_event("divert.interop.hmis.exported", request=request, actor=actor, target=record,
                  details={"from": period_from.isoformat(), "to": period_to.isoformat(), "via": via,
                           "persons": record.persons, "rows": record.rows, "recipient_agency": export.agency.pk})
        return record, hmis.zip_bytes(export)


def do_create_endpoint(*, url: str, description: str, events: list[str], actor, request=None) -> WebhookEndpoint:
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(url=url, description=description, events=list(events),
                                                  secret=new_secret(), created_by=actor)
        log_event("divert.interop.webhook.created", request=request, actor=actor, target=endpoint,
                  details={"url": url, "events": list(events)})
    return endpoint


def do_set_endpoint_active(endpoint: WebhookEndpoint, active: bool, *, actor, request=None) -> None:
    with transaction.atomic():
        endpoint.active = active
        if active:
            endpoint.consecutive_failures = 0
            endpoint.disabled_reason = ""
        else:
            endpoint.disabled_reason = "turned off by the site administrator"
        endpoint.save(update_fields=["active", "consecutive_failures", "disabled_reason"])
        log_event("divert.interop.webhook.enabled" if active else "divert.interop.webhook.disabled",
                  request=request, actor=actor, target=endpoint)


def do_rotate_secret(endpoint: WebhookEndpoint, *, actor, request=None) -> str:
    with transaction.atomic():
        endpoint.secret = new_secret()
        endpoint.save(update_fields=["secret"])
        log_event("divert.interop.webhook.secret_rotated", request=request, actor=actor, target=endpoint)
    return endpoint.secret
