from divert.notify.models import Notification


def inbox(request) -> dict:
    """`unread_notifications` for the navigation badge: one count query, none for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count()}
