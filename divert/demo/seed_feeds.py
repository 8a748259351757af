"""A week of nightly jail feeds for the demo: bookings and releases, imported and linked the way real files are.

Seven files in the shipped county-jail layout, one per night, written to a temporary folder and imported through
the `county-jail-csv` profile. Most rows are strangers; some are enrolled participants, spelt as jails spell
them: the jail's own id for most (they link on it and alert the case manager), and for some a new inmate number
beside the right state ID (a conflict a human must settle: the review queue), or an inmate number one character off
with a misspelt name (linked or reviewed by score). The demo case manager's caseload always gets review pairs of
its own. A small linkage model is trained first, on synthetic people seeded like everything else, so linking
works on a site of any size.
"""

from __future__ import annotations

import copy
import csv
import random
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from faker import Faker

from divert.participants.models import OPEN_STATUSES, Enrollment, Identifier

JAIL_PROFILE = "county-jail-csv"
NIGHTS = 7
HEADER = ["BOOKING_NO", "EVENT_TYPE", "EVENT_DATE", "EVENT_TIME", "INMATE_ID", "LAST_NAME", "FIRST_NAME",
          "MIDDLE_NAME", "DOB", "SEX", "RACE", "SID", "FBI_NO", "TOP_CHARGE", "CHARGE_DESC", "WARRANT_FLAG",
          "ARRESTING_AGENCY", "RELEASE_CODE"]
CHARGES = ["69.50.4013", "9A.56.050", "9A.52.080", "9A.36.041", "9A.48.090", "9A.84.030", "9A.88.030",
           "9A.76.170", "46.20.342", "69.50.401", "WARR"]
RELEASES = ["BAIL", "PR", "TS", "DISM", "CO", "SENT"]
AGENCIES = ["Riverside Police Department", "Riverside County Sheriff", "State Patrol"]
RACES = ["W", "B", "H", "A", "I", "W", "B", "W"]
NICKNAMES = {"William": "Bill", "Robert": "Bob", "Richard": "Rick", "James": "Jim", "Michael": "Mike",
             "Christopher": "Chris", "Joseph": "Joe", "Thomas": "Tom", "Daniel": "Dan", "Anthony": "Tony",
             "Elizabeth": "Liz", "Jennifer": "Jen", "Katherine": "Kate", "Patricia": "Pat", "Jessica": "Jess"}


def seed_feeds(rng: random.Random, fake: Faker, today: date) -> int:
    """Write, import and link a week of nightly booking and release files; returns the rows imported."""
    from divert.records.importer import create_import, run_import
    from divert.records.models import ImportProfile
    from divert.records.profiles import read_profile_file, save_profile, shipped_profile_files

    for path in shipped_profile_files():
        save_profile(read_profile_file(path))
    profile = ImportProfile.objects.get(slug=JAIL_PROFILE)
    _ensure_model()
    people = _participants()
    demo_caseload = _demo_caseload()
    stays: list[dict] = []  # booked and not yet released
    imported = 0
    with tempfile.TemporaryDirectory() as folder:
        for night in range(NIGHTS, 0, -1):
            day = today - timedelta(days=night)
            rows = _night(rng, fake, day, people, demo_caseload if night == 1 else [], stays, night)
            path = Path(folder) / f"jail-extract-{day:%Y%m%d}.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=HEADER, lineterminator="\r\n")
                writer.writeheader()
                writer.writerows(rows)
            imp = run_import(create_import(profile=profile, path=path, kind="mixed", via="drop folder"))
            imported += imp.rows_staged
    return imported


def _ensure_model() -> None:
    """A linkage model trained on a seeded synthetic population: a fresh demo has too few rows to train on."""
    from divert.records.linkage import bench, engine, store
    from divert.records.models import LinkageModelVersion

    if LinkageModelVersion.objects.filter(active=True).exists():
        return
    if not _trained:
        # Seeded, so the same every time: trained once per process (a test run seeds many sites).
        persons = bench.synthetic_persons(2000, seed=31)
        bookings = bench.synthetic_bookings(persons, 6000, seed=32).drop(columns=["true_person_id"])
        _trained.append((engine.train(persons, bookings, u_pairs=1e6, em_pairs=5e5), len(persons), len(bookings)))
    model, persons, bookings = copy.deepcopy(_trained[0])
    path = store.save_model(model)
    LinkageModelVersion.objects.create(version=model.version, file_path=str(path),
                                       auto_link_threshold=model.thresholds.auto_link,
                                       review_threshold=model.thresholds.review, trained_persons=persons,
                                       trained_records=bookings, active=True)


_trained: list = []


def _participants() -> list[dict]:
    """Enrolled people with what a jail would know of them, in id order (deterministic)."""
    ids: dict[int, dict[str, str]] = {}
    for person_id, kind, value in Identifier.objects.filter(
            kind__in=[Identifier.Kind.JAIL_ID, Identifier.Kind.STATE_ID]).order_by("id").values_list(
            "person_id", "kind", "value"):
        ids.setdefault(person_id, {}).setdefault(kind, value)
    seen, people = set(), []
    for enrollment in (Enrollment.objects.filter(status__in=OPEN_STATUSES, person__merged_into__isnull=True)
                       .select_related("person").order_by("person_id")):
        person = enrollment.person
        if person.pk in seen or person.pk not in ids or not person.date_of_birth:
            continue
        seen.add(person.pk)
        people.append({"pk": person.pk, "first": person.first_name, "middle": person.middle_name,
                       "last": person.last_name, "dob": person.date_of_birth,
                       "jail_id": ids[person.pk].get(Identifier.Kind.JAIL_ID, ""),
                       "sid": ids[person.pk].get(Identifier.Kind.STATE_ID, "")})
    return people


def _demo_caseload() -> list[int]:
    cm = get_user_model().objects.filter(username="casemanager").first()
    if cm is None:
        return []
    return list(Enrollment.objects.filter(case_manager=cm, status__in=OPEN_STATUSES).order_by("person_id")
                .values_list("person_id", flat=True).distinct())


def _night(rng, fake, day: date, people, demo_caseload, stays, night) -> list[dict]:
    rows = []
    counter = iter(range(1, 10_000))

    def booking_number() -> str:
        return f"B{day:%y%m%d}-{next(counter):04d}"

    for _ in range(rng.randint(25, 40)):  # strangers
        rows.append(_booking(rng, day, booking_number(), _stranger(rng, fake)))
    if people:
        by_pk = {p["pk"]: p for p in people}
        chosen = rng.sample(people, min(len(people), rng.randint(3, 6)))
        for person in chosen:
            rows.append(_booking(rng, day, booking_number(), _as_jail_spells(rng, person, _variant(rng, person))))
        # The demo case manager's caseload: on the last night one booked on the jail's own id (an alert) and
        # two whose new inmate number disagrees with the right state ID (a pair in the review queue each).
        mine = [by_pk[pk] for pk in demo_caseload if pk in by_pk]
        if mine:
            rows.append(_booking(rng, day, booking_number(), _as_jail_spells(rng, mine[0], "exact")))
            with_sid = [p for p in mine[1:] if p["sid"]] or [p for p in people if p["sid"]][:2]
            for person in with_sid[:2]:
                rows.append(_booking(rng, day, booking_number(), _as_jail_spells(rng, person, "conflict")))
    for stay in list(stays):  # releases of earlier bookings
        if rng.random() < 0.45 or night == 1 and rng.random() < 0.3:
            rows.append(_release(rng, day, stay))
            stays.remove(stay)
    stays.extend(row for row in rows if row["EVENT_TYPE"] == "BOOK")
    return rows


def _variant(rng, person) -> str:
    roll = rng.random()
    if roll < 0.6 or not person["sid"]:
        return "exact"
    if roll < 0.8:
        return "conflict"
    return "typo"


def _as_jail_spells(rng, person, how: str) -> dict:
    first, last = person["first"], person["last"]
    jail_id, sid = person["jail_id"], person["sid"]
    if how == "conflict":  # booked under a new inmate number; the state ID is right
        jail_id = f"J{rng.randrange(10**7, 10**8)}"
    elif how == "typo":  # a keying slip in the inmate number, and the name as the booking officer heard it
        jail_id = jail_id[:-1] + str((int(jail_id[-1]) + 1) % 10) if jail_id[-1:].isdigit() else jail_id
        first = NICKNAMES.get(first, first[:2] + first[3:] if len(first) > 4 else first)
        sid = ""
    return {"INMATE_ID": jail_id, "LAST_NAME": last.upper(), "FIRST_NAME": first.upper(),
            "MIDDLE_NAME": (person["middle"][:1] if person["middle"] else ""), "DOB": person["dob"].strftime(
                "%m/%d/%Y"), "SEX": "", "RACE": rng.choice(RACES), "SID": sid}


def _stranger(rng, fake) -> dict:
    female = rng.random() < 0.25
    born = fake.date_of_birth(minimum_age=18, maximum_age=70)
    return {"INMATE_ID": f"J{rng.randrange(10**7, 10**8)}", "LAST_NAME": fake.last_name().upper(),
            "FIRST_NAME": (fake.first_name_female() if female else fake.first_name_male()).upper(),
            "MIDDLE_NAME": rng.choice(["", "A", "J", "M", "L"]), "DOB": born.strftime("%m/%d/%Y"),
            "SEX": "F" if female else "M", "RACE": rng.choice(RACES),
            "SID": f"WA{rng.randrange(10**8):08d}" if rng.random() < 0.6 else ""}


def _booking(rng, day: date, number: str, who: dict) -> dict:
    at = datetime.combine(day, time(rng.randint(0, 23), rng.choice([0, 10, 25, 40, 55])))
    charge = rng.choice(CHARGES)
    return {"BOOKING_NO": number, "EVENT_TYPE": "BOOK", "EVENT_DATE": at.strftime("%m/%d/%Y"),
            "EVENT_TIME": at.strftime("%H:%M"), **who, "FBI_NO": "", "TOP_CHARGE": charge, "CHARGE_DESC": "",
            "WARRANT_FLAG": "Y" if charge == "WARR" else "N", "ARRESTING_AGENCY": rng.choice(AGENCIES),
            "RELEASE_CODE": ""}


def _release(rng, day: date, booked: dict) -> dict:
    at = datetime.combine(day, time(rng.randint(6, 20), rng.choice([0, 15, 30, 45])))
    return {**booked, "EVENT_TYPE": "REL", "EVENT_DATE": at.strftime("%m/%d/%Y"), "EVENT_TIME": at.strftime("%H:%M"),
            "TOP_CHARGE": "", "WARRANT_FLAG": "", "RELEASE_CODE": rng.choice(RELEASES)}
