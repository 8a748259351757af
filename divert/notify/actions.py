"""notify(): the one way any part of Divert tells staff that something needs their attention.

Every call writes one inbox row per recipient (in one transaction, with one audit event), and after the
transaction commits sends the same short message by email and by SMS. A channel that fails is logged and
recorded on the row (`email_status`, `sms_status`); it never breaks the caller.

THE CONTENT RULE. A notification's title and body never carry casework, health, substance-use or legal
details, nor anything else the privacy policy guards: only that something needs attention (a referral
reference, a deadline, "an officer is waiting") and a link. Email and SMS leave the building unencrypted and
land on lock screens; the page behind the link is where the privacy policy decides what the reader may see.
The audit event records the kind, the number of recipients and the channels, never the text.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from divert.audit.log import log_event
from divert.notify import sms
from divert.notify.models import Delivery, Notification

logger = logging.getLogger(__name__)

CHANNELS = ("inbox", "email", "sms")
TITLE_LENGTH = Notification._meta.get_field("title").max_length


def notify(
    recipients: Iterable,
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    channels: Sequence[str] = CHANNELS,
    dedupe_key: str | None = None,
    actor=None,
) -> list[Notification]:
    """Notify each active user in `recipients`; return the notifications written (none for a recipient that
    already has one with `dedupe_key`). See the module docstring for what the text may say.

    `url` is a path inside Divert ("/referrals/12/"); the inbox row is always written, `channels` says
    whether email and SMS carry it too.
    """
    unknown = set(channels) - set(CHANNELS)
    if unknown:
        raise ValueError(f"unknown notification channels: {sorted(unknown)}")
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError(f"a notification links to a path inside Divert, not {url!r}")
    title = " ".join(str(title).split())[:TITLE_LENGTH]  # one line: it becomes an email subject
    body = str(body).strip()
    users = {}
    for user in recipients:
        if user is not None and user.is_active:
            users.setdefault(user.pk, user)
    if not users:
        return []

    with transaction.atomic():
        if dedupe_key is not None:
            already = set(Notification.objects.filter(recipient__in=list(users), dedupe_key=dedupe_key)
                          .values_list("recipient_id", flat=True))
            users = {pk: user for pk, user in users.items() if pk not in already}
        now = timezone.now()
        created = []
        for user in users.values():
            notification = Notification(recipient=user, kind=kind, title=title, body=body, url=url, created_at=now,
                                        dedupe_key=dedupe_key)
            if dedupe_key is None:
                notification.save()
                created.append(notification)
                continue
            try:
                # A concurrent run may have written the same key since the check above.
                with transaction.atomic():
                    notification.save()
            except IntegrityError:
                continue
            created.append(notification)
        if not created:
            return []
        sent_by = [channel for channel in CHANNELS if channel in channels or channel == "inbox"]
        log_event("divert.notification.sent", actor=actor,
                  details={"kind": kind, "recipients": len(created), "channels": sent_by})
        if "email" in channels:
            transaction.on_commit(lambda: send_emails(created), robust=True)
        if "sms" in channels:
            transaction.on_commit(lambda: send_sms(created), robust=True)
    return created


def do_mark_read(user, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise PermissionDenied("only the recipient may mark a notification read")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def do_mark_all_read(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


# --- Delivery, after the transaction commits -----------------------------------------------------------------

def link_for(notification: Notification) -> str:
    return settings.DIVERT_SITE_URL.rstrip("/") + (notification.url or reverse("inbox"))


def email_text(notification: Notification) -> str:
    parts = [notification.title]
    if notification.body:
        parts.append(notification.body)
    parts.append(_("Open it in %(site)s: %(link)s") % {"site": settings.DIVERT_SITE_NAME,
                                                         "link": link_for(notification)})
    parts.append(_("This message says only that something needs your attention. Sign in to see the details."))
    return "\n\n".join(parts)


def sms_text(notification: Notification) -> str:
    return f"{settings.DIVERT_SITE_NAME}: {notification.title} {link_for(notification)}"


def send_emails(notifications: list[Notification]) -> None:
    statuses = {}
    to_send = []
    for notification in notifications:
        if notification.recipient.email:
            to_send.append(notification)
        else:
            statuses[notification] = Delivery.NO_ADDRESS
    if to_send:
        try:
            connection = get_connection()
            connection.open()
        except Exception:  # noqa: BLE001 - a broken mail server must not break the caller
            logger.warning("email: could not reach the mail server for %s notifications", len(to_send),
                           exc_info=True)
            statuses.update(dict.fromkeys(to_send, Delivery.FAILED))
        else:
            try:
                for notification in to_send:
                    statuses[notification] = _send_one_email(connection, notification)
            finally:
                try:
                    connection.close()
                except Exception:  # noqa: BLE001
                    logger.warning("email: closing the mail connection failed", exc_info=True)
    _record(statuses, "email_status")


def _send_one_email(connection, notification: Notification) -> str:
    try:
        message = EmailMessage(subject=notification.title, body=email_text(notification),
                               to=[notification.recipient.email], connection=connection)
        return Delivery.SENT if message.send() else Delivery.FAILED
    except Exception:  # noqa: BLE001
        logger.warning("email: notification %s (%s) was not sent", notification.pk, notification.kind,
                       exc_info=True)
        return Delivery.FAILED


def send_sms(notifications: list[Notification]) -> None:
    statuses = {}
    backend = None
    for notification in notifications:
        phone = notification.recipient.phone.strip()
        if not phone:
            statuses[notification] = Delivery.NO_ADDRESS
            continue
        try:
            backend = backend or sms.get_backend()
            backend.send(phone, sms_text(notification))
        except Exception:  # noqa: BLE001 - a broken gateway must not break the caller
            logger.warning("sms: notification %s (%s) was not sent", notification.pk, notification.kind,
                           exc_info=True)
            statuses[notification] = Delivery.FAILED
        else:
            statuses[notification] = Delivery.SENT
    _record(statuses, "sms_status")


def _record(statuses: dict[Notification, str], field: str) -> None:
    by_status = defaultdict(list)
    for notification, status in statuses.items():
        setattr(notification, field, status)
        by_status[status].append(notification.pk)
    for status, pks in by_status.items():
        Notification.objects.filter(pk__in=pks).update(**{field: status})
