"""notify(): the one way any part of Divert tells staff that something needs their attention.

Every call writes one inbox row per recipient (in one transaction, with one audit event), and after the
transaction commits sends the same short message by email and by SMS. A channel that fails is logged and
recorded on the row (`email_status`, `sms_status`); it never breaks the caller.

THE CONTENT RULE. A notification's title and body never carry casework, health, substance-use or legal
details, nor anything else the privacy policy guards: only that something needs attention (a referral
reference, a deadline, "an officer is waiting") and a link. Email and SMS leave the building unencrypted and
land on lock screens; the page behind the link is where the privacy policy decides what the reader may see.
The audit event records the kind, the number of recipients and the channels, never the text.

PREFERENCES. Each user chooses how email and SMS reach them (NotificationPreference): email each time, in one
daily digest, or not at all; text messages for urgent notifications only (URGENT_KINDS), or none. The sender still
chooses which channels fit a notification; the recipient's preference can only narrow them. An urgent notification
is emailed at once even to someone who takes a digest (an officer waiting cannot wait for tomorrow's email).
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
from django.utils.translation import ngettext

from divert.audit.log import log_event
from divert.notify import sms
from divert.notify.models import Delivery, Digest, EmailPreference, Notification, NotificationPreference, SMSPreference

logger = logging.getLogger(__name__)

CHANNELS = ("inbox", "email", "sms")
# Kinds that cannot wait: a text message goes out for these only (to users who keep SMS on), and email goes at once
# even to users who take a daily digest. Add a kind here only when someone is waiting on the answer right now.
URGENT_KINDS = frozenset({"divert.handoff.requested", "divert.handoff.acknowledged"})
DIGEST_LIST_LIMIT = 50
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
        preferences = preferences_for(users.values())
        created = []
        for user in users.values():
            email_status, sms_status = _deliveries(preferences[user.pk], kind, channels)
            notification = Notification(recipient=user, kind=kind, title=title, body=body, url=url, created_at=now,
                                        dedupe_key=dedupe_key, email_status=email_status, sms_status=sms_status)
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
        emails = [n for n in created if n.email_status == Delivery.NOT_SENT and "email" in channels]
        texts = [n for n in created if n.sms_status == Delivery.NOT_SENT and "sms" in channels]
        if emails:
            transaction.on_commit(lambda: send_emails(emails), robust=True)
        if texts:
            transaction.on_commit(lambda: send_sms(texts), robust=True)
    return created


# --- Preferences ------------------------------------------------------------------------------------------------

def preference_for(user) -> NotificationPreference:
    """The user's preference, or the defaults (email each time, SMS for urgent notifications) when they set none."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def preferences_for(users: Iterable) -> dict[int, NotificationPreference]:
    users = list(users)
    saved = {p.user_id: p for p in NotificationPreference.objects.filter(user__in=[u.pk for u in users])}
    return {u.pk: saved.get(u.pk) or NotificationPreference(user=u) for u in users}


def _deliveries(preference: NotificationPreference, kind: str, channels: Sequence[str]) -> tuple[str, str]:
    """The starting email and SMS status of one notification: NOT_SENT means "send it now"."""
    urgent = kind in URGENT_KINDS
    email = Delivery.NOT_SENT
    if "email" in channels:
        if preference.email == EmailPreference.NONE:
            email = Delivery.TURNED_OFF
        elif preference.email == EmailPreference.DIGEST and not urgent:
            email = Delivery.HELD_FOR_DIGEST
    sms_status = Delivery.NOT_SENT
    if "sms" in channels and (preference.sms == SMSPreference.NONE or not urgent):
        sms_status = Delivery.TURNED_OFF
    return email, sms_status


def do_set_preferences(user, *, email: str, sms: str, request=None) -> NotificationPreference:
    with transaction.atomic():
        preference, created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
        before = {"email": preference.email, "sms": preference.sms}
        preference.email, preference.sms = email, sms
        preference.full_clean()
        preference.save()
        if created or before != {"email": email, "sms": sms}:
            log_event("divert.notification.preferences_changed", request=request, actor=user,
                      details={"email": email, "sms": sms, "before": before})
    return preference


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


# --- The daily digest ---------------------------------------------------------------------------------------------

def digest_hour() -> int:
    return int(getattr(settings, "DIVERT_DIGEST_HOUR", 7))


def send_daily_digests(now=None) -> int:
    """Email each user who takes a daily digest one message listing their unread notifications held for it (titles
    and links only: the content rule), once a day, on the first run at or after DIVERT_DIGEST_HOUR local time.
    Safe to run as often as `divert tick` runs; returns how many digests went out."""
    from django.contrib.auth import get_user_model

    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < digest_hour():
        return 0
    day = local.date()
    users = (get_user_model().objects.filter(is_active=True, notification_preference__email=EmailPreference.DIGEST,
                                             notifications__read_at__isnull=True,
                                             notifications__email_status=Delivery.HELD_FOR_DIGEST)
             .exclude(digests__day=day).distinct().order_by("pk"))
    sent = 0
    for user in users:
        if _send_digest(user, day, now):
            sent += 1
    if sent:
        log_event("divert.notification.digest_sent", details={"digests": sent, "day": day.isoformat()})
    return sent


def _send_digest(user, day, now) -> bool:
    held = list(Notification.objects.filter(recipient=user, read_at__isnull=True,
                                            email_status=Delivery.HELD_FOR_DIGEST).order_by("created_at", "id"))
    if not held:
        return False
    try:
        with transaction.atomic():
            digest = Digest.objects.create(recipient=user, day=day, sent_at=now, count=len(held))
    except IntegrityError:
        return False  # another run is sending today's digest
    if not user.email:
        status = Delivery.NO_ADDRESS
    else:
        try:
            message = EmailMessage(subject=digest_subject(len(held)), body=digest_text(held), to=[user.email])
            status = Delivery.SENT if message.send() else Delivery.FAILED
        except Exception:  # noqa: BLE001 - a broken mail server must not stop the other digests
            logger.warning("email: the digest for user %s was not sent", user.pk, exc_info=True)
            status = Delivery.FAILED
    Digest.objects.filter(pk=digest.pk).update(status=status)
    if status == Delivery.SENT:
        # Listed in the digest: the email went. A failed digest leaves them held for tomorrow's.
        Notification.objects.filter(pk__in=[n.pk for n in held]).update(email_status=Delivery.SENT)
    return status == Delivery.SENT


def digest_subject(count: int) -> str:
    return ngettext("%(site)s: %(n)s notification waiting in your inbox",
                    "%(site)s: %(n)s notifications waiting in your inbox", count) % {
        "site": settings.DIVERT_SITE_NAME, "n": count}


def digest_text(notifications: list[Notification]) -> str:
    site = settings.DIVERT_SITE_URL.rstrip("/")
    lines = [_("Your daily digest: unread notifications since the last one, oldest first."), ""]
    for notification in notifications[:DIGEST_LIST_LIMIT]:
        lines += [f"- {notification.title}", f"  {link_for(notification)}"]
    if len(notifications) > DIGEST_LIST_LIMIT:
        lines += ["", _("And %(n)s more in your inbox.") % {"n": len(notifications) - DIGEST_LIST_LIMIT}]
    lines += ["", _("Inbox: %(link)s") % {"link": site + reverse("inbox")},
              _("How you are notified: %(link)s") % {"link": site + reverse("notification_preferences")}, "",
              _("This message says only that things need your attention. Sign in to see the details.")]
    return "\n".join(lines)
