"""Pages for assessments, monthly status, the intervention plan and the assessment instrument.

Every page about a participant starts with the privacy check (404 when the reader may not see casework of
this person, 403 when they may read but not write), shows only the items whose category the reader may see,
and writes one audit event per sensitive category it shows.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from divert.accounts.roles import Role
from divert.casework import actions_assessment as actions
from divert.casework.forms_assessment import (
    AssessmentForm,
    GoalForm,
    GoalStatusForm,
    MonthlyStatusForm,
    NoteForm,
    PublishForm,
    QuestionForm,
    SectionForm,
    StepDoneForm,
    StepForm,
    parse_month,
)
from divert.casework.models import (
    HOUSING_LADDER,
    Assessment,
    Goal,
    GoalDomain,
    GoalStep,
    Instrument,
    InstrumentLocked,
    MonthlyStatus,
    Question,
    Section,
)
from divert.participants.models import Person
from divert.privacy.policy import Category
from divert.web.access import get_person_for_user

INSTRUMENT_READERS = (Role.PROJECT_MANAGER, Role.SUPERVISOR, Role.CASE_MANAGER, Role.OUTREACH)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _status(form) -> int:
    return 400 if form.errors else 200


# --- Assessments -------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id, Category.CASEWORK)
    enrollment = actions.current_enrollment(request.user, person)
    _require(actions.may_write(request.user, person))
    instrument = Instrument.objects.current()
    if instrument is None:
        return render(request, "casework/assessment/no_instrument.html", {"person": person})
    if request.method == "POST" and (saved := _already_saved(person, request.POST.get("submission_key", ""))):
        return redirect("assessment", saved.pk)  # the same form sent twice
    has_intake = Assessment.objects.filter(enrollment=enrollment, kind=Assessment.Kind.INTAKE).exists()
    form = AssessmentForm(request.POST or None, instrument=instrument, may_see=actions.Visibility(request.user, person),
                          has_intake=has_intake)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assessment = actions.do_record_assessment(
            person, enrollment=enrollment, instrument=instrument, kind=data["kind"], assessed_on=data["assessed_on"],
            answers=form.answers(), actor=request.user, submission_key=data["submission_key"], request=request)
        messages.success(request, _("Assessment saved."))
        return redirect("assessment", assessment.pk)
    return render(request, "casework/assessment/new.html", {"person": person, "form": form, "instrument": instrument},
                  status=_status(form))


def _already_saved(person: Person, key: str) -> Assessment | None:
    try:
        return Assessment.objects.filter(person=person, submission_key=uuid.UUID(key)).first()
    except ValueError:
        return None


@login_required
def assessment(request: HttpRequest, assessment_id: int) -> HttpResponse:
    record = Assessment.objects.select_related("instrument", "recorded_by").filter(pk=assessment_id).first()
    if record is None:
        raise Http404("No such assessment")
    person = get_person_for_user(request.user, record.person_id, Category.CASEWORK)
    sees = actions.Visibility(request.user, person)
    answers = [a for a in record.answers.select_related("question__section")
               .order_by("question__section__order", "question__section_id", "question__order", "question_id")
               if sees(a.question.category)]
    sections: list[tuple] = []
    for answer in answers:
        if not sections or sections[-1][0] != answer.question.section:
            sections.append((answer.question.section, []))
        sections[-1][1].append(answer)
    notice = actions.log_reads("divert.casework.assessment.viewed", request=request, user=request.user, person=person,
                               categories=[Category.CASEWORK, *(a.question.category for a in answers)], target=record)
    return render(request, "casework/assessment/detail.html", {
        "person": person, "assessment": record, "sections": sections, "notice": notice,
        "may_write": actions.may_write(request.user, person)})


# --- Monthly status ----------------------------------------------------------------------------------------

def _month_initial(row: MonthlyStatus | None) -> dict:
    if row is None:
        return {"month": timezone.localdate().strftime("%Y-%m")}
    return {"month": row.month.strftime("%Y-%m"), "housing": row.housing, "income_sources": row.income_sources,
            "employment": row.employment, "version": row.updated_at.isoformat()}


@login_required
@require_http_methods(["GET", "POST"])
def monthly_status(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id, Category.CASEWORK)
    may_write = actions.may_write(request.user, person)
    editing = MonthlyStatus.objects.filter(person=person, month=parse_month(request.GET.get("month", ""))).first()
    form = MonthlyStatusForm(request.POST or None, initial=_month_initial(editing))
    status = 200
    if request.method == "POST":
        _require(may_write)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.do_record_monthly_status(
                    person, month=data["month"], housing=data["housing"], income_sources=data["income_sources"],
                    employment=data["employment"], actor=request.user, version=data["version"], request=request,
                    enrollment=actions.current_enrollment(request.user, person))
            except actions.Stale as e:
                form, status = MonthlyStatusForm(initial=_month_initial(
                    MonthlyStatus.objects.filter(person=person, month=data["month"]).first())), 409
                form.stale = e.message
            except ValidationError as e:
                form.add_error("month", e)
            else:
                messages.success(request, _("Monthly status saved."))
                return redirect("monthly_status", person.pk)
        status = status if status == 409 else _status(form)
    history = list(MonthlyStatus.objects.filter(person=person).order_by("-month"))
    actions.log_reads("divert.casework.monthly_status.viewed", request=request, user=request.user, person=person,
                      categories=[Category.CASEWORK])
    return render(request, "casework/assessment/monthly_status.html", {
        "person": person, "form": form, "history": history, "may_write": may_write, "editing": editing,
        "chart_rows": housing_chart_rows(history)}, status=status)


def housing_chart_rows(history: list[MonthlyStatus]) -> list[tuple[str, int]]:
    """Oldest month first: (month and situation, step on the housing ladder)."""
    return [(f"{row.month:%Y-%m} {row.get_housing_display().split(' (')[0]}", HOUSING_LADDER.get(row.housing, 0))
            for row in sorted(history, key=lambda r: r.month)[-12:]]


# --- The intervention plan ---------------------------------------------------------------------------------

def _goal_for_user(user, goal_id: int) -> tuple[Goal, Person]:
    goal = Goal.objects.select_related("plan__person").filter(pk=goal_id).first()
    if goal is None:
        raise Http404("No such goal")
    person = get_person_for_user(user, goal.plan.person_id, Category.CASEWORK)
    if not actions.Visibility(user, person)(goal.category):
        raise Http404("No such goal")
    _require(actions.may_write(user, person))
    return goal, person


def _goal_auto_id(goal: Goal, form_name: str) -> str:
    # Each goal on the plan page carries three small forms; their ids must differ, or a label names another field.
    return f"id_g{goal.pk}_{form_name}_%s"


def _goal_forms(goal: Goal) -> dict:
    version = {"version": goal.updated_at.isoformat()}
    return {"status": GoalStatusForm(initial={**version, "status": goal.status}, auto_id=_goal_auto_id(goal, "status")),
            "step": StepForm(initial=version, auto_id=_goal_auto_id(goal, "step")),
            "note": NoteForm(auto_id=_goal_auto_id(goal, "note")), "version": version["version"]}


def _plan_page(request: HttpRequest, person: Person, *, bound: tuple | None = None, status: int = 200,
               stale: str = "") -> HttpResponse:
    sees = actions.Visibility(request.user, person)
    enrollment = actions.current_enrollment(request.user, person)
    goals = (Goal.objects.filter(plan__person=person, plan__enrollment__status__in=actions.OPEN_STATUSES)
             .select_related("created_by").prefetch_related("steps", "notes__written_by",
                                                            "status_changes__changed_by"))
    goals = [g for g in goals if sees(g.category)]
    for goal in goals:
        goal.forms = _goal_forms(goal)
        if bound and bound[0] == goal.pk:
            goal.forms[bound[1]] = bound[2]
    domains = [(label, [g for g in goals if g.domain == value]) for value, label in GoalDomain.choices]
    notice = actions.log_reads("divert.casework.plan.viewed", request=request, user=request.user, person=person,
                               categories=[Category.CASEWORK, *(g.category for g in goals)])
    return render(request, "casework/assessment/plan.html", {
        "person": person, "domains": [d for d in domains if d[1]], "goals": goals, "notice": notice, "stale": stale,
        "may_write": actions.may_write(request.user, person) and enrollment is not None}, status=status)


@login_required
def person_plan(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id, Category.CASEWORK)
    return _plan_page(request, person)


@login_required
@require_http_methods(["GET", "POST"])
def goal_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id, Category.CASEWORK)
    _require(actions.may_write(request.user, person))
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.do_add_goal(person, actions.current_enrollment(request.user, person), domain=data["domain"],
                            text=data["text"], chosen_by_participant=data["chosen_by_participant"],
                            steps=data["steps"], actor=request.user, request=request)
        messages.success(request, _("Goal added to the plan."))
        return redirect("person_plan", person.pk)
    return render(request, "casework/assessment/goal_new.html", {"person": person, "form": form},
                  status=_status(form))


def _goal_write(request: HttpRequest, goal_id: int, form_name: str, form_class, write) -> HttpResponse:
    """POST handlers of the plan page: on bad input or a stale version, the plan page again with the form."""
    goal, person = _goal_for_user(request.user, goal_id)
    form = form_class(request.POST, auto_id=_goal_auto_id(goal, form_name))
    if form.is_valid():
        try:
            write(goal, form.cleaned_data)
        except actions.Stale as e:
            return _plan_page(request, person, status=409, stale=e.message)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            return redirect(f"{_plan_url(person)}#goal-{goal.pk}")
    return _plan_page(request, person, bound=(goal.pk, form_name, form), status=400)


def _plan_url(person: Person) -> str:
    from django.urls import reverse

    return reverse("person_plan", args=[person.pk])


@login_required
@require_POST
def goal_status(request: HttpRequest, goal_id: int) -> HttpResponse:
    return _goal_write(request, goal_id, "status", GoalStatusForm, lambda goal, data: actions.do_change_goal_status(
        goal, data["status"], note=data["note"], actor=request.user, version=data["version"], request=request))


@login_required
@require_POST
def goal_step_add(request: HttpRequest, goal_id: int) -> HttpResponse:
    return _goal_write(request, goal_id, "step", StepForm, lambda goal, data: actions.do_add_step(
        goal, text=data["text"], actor=request.user, version=data["version"], request=request))


@login_required
@require_POST
def goal_step_done(request: HttpRequest, goal_id: int, step_id: int) -> HttpResponse:
    step = get_object_or_404(GoalStep, pk=step_id, goal_id=goal_id)
    return _goal_write(request, goal_id, "step", StepDoneForm, lambda goal, data: actions.do_complete_step(
        step, actor=request.user, version=data["version"], request=request))


@login_required
@require_POST
def goal_note_add(request: HttpRequest, goal_id: int) -> HttpResponse:
    return _goal_write(request, goal_id, "note", NoteForm, lambda goal, data: actions.do_add_goal_note(
        goal, text=data["text"], actor=request.user, request=request))


# --- Instruments (project manager) -------------------------------------------------------------------------

def _instrument_for_user(user, instrument_id: int, *, write: bool = False) -> Instrument:
    _require(user.has_role(*INSTRUMENT_READERS))
    instrument = get_object_or_404(Instrument, pk=instrument_id)
    if write:
        # Only the project manager changes the instrument, and only a draft.
        _require(user.has_role(Role.PROJECT_MANAGER) and not instrument.is_published)
    return instrument


@login_required
def instrument_list(request: HttpRequest) -> HttpResponse:
    _require(request.user.has_role(*INSTRUMENT_READERS))
    return render(request, "casework/assessment/instrument_list.html", {
        "instruments": Instrument.objects.select_related("published_by").order_by("name", "-version"),
        "current": Instrument.objects.current(), "may_edit": request.user.has_role(Role.PROJECT_MANAGER)})


@login_required
def instrument_detail(request: HttpRequest, instrument_id: int) -> HttpResponse:
    instrument = _instrument_for_user(request.user, instrument_id)
    may_edit = request.user.has_role(Role.PROJECT_MANAGER)
    return render(request, "casework/assessment/instrument_detail.html", {
        "instrument": instrument, "sections": instrument.sections.prefetch_related("questions"),
        "may_edit": may_edit and not instrument.is_published, "may_copy": may_edit,
        "publish_form": PublishForm(initial={"version": instrument.updated_at.isoformat()})})


@login_required
@require_POST
def instrument_copy(request: HttpRequest, instrument_id: int) -> HttpResponse:
    source = _instrument_for_user(request.user, instrument_id)
    _require(request.user.has_role(Role.PROJECT_MANAGER))
    draft = actions.do_copy_instrument(source, actor=request.user, request=request)
    messages.success(request, _("A new draft, version %(version)s, was made.") % {"version": draft.version})
    return redirect("instrument_detail", draft.pk)


@login_required
@require_http_methods(["GET", "POST"])
def instrument_section(request: HttpRequest, instrument_id: int, section_id: int | None = None) -> HttpResponse:
    instrument = _instrument_for_user(request.user, instrument_id, write=True)
    section = get_object_or_404(Section, pk=section_id, instrument=instrument) if section_id else None
    initial = {"version": instrument.updated_at.isoformat(),
               **({"title": section.title, "order": section.order} if section else {})}
    form = SectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        return _instrument_write(request, instrument, form, "casework/assessment/instrument_section.html",
                                 {"section": section}, lambda data: actions.do_save_section(
                                     instrument, section=section, title=data["title"], order=data["order"],
                                     actor=request.user, version=data["version"], request=request))
    return render(request, "casework/assessment/instrument_section.html",
                  {"instrument": instrument, "form": form, "section": section}, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def instrument_question(request: HttpRequest, instrument_id: int, question_id: int | None = None) -> HttpResponse:
    instrument = _instrument_for_user(request.user, instrument_id, write=True)
    question = (get_object_or_404(Question, pk=question_id, section__instrument=instrument) if question_id
                else None)
    initial = {"version": instrument.updated_at.isoformat(), **(QuestionForm.initial_for(question) if question else {})}
    form = QuestionForm(request.POST or None, initial=initial, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = question or Question()
        for field in ("order", "key", "text", "help_text", "kind", "choices", "required", "category"):
            setattr(target, field, data[field])
        target.section_id = data["section"]
        return _instrument_write(request, instrument, form, "casework/assessment/instrument_question.html",
                                 {"question": question}, lambda data: actions.do_save_question(
                                     instrument, target, actor=request.user, version=data["version"],
                                     delete=bool(data["delete"] and question), request=request))
    return render(request, "casework/assessment/instrument_question.html",
                  {"instrument": instrument, "form": form, "question": question}, status=_status(form))


def _instrument_write(request, instrument, form, template, context, write) -> HttpResponse:
    try:
        write(form.cleaned_data)
    except actions.Stale as e:
        form.add_error(None, e)
        return render(request, template, {"instrument": instrument, "form": form, **context}, status=409)
    except InstrumentLocked:
        raise PermissionDenied from None
    except ValidationError as e:
        form.add_error(None, e)
        return render(request, template, {"instrument": instrument, "form": form, **context}, status=400)
    messages.success(request, _("Draft saved."))
    return redirect("instrument_detail", instrument.pk)


@login_required
@require_POST
def instrument_publish(request: HttpRequest, instrument_id: int) -> HttpResponse:
    instrument = _instrument_for_user(request.user, instrument_id, write=True)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            actions.do_publish_instrument(instrument, actor=request.user, version=form.cleaned_data["version"],
                                          request=request)
        except (actions.Stale, ValidationError) as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Published. New assessments use this version."))
            return redirect("instrument_detail", instrument.pk)
    return render(request, "casework/assessment/instrument_detail.html", {
        "instrument": instrument, "sections": instrument.sections.prefetch_related("questions"), "may_edit": True,
        "may_copy": True, "publish_form": form}, status=409 if form.has_error("__all__", "stale") else 400)
