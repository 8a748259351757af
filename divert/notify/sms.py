"""Text messages to staff phones, behind one small interface: a backend has `send(to, text) -> None` and raises
on failure.

settings.DIVERT_SMS_BACKEND names the backend: "console" (prints to standard output, the default),
"locmem" (keeps messages in `outbox`, for tests), "webhook" (POSTs JSON to the site's SMS gateway), or the
dotted path of any class with that `send` method.
"""

import json
import sys
import threading
import urllib.request
from dataclasses import dataclass
from typing import Protocol, TextIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

ALIASES = {
    "console": "divert.notify.sms.ConsoleBackend",
    "locmem": "divert.notify.sms.LocmemBackend",
    "webhook": "divert.notify.sms.WebhookBackend",
}
WEBHOOK_TIMEOUT_SECONDS = 10


class Backend(Protocol):
    def send(self, to: str, text: str) -> None: ...


@dataclass(frozen=True)
class SMSMessage:
    to: str
    text: str


class ConsoleBackend:
    """Writes each message to standard output, like Django's console email backend."""

    _lock = threading.RLock()

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, to: str, text: str) -> None:
        with self._lock:
            self.stream.write(f"SMS to: {to}\n{text}\n{'-' * 79}\n")
            self.stream.flush()


# Messages sent through LocmemBackend, oldest first. Tests read and clear it.
outbox: list[SMSMessage] = []


class LocmemBackend:
    def send(self, to: str, text: str) -> None:
        outbox.append(SMSMessage(to, text))


class WebhookBackend:
    """POSTs {"to": ..., "text": ...} to DIVERT_SMS_WEBHOOK_URL with `Authorization: Bearer <token>`.

    Any answer other than 2xx, and any network error or timeout, raises.
    """

    def __init__(self, url: str | None = None, token: str | None = None,
                 timeout: float = WEBHOOK_TIMEOUT_SECONDS) -> None:
        self.url = url if url is not None else settings.DIVERT_SMS_WEBHOOK_URL
        self.token = token if token is not None else settings.DIVERT_SMS_WEBHOOK_TOKEN
        self.timeout = timeout
        if not self.url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("DIVERT_SMS_WEBHOOK_URL must be an http:// or https:// address")

    def send(self, to: str, text: str) -> None:
        headers = {"Content-Type": "application/json", "User-Agent": "Divert"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = json.dumps({"to": to, "text": text}).encode()
        # The scheme is checked in __init__: only http(s), never file:// or the like.
        request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            if not 200 <= response.status < 300:
                raise OSError(f"SMS gateway answered HTTP {response.status}")


def backend_path(name: str | None = None) -> str:
    name = (name if name is not None else settings.DIVERT_SMS_BACKEND).strip()
    return ALIASES.get(name.lower(), name)


def get_backend(name: str | None = None) -> Backend:
    """An instance of the configured backend (or of `name`, an alias or a dotted path)."""
    path = backend_path(name)
    try:
        backend_class = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"DIVERT_SMS_BACKEND {path!r} cannot be imported: {exc}") from None
    return backend_class()
