"""Referrals: a police records system refers as the officer would on the form, and gets the same eligibility answer.

Lists and reads follow `policy.visible_referrals`; what a referral shows follows the referral page: the referring
officer learns pending / enrolled / not enrolled, the team and the project manager the full status.
"""

import uuid
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Router, Schema, Status
from ninja.params import Query

from divert.accounts.roles import Role
from divert.api.core import etag_of, idempotent, need, page
from divert.api.problems import Problem, field_errors_from_django
from divert.api.routes_people import ListParams, list_params
from divert.audit.log import log_event
from divert.participants.models import Door
from divert.privacy.policy import Category, visible_persons, visible_referrals
from divert.protocol.eligibility import questions_for
from divert.protocol.models import DiversionProtocol
from divert.referrals import actions
from divert.referrals.forms import OfficerReferralForm
from divert.referrals.models import Referral

router = Router(tags=["referrals"])
OFFICER_ROLES = (Role.OFFICER, Role.SERGEANT)
OFFICER_DOORS = (Door.ARREST_DIVERSION, Door.SOCIAL_CONTACT)


class FindingOut(Schema):
    rule: str
    result: str
    message: str


class ReferralOut(Schema):
    id: int
    reference: str
    door: str
    status: str
    eligibility: str
    findings: list[FindingOut]
    referred_at: datetime
    incident_number: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    approximate_age: int | None
    offenses: list[str]
    referring_agency: str | None
    person_id: int | None
    updated_at: datetime


class ReferralPage(Schema):
    items: list[ReferralOut]
    next_cursor: int | None


def referral_out(user, referral: Referral, *, person_ids: set[int] | None = None) -> dict:
    sees_everything = actions.is_case_team(user, referral) or user.has_role(Role.PROJECT_MANAGER)
    officer_only = referral.referred_by_id == user.pk and not sees_everything
    if person_ids is None and referral.person_id:
        person_ids = set(visible_persons(user).filter(pk=referral.person_id).values_list("pk", flat=True))
    return {
        "id": referral.pk, "reference": referral.reference, "door": referral.door,
        "status": referral.officer_view_status if officer_only else referral.status,
        "eligibility": referral.eligibility, "findings": referral.findings or [],
        "referred_at": referral.referred_at, "incident_number": referral.incident_number,
        "first_name": referral.first_name, "last_name": referral.last_name,
        "date_of_birth": referral.date_of_birth, "approximate_age": referral.approximate_age,
        "offenses": [o.code for o in referral.offenses.all()],
        "referring_agency": referral.referring_agency.name if referral.referring_agency else None,
        # Only a person this seat may know of is named; the link never reveals anyone else.
        "person_id": referral.person_id if sees_everything and referral.person_id in (person_ids or set()) else None,
        "updated_at": referral.updated_at,
    }


def get_referral(user, referral_id: int) -> Referral:
    referral = (visible_referrals(user).select_related("referring_agency", "person", "protocol")
                .prefetch_related("offenses").filter(pk=referral_id).first())
    if referral is None:
        raise Problem(404, "No such referral, or none this token may see.")
    return referral


@router.get("/referrals", response=ReferralPage, summary="Referrals this seat may read")
def list_referrals(request, params: Query[ListParams]):
    need(request, "referrals", "read")
    referrals = visible_referrals(request.user).select_related("referring_agency").prefetch_related("offenses")
    items, next_cursor = page(referrals, **list_params(params))
    person_ids = set(visible_persons(request.user).filter(pk__in=[r.person_id for r in items if r.person_id])
                     .values_list("pk", flat=True))
    log_event("divert.api.referrals.listed", request=request, category=Category.REFERRAL,
              details={"count": len(items)})
    return {"items": [referral_out(request.user, r, person_ids=person_ids) for r in items],
            "next_cursor": next_cursor}


@router.get("/referrals/{referral_id}", response=ReferralOut, summary="One referral")
def get_referral_detail(request, referral_id: int, response: HttpResponse):
    need(request, "referrals", "read")
    referral = get_referral(request.user, referral_id)
    log_event("divert.referral.viewed", request=request, person=referral.person, target=referral,
              category=Category.REFERRAL, details={"via": "api"})
    data = referral_out(request.user, referral)
    response["ETag"] = etag_of(data)
    return data


# --- What the form asks -------------------------------------------------------------------------------------------

class OffenseOut(Schema):
    code: str
    label: str
    involves_drugs: bool


class QuestionOut(Schema):
    key: str
    label: str
    kind: str
    drug_only: bool


class ReferralFormOut(Schema):
    door: str
    protocol_version: int
    open: bool
    offenses: list[OffenseOut]
    questions: list[QuestionOut]
    areas: list[str]


class DoorParams(Schema):
    door: Door


def protocol_in_effect() -> DiversionProtocol:
    protocol = DiversionProtocol.objects.in_effect()
    if protocol is None:
        raise Problem(409, "No diversion protocol is in effect; the program takes no referrals now.")
    return protocol


@router.get("/referral-questions", response=ReferralFormOut,
            summary="What a referral through a door must answer under the protocol in effect")
def referral_questions(request, params: Query[DoorParams]):
    need(request, "referrals", "read")
    protocol = protocol_in_effect()
    door = str(params.door)
    return {"door": door, "protocol_version": protocol.version, "open": protocol.is_door_open(door),
            "offenses": [{"code": o.code, "label": o.label, "involves_drugs": o.involves_drugs}
                         for o in protocol.offenses.all()],
            "questions": [{"key": q.key, "label": str(q.label), "kind": q.kind, "drug_only": q.drug_only}
                          for q in questions_for(protocol, door)],
            "areas": list(protocol.catchment_areas or [])}


# --- Referring --------------------------------------------------------------------------------------------------

class ReferralIn(Schema):
    door: str
    incident_number: str = ""
    incident_at: datetime | None = None
    offenses: list[str]
    place: str = ""
    area: str = ""
    first_name: str
    last_name: str = ""
    aliases: str = ""
    date_of_birth: date | None = None
    approximate_age: int | None = None
    description: str = ""
    answers: dict[str, str] = {}
    agreed_to_talk: bool

    model_config = {"extra": "forbid"}


def _form_data(payload: ReferralIn, protocol: DiversionProtocol, submission_key: uuid.UUID) -> dict:
    by_code = {o.code: o.pk for o in protocol.offenses.all()}
    unknown = [code for code in payload.offenses if code not in by_code]
    if unknown:
        raise Problem(422, "Unknown offense codes under the protocol in effect.",
                      errors=[{"field": "offenses", "message": f"not in the protocol: {', '.join(unknown)[:200]}"}])
    data = {
        "submission_key": str(submission_key), "incident_number": payload.incident_number,
        "incident_at": payload.incident_at.strftime("%Y-%m-%dT%H:%M") if payload.incident_at else "",
        "offenses": [str(by_code[code]) for code in payload.offenses], "place": payload.place, "area": payload.area,
        "first_name": payload.first_name, "last_name": payload.last_name, "aliases": payload.aliases,
        "date_of_birth": payload.date_of_birth.isoformat() if payload.date_of_birth else "",
        "approximate_age": "" if payload.approximate_age is None else str(payload.approximate_age),
        "description": payload.description,
    }
    if payload.agreed_to_talk:
        data["agreed_to_talk"] = "on"
    for key, value in payload.answers.items():
        data[f"q_{key}"] = value
    return data


@router.post("/referrals", response={201: ReferralOut},
             summary="Refer someone (arrest diversion or social contact), as the referring officer")
def create_referral(request, payload: ReferralIn, response: HttpResponse):
    need(request, "referrals", "write")
    if not request.user.has_role(*OFFICER_ROLES):
        raise Problem(403, "Only an officer's or sergeant's token refers through the police doors.")
    if payload.door not in OFFICER_DOORS:
        raise Problem(422, "The police doors are arrest and social.",
                      errors=[{"field": "door", "message": "arrest or social"}])
    protocol = protocol_in_effect()
    if not protocol.is_door_open(payload.door):
        raise Problem(409, "The protocol in effect does not take referrals through this door.")

    def write():
        key = request.headers.get("Idempotency-Key", "").strip()
        # One Idempotency-Key is one referral, even if the stored answer were lost: the referral's own
        # submission key (the form's double-tap guard) is derived from it.
        submission_key = (uuid.uuid5(uuid.NAMESPACE_URL, f"divert-api:{request.api_token.pk}:{key}") if key
                          else uuid.uuid4())
        form = OfficerReferralForm(_form_data(payload, protocol, submission_key), protocol=protocol,
                                   door=payload.door)
        if not form.is_valid():
            errors = [{"field": _api_field(name), "message": " ".join(str(m) for m in messages)}
                      for name, messages in form.errors.items()]
            raise Problem(422, "The referral was not accepted; see errors.", errors=errors)
        person = actions.PersonDescription(**{k: form.cleaned_data[k] for k in (
            "first_name", "last_name", "aliases", "date_of_birth", "approximate_age", "description")})
        try:
            referral = actions.do_refer(door=payload.door, protocol=protocol, person=person, actor=request.user,
                                        request=request, submission_key=submission_key,
                                        offenses=list(form.cleaned_data["offenses"]), answers=form.answers(),
                                        extra=form.extra())
        except actions.DuplicateSubmission as dup:
            referral = dup.referral
        except ValidationError as exc:
            raise Problem(422, " ".join(exc.messages), errors=field_errors_from_django(exc)) from None
        referral = get_referral(request.user, referral.pk)
        return 201, referral_out(request.user, referral)

    status, data = idempotent(request, response, write)
    response["Location"] = f"/api/v1/referrals/{data['id']}"
    return Status(status, data)


def _api_field(form_field: str) -> str:
    if form_field.startswith("q_"):
        return f"answers.{form_field[2:]}"
    return "__all__" if form_field == "__all__" else form_field
