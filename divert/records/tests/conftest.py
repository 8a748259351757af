"""Fixtures of the records tests: the shipped profiles, files written on the fly, imports run inline."""

import csv
import io
import json
from pathlib import Path

import pytest

from divert.records.importer import create_import, run_import
from divert.records.models import ImportProfile
from divert.records.profiles import read_profile_file, save_profile, shipped_profile_files

JAIL_HEADER = ["BOOKING_NO", "EVENT_TYPE", "EVENT_DATE", "EVENT_TIME", "INMATE_ID", "LAST_NAME", "FIRST_NAME",
               "MIDDLE_NAME", "DOB", "SEX", "RACE", "SID", "FBI_NO", "TOP_CHARGE", "CHARGE_DESC", "WARRANT_FLAG",
               "ARRESTING_AGENCY", "RELEASE_CODE"]


def jail_row(n: int = 1, **over) -> dict:
    row = {"BOOKING_NO": f"B{n:07d}", "EVENT_TYPE": "BOOK", "EVENT_DATE": "03/14/2025", "EVENT_TIME": "22:15",
           "INMATE_ID": f"J{n:06d}", "LAST_NAME": "Rivera", "FIRST_NAME": "Dana", "MIDDLE_NAME": "Q",
           "DOB": "07/04/1980", "SEX": "F", "RACE": "H", "SID": f"WA{n:08d}", "FBI_NO": "", "TOP_CHARGE": "9A.56.050",
           "CHARGE_DESC": "", "WARRANT_FLAG": "N", "ARRESTING_AGENCY": "Test PD", "RELEASE_CODE": ""}
    row.update(over)
    return row


def jail_csv(rows, header=JAIL_HEADER) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def court_line(n: int = 1, **over) -> dict:
    obj = {"case_number": f"25-1-{n:05d}-1", "charge_seq": 1, "record_type": "CHARGE", "event_date": "2025-03-15",
           "statute": "RCW 9A.56.050", "statute_text": "Theft 3", "class": "M", "disposition_code": None,
           "court": "Test Municipal Court",
           "defendant": {"last_name": "Rivera", "first_name": "Dana", "middle_name": "", "dob": "1980-07-04",
                         "sex": "F", "race": "H", "sid": f"WA{n:08d}", "fbi": None}}
    for key, value in over.items():
        if key.startswith("defendant__"):
            obj["defendant"][key.removeprefix("defendant__")] = value
        else:
            obj[key] = value
    return obj


def court_jsonl(objs) -> str:
    return "".join(json.dumps(o) + "\n" for o in objs)


@pytest.fixture(autouse=True)
def _records_settings(settings, tmp_path):
    settings.DIVERT_IMPORT_RUN = "inline"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def profiles(db):
    for path in shipped_profile_files():
        save_profile(read_profile_file(path))
    return {p.slug: p for p in ImportProfile.objects.all()}


@pytest.fixture
def jail(profiles):
    return profiles["county-jail-csv"]


@pytest.fixture
def court(profiles):
    return profiles["court-cms-jsonl"]


@pytest.fixture
def write(tmp_path):
    """Write text (or bytes) to a file in tmp_path and return its path."""
    counter = iter(range(1_000_000))

    def _write(content, name: str | None = None, encoding: str = "utf-8") -> Path:
        path = tmp_path / (name or f"feed-{next(counter)}.csv")
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode(encoding))
        return path

    return _write


@pytest.fixture
def do_import():
    def _import(profile, path, kind=None, **kwargs):
        return run_import(create_import(profile=profile, path=path, kind=kind, **kwargs))

    return _import
