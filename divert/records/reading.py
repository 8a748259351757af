"""Read a feed file row by row, in constant memory, refusing what cannot be read safely.

Rows come out as (row_number, raw, problems): `raw` maps source column (or, for JSON lines, the object) to its
value; problems are (column, value, reason) for a row that cannot even be split into fields. Row numbers are
what a spreadsheet shows: the CSV header is row 1; for JSON lines they are line numbers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from divert.records.profiles import Spec

SNIFF_BYTES = 4096
MAX_LINE_CHARS = 262_144  # one JSON line; a CSV field is capped by csv.field_size_limit() (131,072 by default)
BINARY_SIGNATURES = {
    b"PK\x03\x04": "a spreadsheet or zip file (.xlsx, .zip)",
    b"\xd0\xcf\x11\xe0": "an old-style Excel file (.xls)",
    b"%PDF": "a PDF",
    b"\x1f\x8b": "a gzip file",
}


class FileRefused(Exception):
    """The whole file is refused; nothing from it is kept."""

    def __init__(self, reason: str, *, column: str = "", row_number: int | None = None):
        self.reason = reason
        self.column = column
        self.row_number = row_number
        super().__init__(reason)


class _Counting(io.RawIOBase):
    """Counts the bytes read from the file, for progress."""

    def __init__(self, raw):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer) or 0
        self.count += n
        return n


@dataclass
class Opened:
    text: io.TextIOWrapper
    counter: _Counting
    encoding: str


def clean(value: str) -> str:
    # PostgreSQL text and jsonb cannot hold NUL; keep the row, mark the spot.
    return value.replace("\x00", "\ufffd") if "\x00" in value else value


def sniff(head: bytes, declared: str) -> str:
    """The encoding to read with: a byte-order mark wins over the profile; binary files are refused."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    for signature, what in BINARY_SIGNATURES.items():
        if head.startswith(signature):
            raise FileRefused(f"This is {what}, not a CSV or JSON-lines file. Export the data as text and try "
                              "again.")
    if b"\x00" in head:
        raise FileRefused("The file contains NUL bytes: it is probably UTF-16 without a byte-order mark, or not a "
                          f"text file. Export it as {declared}.")
    return declared


def open_text(binary, spec: Spec) -> Opened:
    head = binary.read(SNIFF_BYTES)
    binary.seek(0)
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileRefused("The file is empty.")
    encoding = sniff(head, spec.encoding)
    counter = _Counting(binary)
    text = io.TextIOWrapper(io.BufferedReader(counter, buffer_size=65536), encoding=encoding, errors="strict",
                            newline="" if spec.format == "csv" else None)
    return Opened(text, counter, encoding)


def rows(opened: Opened, spec: Spec) -> Iterator[tuple[int, dict, list]]:
    if spec.format == "csv":
        return _csv_rows(opened.text, spec)
    return _jsonl_rows(opened.text, spec)


def _csv_rows(text, spec: Spec) -> Iterator[tuple[int, dict, list]]:
    reader = csv.reader(text, delimiter=spec.delimiter, quotechar=spec.quotechar, strict=False)
    number = 1
    try:
        header = next(reader, None)
        while header is not None and not any(h.strip() for h in header):
            header = next(reader, None)  # blank lines before the header
        if header is None:
            raise FileRefused("The file is empty.")
        header = [clean(h.strip().lstrip("\ufeff")) for h in header]
        seen = set()
        repeated = sorted({h for h in header if h in seen or seen.add(h)})
        if repeated:
            raise FileRefused(f"The header names these columns more than once: {', '.join(repeated)}.",
                              column=", ".join(repeated), row_number=1)
        missing = sorted(c for c in spec.source_columns if c not in header)
        if missing:
            raise FileRefused(f"The header lacks columns the profile needs: {', '.join(missing)}. Nothing was "
                              "imported; check that the file is the export this profile describes.",
                              column=", ".join(missing), row_number=1)
        width = len(header)
        for fields in reader:
            number += 1
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # a blank line
            fields = [clean(f) for f in fields]
            problems = []
            if len(fields) != width:
                problems.append(("", "", f"the row has {len(fields)} fields; the header has {width}"))
            yield number, dict(zip(header, fields, strict=False)), problems
    except csv.Error as exc:
        raise FileRefused(f"Row {number + 1} cannot be read ({exc}). A stray quote mark can make the rest of the "
                          "file one field, so the file is refused.", row_number=number + 1) from None


def _jsonl_rows(text, spec: Spec) -> Iterator[tuple[int, dict, list]]:
    number = 0
    while True:
        line = text.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
            while line and not line.endswith("\n"):
                line = text.readline(MAX_LINE_CHARS)
            yield number, {}, [("", "", f"the line is longer than {MAX_LINE_CHARS:,} characters")]
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line, parse_constant=_not_json)
        except json.JSONDecodeError as exc:
            yield number, {"_line": clean(line.rstrip("\r\n"))}, [("", line.strip(), f"not valid JSON ({exc.msg})")]
            continue
        if not isinstance(obj, dict):
            yield number, {"_line": clean(line.rstrip("\r\n"))}, [("", line.strip(), "not a JSON object")]
            continue
        yield number, _clean_json(obj), []


def _not_json(name: str):
    """Python's json reads NaN and Infinity; JSON has neither, and the database refuses them later."""
    raise json.JSONDecodeError(f"{name} is not a JSON value", name, 0)


def _clean_json(value):
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(str(k)): _clean_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    return value


def lookup(raw: dict, column: str, spec: Spec):
    """The raw value of a source column: a header name in CSV, a dotted path in JSON lines."""
    if spec.format == "csv":
        return raw.get(column)
    value = raw
    for part in column.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
