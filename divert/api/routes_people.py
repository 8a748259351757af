"""People and enrollments: identity and program status, as the policy allows each seat."""

from datetime import date, datetime

from django.http import HttpResponse
from ninja import Router, Schema, Status
from ninja.params import Query

from divert.api.core import check_if_match, etag_of, idempotent, need, page
from divert.api.problems import Problem
from divert.audit.log import log_event
from divert.participants.access import may_change_status
from divert.participants.actions import StaleEnrollment, do_change_status
from divert.participants.models import Enrollment, EnrollmentStatus, Person
from divert.privacy.policy import Category, can_see, disclose, visible_persons

router = Router(tags=["people"])


class ListParams(Schema):
    cursor: int | None = None
    limit: int = 50
    updated_since: datetime | None = None

    model_config = {"extra": "forbid"}


def list_params(params: ListParams) -> dict:
    if not 1 <= params.limit <= 200:
        raise Problem(422, "limit is from 1 to 200.", errors=[{"field": "query.limit", "message": "from 1 to 200"}])
    return {"cursor": params.cursor, "limit": params.limit, "updated_since": params.updated_since}


class IdentifierOut(Schema):
    kind: str
    value: str


class PersonOut(Schema):
    id: int
    first_name: str
    middle_name: str
    last_name: str
    date_of_birth: date | None
    approximate_age: int | None
    aliases: list[str]
    identifiers: list[IdentifierOut]
    categories: list[str]
    updated_at: datetime


class PersonPage(Schema):
    items: list[PersonOut]
    next_cursor: int | None


def categories_seen(user, person: Person) -> list[str]:
    return [category for category in Category.ALL if can_see(user, person, category)]


def person_out(user, person: Person) -> dict:
    return {
        "id": person.pk, "first_name": person.first_name, "middle_name": person.middle_name,
        "last_name": person.last_name, "date_of_birth": person.date_of_birth,
        "approximate_age": person.approximate_age,
        "aliases": [alias.name for alias in person.aliases.all()],
        "identifiers": [{"kind": i.kind, "value": i.value} for i in person.identifiers.all()],
        "categories": categories_seen(user, person), "updated_at": person.updated_at,
    }


def get_person(user, person_id: int, category: str = Category.IDENTITY) -> Person:
    """The person, if this token's user may see `category` of theirs; 404 otherwise (denied is absent)."""
    person = visible_persons(user).filter(pk=person_id, merged_into__isnull=True).first()
    if person is None or (category != Category.IDENTITY and not can_see(user, person, category)):
        raise Problem(404, "No such person, or none this token may see.")
    return person


@router.get("/persons", response=PersonPage, summary="People this seat may know of")
def list_persons(request, params: Query[ListParams]):
    need(request, "persons", "read")
    persons = (visible_persons(request.user).filter(merged_into__isnull=True)
               .prefetch_related("aliases", "identifiers"))
    items, next_cursor = page(persons, **list_params(params))
    log_event("divert.api.persons.listed", request=request, details={"count": len(items)})
    return {"items": [person_out(request.user, p) for p in items], "next_cursor": next_cursor}


@router.get("/persons/{person_id}", response=PersonOut, summary="One person (identity)")
def get_person_detail(request, person_id: int, response: HttpResponse):
    need(request, "persons", "read")
    person = get_person(request.user, person_id)
    status = can_see(request.user, person, Category.STATUS)
    log_event("divert.person.viewed", request=request, person=person, target=person,
              category=Category.STATUS if status else Category.IDENTITY,
              details={"reason": status.reason, "via": "api"})
    disclose(request.user, person, [Category.IDENTITY] + ([Category.STATUS] if status else []), request=request,
             purpose="API: person")
    data = person_out(request.user, person)
    response["ETag"] = etag_of(data)
    return data


# --- Enrollments ----------------------------------------------------------------------------------------------

class AgencyRef(Schema):
    id: int
    name: str


class CaseManagerRef(Schema):
    id: int
    name: str
    phone: str


class EnrollmentOut(Schema):
    id: int
    person_id: int
    door: str
    status: str
    provider: AgencyRef
    case_manager: CaseManagerRef | None
    referred_on: date
    enrolled_on: date | None
    exited_on: date | None
    exit_reason: str
    updated_at: datetime


class EnrollmentPage(Schema):
    items: list[EnrollmentOut]
    next_cursor: int | None


class EnrollmentListParams(ListParams):
    person_id: int | None = None


def enrollment_out(enrollment: Enrollment) -> dict:
    cm = enrollment.case_manager
    return {
        "id": enrollment.pk, "person_id": enrollment.person_id, "door": enrollment.door, "status": enrollment.status,
        "provider": {"id": enrollment.provider_id, "name": enrollment.provider.name},
        "case_manager": {"id": cm.pk, "name": cm.get_full_name() or cm.get_username(), "phone": cm.phone}
        if cm else None,
        "referred_on": enrollment.referred_on, "enrolled_on": enrollment.enrolled_on,
        "exited_on": enrollment.exited_on, "exit_reason": enrollment.exit_reason,
        "updated_at": enrollment.updated_at,
    }


def get_enrollment(user, enrollment_id: int) -> Enrollment:
    enrollment = (Enrollment.objects.select_related("person", "provider", "case_manager")
                  .filter(pk=enrollment_id).first())
    if enrollment is None or not can_see(user, enrollment.person, Category.STATUS):
        raise Problem(404, "No such enrollment, or none this token may see.")
    return enrollment


@router.get("/enrollments", response=EnrollmentPage, summary="Enrollments whose program status this seat may see")
def list_enrollments(request, params: Query[EnrollmentListParams]):
    need(request, "enrollments", "read")
    enrollments = (Enrollment.objects.filter(person__in=visible_persons(request.user, Category.STATUS))
                   .select_related("person", "provider", "case_manager"))
    if params.person_id is not None:
        enrollments = enrollments.filter(person_id=params.person_id)
    items, next_cursor = page(enrollments, **list_params(params))
    for person in {e.person_id: e.person for e in items}.values():
        disclose(request.user, person, [Category.STATUS], request=request, purpose="API: enrollments")
    log_event("divert.api.enrollments.listed", request=request, category=Category.STATUS,
              details={"count": len(items)})
    return {"items": [enrollment_out(e) for e in items], "next_cursor": next_cursor}


@router.get("/enrollments/{enrollment_id}", response=EnrollmentOut, summary="One enrollment")
def get_enrollment_detail(request, enrollment_id: int, response: HttpResponse):
    need(request, "enrollments", "read")
    enrollment = get_enrollment(request.user, enrollment_id)
    disclose(request.user, enrollment.person, [Category.STATUS], request=request, purpose="API: enrollment")
    data = enrollment_out(enrollment)
    response["ETag"] = etag_of(data)
    return data


class StatusChangeIn(Schema):
    status: EnrollmentStatus
    effective_on: date | None = None
    reason: str = ""
    exit_reason: str = ""

    model_config = {"extra": "forbid"}


@router.patch("/enrollments/{enrollment_id}", response={200: EnrollmentOut},
              summary="Change an enrollment's status (If-Match required)")
def change_enrollment_status(request, enrollment_id: int, payload: StatusChangeIn, response: HttpResponse):
    need(request, "enrollments", "write")
    enrollment = get_enrollment(request.user, enrollment_id)
    if not may_change_status(request.user, enrollment):
        raise Problem(403, "Only the participant's case-management team changes their status.")
    check_if_match(request, etag_of(enrollment_out(enrollment)))

    def write():
        try:
            do_change_status(enrollment, str(payload.status), actor=request.user, effective_on=payload.effective_on,
                             reason=payload.reason[:2000], exit_reason=payload.exit_reason, request=request,
                             if_unchanged_since=enrollment.updated_at)
        except StaleEnrollment as exc:
            raise Problem(412, " ".join(exc.messages)) from None
        fresh = get_enrollment(request.user, enrollment.pk)
        return 200, enrollment_out(fresh)

    status, data = idempotent(request, response, write)
    response["ETag"] = etag_of(data if isinstance(data, dict) else {})
    return Status(status, data)
