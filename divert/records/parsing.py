"""Turn one raw row into Divert's fields, or say, column by column, why it cannot be.

Everything here works on one row and keeps nothing between rows. Under a profile's `"row_checks": "lenient"`,
a bad value of an optional field is left blank and reported as a warning instead of refusing the row, and a row
without a last name is kept when something else says who it is (see `parse_row` and docs/records.md).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from divert.records.profiles import ISO, KIND_NEEDS, Spec
from divert.records.reading import lookup

SUFFIXES = {"JR", "SR", "II", "III", "IV", "V", "2ND", "3RD"}
NAME_JUNK = re.compile(r"[^\w\s'-]|[\d_]")
SPACES = re.compile(r"\s+")
MESSY_SPACE = re.compile(r"\s\s|[^\S ]")
IDENTIFIER_OK = re.compile(r"[A-Z0-9]{1,64}")
MAX_NAME = 100
MAX_KEY = 255
# Fields kept as text after cleaning (length checked against the model).
TEXT_LIMITS = {"booking_number": 64, "case_number": 64, "agency": 100, "charge_code": 64, "charge_description": 300}
# Partial dates of birth as feeds send them: unknown parts as 00 or missing.
PARTIAL_DOB = [
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), ("y", "m", "d")),
    (re.compile(r"(\d{4})-(\d{2})"), ("y", "m")),
    (re.compile(r"(\d{4})"), ("y",)),
    (re.compile(r"(\d{2})/(\d{2})/(\d{4})"), ("m", "d", "y")),
    (re.compile(r"(\d{2})/(\d{4})"), ("m", "y")),
]
HASHED = (
    "kind", "last_name", "first_name", "middle_name", "name_suffix", "date_of_birth", "dob_year", "dob_month",
    "dob_day", "sex", "race", "state_id", "fbi_number", "jail_person_id", "occurred_at", "booking_number",
    "case_number", "agency", "charge_code", "charge_description", "offense_category", "severity", "warrant",
    "release_reason", "disposition",
)  # fmt: skip


# Fields a row can never do without, whatever the profile says: the time of its event.
ALWAYS_FIRM = ("occurred_at", "occurred_date", "occurred_time")
# Identifiers strong enough to keep a row that has no last name (lenient row checks).
STRONG_IDENTIFIERS = ("state_id", "fbi_number", "jail_person_id")


class RowProblems(list):
    """The row's refusals (the list itself: any one makes the row bad) and its `warnings`: values left blank
    under lenient row checks, the row kept."""

    def __init__(self, *args):
        super().__init__(*args)
        self.warnings: list[tuple[str, str, str]] = []

    def add(self, column: str, value, reason: str) -> None:
        self.append((column, "" if value is None else str(value), reason))

    def warn(self, column: str, value, reason: str) -> None:
        self.warnings.append((column, "" if value is None else str(value), reason))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return str(value)
    text = str(value).strip()
    return SPACES.sub(" ", text) if MESSY_SPACE.search(text) else text


def name_part(value: str) -> str:
    value = unicodedata.normalize("NFKC", value).upper()
    return SPACES.sub(" ", NAME_JUNK.sub(" ", value)).strip()


def split_suffix(words: list[str]) -> tuple[list[str], str]:
    if len(words) > 1 and words[-1].replace(".", "") in SUFFIXES:
        return words[:-1], words[-1].replace(".", "")
    return words, ""


def split_full_name(value: str, order: str) -> tuple[str, str, str, str]:
    """(last, first, middle, suffix) from "LAST, FIRST MIDDLE JR" or "First Middle Last Jr"."""
    value = unicodedata.normalize("NFKC", value).upper()
    if "," in value:
        last, _, rest = value.partition(",")
        rest_words, suffix = split_suffix(name_part(rest).split())
        last_words, last_suffix = split_suffix(name_part(last).split())
        first = rest_words[0] if rest_words else ""
        return " ".join(last_words), first, " ".join(rest_words[1:]), suffix or last_suffix
    words, suffix = split_suffix(name_part(value).split())
    if not words:
        return "", "", "", suffix
    if order == "last_first":
        return words[0], (words[1] if len(words) > 1 else ""), " ".join(words[2:]), suffix
    return words[-1], (words[0] if len(words) > 1 else ""), " ".join(words[1:-1]), suffix


@lru_cache(maxsize=8192)  # feeds repeat the same dates many times; strptime is slow
def parse_date(value: str, formats) -> date | None:
    for fmt in formats:
        try:
            if fmt == ISO:
                return date.fromisoformat(value)
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def parse_partial_dob(value: str, formats, today: date):
    """(date or None, year, month, day) or a reason it is not a date of birth."""
    full = parse_date(value, formats)
    if full is not None:
        parts = {"y": full.year, "m": full.month, "d": full.day}
    else:
        for pattern, names in PARTIAL_DOB:
            match = pattern.fullmatch(value)
            if match:
                parts = {n: int(v) for n, v in zip(names, match.groups(), strict=True)}
                break
        else:
            return "not a date in a format this profile reads"
        parts = {n: (v or None) for n, v in parts.items()}  # 00 means unknown
    year, month, day = parts.get("y"), parts.get("m"), parts.get("d")
    if year is None:
        return "the year of birth is missing"
    if month is not None and not 1 <= month <= 12:
        return "not a real date (month out of range)"
    if day is not None and month is None:
        return "a day of birth without a month"
    if day is not None:
        try:
            full = date(year, month, day)
        except ValueError:
            return "not a real date"
    else:
        full = None
    if year < 1900 or (full or date(year, month or 1, 1)) > today:
        return "an impossible date of birth (before 1900 or in the future)"
    return full, year, month, day


@lru_cache(maxsize=4096)
def parse_time(value: str, formats) -> time | None:
    for fmt in formats:
        try:
            if fmt == ISO:
                return time.fromisoformat(value)
            return datetime.strptime(value, fmt).time()
        except ValueError:
            continue
    return None


def parse_datetime(value: str, formats, zone) -> datetime | None:
    for fmt in formats:
        try:
            moment = datetime.fromisoformat(value) if fmt == ISO else datetime.strptime(value, fmt)
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC)
    return None


def _code(value: str, table: dict, column: str, add, what: str):
    """The code's meaning; an unknown code goes to `add(column, value, reason)` (a refusal or a warning)."""
    if not value:
        return None
    key = value.upper()
    if key in table:
        return table[key]
    known = ", ".join(list(table)[:12])
    add(column, value, f"unknown {what} code (known: {known}{', ...' if len(table) > 12 else ''})")
    return None


def _mapped(value: str, code_map, column: str, problems: RowProblems, what: str):
    """(mapped, kept): an unknown code is an error, or kept as sent when the profile says so."""
    if not value or code_map is None:
        return None, value
    key = value.upper()
    if key in code_map.codes:
        return code_map.codes[key], value
    if code_map.unmapped == "keep":
        return None, value
    problems.add(column, value, f"{what} code not in the profile's list; add it to the profile or fix the row")
    return None, value


def content_hash(fields: dict) -> str:
    payload = "\x1f".join("" if fields.get(k) is None else str(fields[k]) for k in HASHED)
    return hashlib.sha256(payload.encode()).hexdigest()


class _Checks:
    """Where a value's problem goes: a refusal, or under lenient row checks a warning with the value left blank.

    A field is *firm* when the row cannot do without it: the profile requires it, the row's kind needs it, its
    column is part of the source key, or it is the time of the event. A problem with a firm field always
    refuses the row; so do problems that are not about one value (the kind, the key, a code the profile's
    `unmapped: "error"` says must be known).
    """

    def __init__(self, spec: Spec, kind: str | None, problems: RowProblems):
        self.lenient = spec.row_checks == "lenient"
        self.problems = problems
        key_fields = {name for name, column in spec.columns.items() if column in spec.key}
        self.firm = {*spec.required, *KIND_NEEDS.get(kind or "", ()), *key_fields, *ALWAYS_FIRM}

    def optional(self, field: str) -> bool:
        return self.lenient and field not in self.firm

    def bad(self, field: str):
        """`add(column, value, reason)` for a problem with `field`'s value."""
        if not self.optional(field):
            return self.problems.add

        def warn(column, value, reason):
            self.problems.warn(column, value, f"{reason}; left blank, the row was kept")

        return warn


def parse_row(spec: Spec, raw: dict, kind: str | None, now: datetime) -> tuple[dict, RowProblems]:
    """Divert's fields for one row, and its problems (the fields are meaningless when there are any).

    `problems.warnings` lists what lenient row checks let through (the row is good, those values blank).
    """
    problems = RowProblems()
    cols = spec.columns
    out: dict = {}

    # Kind (first: what the row's kind needs is firm)
    if spec.kind_column:
        code = _text(lookup(raw, spec.kind_column, spec))
        row_kind = spec.kind_codes.get(code.upper()) if code else None
        if row_kind is None:
            problems.add(spec.kind_column, code, f"not a kind this profile knows ({', '.join(spec.kind_codes)})")
        elif kind and row_kind != kind:
            problems.add(spec.kind_column, code, f"this row is a {row_kind}; the import was started for {kind} rows")
        kind = row_kind or kind
    out["kind"] = kind or ""
    checks = _Checks(spec, kind, problems)

    values: dict[str, str] = {}
    for name, column in cols.items():
        value = lookup(raw, column, spec)
        if isinstance(value, dict | list):
            checks.bad(name)(column, json.dumps(value)[:200], "expected a single value, found a list or object")
            value = None
        text = _text(value)
        if len(text) > spec.max_field_chars:
            checks.bad(name)(column, text, f"the value is {len(text):,} characters long; this profile allows "
                                           f"{spec.max_field_chars:,}")
            text = ""
        values[name] = text

    # Names
    if "full_name" in cols:
        last, first, middle, suffix = split_full_name(values["full_name"], spec.name_order)
    else:
        last_words, suffix = split_suffix(name_part(values.get("last_name", "")).split())
        last = " ".join(last_words)
        first = name_part(values.get("first_name", ""))
        middle = name_part(values.get("middle_name", ""))
    for field, value in (("last_name", last), ("first_name", first), ("middle_name", middle)):
        if len(value) > MAX_NAME:
            checks.bad(field)(cols.get(field, cols.get("full_name", "")), value,
                              f"a name longer than {MAX_NAME} letters")
            value = ""
        out[field] = value
    out["name_suffix"] = suffix[:10]
    last_name_column = cols.get("last_name") or cols.get("full_name", "")
    missing_last_name = not out["last_name"] and not problems
    if missing_last_name and not checks.optional("last_name"):
        problems.add(last_name_column, "", "the last name is missing")

    # Date of birth
    out.update(date_of_birth=None, dob_year=None, dob_month=None, dob_day=None)
    if values.get("date_of_birth"):
        parsed = parse_partial_dob(values["date_of_birth"], spec.date_formats, now.date())
        if isinstance(parsed, str):
            checks.bad("date_of_birth")(cols["date_of_birth"], values["date_of_birth"], parsed)
        else:
            out["date_of_birth"], out["dob_year"], out["dob_month"], out["dob_day"] = parsed

    # Sex, race, identifiers
    out["sex"] = _code(values.get("sex", ""), spec.sex_codes, cols.get("sex", ""), checks.bad("sex"), "sex") or ""
    out["race"] = _code(values.get("race", ""), spec.race_codes, cols.get("race", ""), checks.bad("race"),
                        "race") or ""
    for field in STRONG_IDENTIFIERS:
        value = re.sub(r"[\s.-]", "", values.get(field, "")).upper()
        if value and not IDENTIFIER_OK.fullmatch(value):
            checks.bad(field)(cols[field], values[field], "an identifier must be letters and digits (at most 64)")
            value = ""
        out[field] = value

    if missing_last_name and checks.optional("last_name"):
        # Lenient: a row without a last name is still someone when an identifier or a first name and a full
        # date of birth says who; linkage then works on what there is.
        carried = [f.replace("_", " ") for f in STRONG_IDENTIFIERS if out[f]]
        if carried:
            problems.warn(last_name_column, "", f"the last name is missing; the row was kept because it carries a "
                                                f"{' and a '.join(carried)}")
        elif out["first_name"] and out["date_of_birth"]:
            problems.warn(last_name_column, "", "the last name is missing; the row was kept because it has a "
                                                "first name and a full date of birth")
        else:
            problems.add(last_name_column, "", "the last name is missing, and neither an identifier (state id, FBI "
                                               "number, jail person id) nor a first name with a full date of birth "
                                               "says who the row is about")

    # When
    out["occurred_at"] = _occurred_at(spec, values, problems, now)

    # Case facts
    for field, limit in TEXT_LIMITS.items():
        value = values.get(field, "")
        if field in ("booking_number", "case_number", "charge_code"):
            value = value.upper()
        if len(value) > limit:
            checks.bad(field)(cols[field], value, f"longer than {limit} characters")
            value = ""
        out[field] = value
    charge, _ = _mapped(out["charge_code"], spec.charge_codes, cols.get("charge_code", ""), problems, "charge")
    out["offense_category"] = (charge or {}).get("category", "")
    out["severity"] = (charge or {}).get("severity", "")
    if not out["charge_description"]:
        out["charge_description"] = (charge or {}).get("description", "")[:300]
    if values.get("severity"):
        # The source's own class of the charge wins over the profile's code map.
        out["severity"] = _code(values["severity"], spec.severity_codes, cols["severity"], checks.bad("severity"),
                                "severity") or out["severity"]
    warrant = _code(values.get("warrant", ""), spec.warrant_codes, cols.get("warrant", ""), checks.bad("warrant"),
                    "warrant")
    out["warrant"] = warrant
    for field, code_map, what in (("release_reason", spec.release_reasons, "release reason"),
                                  ("disposition", spec.dispositions, "disposition")):
        mapped, sent = _mapped(values.get(field, ""), code_map, cols.get(field, ""), problems, what)
        out[field] = (mapped or sent)[:40]

    # What must be there
    needs = [*spec.required, *KIND_NEEDS.get(kind or "", ())]
    flagged = {column for column, _, _ in problems}  # one problem per column is enough
    for field in dict.fromkeys(needs):
        if not values.get(field) and field in cols and cols[field] not in flagged:
            flagged.add(cols[field])
            problems.add(cols[field], "", f"{field.replace('_', ' ')} is required and is missing")
    key_parts = []
    for column in spec.key:
        part = _text(lookup(raw, column, spec))
        if not part and column not in flagged:
            problems.add(column, "", "part of the row's source key is empty: the row cannot be told apart")
        key_parts.append(part)
    out["source_key"] = "|".join(key_parts)
    if len(out["source_key"]) > MAX_KEY:
        problems.add("|".join(spec.key), out["source_key"], f"the source key is longer than {MAX_KEY} characters")
    out["content_hash"] = content_hash(out)
    return out, problems


def _occurred_at(spec: Spec, values: dict, problems: RowProblems, now: datetime) -> datetime | None:
    cols = spec.columns
    if "occurred_at" in cols:
        column, text = cols["occurred_at"], values["occurred_at"]
        moment = parse_datetime(text, spec.datetime_formats, spec.time_zone) if text else None
        if text and moment is None:
            problems.add(column, text, f"not a real date and time in the form {' or '.join(spec.datetime_formats)}")
    else:
        column, text = cols["occurred_date"], values["occurred_date"]
        day = parse_date(text, spec.date_formats) if text else None
        if text and day is None:
            problems.add(column, text, f"not a real date in the form {' or '.join(spec.date_formats)}")
            return None
        clock = time(0, 0)
        time_text = values.get("occurred_time", "")
        if time_text:
            parsed = parse_time(time_text, spec.time_formats)
            if parsed is None:
                problems.add(cols["occurred_time"], time_text,
                             f"not a real time in the form {' or '.join(spec.time_formats)}")
            else:
                clock = parsed
        # A local wall time in the source's zone, stored as the instant in UTC.
        moment = datetime.combine(day, clock, tzinfo=spec.time_zone).astimezone(UTC) if day else None
    if not text:
        problems.add(column, "", "the date of the event is missing")
        return None
    if moment is not None and (moment > now + timedelta(days=1) or moment.year < 1900):
        problems.add(column, text, "an impossible event date (in the future or before 1900)")
        return None
    return moment

