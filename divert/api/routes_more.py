"""Releases of information, legal matters and coordination requests, and alerts (the token user's inbox)."""

from datetime import date, datetime

from ninja import Router, Schema
from ninja.params import Query

from divert.api.core import DEFAULT_LIMIT, need, page
from divert.api.problems import Problem
from divert.api.routes_casework import PersonListParams, _for_person
from divert.api.routes_people import ListParams, list_params
from divert.audit.log import log_event
from divert.coordination.access import may_read_answer, visible_coordination_requests
from divert.coordination.models import CoordinationRequest, LegalMatter
from divert.notify.models import Notification
from divert.privacy.actions import log_release_viewed
from divert.privacy.models import ReleaseOfInformation
from divert.privacy.policy import (
    Category,
    disclose,
    is_on_team,
    may_see_release,
    visible_legal_matters,
    visible_persons,
)

router = Router(tags=["releases, legal, alerts"])


# --- Releases of information ----------------------------------------------------------------------------------

class RecipientOut(Schema):
    agency: str
    role: str


class ReleaseOut(Schema):
    id: int
    person_id: int
    kind: str
    purposes: list[str]
    categories: list[str]
    starts_on: date
    expires_on: date | None
    status: str
    recipients: list[RecipientOut]
    signed_on: date
    created_at: datetime


class ReleasePage(Schema):
    items: list[ReleaseOut]
    next_cursor: int | None


def release_out(release: ReleaseOfInformation) -> dict:
    return {"id": release.pk, "person_id": release.person_id, "kind": release.kind,
            "purposes": list(release.purposes or []), "categories": sorted(release.effective_categories_on()),
            "starts_on": release.starts_on, "expires_on": release.expires_on, "status": release.status,
            "recipients": [{"agency": r.agency.name, "role": r.role} for r in release.recipients.all()],
            "signed_on": release.signed_on, "created_at": release.created_at}


def _releases():
    return ReleaseOfInformation.objects.select_related("person").prefetch_related("recipients__agency",
                                                                                  "revocations__recipients")


@router.get("/releases", response=ReleasePage,
            summary="Releases this seat manages (the team) or is named in (updated_since: recorded at or after)")
def list_releases(request, params: Query[PersonListParams]):
    need(request, "releases", "read")
    args = list_params(params)
    limit = args.pop("limit") or DEFAULT_LIMIT
    rows = _for_person(_releases().filter(person__in=visible_persons(request.user)), params)
    kept, cursor = [], args["cursor"]
    # The policy answers release by release (may_see_release); read in chunks until a page is full.
    while len(kept) <= limit:
        chunk, cursor = page(rows, cursor=cursor, limit=limit, updated_since=args["updated_since"],
                             updated_field="created_at")
        kept += [r for r in chunk if may_see_release(request.user, r)]
        if cursor is None:
            break
    items, next_cursor = kept[:limit], (kept[limit - 1].pk if len(kept) > limit else None)
    for release in items:
        log_release_viewed(release, request=request, part="api")
    return {"items": [release_out(r) for r in items], "next_cursor": next_cursor}


@router.get("/releases/{release_id}", response=ReleaseOut, summary="One release of information")
def get_release(request, release_id: int):
    need(request, "releases", "read")
    release = _releases().filter(pk=release_id).first()
    if release is None or not may_see_release(request.user, release):
        raise Problem(404, "No such release, or none this token may see.")
    log_release_viewed(release, request=request, part="api")
    return release_out(release)


# --- Legal matters and coordination requests ---------------------------------------------------------------------

class LegalMatterOut(Schema):
    id: int
    person_id: int
    kind: str
    case_number: str
    court: str
    prosecuting_agency: str
    defending_agency: str | None
    filed_on: date | None
    status: str
    disposition: str
    disposed_on: date | None
    warrant_active: bool
    updated_at: datetime


class LegalMatterPage(Schema):
    items: list[LegalMatterOut]
    next_cursor: int | None


def matter_out(m: LegalMatter) -> dict:
    return {"id": m.pk, "person_id": m.person_id, "kind": m.kind, "case_number": m.case_number, "court": m.court,
            "prosecuting_agency": m.prosecuting_agency.name,
            "defending_agency": m.defending_agency.name if m.defending_agency else None, "filed_on": m.filed_on,
            "status": m.status, "disposition": m.disposition, "disposed_on": m.disposed_on,
            "warrant_active": bool(m.warrant_active), "updated_at": m.updated_at}


def _read_legal(request, action: str, person, target) -> None:
    log_event(action, request=request, person=person, target=target, category=Category.LEGAL, details={"via": "api"})
    disclose(request.user, person, [Category.LEGAL], request=request, purpose="API: legal matters")


def _matters(user):
    return visible_legal_matters(user).select_related("person", "prosecuting_agency", "defending_agency")


@router.get("/legal-matters", response=LegalMatterPage, summary="Legal matters this seat may read")
def list_legal_matters(request, params: Query[PersonListParams]):
    need(request, "legal", "read")
    items, next_cursor = page(_for_person(_matters(request.user), params), **list_params(params))
    for m in items:
        _read_legal(request, "divert.legal.matter.viewed", m.person, m)
    return {"items": [matter_out(m) for m in items], "next_cursor": next_cursor}


@router.get("/legal-matters/{matter_id}", response=LegalMatterOut, summary="One legal matter")
def get_legal_matter(request, matter_id: int):
    need(request, "legal", "read")
    matter = _matters(request.user).filter(pk=matter_id).first()
    if matter is None:
        raise Problem(404, "No such legal matter, or none this token may see.")
    _read_legal(request, "divert.legal.matter.viewed", matter.person, matter)
    return matter_out(matter)


class AnswerOut(Schema):
    answer_kind: str
    engagement: str
    goals_text: str
    helps: str
    setbacks: str
    answered_at: datetime | None


class CoordinationRequestOut(Schema):
    id: int
    person_id: int
    matter_id: int
    prosecuting_agency: str
    opened_at: datetime
    note: str
    status: str
    answer: AnswerOut | None
    decision: str
    review_by: date | None
    decided_at: datetime | None
    updated_at: datetime


class CoordinationRequestPage(Schema):
    items: list[CoordinationRequestOut]
    next_cursor: int | None


def coordination_out(request, req: CoordinationRequest) -> dict:
    answer = None
    if req.answered_at is not None and may_read_answer(request.user, req):
        answer = {"answer_kind": req.answer_kind, "engagement": req.engagement, "goals_text": req.goals_text,
                  "helps": req.helps, "setbacks": req.setbacks, "answered_at": req.answered_at}
        if not is_on_team(request.user, req.person):
            disclose(request.user, req.person, [Category.PARTNER_SUMMARY], request=request,
                     purpose="API: coordination answer")
    return {"id": req.pk, "person_id": req.person_id, "matter_id": req.matter_id,
            "prosecuting_agency": req.prosecuting_agency.name, "opened_at": req.opened_at, "note": req.note,
            "status": req.status, "answer": answer, "decision": req.decision, "review_by": req.review_by,
            "decided_at": req.decided_at, "updated_at": req.updated_at}


def _requests(user):
    return visible_coordination_requests(user).select_related("person", "prosecuting_agency")


@router.get("/coordination-requests", response=CoordinationRequestPage,
            summary="Charge coordination requests about the matters this seat works on")
def list_coordination_requests(request, params: Query[PersonListParams]):
    need(request, "legal", "read")
    items, next_cursor = page(_for_person(_requests(request.user), params), **list_params(params))
    for req in items:
        _read_legal(request, "divert.coordination.viewed", req.person, req)
    return {"items": [coordination_out(request, r) for r in items], "next_cursor": next_cursor}


@router.get("/coordination-requests/{request_id}", response=CoordinationRequestOut,
            summary="One coordination request")
def get_coordination_request(request, request_id: int):
    need(request, "legal", "read")
    req = _requests(request.user).filter(pk=request_id).first()
    if req is None:
        raise Problem(404, "No such coordination request, or none this token may see.")
    _read_legal(request, "divert.coordination.viewed", req.person, req)
    return coordination_out(request, req)


# --- Alerts: the token user's own inbox ----------------------------------------------------------------------------

class AlertOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class AlertPage(Schema):
    items: list[AlertOut]
    next_cursor: int | None


def alert_out(n: Notification) -> dict:
    return {"id": n.pk, "kind": n.kind, "title": n.title, "body": n.body, "url": n.url, "created_at": n.created_at,
            "read_at": n.read_at}


@router.get("/alerts", response=AlertPage,
            summary="Your notifications, justice-data alerts among them (updated_since: created at or after)")
def list_alerts(request, params: Query[ListParams]):
    need(request, "alerts", "read")
    rows = Notification.objects.filter(recipient=request.user)
    items, next_cursor = page(rows, updated_field="created_at", **list_params(params))
    return {"items": [alert_out(n) for n in items], "next_cursor": next_cursor}


@router.get("/alerts/{alert_id}", response=AlertOut, summary="One of your notifications")
def get_alert(request, alert_id: int):
    need(request, "alerts", "read")
    n = Notification.objects.filter(recipient=request.user, pk=alert_id).first()
    if n is None:
        raise Problem(404, "No such notification of yours.")
    return alert_out(n)


@router.post("/alerts/{alert_id}/read", response=AlertOut, summary="Mark one of your notifications read")
def mark_alert_read(request, alert_id: int):
    from divert.notify.actions import do_mark_read

    need(request, "alerts", "write")
    n = Notification.objects.filter(recipient=request.user, pk=alert_id).first()
    if n is None:
        raise Problem(404, "No such notification of yours.")
    return alert_out(do_mark_read(request.user, n))
