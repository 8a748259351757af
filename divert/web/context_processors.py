from django.conf import settings

from divert.accounts.seats import DEMO_LOGINS


def site(request) -> dict:
    return {
        "site_name": settings.DIVERT_SITE_NAME,
        "demo_mode": settings.DIVERT_DEMO,
        "demo_logins": DEMO_LOGINS if settings.DIVERT_DEMO else [],
    }
