"""Writes of the evaluation, each one transaction with its audit event: running it, importing a comparison cohort,
recording a data-use agreement, making a de-identified extract under one."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from divert.audit.log import log_event
from divert.outcomes.evaluation import extract as extracting
from divert.outcomes.evaluation.models import (
    DataUseAgreement,
    EvaluatorExtract,
    ImportedCohort,
    ImportedEvent,
    ImportedSubject,
)
from divert.outcomes.evaluation.runner import run_evaluation
from divert.privacy import policy

COHORT_COLUMNS = ["subject_id", "index_date", "birth_year", "sex", "race", "kind", "occurred_on", "severity",
                  "released_on"]
REQUIRED = {"subject_id", "index_date"}
# A de-identified cohort has none of these; a file that does is refused before anything is read.
IDENTIFYING = {"name", "first_name", "last_name", "full_name", "middle_name", "date_of_birth", "dob", "birth_date",
               "ssn", "social_security_number", "state_id", "fbi_number", "address", "phone", "booking_number",
               "case_number"}
KINDS = {"arrest", "charge", "booking"}
SEVERITIES = {"felony", "misdemeanor", "violation"}
MAX_BYTES = 50 * 1024 * 1024


class CohortRejected(Exception):
    """The file was refused: nothing from it was kept. `problems` lists every bad row ("row 7: ...")."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:3]))
        self.problems = problems


def do_run_evaluation(*, actor, request=None, cohort: ImportedCohort | None = None, method: str = "match"):
    if not policy.may_run_evaluation(actor):
        raise PermissionDenied
    return run_evaluation(user=actor, trigger="evaluator", cohort=cohort, method=method, request=request)


def _date(value: str, row: int, column: str, problems: list[str]) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(_("row %(row)d: %(column)s “%(value)s” is not a date like 2025-03-31")
                        % {"row": row, "column": column, "value": value[:40]})
        return None


def _parse_cohort(data: bytes) -> tuple[dict, list[tuple], list[str], int]:
    problems: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CohortRejected([_("The file is not UTF-8 text (save it as CSV, UTF-8).")]) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if not header:
        raise CohortRejected([_("The file is empty.")])
    named = sorted(IDENTIFYING & set(header))
    if named:
        raise CohortRejected([_("The file has identifying columns (%(cols)s): an imported cohort must be "
                                "de-identified. Remove them and upload it again.") % {"cols": ", ".join(named)}])
    missing = sorted(REQUIRED - set(header))
    if missing:
        raise CohortRejected([_("Columns missing: %(cols)s. Expected: %(expected)s.")
                              % {"cols": ", ".join(missing), "expected": ", ".join(COHORT_COLUMNS)}])
    reader.fieldnames = header
    subjects: dict[str, dict] = {}
    events: list[tuple] = []
    this_year = timezone.localdate().year
    rows = 0
    for number, raw in enumerate(reader, start=2):
        rows += 1
        row = {k: (v or "").strip() for k, v in raw.items() if k}
        before = len(problems)
        key = row.get("subject_id", "")
        if not key or len(key) > 64:
            problems.append(_("row %(row)d: subject_id is required (at most 64 characters)") % {"row": number})
        index = _date(row.get("index_date", ""), number, "index_date", problems)
        birth_year = None
        if row.get("birth_year"):
            if not row["birth_year"].isdigit() or not 1900 <= int(row["birth_year"]) <= this_year:
                problems.append(_("row %(row)d: birth_year “%(v)s” is not a year") % {"row": number,
                                                                                      "v": row["birth_year"][:10]})
            else:
                birth_year = int(row["birth_year"])
        sex, race = row.get("sex", "").upper(), row.get("race", "").upper()
        if sex not in {"", "M", "F", "X"}:
            problems.append(_("row %(row)d: sex must be M, F, X or blank") % {"row": number})
        if race not in {"", *"WBAIPHO"}:
            problems.append(_("row %(row)d: race must be one of W, B, A, I, P, H, O or blank") % {"row": number})
        kind, severity = row.get("kind", "").lower(), row.get("severity", "").lower()
        occurred = released = None
        if kind:
            if kind not in KINDS:
                problems.append(_("row %(row)d: kind must be arrest, charge, booking or blank") % {"row": number})
            occurred = _date(row.get("occurred_on", ""), number, "occurred_on", problems)
            if severity and severity not in SEVERITIES:
                problems.append(_("row %(row)d: severity must be felony, misdemeanor, violation or blank")
                                % {"row": number})
            if row.get("released_on"):
                released = _date(row["released_on"], number, "released_on", problems)
                if released and occurred and released < occurred:
                    problems.append(_("row %(row)d: released_on is before occurred_on") % {"row": number})
        if len(problems) > before:
            continue
        facts = {"index_date": index, "birth_year": birth_year, "sex": sex, "race": race}
        seen = subjects.setdefault(key, facts)
        if seen != facts:
            problems.append(_("row %(row)d: subject %(key)s has a different index date, birth year, sex or race "
                              "than on an earlier row") % {"row": number, "key": key[:20]})
            continue
        if kind:
            events.append((key, kind, occurred, severity, released))
    if rows == 0:
        problems.append(_("The file has a header but no rows."))
    return subjects, events, problems, rows


def do_import_cohort(upload, *, name: str, description: str = "", actor, request=None) -> ImportedCohort:
    """Import a de-identified comparison cohort from CSV (one row per event; a subject without events has one row
    with `kind` blank). Atomic: any bad row refuses the whole file, and every bad row is reported."""
    if not policy.may_run_evaluation(actor):
        raise PermissionDenied
    data = upload.read(MAX_BYTES + 1)
    filename = getattr(upload, "name", "")[:200]
    try:
        if len(data) > MAX_BYTES:
            raise CohortRejected([_("The file is larger than 50 MB.")])
        subjects, events, problems, rows = _parse_cohort(data)
        if problems:
            raise CohortRejected(problems)
    except CohortRejected as refused:
        log_event("divert.evaluation.cohort.rejected", request=request, actor=actor,
                  details={"filename": filename, "problems": len(refused.problems)})
        raise
    with transaction.atomic():
        cohort = ImportedCohort.objects.create(name=name, description=description, uploaded_by=actor,
                                               filename=filename, sha256=hashlib.sha256(data).hexdigest(), rows=rows,
                                               subjects=len(subjects))
        made = ImportedSubject.objects.bulk_create([ImportedSubject(cohort=cohort, subject_key=key, **facts)
                                                    for key, facts in subjects.items()], batch_size=2000)
        ids = {s.subject_key: s for s in made}
        ImportedEvent.objects.bulk_create([ImportedEvent(subject=ids[key], kind=kind, occurred_on=occurred,
                                                         severity=severity, released_on=released)
                                           for key, kind, occurred, severity, released in events], batch_size=5000)
        log_event("divert.evaluation.cohort.imported", request=request, actor=actor, target=cohort,
                  details={"subjects": len(subjects), "events": len(events), "sha256": cohort.sha256})
    return cohort


def do_record_agreement(*, actor, request=None, **fields) -> DataUseAgreement:
    if not policy.may_record_data_use_agreement(actor):
        raise PermissionDenied
    unknown = set(fields.get("fields", [])) - set(extracting_fields())
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if fields["expires_on"] < fields["starts_on"]:
        raise ValidationError(_("The agreement expires before its period starts."))
    with transaction.atomic():
        agreement = DataUseAgreement.objects.create(recorded_by=actor, **fields)
        log_event("divert.evaluation.dua.recorded", request=request, actor=actor, target=agreement,
                  details={"agency": agreement.recipient_agency_id, "fields": agreement.fields,
                           "starts_on": str(agreement.starts_on), "expires_on": str(agreement.expires_on),
                           "date_detail": agreement.date_detail})
    return agreement


def extracting_fields() -> list[str]:
    from divert.outcomes.evaluation.models import EXTRACT_FIELDS

    return list(EXTRACT_FIELDS)


class NoAgreement(Exception):
    """No data-use agreement in effect for this evaluator: no extract."""


def do_make_extract(*, actor, request=None, now=None) -> EvaluatorExtract:
    """Make the de-identified extract under the evaluator's data-use agreement in effect today, keep both files
    with their SHA-256 and row count, and record it as a disclosure against the agreement (with its audit event).
    Without an agreement in effect: refused (and the refusal is logged)."""
    now = now or timezone.now()
    agreement = policy.data_use_agreement_for(actor, timezone.localdate(now))
    if agreement is None:
        log_event("divert.evaluation.extract.refused", request=request, actor=actor,
                  details={"reason": "no data-use agreement in effect"})
        raise NoAgreement(_("There is no data-use agreement in effect for your agency today (none recorded, not yet "
                            "signed, or expired). The project manager records one before any extract is made."))
    frame = extracting.dataset(agreement, timezone.localdate(now))
    csv_bytes, parquet_bytes = extracting.to_csv(frame), extracting.to_parquet(frame)
    with transaction.atomic():
        made = EvaluatorExtract.objects.create(
            agreement=agreement, made_by=actor, made_at=now, fields=list(frame.columns), rows=len(frame),
            csv_sha256=extracting.sha256(csv_bytes), parquet_sha256=extracting.sha256(parquet_bytes),
            csv=csv_bytes, parquet=parquet_bytes)
        log_event("divert.evaluation.extract.disclosed", request=request, actor=actor, target=made,
                  details={"agreement": agreement.pk, "rows": made.rows, "columns": made.fields,
                           "csv_sha256": made.csv_sha256, "parquet_sha256": made.parquet_sha256,
                           "purpose": agreement.purpose[:300]})
    return made
