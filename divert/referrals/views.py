from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from divert.accounts.models import User
from divert.accounts.roles import CASE_MANAGEMENT_ROLES, Role
from divert.audit.log import log_event
from divert.audit.middleware import client_ip
from divert.casework.engagement import last_substantive_contacts
from divert.participants.matching import possible_matches
from divert.participants.models import OPEN_STATUSES, Door
from divert.privacy.policy import Category, can_see, disclose, visible_persons, visible_referrals
from divert.protocol.eligibility import review_checks
from divert.protocol.models import DiversionProtocol

from . import actions
from .access import get_referral_for_user, require
from .forms import (
    ChargeDecisionForm,
    CloseForm,
    CommunityReferralForm,
    DecisionForm,
    ExtensionForm,
    IntakeForm,
    LookupForm,
    OfficerReferralForm,
    OnCallShiftForm,
    ReviewForm,
    provider_agencies,
)
from .models import AWAITING_CHARGE_DECISION, ChargeStatus, OnCallShift, PossibleMatch, Referral, ReferralStatus

OFFICER_ROLES = (Role.OFFICER, Role.SERGEANT)
PAGE_SIZE = 25


def _protocol_or_none() -> DiversionProtocol | None:
    return DiversionProtocol.objects.in_effect()


# --- Officers: refer, result, hand-off --------------------------------------------------------------------------

@login_required
def referral_new(request: HttpRequest, door: str) -> HttpResponse:
    require(request.user.has_role(*OFFICER_ROLES))
    if door not in (Door.ARREST_DIVERSION, Door.SOCIAL_CONTACT):
        raise Http404
    protocol = _protocol_or_none()
    if protocol is None or not protocol.is_door_open(door):
        return render(request, "referrals/door_closed.html", {"protocol": protocol, "door": Door(door).label},
                      status=409 if request.method == "POST" else 200)
    form = OfficerReferralForm(request.POST or None, protocol=protocol, door=door)
    if request.method == "POST" and form.is_valid():
        person = actions.PersonDescription(**{k: form.cleaned_data[k] for k in (
            "first_name", "last_name", "aliases", "date_of_birth", "approximate_age", "description")})
        try:
            referral = actions.do_refer(door=door, protocol=protocol, person=person, actor=request.user,
                                        request=request, submission_key=form.cleaned_data["submission_key"],
                                        offenses=list(form.cleaned_data["offenses"]), answers=form.answers(),
                                        extra=form.extra())
        except actions.DuplicateSubmission as dup:
            messages.info(request, _("This referral was already received as %(ref)s.")
                          % {"ref": dup.referral.reference})
            return redirect("referral", dup.referral.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("referral", referral.pk)
    return render(request, "referrals/new.html", {"form": form, "door": door, "door_label": Door(door).label,
                                                  "protocol": protocol,
                                                  "error_step": form.first_error_step() if form.errors else 1})


def _detail_context(request: HttpRequest, referral: Referral, **bound) -> dict:
    user = request.user
    case_team = actions.is_case_team(user, referral)
    is_prosecutor = actions.may_review(user, referral)
    context = {
        "referral": referral, "handoff": getattr(referral, "handoff", None), "case_team": case_team,
        "is_prosecutor": is_prosecutor, "lapsed": referral.status == ReferralStatus.INTAKE_LAPSED,
        "is_referrer": referral.referred_by_id == user.pk,
        "sees_everything": case_team or user.has_role(Role.PROJECT_MANAGER),
        "events": referral.events.select_related("actor"),
    }
    checks = review_checks(referral.protocol)
    context["checks"] = checks
    if actions.may_decide(user, referral) and not referral.decided_at and referral.status in (
            ReferralStatus.AWAITING_APPROVAL, ReferralStatus.INELIGIBLE):
        context["decision_form"] = DecisionForm(checks=checks, providers=provider_agencies())
        context["capacity"] = actions.capacity_remaining(referral.protocol) if referral.protocol.capacity_gate \
            else None
    if is_prosecutor and referral.charge_status == ChargeStatus.HELD and not referral.decided_at:
        context["review_form"] = ReviewForm(checks=checks)
    if is_prosecutor and referral.status == ReferralStatus.INTAKE_LAPSED and referral.charge_status in (
            ChargeStatus.HELD, ChargeStatus.ACCEPTED):
        context["charge_form"] = ChargeDecisionForm()
    if case_team:
        # Only known people this team may know of: a match never reveals another provider's participant.
        context["matches"] = list(referral.possible_matches.select_related("person")
                                  .filter(state=PossibleMatch.State.OPEN, person__in=visible_persons(user)))
        if referral.status in (ReferralStatus.PENDING_INTAKE, ReferralStatus.INTAKE_LAPSED):
            context["extension_form"] = ExtensionForm()
    if actions.may_manage_intake(user, referral) and referral.is_open:
        context["close_form"] = CloseForm()
    context.update(bound)
    return context


@login_required
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id)
    log_event("divert.referral.viewed", request=request, person=referral.person, target=referral,
              category=Category.REFERRAL)
    return render(request, "referrals/detail.html", _detail_context(request, referral))


def _rerender(request: HttpRequest, referral: Referral, **bound) -> HttpResponse:
    """The referral page again with a bound form's errors in place; nothing was saved."""
    return render(request, "referrals/detail.html", _detail_context(request, referral, **bound), status=400)


@login_required
@require_POST
def handoff_request(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id)
    require(referral.referred_by_id == request.user.pk or request.user.has_role(Role.SERGEANT))
    try:
        handoff = actions.do_request_handoff(referral, actor=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if not handoff.paged.exists():
            messages.warning(request, _("Nobody could be paged. Call the provider."))
    return redirect("referral", referral.pk)


@login_required
def handoff_panel(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The hand-off timer, polled by htmx while the officer waits."""
    referral = get_referral_for_user(request.user, referral_id)
    handoff = getattr(referral, "handoff", None)
    if handoff is None:
        raise Http404
    return render(request, "referrals/_handoff.html", {
        "referral": referral, "handoff": handoff, "now": timezone.now(),
        "case_team": actions.is_case_team(request.user, referral),
        "is_referrer": referral.referred_by_id == request.user.pk})


HANDOFF_STEPS = {
    "acknowledge": (actions.do_acknowledge_handoff, "case_team"),
    "arrived": (actions.do_mark_arrived, "case_team"),
    "custody": (actions.do_transfer_custody, "officer"),
}


@login_required
@require_POST
def handoff_step(request: HttpRequest, referral_id: int, step: str) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id)
    if step not in HANDOFF_STEPS or not hasattr(referral, "handoff"):
        raise Http404
    do, who = HANDOFF_STEPS[step]
    if who == "case_team":
        require(actions.is_case_team(request.user, referral))
    else:
        require(referral.referred_by_id == request.user.pk or
                request.user.has_role(Role.SERGEANT) and referral.referring_agency_id == request.user.agency.pk)
    try:
        do(referral, actor=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if request.headers.get("HX-Request"):
        return handoff_panel(request, referral_id)
    return redirect("referral", referral.pk)


# --- Approvers and the prosecutor ---------------------------------------------------------------------------------

def _submit(request: HttpRequest, referral: Referral, form, form_name: str, write, done: str) -> HttpResponse:
    """The shared end of every decision on the referral page: write, or show the form's errors in place."""
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, done)
            return redirect("referral", referral.pk)
    return _rerender(request, referral, **{form_name: form})


@login_required
@require_POST
def referral_decide(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id)
    require(actions.may_decide(request.user, referral))
    form = DecisionForm(request.POST, checks=review_checks(referral.protocol), providers=provider_agencies())

    def write(data):
        approve = data["decision"] == "approve"
        actions.do_decide(referral, actor=request.user, approve=approve, reason=data["reason"],
                          checks=form.checks() if approve else {}, provider=data.get("provider"), request=request)

    return _submit(request, referral, form, "decision_form", write, _("Decision recorded."))


@login_required
@require_POST
def referral_review(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id)
    require(actions.may_review(request.user, referral))
    form = ReviewForm(request.POST, checks=review_checks(referral.protocol))

    def write(data):
        accept = data["decision"] == "accept"
        actions.do_review(referral, actor=request.user, accept=accept, reason=data["reason"],
                          checks=form.checks() if accept else {}, request=request)

    return _submit(request, referral, form, "review_form", write, _("Review recorded."))


@login_required
@require_POST
def referral_charge(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id)
    require(actions.may_review(request.user, referral))
    return _submit(request, referral, ChargeDecisionForm(request.POST), "charge_form", lambda data: (
        actions.do_charge_decision(referral, actor=request.user, decision=data["decision"], reason=data["reason"],
                                   request=request)), _("Decision recorded."))


@login_required
@require_POST
def referral_extend(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id)
    require(actions.may_manage_intake(request.user, referral))
    return _submit(request, referral, ExtensionForm(request.POST), "extension_form", lambda data: (
        actions.do_extend_deadline(referral, actor=request.user, days=data["days"], reason=data["reason"],
                                   request=request)), _("Deadline extended."))


@login_required
@require_POST
def referral_close(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id)
    require(actions.may_manage_intake(request.user, referral))
    return _submit(request, referral, CloseForm(request.POST), "close_form", lambda data: (
        actions.do_close(referral, actor=request.user, outcome=data["outcome"], reason=data["reason"],
                         request=request)), _("Referral closed."))


# --- Case-management team: matches and intake -----------------------------------------------------------------

@login_required
@require_POST
def match_decide(request: HttpRequest, referral_id: int, match_id: int, decision: str) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id)
    require(actions.is_case_team(request.user, referral))
    match = get_object_or_404(PossibleMatch, pk=match_id, referral=referral, state=PossibleMatch.State.OPEN)
    try:
        if decision == "link":
            actions.do_link_person(referral, match, actor=request.user, request=request)
        elif decision == "dismiss":
            actions.do_dismiss_match(referral, match, actor=request.user, request=request)
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("referral", referral.pk)


def _case_managers():
    return User.objects.filter(is_active=True, memberships__active=True,
                               memberships__role=Role.CASE_MANAGER).distinct().order_by("last_name", "first_name")


@login_required
def referral_intake(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, referral_id)
    require(actions.is_case_team(request.user, referral))
    if referral.status not in (ReferralStatus.PENDING_INTAKE, ReferralStatus.INTAKE_LAPSED):
        messages.error(request, _("This referral is not awaiting intake."))
        return redirect("referral", referral.pk)
    seat = request.user.seat
    providers = provider_agencies().filter(pk=seat.agency_id)
    initial = {"provider": seat.agency_id, "intake_on": timezone.localdate()}
    if seat.role == Role.CASE_MANAGER:
        initial["case_manager"] = request.user.pk
    form = IntakeForm(request.POST or None, initial=initial, providers=providers,
                      case_managers=_case_managers().filter(memberships__agency_id=seat.agency_id))
    if request.method == "POST" and form.is_valid():
        try:
            enrollment = actions.do_complete_intake(
                referral, actor=request.user, provider=form.cleaned_data["provider"],
                case_manager=form.cleaned_data["case_manager"], intake_on=form.cleaned_data["intake_on"],
                request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Intake recorded: %(name)s is enrolled.") % {"name": referral.person_name})
            return redirect("person", enrollment.person_id)
    open_matches = referral.possible_matches.filter(state=PossibleMatch.State.OPEN).exists()
    return render(request, "referrals/intake.html", {"referral": referral, "form": form,
                                                     "open_matches": open_matches},
                  status=400 if form.errors else 200)


# --- Queues ---------------------------------------------------------------------------------------------------

QUEUES = {
    # key: (label, roles, filter)
    "mine": (_("My referrals"), {Role.OFFICER, Role.SERGEANT}, lambda u: Q(referred_by=u)),
    "approval": (_("Awaiting my approval"), {Role.SERGEANT, Role.PROJECT_MANAGER, Role.PROSECUTOR},
                 lambda u: Q(status=ReferralStatus.AWAITING_APPROVAL, approver_role=u.role)),
    "review": (_("Arrest diversions to review"), {Role.PROSECUTOR},
               lambda u: Q(door=Door.ARREST_DIVERSION, charge_status=ChargeStatus.HELD, decided_at__isnull=True)),
    "lapsed": (_("Intake not completed by the deadline"), {Role.PROSECUTOR, Role.PROJECT_MANAGER},
               lambda u: AWAITING_CHARGE_DECISION),
    "intake": (_("Awaiting intake"), set(CASE_MANAGEMENT_ROLES) | {Role.PROJECT_MANAGER},
               lambda u: Q(status__in=[ReferralStatus.PENDING_INTAKE, ReferralStatus.INTAKE_LAPSED])),
    "matches": (_("Possible matches to check"), set(CASE_MANAGEMENT_ROLES),
                lambda u: Q(possible_matches__state=PossibleMatch.State.OPEN)),
    "agency": (_("Referrals by my department"), {Role.SERGEANT}, lambda u: Q(referring_agency=u.agency)),
    "all": (_("All referrals"), {Role.PROJECT_MANAGER, Role.PROSECUTOR} | set(CASE_MANAGEMENT_ROLES), lambda u: Q()),
}
DEFAULT_QUEUE = {Role.OFFICER: "mine", Role.SERGEANT: "approval", Role.PROSECUTOR: "review",
                 Role.PROJECT_MANAGER: "approval", Role.CASE_MANAGER: "intake", Role.OUTREACH: "intake",
                 Role.SUPERVISOR: "intake"}


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    role = request.user.role
    require(role in DEFAULT_QUEUE)
    queues = [(key, label) for key, (label, roles, _f) in QUEUES.items() if role in roles]
    key = request.GET.get("queue") or DEFAULT_QUEUE[role]
    if key not in dict(queues):
        raise Http404
    referrals = visible_referrals(request.user).filter(QUEUES[key][2](request.user)).distinct()
    referrals = referrals.select_related("protocol", "person")
    door = request.GET.get("door", "")
    if door in Door.values:
        referrals = referrals.filter(door=door)
    order = "referred_at" if key in ("intake", "review", "approval", "lapsed") else "-referred_at"
    page = Paginator(referrals.order_by(order, "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    if role in OFFICER_ROLES:
        _mark_engagement(request, page.object_list)
    return render(request, "referrals/list.html", {
        "page": page, "queues": queues, "queue": key, "queue_label": QUEUES[key][0], "door": door,
        "doors": Door.choices, "now": timezone.now(), "officer_view": role in OFFICER_ROLES,
        "prosecutor_view": role == Role.PROSECUTOR})


ENGAGEMENT_DAYS = 90


def _mark_engagement(request: HttpRequest, referrals) -> None:
    """For officers: whether each referred person engaged lately, only where a release naming them allows status."""
    ids = {r.person_id for r in referrals if r.person_id}
    shown = set(visible_persons(request.user, Category.STATUS).filter(pk__in=ids).values_list("pk", flat=True))
    since = timezone.now() - timedelta(days=ENGAGEMENT_DAYS)
    last = last_substantive_contacts(shown) if shown else {}
    for referral in referrals:
        referral.engaged = (bool(last.get(referral.person_id) and last[referral.person_id] >= since)
                            if referral.person_id in shown else None)
    for person in {r.person_id: r.person for r in referrals if r.person_id in shown}.values():
        disclose(request.user, person, [Category.STATUS], request=request, purpose="officer's referral status")


@login_required
def referral_start(request: HttpRequest) -> HttpResponse:
    require(request.user.has_role(*OFFICER_ROLES))
    protocol = _protocol_or_none()
    doors = [d for d in (Door.ARREST_DIVERSION, Door.SOCIAL_CONTACT) if protocol and protocol.is_door_open(d)]
    return render(request, "referrals/start.html", {"protocol": protocol, "doors": [(d, Door(d).label) for d in doors]})


# --- The public community referral form --------------------------------------------------------------------------

def _over_public_limit(request: HttpRequest) -> bool:
    from django.conf import settings

    key = f"divert:public-referral:{client_ip(request)}:{timezone.now():%Y%m%d%H}"
    count = cache.get_or_set(key, 0, timeout=3600)
    if count >= settings.DIVERT_PUBLIC_REFERRALS_PER_HOUR:
        return True
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
    return False


def community_referral(request: HttpRequest) -> HttpResponse:
    protocol = _protocol_or_none()
    if protocol is None or not protocol.is_door_open(Door.COMMUNITY):
        return render(request, "referrals/community_closed.html", status=404)
    form = CommunityReferralForm(request.POST or None, protocol=protocol)
    if request.method == "POST":
        if request.POST.get("website"):
            # A robot filled the honeypot. Answer as if it worked; keep nothing.
            log_event("divert.referral.spam_blocked", request=request, details={"why": "honeypot"})
            return redirect("community_referral_thanks")
        if _over_public_limit(request):
            log_event("divert.referral.spam_blocked", request=request, details={"why": "rate limit"})
            response = render(request, "referrals/community.html", {"form": form, "protocol": protocol,
                                                                     "rate_limited": True}, status=429)
            response["Retry-After"] = "3600"
            return response
        if form.is_valid():
            data = form.cleaned_data
            person = actions.PersonDescription(**{k: data[k] for k in (
                "first_name", "last_name", "aliases", "date_of_birth", "approximate_age", "description")})
            try:
                actions.do_refer(door=Door.COMMUNITY, protocol=protocol, person=person, request=request,
                                 submission_key=data["submission_key"], extra=form.extra())
            except actions.DuplicateSubmission:
                pass  # a double tap: the first one was received
            except ValidationError as exc:
                form.add_error(None, exc)
            if not form.errors:
                return redirect("community_referral_thanks")
    return render(request, "referrals/community.html", {"form": form, "protocol": protocol},
                  status=400 if form.errors else 200)


def community_referral_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "referrals/community_thanks.html")


# --- Officers: "is this person in the program, whom do I call" ---------------------------------------------------

@login_required
def lookup(request: HttpRequest) -> HttpResponse:
    require(request.user.has_role(*OFFICER_ROLES))
    form = LookupForm(request.POST or None)
    answer = None
    if request.method == "POST" and form.is_valid():
        answer = _lookup_answer(request, form.cleaned_data)
    return render(request, "referrals/lookup.html", {"form": form, "answer": answer})


def _lookup_answer(request: HttpRequest, data: dict) -> dict | None:
    """Only a release naming the officer's agency lets the answer be anything but "no information"."""
    candidates = possible_matches(data["first_name"], data["last_name"], date_of_birth=data["date_of_birth"])
    allowed = []
    for match in candidates:
        if match.score < 0.9 or match.person.date_of_birth != data["date_of_birth"]:
            continue
        decision = can_see(request.user, match.person, Category.STATUS)
        if decision:
            allowed.append((match.person, decision))
    log_event("divert.person.looked_up", request=request, details={"answered": len(allowed) == 1})
    if len(allowed) != 1:
        return None
    person, decision = allowed[0]
    enrollment = person.enrollments.filter(status__in=OPEN_STATUSES).select_related("case_manager", "provider").first()
    if enrollment is None:
        return None
    disclose(request.user, person, [Category.STATUS], request=request, purpose="officer lookup")
    return {"person": person, "enrollment": enrollment}


# --- The on-call roster ------------------------------------------------------------------------------------------

@login_required
def on_call(request: HttpRequest) -> HttpResponse:
    require(request.user.has_role(*CASE_MANAGEMENT_ROLES))
    provider = request.user.agency
    may_edit = request.user.has_role(Role.SUPERVISOR)
    form = OnCallShiftForm(request.POST or None, provider=provider) if may_edit else None
    if request.method == "POST":
        require(may_edit)
        if form.is_valid():
            data = form.cleaned_data
            shifts = [OnCallShift(case_manager=data["case_manager"], provider=provider, weekday=day,
                                  starts=data["starts"], ends=data["ends"]) for day in data["weekdays"]]
            OnCallShift.objects.bulk_create(shifts)
            log_event("divert.on_call.changed", request=request,
                      details={"added": len(shifts), "who": data["case_manager"].get_username()})
            messages.success(request, _("Added to the on-call roster."))
            return redirect("on_call")
    shifts = OnCallShift.objects.filter(provider=provider).select_related("case_manager")
    return render(request, "referrals/on_call.html", {
        "shifts": shifts, "form": form, "may_edit": may_edit, "on_call_now": actions.on_call_now(provider=provider)},
        status=400 if form is not None and form.errors else 200)


@login_required
@require_POST
def on_call_remove(request: HttpRequest, shift_id: int) -> HttpResponse:
    require(request.user.has_role(Role.SUPERVISOR))
    shift = get_object_or_404(OnCallShift, pk=shift_id, provider=request.user.agency)
    log_event("divert.on_call.changed", request=request,
              details={"removed": 1, "who": shift.case_manager.get_username()})
    shift.delete()
    messages.success(request, _("Removed from the on-call roster."))
    return redirect("on_call")
