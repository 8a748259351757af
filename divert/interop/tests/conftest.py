"""Fixtures of the interop tests: the continuum of care's HMIS as a recipient agency, and releases naming it."""

import http.server
import threading
from datetime import date

import pytest

from divert.accounts.models import Agency
from divert.accounts.roles import AgencyKind
from divert.privacy.models import Purpose, ReleaseKind, ReleaseOfInformation, ReleaseRecipient

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 16


@pytest.fixture
def hmis_agency(agencies, settings):
    # The HMIS has no seats in Divert: it only receives files (the kind is the recipient-only kind of courts).
    agency = Agency.objects.create(name="Test County CoC HMIS", kind=AgencyKind.COURT)
    settings.DIVERT_HMIS_AGENCY = str(agency.pk)
    settings.DIVERT_HMIS_COC_CODE = "WA-500"
    settings.DIVERT_HMIS_GEOCODE = "539033"
    settings.DIVERT_HMIS_PATH_SERVICES = True
    return agency


def make_release(person, agency, recorded_by, *, categories=("status", "casework"), purposes=(Purpose.HMIS_SHARING,),
                 kind=ReleaseKind.GENERAL, starts_on=date(2026, 1, 7), expires_on=date(2027, 12, 31), role=""):
    release = ReleaseOfInformation.objects.create(
        person=person, kind=kind, purposes=list(purposes), categories=list(categories), starts_on=starts_on,
        expires_on=expires_on, discloser="Test Harm Reduction Services", signed_name=person.full_name,
        signature_png=PNG, signed_on=starts_on, recorded_by=recorded_by,
        information_description="Enrollment and services" if kind != ReleaseKind.GENERAL else "")
    ReleaseRecipient.objects.create(release=release, agency=agency, role=role)
    return release


class Receiver:
    """A small HTTP server on 127.0.0.1 for one test: answers with the next status code from `codes` (200 when
    they run out) and keeps what it received. It serves on a daemon thread and is shut down by the fixture."""

    def __init__(self):
        self.received: list[dict] = []
        self.codes: list[int] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the standard library's name
                length = int(self.headers.get("Content-Length", "0"))
                receiver.received.append({"headers": dict(self.headers), "body": self.rfile.read(length),
                                          "path": self.path})
                code = receiver.codes.pop(0) if receiver.codes else 200
                self.send_response(code)
                if 300 <= code < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.timeout = 2
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver():
    server = Receiver()
    try:
        yield server
    finally:
        server.stop()
