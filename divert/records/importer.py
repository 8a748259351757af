"""The import pipeline: read a feed file row by row, validate, stage in batches, and finish or refuse it whole.

Rules (docs/records.md says them in words):

- A row with any problem is bad. Under the default policy one bad row refuses the file: every staged row of it
  is withdrawn and the problems are kept for the report. Under "quarantine" the good rows are staged and the
  bad ones are kept aside (QuarantinedRow) and reported.
- Under a profile's lenient row checks a bad *optional* value is a warning, not a problem: the value is left
  blank, the row is kept and counted (rows_warned), and the warning is listed in the report beside the refusals.
- Rows are staged in batches as they are read, so memory stays flat; until the import finishes, its rows are not
  "ready" (StagedRecord.objects.ready()) and linkage does not see them.
- A row is known by (profile, kind, source key). Content Divert has already seen under that key is skipped
  (counted unchanged); new content under a known key is a correction: the next revision, which supersedes the
  earlier one when the import finishes. The same key twice in one file is counted once when the rows agree and
  is a bad row when they differ.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone

from divert.audit.log import log_event
from divert.records.models import (
    FeedImport,
    ImportProblem,
    ImportProfile,
    ImportStatus,
    ProblemSeverity,
    QuarantinedRow,
    StagedRecord,
)
from divert.records.parsing import RowProblems, parse_row
from divert.records.profiles import Spec, parse_spec
from divert.records.reading import FileRefused, open_text, rows

logger = logging.getLogger(__name__)

BATCH_ROWS = 1000
MAX_PROBLEMS_LISTED = 10_000
MAX_VALUE_CHARS = 200
STALE_AFTER = timedelta(minutes=15)
UPLOADS = "records/uploads"

Progress = Callable[[FeedImport], None]


class ProfileBusy(Exception):
    """Another import of the same profile is running; this one waits its turn."""


def resolve_kind(spec: Spec, kind: str | None) -> str:
    """The kind an import is for: "" when rows say their own kind; ValueError when it cannot be told."""
    if kind in (None, "", "mixed"):
        if spec.kind_column:
            return ""
        if len(spec.kinds) == 1:
            return spec.kinds[0]
        raise ValueError(f"This profile carries {', '.join(spec.kinds)} rows without a column saying which: name "
                         "the kind of this file.")
    if kind not in spec.kinds:
        raise ValueError(f"This profile carries {', '.join(spec.kinds)} rows, not {kind} rows.")
    return kind


def file_digest(path: Path) -> tuple[int, str]:
    import hashlib

    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def create_import(*, profile: ImportProfile, path: Path, file_name: str = "", kind: str | None = None, actor=None,
                  via: str = "cli") -> FeedImport:
    """Record a file waiting to be imported; ValueError when the profile cannot read it as asked."""
    spec = parse_spec(profile.spec)
    if not profile.active:
        raise ValueError(f"The profile {profile.slug} is not offered for new imports.")
    kind = resolve_kind(spec, kind)
    size, sha256 = file_digest(path)
    return FeedImport.objects.create(
        profile=profile, profile_spec=profile.spec, kind=kind, file_name=(file_name or Path(path).name)[:255],
        stored_path=str(path), size=size, sha256=sha256, via=via, created_by=actor,
    )


def run_import(imp: FeedImport, *, progress: Progress | None = None) -> FeedImport:
    """Run a waiting import to its end (finished, refused or failed). Returns it refreshed."""
    if not _claim(imp):
        imp.refresh_from_db()
        return imp
    imp.refresh_from_db()
    log_event("divert.records.import.started", actor=imp.created_by, target=imp, details=_summary(imp))
    run = _Run(imp, progress)
    try:
        run.execute()
    except FileRefused as exc:
        run.refuse(exc)
    except Exception as exc:
        logger.exception("import %s stopped on an error", imp.pk)
        run.fail(exc)
    finally:
        _forget_upload(imp)
    imp.refresh_from_db()
    # Linkage (divert.records.linking): a finished file is linked at once, in this process, so alerts follow
    # within a minute. A linking failure is logged there and never undoes the import.
    if imp.status == ImportStatus.FINISHED:
        from divert.records.linking import link_after_import

        link_after_import(imp)
    return imp


def _claim(imp: FeedImport) -> bool:
    """Start `imp` unless it already started, or another import of its profile is running (one at a time, so
    two files cannot stage the same source key at once)."""
    now = timezone.now()
    with transaction.atomic():
        ImportProfile.objects.select_for_update().get(pk=imp.profile_id)
        for other in FeedImport.objects.filter(profile_id=imp.profile_id, status=ImportStatus.RUNNING).exclude(
                pk=imp.pk):
            if other.heartbeat_at and other.heartbeat_at < now - STALE_AFTER:
                abandon(other, "It stopped reporting progress (the process running it ended); nothing was kept.")
            else:
                raise ProfileBusy(f"import #{other.pk} of the same profile is still running")
        return FeedImport.objects.filter(pk=imp.pk, status=ImportStatus.WAITING).update(
            status=ImportStatus.RUNNING, started_at=now, heartbeat_at=now) == 1


def withdraw_rows(imp: FeedImport) -> None:
    """Delete what an import staged or quarantined, a slice at a time (memory stays flat)."""
    for model in (StagedRecord, QuarantinedRow):
        while True:
            ids = list(model.objects.filter(feed_import=imp).values_list("pk", flat=True)[:5000])
            if not ids:
                break
            if model is StagedRecord:
                StagedRecord.objects.filter(corrects_id__in=ids).update(corrects=None)
            model.objects.filter(pk__in=ids).delete()


def abandon(imp: FeedImport, message: str) -> None:
    withdraw_rows(imp)
    FeedImport.objects.filter(pk=imp.pk).update(status=ImportStatus.FAILED, message=message,
                                                finished_at=timezone.now())
    log_event("divert.records.import.failed", target=imp, details={**_summary(imp), "reason": message})


def _summary(imp: FeedImport) -> dict:
    return {"file": imp.file_name, "profile": imp.profile.slug, "kind": imp.kind or "as rows say",
            "size": imp.size, "sha256": imp.sha256, "via": imp.via}


def _forget_upload(imp: FeedImport) -> None:
    # An uploaded file holds identities; once read, the staged rows keep what is needed.
    path = Path(imp.stored_path) if imp.stored_path else None
    uploads = (Path(settings.MEDIA_ROOT) / UPLOADS).resolve()
    if path and path.resolve().parent == uploads:
        path.unlink(missing_ok=True)


def insert_staged(rows: list[dict]) -> None:
    """INSERT staged rows with one prepared statement: the ORM's bulk_create spends most of a large import
    preparing each value of each row, where only dates and JSON need the database's own form."""
    fields = [f for f in StagedRecord._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    prepare = {f.attname: f for f in fields if f.get_internal_type() in ("JSONField", "DateField", "DateTimeField")}
    table = connection.ops.quote_name(StagedRecord._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 - names only
    params = []
    for row in rows:
        values = []
        for f in fields:
            value = row.get(f.attname, defaults[f.attname])
            if f.attname in prepare and value is not None:
                value = prepare[f.attname].get_db_prep_save(value, connection)
            values.append(value)
        params.append(values)
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _clip(value: str) -> str:
    value = str(value)
    return value if len(value) <= MAX_VALUE_CHARS else value[:MAX_VALUE_CHARS] + "…"


class _Run:
    def __init__(self, imp: FeedImport, progress: Progress | None):
        self.imp = imp
        self.spec = parse_spec(imp.profile_spec)
        self.progress = progress
        self.now = timezone.now()
        self.refusing = False  # a bad row under the reject policy: read on only to list the problems
        self.batch: list[tuple[int, dict, dict]] = []
        self.problems: list[ImportProblem] = []
        self.quarantine: list[QuarantinedRow] = []
        self.listed = 0
        self.counts = {"rows_read": 0, "rows_added": 0, "rows_corrected": 0, "rows_unchanged": 0,
                       "rows_repeated": 0, "rows_bad": 0, "rows_quarantined": 0, "rows_warned": 0,
                       "problems_total": 0}
        self.bytes_read = 0
        self.last_beat = 0.0

    # --- reading ----------------------------------------------------------------------------------------------
    def execute(self) -> None:
        with open(self.imp.stored_path, "rb") as binary:
            opened = open_text(binary, self.spec)
            FeedImport.objects.filter(pk=self.imp.pk).update(encoding_used=opened.encoding)
            number = 0
            try:
                for number, raw, read_problems in rows(opened, self.spec):
                    self.counts["rows_read"] += 1
                    if self.counts["rows_read"] > self.spec.max_rows:
                        raise FileRefused(f"The file has more than {self.spec.max_rows:,} rows, the most this profile "
                                          "takes in one file. Split it and import the parts.", row_number=number)
                    self.bytes_read = opened.counter.count
                    self._row(number, raw, read_problems)
                    if self.listed >= MAX_PROBLEMS_LISTED and self.refusing:
                        self._problem(None, "", "", f"The report stops after {MAX_PROBLEMS_LISTED:,} problems; fix "
                                                    "these and import the file again to see any others.")
                        break
                    if len(self.batch) >= BATCH_ROWS or len(self.problems) >= BATCH_ROWS:
                        self._flush()
            except UnicodeDecodeError as exc:
                bad = exc.object[exc.start:exc.start + 1].hex()
                raise FileRefused(
                    f"The file is not valid {opened.encoding}: near row {number + 1} there is a byte (0x{bad}) that "
                    f"{opened.encoding} cannot hold. Export the file again as {self.spec.encoding}, or change the "
                    "profile's encoding to the one the source uses (Windows exports are often cp1252).",
                    row_number=number + 1) from None
            self.bytes_read = opened.counter.count
        self._flush()
        if self.counts["rows_read"] == 0:
            raise FileRefused("The file has a header but no rows." if self.spec.format == "csv"
                              else "The file holds no records.")
        if self.refusing:
            self.refuse(None)
        else:
            self._finish()

    def _row(self, number: int, raw: dict, read_problems: list) -> None:
        if read_problems:
            self._bad(number, raw, read_problems)
            return
        fields, problems = parse_row(self.spec, raw, self.imp.kind or None, self.now)
        if problems:
            self._bad(number, raw, problems)  # a refused row lists only what refused it
            return
        if problems.warnings:  # lenient row checks: values left blank, the row kept
            self.counts["rows_warned"] += 1
            for column, value, reason in problems.warnings:
                self._problem(number, column, value, reason, severity=ProblemSeverity.WARNING)
        if not self.refusing:
            self.batch.append((number, raw, fields))

    def _bad(self, number: int, raw: dict, problems: list) -> None:
        self.counts["rows_bad"] += 1
        if self.spec.bad_rows == "quarantine":
            self.counts["rows_quarantined"] += 1
            self.quarantine.append(QuarantinedRow(feed_import=self.imp, row_number=number, raw=raw))
        else:
            self.refusing = True
            self.batch.clear()
        for column, value, reason in problems:
            self._problem(number, column, value, reason)

    def _problem(self, number, column, value, reason, severity=ProblemSeverity.REFUSAL) -> None:
        self.counts["problems_total"] += 1
        if self.listed < MAX_PROBLEMS_LISTED:
            self.listed += 1
            self.problems.append(ImportProblem(feed_import=self.imp, row_number=number, column=_clip(column)[:200],
                                               value=_clip(value), reason=reason, severity=severity))

    # --- staging ----------------------------------------------------------------------------------------------
    def _flush(self) -> None:
        batch, self.batch = self.batch, []
        staged = self._dedupe(batch) if batch and not self.refusing else []
        with transaction.atomic():
            if staged and not self.refusing:
                insert_staged(staged)
            if self.quarantine:
                QuarantinedRow.objects.bulk_create(self.quarantine)
            if self.problems:
                ImportProblem.objects.bulk_create(self.problems)
            self.quarantine, self.problems = [], []
            FeedImport.objects.filter(pk=self.imp.pk).update(bytes_read=self.bytes_read, heartbeat_at=timezone.now(),
                                                             **self.counts)
        self._report()

    def _dedupe(self, batch) -> list[dict]:
        """New rows and corrections of this batch; unchanged and repeated rows are counted and dropped."""
        keys = {fields["source_key"] for _, _, fields in batch}
        known: dict[tuple[str, str], dict] = {}
        existing = (StagedRecord.objects.filter(profile_id=self.imp.profile_id, source_key__in=keys)
                    .filter(Q(feed_import__status=ImportStatus.FINISHED) | Q(feed_import=self.imp))
                    .values_list("pk", "kind", "source_key", "revision", "content_hash", "feed_import_id",
                                 "row_number"))
        for pk, kind, key, revision, digest, import_id, row_number in existing.iterator():
            entry = known.setdefault((kind, key), {"revision": 0, "pk": None, "hashes": set(), "ours": None})
            entry["hashes"].add(digest)
            if revision > entry["revision"]:
                entry.update(revision=revision, pk=pk)
            if import_id == self.imp.pk:
                entry["ours"] = (row_number, digest)
        staged = []
        for number, raw, fields in batch:
            entry = known.setdefault((fields["kind"], fields["source_key"]),
                                     {"revision": 0, "pk": None, "hashes": set(), "ours": None})
            digest = fields["content_hash"]
            if entry["ours"] is not None:
                first_row, first_digest = entry["ours"]
                if first_digest == digest:
                    self.counts["rows_repeated"] += 1
                else:
                    problems = RowProblems()
                    problems.add("|".join(self.spec.key), fields["source_key"],
                                 f"row {first_row} has the same source key with different content")
                    self._bad(number, raw, problems)
                    if self.refusing:
                        return []
                continue
            entry["ours"] = (number, digest)
            if digest in entry["hashes"]:
                self.counts["rows_unchanged"] += 1
                continue
            corrects = entry["pk"]
            self.counts["rows_corrected" if corrects else "rows_added"] += 1
            staged.append({**fields, "feed_import_id": self.imp.pk, "profile_id": self.imp.profile_id,
                           "row_number": number, "raw": raw, "revision": entry["revision"] + 1,
                           "corrects_id": corrects})
        return staged

    def _report(self, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if force or now - self.last_beat >= 0.5:
            self.last_beat = now
            self.imp.refresh_from_db()
            self.progress(self.imp)

    # --- endings ----------------------------------------------------------------------------------------------
    def _finish(self) -> None:
        with transaction.atomic():
            corrected = StagedRecord.objects.filter(feed_import=self.imp, corrects__isnull=False).values("corrects_id")
            StagedRecord.objects.filter(pk__in=corrected).update(superseded=True)
            c = self.counts
            message = (f"{c['rows_read']:,} rows read: {c['rows_added']:,} new, {c['rows_corrected']:,} corrections, "
                       f"{c['rows_unchanged']:,} already imported, {c['rows_repeated']:,} repeated in the file")
            if c["rows_quarantined"]:
                message += f", {c['rows_quarantined']:,} quarantined (see the report)"
            if c["rows_warned"]:
                message += f", {c['rows_warned']:,} kept with warnings (values left blank; see the report)"
            FeedImport.objects.filter(pk=self.imp.pk).update(
                status=ImportStatus.FINISHED, finished_at=timezone.now(), message=message + ".",
                bytes_read=self.bytes_read, heartbeat_at=timezone.now(), **c)
            log_event("divert.records.import.finished", actor=self.imp.created_by, target=self.imp,
                      details={**_summary(self.imp), **c})
        self._report(force=True)

    def refuse(self, exc: FileRefused | None) -> None:
        self.batch, self.quarantine = [], []
        if exc is not None:
            self.problems.append(ImportProblem(feed_import=self.imp, row_number=exc.row_number,
                                               column=_clip(exc.column)[:200], reason=exc.reason))
            self.counts["problems_total"] += 1
            message = exc.reason
        else:
            message = (f"{self.counts['rows_bad']:,} of {self.counts['rows_read']:,} rows have problems, so the "
                       "whole file was refused and nothing from it was kept. Download the report, fix the rows at "
                       "the source and import the file again.")
        with transaction.atomic():
            withdraw_rows(self.imp)
            ImportProblem.objects.bulk_create(self.problems)
            self.problems = []
            counts = {**self.counts, "rows_added": 0, "rows_corrected": 0, "rows_quarantined": 0}
            FeedImport.objects.filter(pk=self.imp.pk).update(
                status=ImportStatus.REJECTED, finished_at=timezone.now(), message=message,
                bytes_read=self.bytes_read, heartbeat_at=timezone.now(), **counts)
            log_event("divert.records.import.rejected", actor=self.imp.created_by, target=self.imp,
                      details={**_summary(self.imp), "reason": message[:500], **counts})
        self._report(force=True)

    def fail(self, exc: Exception) -> None:
        message = f"The import stopped on an unexpected error ({type(exc).__name__}); nothing from it was kept."
        with transaction.atomic():
            abandon(self.imp, message)


# --- running imports that wait ---------------------------------------------------------------------------------

def run_soon(imp: FeedImport) -> None:
    """Start an uploaded file's import: at once in a background thread (the page polls its progress), inline
    (DIVERT_IMPORT_RUN=inline, as tests do), or leave it to the periodic job (DIVERT_IMPORT_RUN=queue)."""
    mode = getattr(settings, "DIVERT_IMPORT_RUN", "thread")
    if mode == "inline":
        _run_waiting(imp.pk)
    elif mode == "thread":
        transaction.on_commit(lambda: threading.Thread(target=_run_in_thread, args=(imp.pk,), daemon=True,
                                                       name=f"import-{imp.pk}").start())


def _run_in_thread(pk: int) -> None:
    close_old_connections()
    try:
        _run_waiting(pk)
    finally:
        close_old_connections()


def _run_waiting(pk: int) -> None:
    imp = FeedImport.objects.select_related("profile").get(pk=pk)
    try:
        run_import(imp)
    except ProfileBusy:
        logger.info("import %s waits: another import of its profile is running", pk)


def run_waiting_imports(now=None) -> int:
    """The periodic job: run imports left waiting, and give up on any that stopped reporting progress."""
    done = 0
    cutoff = timezone.now() - STALE_AFTER
    for stale in FeedImport.objects.filter(status=ImportStatus.RUNNING, heartbeat_at__lt=cutoff):
        abandon(stale, "It stopped reporting progress (the process running it ended); nothing was kept.")
    for imp in FeedImport.objects.filter(status=ImportStatus.WAITING).select_related("profile").order_by("pk"):
        try:
            run_import(imp)
        except ProfileBusy:
            continue
        done += 1
    return done
