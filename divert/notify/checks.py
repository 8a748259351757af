"""System checks: a misnamed SMS backend or a webhook without an address is reported at start-up, not at the
first text message."""

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string

from divert.notify.sms import ALIASES, backend_path


@register()
def sms_backend_check(app_configs=None, **kwargs) -> list[Error]:
    path = backend_path()
    try:
        import_string(path)
    except ImportError:
        return [Error(f"DIVERT_SMS_BACKEND {settings.DIVERT_SMS_BACKEND!r} cannot be imported",
                      hint=f"Use one of {', '.join(ALIASES)} or the dotted path of a class with send(to, text).",
                      id="divert.notify.E001")]
    if path == ALIASES["webhook"] and not settings.DIVERT_SMS_WEBHOOK_URL.startswith(("https://", "http://")):
        return [Error("DIVERT_SMS_BACKEND is webhook but DIVERT_SMS_WEBHOOK_URL is not an http(s) address",
                      hint="Set DIVERT_SMS_WEBHOOK_URL to the SMS gateway's address, for example https://...",
                      id="divert.notify.E002")]
    return []
