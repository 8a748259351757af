"""Import profiles: the JSON that says how a source's export reads, checked here with errors a person can fix.

The format is documented, with a worked example, in docs/records.md; the shipped profiles live in
divert/records/fixtures/profile-*.json and load with `divert import-profiles`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction

FIXTURES = Path(__file__).resolve().parent / "fixtures"

KINDS = ("booking", "release", "arrest", "charge", "disposition")
SEVERITIES = ("felony", "misdemeanor", "violation")
RELEASE_REASONS = ("bail", "own_recognizance", "time_served", "charges_dropped", "court_order", "transfer",
                   "sentence_complete", "other")
DISPOSITIONS = ("convicted", "dismissed", "acquitted", "deferred", "diverted", "pending", "other")

# Divert fields a profile may map a source column to.
FIELDS = (
    "last_name", "first_name", "middle_name", "full_name", "date_of_birth", "sex", "race",
    "state_id", "fbi_number", "jail_person_id",
    "occurred_at", "occurred_date", "occurred_time",
    "booking_number", "case_number", "agency", "charge_code", "charge_description", "severity", "warrant",
    "release_reason", "disposition",
)  # fmt: skip
# What each kind of row cannot do without (beyond a name and a time, which every row needs).
KIND_NEEDS = {
    "booking": ("booking_number",),
    "release": ("booking_number",),
    "arrest": (),
    "charge": ("charge_code",),
    "disposition": ("disposition",),
}
DEFAULT_SEX_CODES = {"M": "M", "MALE": "M", "F": "F", "FEMALE": "F", "X": "X", "N": "X", "NONBINARY": "X",
                     "U": "", "UNKNOWN": ""}
DEFAULT_RACE_CODES = {"W": "W", "WHITE": "W", "B": "B", "BLACK": "B", "A": "A", "ASIAN": "A", "I": "I",
                      "NATIVE": "I", "P": "P", "PACIFIC": "P", "H": "H", "HISPANIC": "H", "O": "O", "OTHER": "O",
                      "U": "", "UNKNOWN": ""}
DEFAULT_WARRANT_CODES = {"Y": True, "YES": True, "TRUE": True, "1": True, "N": False, "NO": False, "FALSE": False,
                         "0": False}
DEFAULT_MAX_ROWS = 5_000_000
DEFAULT_MAX_FIELD_CHARS = 1_000
FORMATS = ("csv", "jsonl")
ISO = "iso"  # accepted in any list of formats: ISO 8601 (with an offset it wins over the profile's time zone)
TOP_KEYS = {
    "format", "encoding", "delimiter", "quotechar", "kinds", "kind_column", "kind_codes", "time_zone",
    "date_formats", "time_formats", "datetime_formats", "columns", "required", "key", "name_order",
    "charge_codes", "release_reasons", "dispositions", "sex_codes", "race_codes", "severity_codes", "warrant_codes",
    "bad_rows", "row_checks", "max_rows", "max_field_chars",
}  # fmt: skip
# "strict": any bad value makes the row bad. "lenient": a bad value of an optional field is left blank and
# reported as a warning, and a row without a last name is kept when an identifier, or a first name and a full
# date of birth, says who it is (divert.records.parsing.parse_row; docs/records.md).
ROW_CHECKS = ("strict", "lenient")


class ProfileError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class CodeMap:
    codes: dict
    unmapped: str = "error"  # or "keep": an unknown code is kept as sent, with nothing derived from it


@dataclass(frozen=True)
class Spec:
    format: str
    encoding: str
    delimiter: str
    quotechar: str
    kinds: tuple[str, ...]
    kind_column: str
    kind_codes: dict
    time_zone: ZoneInfo
    date_formats: tuple[str, ...]
    time_formats: tuple[str, ...]
    datetime_formats: tuple[str, ...]
    columns: dict  # Divert field -> source column (a dotted path into each object for JSON lines)
    required: tuple[str, ...]  # Divert fields every row must fill
    key: tuple[str, ...]  # source columns
    name_order: str
    charge_codes: CodeMap | None
    release_reasons: CodeMap | None
    dispositions: CodeMap | None
    sex_codes: dict
    race_codes: dict
    severity_codes: dict
    warrant_codes: dict
    bad_rows: str
    max_rows: int
    max_field_chars: int
    row_checks: str = "strict"
    source_columns: tuple[str, ...] = field(default=())

    def kind_is_fixed(self) -> bool:
        return not self.kind_column


def _codes(raw, name: str, problems: list[str], targets=None, *, upper_keys: bool = True) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(f"{name} must be an object of source code -> value")
        return {}
    out = {}
    for code, value in raw.items():
        if targets is not None and value not in targets:
            problems.append(f"{name}: {code!r} maps to {value!r}, which is not one of {', '.join(map(str, targets))}")
        out[str(code).strip().upper() if upper_keys else str(code)] = value
    return out


def _code_map(raw, name: str, problems: list[str], targets=None) -> CodeMap | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("codes"), dict):
        problems.append(f'{name} must look like {{"unmapped": "error", "codes": {{...}}}}')
        return None
    unmapped = raw.get("unmapped", "error")
    if unmapped not in ("error", "keep"):
        problems.append(f'{name}.unmapped must be "error" or "keep", not {unmapped!r}')
    if name == "charge_codes":
        codes = {}
        for code, value in raw["codes"].items():
            if not isinstance(value, dict):
                problems.append(f"charge_codes: {code!r} must map to an object with category and severity")
                continue
            if value.get("severity", "") not in (*SEVERITIES, ""):
                problems.append(f"charge_codes: {code!r} has severity {value.get('severity')!r}; use one of "
                                f"{', '.join(SEVERITIES)}")
            if not re.fullmatch(r"[a-z0-9_]{0,60}", str(value.get("category", ""))):
                problems.append(f"charge_codes: {code!r} has category {value.get('category')!r}; use lower-case "
                                "words joined by _ (at most 60 characters)")
            codes[str(code).strip().upper()] = value
    else:
        codes = _codes(raw["codes"], name, problems, targets)
    return CodeMap(codes=codes, unmapped=unmapped)


def _formats(raw, name: str, problems: list[str], sample: datetime) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(f, str) and f for f in raw):
        problems.append(f'{name} must be a list of strptime formats (like "%m/%d/%Y") or "iso"')
        return ()
    for fmt in raw:
        if fmt == ISO:
            continue
        if "%" not in fmt:
            problems.append(f"{name}: {fmt!r} has no % directive; formats look like %m/%d/%Y")
            continue
        try:
            datetime.strptime(sample.strftime(fmt), fmt)
        except ValueError as exc:
            problems.append(f"{name}: {fmt!r} cannot be read back ({exc})")
    return tuple(raw)


def parse_spec(spec) -> Spec:
    """The spec, checked; ProfileError lists every problem found, not only the first."""
    problems: list[str] = []
    if not isinstance(spec, dict):
        raise ProfileError(["the profile must be a JSON object"])
    unknown = sorted(set(spec) - TOP_KEYS)
    if unknown:
        problems.append(f"unknown setting(s): {', '.join(unknown)}")
    fmt = spec.get("format")
    if fmt not in FORMATS:
        problems.append(f'format must be "csv" or "jsonl", not {fmt!r}')
    encoding = spec.get("encoding", "utf-8")
    try:
        "".encode(encoding)
    except (LookupError, TypeError):
        problems.append(f"encoding {encoding!r} is not an encoding Python knows (try utf-8 or cp1252)")
    delimiter = spec.get("delimiter", ",")
    quotechar = spec.get("quotechar", '"')
    if fmt == "csv" and (not isinstance(delimiter, str) or len(delimiter) != 1):
        problems.append("delimiter must be one character (use \"\\t\" for tab)")
    if fmt == "csv" and (not isinstance(quotechar, str) or len(quotechar) != 1):
        problems.append("quotechar must be one character")

    kinds = spec.get("kinds")
    if not isinstance(kinds, list) or not kinds or any(k not in KINDS for k in kinds):
        problems.append(f"kinds must be a non-empty list drawn from {', '.join(KINDS)}")
        kinds = [k for k in kinds or [] if k in KINDS] if isinstance(kinds, list) else []
    kind_column = spec.get("kind_column", "")
    kind_codes = _codes(spec.get("kind_codes"), "kind_codes", problems, targets=kinds)
    if kind_column and not kind_codes:
        problems.append("kind_column needs kind_codes saying which source value means which kind")
    if kind_codes and not kind_column:
        problems.append("kind_codes needs kind_column naming the column that holds them")

    tz_name = spec.get("time_zone")
    try:
        time_zone = ZoneInfo(tz_name) if isinstance(tz_name, str) and tz_name else None
    except (ZoneInfoNotFoundError, ValueError):
        time_zone = None
    if time_zone is None:
        problems.append(f"time_zone must be an IANA time zone name such as America/Los_Angeles, not {tz_name!r}")
        time_zone = ZoneInfo("UTC")

    sample = datetime(2024, 11, 30, 23, 45)
    date_formats = _formats(spec.get("date_formats", [ISO]), "date_formats", problems, sample)
    time_formats = _formats(spec.get("time_formats", []), "time_formats", problems, sample)
    datetime_formats = _formats(spec.get("datetime_formats", []), "datetime_formats", problems, sample)

    columns = spec.get("columns")
    if not isinstance(columns, dict) or not columns:
        problems.append("columns must map Divert fields to source columns")
        columns = {}
    for name, source in columns.items():
        if name not in FIELDS:
            problems.append(f"columns: {name!r} is not a Divert field (fields: {', '.join(FIELDS)})")
        if not isinstance(source, str) or not source:
            problems.append(f"columns: {name!r} must name a source column")
    if "occurred_at" not in columns and "occurred_date" not in columns:
        problems.append("columns must map occurred_at (a date and time) or occurred_date (with optional "
                        "occurred_time): every row needs the time of its event")
    if "occurred_at" in columns and "occurred_date" in columns:
        problems.append("map either occurred_at or occurred_date and occurred_time, not both")
    if "occurred_time" in columns and not time_formats:
        problems.append("occurred_time needs time_formats")
    if "occurred_at" in columns and not datetime_formats:
        problems.append('occurred_at needs datetime_formats (["iso"] for ISO 8601)')
    if "last_name" not in columns and "full_name" not in columns:
        problems.append("columns must map last_name or full_name: linkage needs a name")
    if "full_name" in columns and {"last_name", "first_name"} & set(columns):
        problems.append("map either full_name or last_name and first_name, not both")
    name_order = spec.get("name_order", "last_first")
    if name_order not in ("last_first", "first_last"):
        problems.append('name_order must be "last_first" (LAST, FIRST MIDDLE) or "first_last"')
    for kind in kinds:
        for need in KIND_NEEDS[kind]:
            if need not in columns:
                problems.append(f"{kind} rows need the {need} field: map a column to it")
    if kind_column and kind_column in columns.values():
        problems.append(f"kind_column {kind_column!r} is also mapped to a field; use a column once")

    required = spec.get("required", [])
    if not isinstance(required, list) or any(r not in columns for r in required):
        problems.append("required must list Divert fields that columns maps")
        required = [r for r in required if r in columns] if isinstance(required, list) else []
    key = spec.get("key")
    if not isinstance(key, list) or not key or not all(isinstance(k, str) and k for k in key):
        problems.append("key must list the source columns that make a row unique at the source")
        key = []
    # Every column the profile names must be in the file (a key column need not be mapped to a field).
    source_columns = [*columns.values(), *([kind_column] if kind_column else []), *key]

    charge_codes = _code_map(spec.get("charge_codes"), "charge_codes", problems)
    release_reasons = _code_map(spec.get("release_reasons"), "release_reasons", problems, RELEASE_REASONS)
    dispositions = _code_map(spec.get("dispositions"), "dispositions", problems, DISPOSITIONS)
    if "release_reason" in columns and release_reasons is None:
        problems.append("release_reason is mapped: add release_reasons to say what each code means")
    if "disposition" in columns and dispositions is None:
        problems.append("disposition is mapped: add dispositions to say what each code means")
    sex_codes = {**DEFAULT_SEX_CODES, **_codes(spec.get("sex_codes"), "sex_codes", problems, ("M", "F", "X", ""))}
    race_codes = {**DEFAULT_RACE_CODES,
                  **_codes(spec.get("race_codes"), "race_codes", problems, ("W", "B", "A", "I", "P", "H", "O", ""))}
    severity_codes = _codes(spec.get("severity_codes"), "severity_codes", problems, SEVERITIES)
    if "severity" in columns and not severity_codes:
        problems.append("severity is mapped: add severity_codes (for example {\"F\": \"felony\"})")
    warrant_codes = {**DEFAULT_WARRANT_CODES,
                     **_codes(spec.get("warrant_codes"), "warrant_codes", problems, (True, False))}

    bad_rows = spec.get("bad_rows", "reject")
    if bad_rows not in ("reject", "quarantine"):
        problems.append(f'bad_rows must be "reject" or "quarantine", not {bad_rows!r}')
    row_checks = spec.get("row_checks", "strict")
    if row_checks not in ROW_CHECKS:
        problems.append(f'row_checks must be "strict" (a bad value makes the row bad) or "lenient" (a bad optional '
                        f'value is left blank with a warning), not {row_checks!r}')
    max_rows = spec.get("max_rows", DEFAULT_MAX_ROWS)
    max_field_chars = spec.get("max_field_chars", DEFAULT_MAX_FIELD_CHARS)
    for name, value, ceiling in (("max_rows", max_rows, 50_000_000), ("max_field_chars", max_field_chars, 100_000)):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= ceiling:
            problems.append(f"{name} must be a whole number from 1 to {ceiling:,}")
    if problems:
        raise ProfileError(problems)
    return Spec(
        format=fmt, encoding=encoding, delimiter=delimiter, quotechar=quotechar, kinds=tuple(kinds),
        kind_column=kind_column, kind_codes=kind_codes, time_zone=time_zone, date_formats=date_formats,
        time_formats=time_formats, datetime_formats=datetime_formats, columns=dict(columns),
        required=tuple(required), key=tuple(key), name_order=name_order, charge_codes=charge_codes,
        release_reasons=release_reasons, dispositions=dispositions, sex_codes=sex_codes, race_codes=race_codes,
        severity_codes=severity_codes, warrant_codes=warrant_codes, bad_rows=bad_rows, max_rows=max_rows,
        max_field_chars=max_field_chars, row_checks=row_checks, source_columns=tuple(dict.fromkeys(source_columns)),
    )


def read_profile_file(path: Path) -> dict:
    """A profile file: {"slug", "name", "description", "spec"}; ProfileError when it does not hold together."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProfileError([f"{path}: cannot be read as JSON ({exc})"]) from None
    problems = []
    if not isinstance(data, dict):
        raise ProfileError([f"{path}: must hold a JSON object"])
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}", str(data.get("slug", ""))):
        problems.append("slug must be lower-case letters, digits and dashes (like county-jail-csv)")
    if not str(data.get("name", "")).strip():
        problems.append("name is missing")
    try:
        parse_spec(data.get("spec"))
    except ProfileError as exc:
        problems.extend(f"spec: {p}" for p in exc.problems)
    if problems:
        raise ProfileError([f"{path}: {p}" for p in problems])
    return data


def shipped_profile_files() -> list[Path]:
    return sorted(FIXTURES.glob("profile-*.json"))


@transaction.atomic
def save_profile(data: dict, *, actor=None):
    """Create or update the profile named by data["slug"]; returns (profile, "created" | "updated" | "unchanged")."""
    from divert.audit.log import log_event
    from divert.records.models import ImportProfile

    parse_spec(data["spec"])
    fields = {"name": data["name"], "description": data.get("description", ""), "spec": data["spec"]}
    profile = ImportProfile.objects.select_for_update().filter(slug=data["slug"]).first()
    if profile is not None and all(getattr(profile, k) == v for k, v in fields.items()):
        return profile, "unchanged"
    outcome = "created" if profile is None else "updated"
    profile, _ = ImportProfile.objects.update_or_create(slug=data["slug"], defaults=fields)
    log_event("divert.records.profile.saved", actor=actor, target=profile,
              details={"slug": profile.slug, "outcome": outcome})
    return profile, outcome
