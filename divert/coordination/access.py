"""Get-for-user helpers of the coordination app's legal area: they ask the privacy policy and answer 404 (may not
know the object) or 403 (may read, not write) before a view does anything. Also the legal area's person-timeline
items, which follow the same rule: only matters the viewer may read."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from divert.accounts.roles import Role
from divert.coordination.models import CoordinationEvent, CoordinationRequest, LegalMatter
from divert.privacy.policy import Category, can_see, is_on_team, visible_legal_matters


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _seat(user):
    return user.seat if user is not None and user.is_authenticated and user.is_active else None


def get_matter_for_user(user, matter_id: int) -> LegalMatter:
    matter = (visible_legal_matters(user).select_related("person", "prosecuting_agency", "defending_agency")
              .filter(pk=matter_id).first())
    if matter is None:
        raise Http404("No such legal matter")
    return matter


def visible_coordination_requests(user):
    """Requests about the matters this user's seat works on: the team's and the project manager's persons, the
    prosecutor's office's matters, the defender's clients'. A partner who reads legal matters under a release (an
    officer, another office) does not read the coordination between the team and the matter's prosecutor."""
    return CoordinationRequest.objects.filter(matter__in=visible_legal_matters(user, by_seat=True).values("pk"))


def get_coordination_request_for_user(user, request_id: int) -> CoordinationRequest:
    req = (visible_coordination_requests(user)
           .select_related("person", "matter", "prosecuting_agency", "opened_by", "case_manager", "answered_by",
                           "decided_by", "answer_release")
           .filter(pk=request_id).first())
    if req is None:
        raise Http404("No such coordination request")
    return req


# --- Who writes -------------------------------------------------------------------------------------------------

def is_office_prosecutor(user, agency_id: int) -> bool:
    seat = _seat(user)
    return seat is not None and seat.role == Role.PROSECUTOR and seat.agency_id == agency_id


def may_record_matters(user, person) -> bool:
    """The person's case-management team records matters they learn of; a prosecutor records their office's."""
    seat = _seat(user)
    return seat is not None and (is_on_team(user, person) or seat.role == Role.PROSECUTOR)


def may_edit_matter(user, matter: LegalMatter) -> bool:
    return is_on_team(user, matter.person) or is_office_prosecutor(user, matter.prosecuting_agency_id)


def may_open_request(user, matter: LegalMatter) -> bool:
    return is_office_prosecutor(user, matter.prosecuting_agency_id)


def may_answer(user, req: CoordinationRequest) -> bool:
    return is_on_team(user, req.person)


def may_decide(user, req: CoordinationRequest) -> bool:
    return is_office_prosecutor(user, req.prosecuting_agency_id)


def may_read_answer(user, req: CoordinationRequest):
    """The answer's text: the team always; anyone else only while a release lets them see the partner summary (the
    Decision says which release, for the accounting of disclosures). Goals it names are the team's alone."""
    if is_on_team(user, req.person):
        return True
    return can_see(user, req.person, Category.PARTNER_SUMMARY)


def what_viewer_sees(user, person) -> list[dict]:
    """For the box "What the release lets you see": each category, whether the policy grants it to this viewer, and
    why (the release, or the seat)."""
    rows = []
    for category in Category.ALL:
        decision = can_see(user, person, category)
        rows.append({"category": category, "label": Category.label(category), "allowed": decision.allowed,
                     "reason": decision.reason if decision.allowed else "", "release": decision.consent})
    return rows


# --- The person timeline ------------------------------------------------------------------------------------------

EVENT_TITLES = {
    CoordinationEvent.Kind.OPENED: gettext_lazy("Coordination request opened"),
    CoordinationEvent.Kind.NOTIFIED: gettext_lazy("Case manager notified of a coordination request"),
    CoordinationEvent.Kind.ANSWERED: gettext_lazy("Coordination request answered"),
    CoordinationEvent.Kind.DECIDED: gettext_lazy("Prosecutor's decision on a coordination request"),
}


def coordination_timeline_items(user, person, may) -> Iterable:
    """Registered with divert.casework.timeline: the steps of this person's coordination requests and the openings
    of their matters, only for matters the viewer may read (category: legal)."""
    from divert.casework.timeline import TimelineItem

    if not may(Category.LEGAL):
        return []
    matters = list(visible_legal_matters(user, person))
    if not matters:
        return []
    items = [TimelineItem(m.created_at, "legal", _("Legal matter recorded: %(kind)s") % {"kind": m.get_kind_display()},
                          category=Category.LEGAL, url=reverse("legal_matter", args=[m.pk])) for m in matters]
    events = (CoordinationEvent.objects.filter(request__in=visible_coordination_requests(user).filter(person=person))
              .filter(~Q(kind=CoordinationEvent.Kind.NOTIFIED)).select_related("request"))
    labels = {"decided": dict(CoordinationRequest._meta.get_field("decision").choices),
              "answered": dict(CoordinationRequest._meta.get_field("answer_kind").choices)}
    for event in events:
        detail = str(labels.get(event.kind, {}).get(event.value, ""))
        items.append(TimelineItem(event.at, "coordination", f"{EVENT_TITLES[event.kind]} ({event.request.reference})",
                                  detail, Category.LEGAL, reverse("coordination_request", args=[event.request_id])))
    return items
