"""Read an HMIS export zip and check it against the column lists of hmis_spec, independently of the writer."""

import csv
import io
import re
import zipfile
from datetime import date, datetime

from divert.interop import hmis_spec as spec

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def read_zip(data: bytes) -> dict[str, list[dict]]:
    files = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8")
            reader = csv.reader(io.StringIO(text))
            rows = list(reader)
            files[name] = {"header": rows[0], "rows": [dict(zip(rows[0], r, strict=True)) for r in rows[1:]],
                           "text": text}
    return files


def problems(files: dict) -> list[str]:
    """Everything wrong with the files, as sentences; an empty list when they follow the format."""
    out = []
    for name in spec.FILES:
        if name not in files:
            out.append(f"{name} is missing")
            continue
        got = files[name]
        if got["header"] != spec.header(name):
            out.append(f"{name}: header differs from the specification")
        kinds = spec.kinds(name)
        for n, row in enumerate(got["rows"], start=2):
            for column in spec.REQUIRED[name]:
                if not row.get(column, ""):
                    out.append(f"{name} line {n}: {column} is empty")
            for column, value in row.items():
                if not value:
                    continue
                kind = kinds[column]
                if kind == "date":
                    if not DATE.match(value):
                        out.append(f"{name} line {n}: {column} {value!r} is not YYYY-MM-DD")
                    else:
                        date.fromisoformat(value)
                elif kind == "datetime":
                    if not DATETIME.match(value):
                        out.append(f"{name} line {n}: {column} {value!r} is not YYYY-MM-DD HH:MM:SS")
                    else:
                        datetime.strptime(value, spec.DATETIME_FORMAT)
                elif kind == "int" and not value.isdigit():
                    out.append(f"{name} line {n}: {column} {value!r} is not a whole number")
                codes = spec.CODES.get(name, {}).get(column)
                if codes is not None and value.isdigit() and int(value) not in codes:
                    out.append(f"{name} line {n}: {column} {value} is not in its code list")
                if value[0] in "=+-@":
                    out.append(f"{name} line {n}: {column} starts with a formula character")
    keys = {}
    for (name, column), (target, key) in spec.REFERENCES.items():
        if name not in files or target not in files:
            continue
        keys.setdefault((target, key), {r[key] for r in files[target]["rows"]})
        for row in files[name]["rows"]:
            if row[column] and row[column] not in keys[(target, key)]:
                out.append(f"{name}: {column} {row[column]} is not in {target}")
    export_ids = {r["ExportID"] for r in files.get("Export.csv", {"rows": []})["rows"]}
    if len(export_ids) != 1:
        out.append("Export.csv must have exactly one row")
    for name in spec.FILES:
        for row in files.get(name, {"rows": []})["rows"]:
            if row.get("ExportID") not in export_ids:
                out.append(f"{name}: a row names another export")
                break
    return out
