"""Fixtures for the real-browser tests: Debian's chromium driven by Playwright, and a page watcher that
collects what the browser complains about (console errors, CSP violations, failed requests)."""

import os
import time
from dataclasses import dataclass, field

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}

# Runs before any page script. CDP injects it, so the page's CSP does not apply to it; it turns every CSP
# violation into a console error the watcher sees, with the directive and what was blocked.
_CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture(scope="module")
def chromium():
    """One headless chromium per test module (and per xdist worker)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop in this thread, which makes Django refuse ORM calls
    # from the test body ("You cannot call this from an async context"). The calls really are
    # synchronous, so allow them, for the browser tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _is_favicon(url: str) -> bool:
    # Chromium asks for /favicon.ico by itself; the site has none, and that is not the page's fault.
    return url.endswith("/favicon.ico")


@dataclass
class PageWatch:
    """Everything the browser reported since the last check, for one page."""

    page: object
    problems: list[str] = field(default_factory=list)
    expected_statuses: dict[str, int] = field(default_factory=dict)

    def attach(self) -> "PageWatch":
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))
        self.page.on("response", self._on_response)
        self.page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} ({r.failure})"))
        return self

    def _on_console(self, message) -> None:
        text = message.text
        if message.type == "error" or "Content Security Policy" in text or "Content-Security-Policy" in text:
            # The browser logs the document's own deliberate 404 as a failed resource; that one is expected.
            url = (message.location or {}).get("url", "")
            if "status of 404" in text and (self.expected_statuses.get(url) == 404 or _is_favicon(url)):
                return
            self.problems.append(f"console {message.type}: {text} ({url})")

    def _on_response(self, response) -> None:
        expected = self.expected_statuses.get(response.url)
        if response.status >= 400 and response.status != expected and not _is_favicon(response.url):
            hint = " (is divert/static on STATICFILES_DIRS?)" if "/static/" in response.url else ""
            self.problems.append(f"HTTP {response.status} for {response.url}{hint}")

    def expect_status(self, url: str, status: int) -> None:
        self.expected_statuses[url] = status

    def check(self, where: str) -> None:
        """Fail on anything reported so far (CSP violations, JS errors, failed requests), then start afresh."""
        # Console messages arrive asynchronously; give late ones a moment to land.
        self.page.wait_for_timeout(50)
        problems, self.problems = self.problems, []
        assert not problems, f"the browser complained on {where}:\n  " + "\n  ".join(problems)


@pytest.fixture
def open_page(chromium):
    """open_page(viewport) -> (page, watch): a fresh browser context (own cookies) with a watched page."""
    contexts = []

    def _open(viewport=DESKTOP):
        context = chromium.new_context(viewport=viewport, reduced_motion="reduce", locale="en-US")
        context.set_default_timeout(10_000)
        context.add_init_script(_CSP_REPORTER)
        contexts.append(context)
        page = context.new_page()
        return page, PageWatch(page).attach()

    yield _open
    for context in contexts:
        context.close()


def totp_code_for(user) -> str:
    """The code the user's authenticator app shows now, never one about to expire (allauth allows no drift)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))

