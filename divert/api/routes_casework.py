"""Casework: contacts (read, record, edit), assessments, plans and goals, service referrals.

Each row belongs to one data category (a contact's note category, a goal's domain, a service's kind); a row is
listed only when the policy lets the seat see that category of its person (`policy.visible_rows`), and reading one
the seat may not see answers 404. Every row read is audited as the page read is, and a partner's read under a
release is logged as a disclosure (`policy.disclose`)."""

import uuid
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Router, Schema, Status
from ninja.params import Query

from divert.api.core import check_if_match, etag_of, idempotent, need, page
from divert.api.problems import Problem, field_errors_from_django
from divert.api.routes_people import ListParams, get_person, list_params
from divert.audit.log import log_event
from divert.casework import actions_contacts
from divert.casework.models import Assessment, Contact, Goal, InterventionPlan, ServiceReferral
from divert.casework.models.contacts import ContactKind, NoteCategory
from divert.privacy.policy import Category, can_see, disclose, is_on_team, visible_rows

router = Router(tags=["casework"])


class PersonListParams(ListParams):
    person_id: int | None = None


def _for_person(rows, params):
    return rows.filter(person_id=params.person_id) if params.person_id is not None else rows


def _read(request, action: str, row, category: str, purpose: str) -> None:
    log_event(action, request=request, person=row.person, target=row, category=category, details={"via": "api"})
    disclose(request.user, row.person, [category], request=request, purpose=f"API: {purpose}")


def _name(user) -> str | None:
    return (user.get_full_name() or user.get_username()) if user is not None else None


# --- Contacts ---------------------------------------------------------------------------------------------------

class ContactOut(Schema):
    id: int
    person_id: int
    enrollment_id: int | None
    kind: str
    occurred_at: datetime
    place: str
    duration_minutes: int | None
    substantive: bool
    present: str
    note: str
    note_category: str
    recorded_by: str | None
    updated_at: datetime


class ContactPage(Schema):
    items: list[ContactOut]
    next_cursor: int | None


class ContactIn(Schema):
    kind: ContactKind = ContactKind.FIELD
    occurred_at: datetime | None = None
    place: str = ""
    duration_minutes: int | None = None
    substantive: bool = True
    present: str = ""
    note: str = ""
    note_category: NoteCategory = NoteCategory.CASEWORK

    model_config = {"extra": "forbid"}


class ContactPatch(Schema):
    kind: ContactKind | None = None
    occurred_at: datetime | None = None
    place: str | None = None
    duration_minutes: int | None = None
    substantive: bool | None = None
    present: str | None = None
    note: str | None = None
    note_category: NoteCategory | None = None

    model_config = {"extra": "forbid"}


def contact_out(contact: Contact) -> dict:
    return {"id": contact.pk, "person_id": contact.person_id, "enrollment_id": contact.enrollment_id,
            "kind": contact.kind, "occurred_at": contact.occurred_at, "place": contact.place,
            "duration_minutes": contact.duration_minutes, "substantive": contact.substantive,
            "present": contact.present, "note": contact.note, "note_category": contact.note_category,
            "recorded_by": _name(contact.recorded_by), "updated_at": contact.updated_at}


def get_contact(user, contact_id: int) -> Contact:
    contact = Contact.objects.select_related("person", "recorded_by").filter(pk=contact_id).first()
    if contact is None or not can_see(user, contact.person, contact.note_category):
        raise Problem(404, "No such contact, or none this token may see.")
    return contact


@router.get("/contacts", response=ContactPage, summary="Contacts whose note this seat may read")
def list_contacts(request, params: Query[PersonListParams]):
    need(request, "contacts", "read")
    rows = visible_rows(request.user, Contact.objects.select_related("person", "recorded_by"),
                        category_field="note_category")
    items, next_cursor = page(_for_person(rows, params), **list_params(params))
    for contact in items:
        _read(request, "divert.casework.contact.viewed", contact, contact.note_category, "contacts")
    return {"items": [contact_out(c) for c in items], "next_cursor": next_cursor}


@router.get("/contacts/{contact_id}", response=ContactOut, summary="One contact")
def get_contact_detail(request, contact_id: int, response: HttpResponse):
    need(request, "contacts", "read")
    contact = get_contact(request.user, contact_id)
    _read(request, "divert.casework.contact.viewed", contact, contact.note_category, "contact")
    data = contact_out(contact)
    response["ETag"] = etag_of(data)
    return data


@router.post("/persons/{person_id}/contacts", response={201: ContactOut},
             summary="Record a contact (the participant's case-management team)")
def create_contact(request, person_id: int, payload: ContactIn, response: HttpResponse):
    need(request, "contacts", "write")
    person = get_person(request.user, person_id, Category.CASEWORK)
    if not is_on_team(request.user, person):
        raise Problem(403, "Only the participant's case-management team records contacts.")

    def write():
        key = request.headers.get("Idempotency-Key", "").strip()
        submission_key = (uuid.uuid5(uuid.NAMESPACE_URL, f"divert-api:{request.api_token.pk}:contact:{key}") if key
                          else uuid.uuid4())
        fields = payload.model_dump()
        if fields["occurred_at"] is None:
            fields.pop("occurred_at")
        fields["kind"], fields["note_category"] = str(payload.kind), str(payload.note_category)
        try:
            contact, _created = actions_contacts.do_record_contact(person, actor=request.user,
                                                                   submission_key=submission_key, request=request,
                                                                   **fields)
        except ValidationError as exc:
            raise Problem(422, " ".join(exc.messages), errors=field_errors_from_django(exc)) from None
        return 201, contact_out(get_contact(request.user, contact.pk))

    status, data = idempotent(request, response, write)
    response["Location"] = f"/api/v1/contacts/{data['id']}"
    response["ETag"] = etag_of(data)
    return Status(status, data)


@router.patch("/contacts/{contact_id}", response={200: ContactOut}, summary="Change a contact (If-Match required)")
def change_contact(request, contact_id: int, payload: ContactPatch, response: HttpResponse):
    need(request, "contacts", "write")
    contact = get_contact(request.user, contact_id)
    if not is_on_team(request.user, contact.person):
        raise Problem(403, "Only the participant's case-management team changes contacts.")
    check_if_match(request, etag_of(contact_out(contact)))
    fields = {k: (str(v) if k in ("kind", "note_category") else v)
              for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}

    def write():
        try:
            actions_contacts.do_edit_contact(contact, actor=request.user, if_unchanged_since=contact.updated_at,
                                             request=request, **fields)
        except actions_contacts.StaleEdit as exc:
            raise Problem(412, " ".join(exc.messages)) from None
        except ValidationError as exc:
            raise Problem(422, " ".join(exc.messages), errors=field_errors_from_django(exc)) from None
        fresh = Contact.objects.select_related("person", "recorded_by").get(pk=contact.pk)
        return 200, contact_out(fresh)

    status, data = idempotent(request, response, write)
    response["ETag"] = etag_of(data)
    return Status(status, data)


# --- Assessments (what was assessed and when; the answers stay on the page) --------------------------------------

class AssessmentOut(Schema):
    id: int
    person_id: int
    enrollment_id: int | None
    instrument: str
    kind: str
    assessed_on: date
    recorded_by: str | None
    updated_at: datetime


class AssessmentPage(Schema):
    items: list[AssessmentOut]
    next_cursor: int | None


def assessment_out(a: Assessment) -> dict:
    return {"id": a.pk, "person_id": a.person_id, "enrollment_id": a.enrollment_id, "instrument": str(a.instrument),
            "kind": a.kind, "assessed_on": a.assessed_on, "recorded_by": _name(a.recorded_by),
            "updated_at": a.updated_at}


@router.get("/assessments", response=AssessmentPage, summary="Assessments (casework) this seat may see")
def list_assessments(request, params: Query[PersonListParams]):
    need(request, "assessments", "read")
    rows = visible_rows(request.user, Assessment.objects.select_related("person", "instrument", "recorded_by"),
                        category=Category.CASEWORK)
    items, next_cursor = page(_for_person(rows, params), **list_params(params))
    for a in items:
        _read(request, "divert.casework.assessment.viewed", a, Category.CASEWORK, "assessments")
    return {"items": [assessment_out(a) for a in items], "next_cursor": next_cursor}


@router.get("/assessments/{assessment_id}", response=AssessmentOut, summary="One assessment")
def get_assessment(request, assessment_id: int):
    need(request, "assessments", "read")
    a = (Assessment.objects.select_related("person", "instrument", "recorded_by").filter(pk=assessment_id).first())
    if a is None or not can_see(request.user, a.person, Category.CASEWORK):
        raise Problem(404, "No such assessment, or none this token may see.")
    _read(request, "divert.casework.assessment.viewed", a, Category.CASEWORK, "assessment")
    return assessment_out(a)


# --- Plans and goals --------------------------------------------------------------------------------------------

class GoalOut(Schema):
    id: int
    plan_id: int
    person_id: int
    domain: str
    text: str
    status: str
    category: str
    updated_at: datetime


class GoalPage(Schema):
    items: list[GoalOut]
    next_cursor: int | None


class PlanOut(Schema):
    id: int
    person_id: int
    enrollment_id: int
    goals: list[GoalOut]
    updated_at: datetime


class PlanPage(Schema):
    items: list[PlanOut]
    next_cursor: int | None


def goal_out(goal: Goal) -> dict:
    return {"id": goal.pk, "plan_id": goal.plan_id, "person_id": goal.plan.person_id, "domain": goal.domain,
            "text": goal.text, "status": goal.status, "category": goal.category, "updated_at": goal.updated_at}


def plan_out(user, plan: InterventionPlan) -> dict:
    goals = [g for g in plan.goals.all() if can_see(user, plan.person, g.category)]
    return {"id": plan.pk, "person_id": plan.person_id, "enrollment_id": plan.enrollment_id,
            "goals": [goal_out(g) for g in goals], "updated_at": plan.updated_at}


def _read_plan(request, plan: InterventionPlan) -> None:
    shown = {Category.CASEWORK} | {g.category for g in plan.goals.all() if can_see(request.user, plan.person,
                                                                                   g.category)}
    log_event("divert.casework.plan.viewed", request=request, person=plan.person, target=plan,
              category=Category.CASEWORK, details={"via": "api"})
    disclose(request.user, plan.person, sorted(shown), request=request, purpose="API: plan")


@router.get("/plans", response=PlanPage, summary="Intervention plans (casework), with the goals this seat may see")
def list_plans(request, params: Query[PersonListParams]):
    need(request, "plans", "read")
    rows = visible_rows(request.user, InterventionPlan.objects.select_related("person").prefetch_related("goals"),
                        category=Category.CASEWORK)
    items, next_cursor = page(_for_person(rows, params), **list_params(params))
    for plan in items:
        _read_plan(request, plan)
    return {"items": [plan_out(request.user, p) for p in items], "next_cursor": next_cursor}


@router.get("/plans/{plan_id}", response=PlanOut, summary="One intervention plan")
def get_plan(request, plan_id: int):
    need(request, "plans", "read")
    plan = InterventionPlan.objects.select_related("person").prefetch_related("goals").filter(pk=plan_id).first()
    if plan is None or not can_see(request.user, plan.person, Category.CASEWORK):
        raise Problem(404, "No such plan, or none this token may see.")
    _read_plan(request, plan)
    return plan_out(request.user, plan)


@router.get("/goals", response=GoalPage, summary="Goals whose category this seat may see")
def list_goals(request, params: Query[PersonListParams]):
    need(request, "plans", "read")
    rows = visible_rows(request.user, Goal.objects.select_related("plan__person"), category_field="category",
                        person_field="plan__person")
    if params.person_id is not None:
        rows = rows.filter(plan__person_id=params.person_id)
    items, next_cursor = page(rows, **list_params(params))
    for goal in items:
        log_event("divert.casework.plan.viewed", request=request, person=goal.plan.person, target=goal.plan,
                  category=goal.category, details={"via": "api", "goal": goal.pk})
        disclose(request.user, goal.plan.person, [goal.category], request=request, purpose="API: goals")
    return {"items": [goal_out(g) for g in items], "next_cursor": next_cursor}


# --- Service referrals --------------------------------------------------------------------------------------------

class ServiceReferralOut(Schema):
    id: int
    person_id: int
    provider: str
    category: str
    data_category: str
    status: str
    sent_on: date
    outcome: str
    updated_at: datetime


class ServiceReferralPage(Schema):
    items: list[ServiceReferralOut]
    next_cursor: int | None


def service_referral_out(r: ServiceReferral) -> dict:
    return {"id": r.pk, "person_id": r.person_id, "provider": r.provider.name, "category": r.category,
            "data_category": r.data_category, "status": r.status, "sent_on": r.sent_on, "outcome": r.outcome,
            "updated_at": r.updated_at}


@router.get("/service-referrals", response=ServiceReferralPage, summary="Service referrals this seat may see")
def list_service_referrals(request, params: Query[PersonListParams]):
    need(request, "service_referrals", "read")
    rows = visible_rows(request.user, ServiceReferral.objects.select_related("person", "provider"),
                        category_field="data_category")
    items, next_cursor = page(_for_person(rows, params), **list_params(params))
    for r in items:
        _read(request, "divert.casework.service_referral.viewed", r, r.data_category, "service referrals")
    return {"items": [service_referral_out(r) for r in items], "next_cursor": next_cursor}


@router.get("/service-referrals/{referral_id}", response=ServiceReferralOut, summary="One service referral")
def get_service_referral(request, referral_id: int):
    need(request, "service_referrals", "read")
    r = ServiceReferral.objects.select_related("person", "provider").filter(pk=referral_id).first()
    if r is None or not can_see(request.user, r.person, r.data_category):
        raise Problem(404, "No such service referral, or none this token may see.")
    _read(request, "divert.casework.service_referral.viewed", r, r.data_category, "service referral")
    return service_referral_out(r)
