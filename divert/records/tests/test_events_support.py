"""Helpers of the justice-events tests: linked staged rows built directly (no linker), a finished import to hold
them. No tests here."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from divert.records.models import FeedImport, ImportStatus, StagedRecord

PACIFIC = ZoneInfo("America/Los_Angeles")
CHARGE_CANARY = "CANARY-CHARGE-b41e"
PLACE_CANARY = "CANARY-PLACE-9d2c"


def local(*args) -> datetime:
    return datetime(*args, tzinfo=PACIFIC)


def finished_import(profile, *, finished_at=None) -> FeedImport:
    return FeedImport.objects.create(profile=profile, profile_spec=profile.spec, file_name="feed.csv",
                                     status=ImportStatus.FINISHED, finished_at=finished_at or timezone.now())


def staged(profile, *, person=None, kind="booking", at=None, key=None, revision=1, feed=None, **fields) -> StagedRecord:
    """One staged row; linked when `person` is given (as the linker leaves it)."""
    feed = feed or finished_import(profile)
    number = StagedRecord.objects.count() + 1
    values = {"last_name": "RIVERA", "first_name": "DANA", "date_of_birth": date(1980, 7, 4), "dob_year": 1980,
              "dob_month": 7, "dob_day": 4, "sex": "F", "race": "H", "state_id": f"WA{number:08d}",
              "raw": {"LAST_NAME": "Rivera"}}
    values.update(fields)
    return StagedRecord.objects.create(
        feed_import=feed, profile=profile, row_number=number, kind=kind, source_key=key or f"K{number}|{kind}",
        revision=revision, content_hash=f"h{number}", occurred_at=at or timezone.now(), person=person,
        link_status="linked" if person else "no_match", **values)
