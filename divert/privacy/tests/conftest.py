"""Fixtures for releases: a valid drawn signature, and a factory that records releases the way the form does."""

import base64
import struct
import zlib
from datetime import timedelta

import pytest
from django.utils import timezone

from divert.privacy.actions import RecipientChoice, do_record_release
from divert.privacy.categories import Category
from divert.privacy.models import Purpose, ReleaseKind

GENERAL_CATEGORIES = [c for c in Category.RELEASABLE if c != Category.SUD]
PART2_CATEGORIES = list(Category.RELEASABLE)


def tiny_png(width: int = 2, height: int = 1) -> bytes:
    """A real PNG (what a canvas produces, only smaller)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x00\x00\x00\xff" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def png_data_url(data: bytes | None = None) -> str:
    return "data:image/png;base64," + base64.b64encode(data if data is not None else tiny_png()).decode()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def make_release(case_manager_cam, participant):
    """Record a release for `participant` (by case_manager_cam unless told). Recipients: agencies or
    (agency, role) pairs."""

    def _make(recipients, *, kind=ReleaseKind.GENERAL, categories=None, person=None, starts_on=None,
              expires_in_days=365, expiry_event="", irrevocable_until_event="", actor=None, signature_png=None,
              scan=None, **extra):
        today = timezone.localdate()
        starts_on = starts_on or today
        choices = [RecipientChoice(*r) if isinstance(r, tuple) else RecipientChoice(r) for r in recipients]
        if categories is None:
            categories = PART2_CATEGORIES if kind != ReleaseKind.GENERAL else GENERAL_CATEGORIES
        fields = {
            "kind": kind, "purposes": [Purpose.CARE_COORDINATION], "categories": list(categories),
            "starts_on": starts_on,
            "expires_on": starts_on + timedelta(days=expires_in_days) if expires_in_days is not None else None,
            "expiry_event": expiry_event, "irrevocable_until_event": irrevocable_until_event,
            "discloser": "Test Harm Reduction Services",
            "information_description": "Attendance and progress in treatment" if kind != ReleaseKind.GENERAL else "",
            "signed_name": "Alex Zyxcanary", "signed_on": min(starts_on, today),
        }
        fields.update(extra)
        if signature_png is None and scan is None:
            signature_png = tiny_png()
        return do_record_release(person or participant, actor=actor or case_manager_cam, recipients=choices,
                                 signature_png=signature_png, scan=scan, **fields)

    return _make
