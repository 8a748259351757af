"""Justice-data imports: upload a file with a profile, poll its status, download its problem report.

The records seat (the project manager, divert/records/access.py) is the only one that works with imports; a jail's
nightly push uses a service token in that seat, scoped to imports only. Other seats get 403 (that imports exist is
no secret, their contents are)."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.params import Query

from divert.api.core import etag_of, idempotent, need, page
from divert.api.problems import Problem
from divert.api.routes_people import ListParams, list_params
from divert.audit.log import log_event
from divert.records.access import require_records_seat
from divert.records.actions import do_upload_import
from divert.records.forms import UploadForm
from divert.records.models import FeedImport, ImportProfile
from divert.records.report import report_name, write_report

router = Router(tags=["imports"])


class ProfileOut(Schema):
    slug: str
    name: str
    description: str


class ImportOut(Schema):
    id: int
    profile: str
    kind: str
    file_name: str
    size: int
    status: str
    done: bool
    message: str
    percent: int | None
    rows_read: int
    rows_added: int
    rows_corrected: int
    rows_unchanged: int
    rows_repeated: int
    rows_bad: int
    rows_quarantined: int
    rows_warned: int
    problems_total: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    report_url: str


class ImportPage(Schema):
    items: list[ImportOut]
    next_cursor: int | None


def records_seat(user) -> None:
    try:
        require_records_seat(user)
    except PermissionDenied:
        raise Problem(403, "Justice-data imports are the project manager's seat.") from None


def import_out(imp: FeedImport) -> dict:
    data = {name: getattr(imp, name) for name in (
        "id", "kind", "file_name", "size", "status", "done", "message", "percent", "rows_read", "rows_added",
        "rows_corrected", "rows_unchanged", "rows_repeated", "rows_bad", "rows_quarantined", "rows_warned",
        "problems_total", "created_at", "started_at", "finished_at")}
    data["profile"] = imp.profile.slug
    data["report_url"] = f"/api/v1/imports/{imp.pk}/report"
    return data


def get_import(user, import_id: int) -> FeedImport:
    records_seat(user)
    imp = FeedImport.objects.select_related("profile").filter(pk=import_id).first()
    if imp is None:
        raise Problem(404, "No such import.")
    return imp


@router.get("/import-profiles", response=list[ProfileOut], summary="Profiles offered for new imports")
def list_profiles(request):
    need(request, "imports", "read")
    records_seat(request.user)
    return [{"slug": p.slug, "name": p.name, "description": p.description}
            for p in ImportProfile.objects.filter(active=True).order_by("slug")]


@router.get("/imports", response=ImportPage, summary="Imports, newest last (updated_since: created at or after)")
def list_imports(request, params: Query[ListParams]):
    need(request, "imports", "read")
    records_seat(request.user)
    items, next_cursor = page(FeedImport.objects.select_related("profile"), updated_field="created_at",
                              **list_params(params))
    return {"items": [import_out(i) for i in items], "next_cursor": next_cursor}


@router.get("/imports/{import_id}", response=ImportOut, summary="An import's status (poll until done)")
def get_import_detail(request, import_id: int, response: HttpResponse):
    need(request, "imports", "read")
    data = import_out(get_import(request.user, import_id))
    response["ETag"] = etag_of(data)
    return data


@router.get("/imports/{import_id}/report", summary="The import's problem report (CSV)", response={200: None},
            openapi_extra={"responses": {"200": {"description": "CSV: row, column, value, reason, outcome",
                                                 "content": {"text/csv": {"schema": {"type": "string"}}}}}})
def get_import_report(request, import_id: int):
    need(request, "imports", "read")
    imp = get_import(request.user, import_id)
    log_event("divert.records.import.report_downloaded", request=request, target=imp,
              details={"file": imp.file_name, "problems": imp.problems_total, "via": "api"})
    report = HttpResponse(content_type="text/csv; charset=utf-8")
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in report_name(imp))[:120]
    report["Content-Disposition"] = f'attachment; filename="import-{imp.pk}-{safe}"'
    write_report(imp, report)
    return report


@router.post("/imports", response={202: ImportOut}, summary="Upload a file to import (multipart/form-data)")
def create_import(request, response: HttpResponse, profile: Form[str], file: File[UploadedFile],
                  kind: Form[str] = "mixed"):
    need(request, "imports", "write")
    records_seat(request.user)
    chosen = ImportProfile.objects.filter(slug=profile, active=True).first()
    if chosen is None:
        raise Problem(422, "No active import profile has this short name.",
                      errors=[{"field": "profile", "message": "unknown or inactive profile"}])

    def write():
        form = UploadForm({"profile": str(chosen.pk), "kind": kind}, {"file": file})
        if not form.is_valid():
            raise Problem(422, "The file was not accepted; see errors.",
                          errors=[{"field": name, "message": " ".join(str(m) for m in messages)}
                                  for name, messages in form.errors.items()])
        try:
            imp = do_upload_import(form.cleaned_data["file"], profile=chosen, kind=form.cleaned_data["kind"],
                                   actor=request.user)
        except ValueError as exc:
            raise Problem(422, str(exc)) from None
        imp.refresh_from_db()
        return 202, import_out(imp)

    status, data = idempotent(request, response, write)
    response["Location"] = f"/api/v1/imports/{data['id']}"
    return Status(status, data)
