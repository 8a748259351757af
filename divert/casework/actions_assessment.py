"""Writes for assessments, monthly status and the intervention plan (each one transaction plus its audit event),
who may write them, what a reader may see of them, and the default LEAD intake instrument.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from divert.accounts.roles import Role
from divert.audit.log import log_event
from divert.casework.models import (
    Answer,
    Assessment,
    Goal,
    GoalNote,
    GoalStatus,
    GoalStatusChange,
    GoalStep,
    Housing,
    IncomeSource,
    Instrument,
    InstrumentLocked,
    InterventionPlan,
    MonthlyStatus,
    Question,
    QuestionKind,
    Section,
)
from divert.casework.timeline import TimelineItem, register_timeline_source
from divert.participants.models import OPEN_STATUSES, Enrollment, Person
from divert.privacy.policy import Category, can_see

CASE_TEAM_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR, Role.OUTREACH})


class Stale(ValidationError):
    """Someone else changed the object after the form was opened."""


STALE_MESSAGE = gettext_lazy("This was changed by someone else since you opened it. Nothing was saved; "
                  "check the new state below and try again.")


# --- Who may write, and what a reader may see ------------------------------------------------------------

def current_enrollment(user, person: Person) -> Enrollment | None:
    """The open enrollment this user works on for the person: at their provider (the assigned one, for a case
    manager). None when the user is not on the person's case-management team."""
    seat = user.seat if user.is_active else None
    if seat is None or seat.role not in CASE_TEAM_ROLES:
        return None
    enrollments = person.enrollments.filter(provider_id=seat.agency_id, status__in=OPEN_STATUSES)
    if seat.role == Role.CASE_MANAGER:
        enrollments = enrollments.filter(case_manager_id=user.pk)
    return enrollments.order_by("-referred_on", "-id").first()


def may_write(user, person: Person) -> bool:
    """The person's case-management team writes assessments, monthly status and the plan. Others who may read
    casework (a partner under a release) read only."""
    return current_enrollment(user, person) is not None and bool(can_see(user, person, Category.CASEWORK))


class Visibility:
    """Which categories of one person a user may see, asked once per category."""

    def __init__(self, user, person: Person):
        self.user, self.person = user, person
        self._decisions: dict[str, object] = {}

    def decision(self, category: str):
        if category not in self._decisions:
            self._decisions[category] = can_see(self.user, self.person, category)
        return self._decisions[category]

    def __call__(self, category: str) -> bool:
        return bool(self.decision(category))


def log_reads(action: str, *, request, user, person: Person, categories: Iterable[str], target=None) -> str | None:
    """One audit event per sensitive category shown; partners' views are also logged as disclosures.

    Returns the Part 2 redisclosure notice when substance-use information was disclosed under a consent.
    """
    from divert.privacy.policy import disclose

    shown = [c for c in dict.fromkeys(categories) if c in Category.SENSITIVE]
    for category in shown:
        log_event(action, request=request, actor=user, person=person, target=target or person, category=category)
    return disclose(user, person, shown, request=request) if shown else None


# --- Instruments -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Q:
    key: str
    text: str
    kind: str
    category: str = Category.CASEWORK
    choices: tuple = ()
    required: bool = False
    help_text: str = ""


YES_NO = QuestionKind.YES_NO
PREFER_NOT = ("prefer_not_to_say", "Prefer not to say")

DEFAULT_INSTRUMENT_NAME = "LEAD intake and assessment"
DEFAULT_INSTRUMENT: list[tuple[str, list[Q]]] = [
    ("About the participant", [
        Q("race_ethnicity", "Race and ethnicity (choose all that apply)", QuestionKind.MULTIPLE, required=True,
          help_text="As the participant describes themselves. Categories follow the federal standard (OMB SPD 15).",
          choices=(("american_indian_alaska_native", "American Indian or Alaska Native"), ("asian", "Asian"),
                   ("black", "Black or African American"), ("hispanic_latino", "Hispanic or Latino"),
                   ("middle_eastern_north_african", "Middle Eastern or North African"),
                   ("native_hawaiian_pacific_islander", "Native Hawaiian or Other Pacific Islander"),
                   ("white", "White"), ("other", "Another race or ethnicity"), PREFER_NOT)),
        Q("gender", "Gender", QuestionKind.SINGLE,
          choices=(("woman", "Woman"), ("man", "Man"), ("transgender_woman", "Transgender woman"),
                   ("transgender_man", "Transgender man"), ("nonbinary", "Non-binary"),
                   ("another", "Another gender identity"), PREFER_NOT)),
        Q("language", "Preferred language", QuestionKind.TEXT),
        Q("veteran", "Has served in the armed forces", YES_NO),
    ]),
    ("Housing", [
        Q("housing", "Where the participant is staying now", QuestionKind.SINGLE, required=True,
          choices=tuple((h.value, str(h.label)) for h in Housing)),
        Q("housing_months_without", "Months without permanent housing (about)", QuestionKind.NUMBER),
        Q("housing_wants_help", "Wants help with housing", YES_NO),
    ]),
    ("Income and benefits", [
        Q("income_sources", "Income and benefits now (choose all that apply)", QuestionKind.MULTIPLE, required=True,
          choices=tuple((s.value, str(s.label)) for s in IncomeSource)),
        Q("income_monthly", "Monthly income in dollars (about)", QuestionKind.NUMBER),
        Q("benefits_pending", "Benefit applications pending or needed", QuestionKind.TEXT),
    ]),
    ("Employment", [
        Q("employment", "Work now", QuestionKind.SINGLE, required=True,
          choices=(("not_working", "Not working"), ("informal", "Day labor or informal work"),
                   ("training", "In job training or education for work"), ("part_time", "Working part-time"),
                   ("full_time", "Working full-time"))),
        Q("employment_interest", "Interested in work or job training", YES_NO),
    ]),
    ("Education", [
        Q("education", "Highest education completed", QuestionKind.SINGLE,
          choices=(("less_than_high_school", "Less than high school"), ("high_school", "High school diploma or GED"),
                   ("some_college", "Some college or vocational training"), ("degree", "College degree"))),
        Q("education_enrolled", "Enrolled in school or a course now", YES_NO),
    ]),
    ("Health coverage", [
        Q("coverage", "Health coverage", QuestionKind.SINGLE, category=Category.HEALTH,
          choices=(("medicaid", "Medicaid"), ("medicare", "Medicare"), ("medicaid_medicare", "Medicaid and Medicare"),
                   ("va", "VA health care"), ("private", "Private or employer insurance"), ("none", "None"),
                   ("unknown", "Does not know"))),
    ]),
    ("Physical health", [
        Q("health_conditions", "Health conditions the participant wants help with", QuestionKind.MULTIPLE,
          category=Category.HEALTH,
          choices=(("hepatitis_c", "Hepatitis C"), ("hiv", "HIV"), ("diabetes", "Diabetes"),
                   ("wounds", "Wounds or skin infections"), ("dental", "Dental"), ("chronic_pain", "Chronic pain"),
                   ("pregnancy", "Pregnancy"), ("other", "Other"))),
        Q("health_regular_care", "Has a regular clinic or doctor", YES_NO, category=Category.HEALTH),
        Q("health_notes", "Physical health notes", QuestionKind.TEXT, category=Category.HEALTH),
    ]),
    ("Mental health", [
        Q("mental_health_concerns", "Has mental-health concerns they want to talk about", YES_NO,
          category=Category.HEALTH),
        Q("mental_health_care", "Seeing a mental-health provider now", YES_NO, category=Category.HEALTH),
        Q("mental_health_notes", "Mental health notes", QuestionKind.TEXT, category=Category.HEALTH),
    ]),
    ("Substance use", [
        Q("substances", "Substances used in the last 30 days (choose all that apply)", QuestionKind.MULTIPLE,
          category=Category.SUD, help_text="Asked to offer help and reduce harm. Nothing here is a condition of "
          "participation; abstinence is never required.",
          choices=(("none", "None"), ("alcohol", "Alcohol"), ("opioids", "Heroin or fentanyl"),
                   ("pills", "Pills not prescribed"), ("stimulants", "Methamphetamine or cocaine"),
                   ("cannabis", "Cannabis"), ("other", "Other"), PREFER_NOT)),
        Q("treatment_now", "In treatment or on MAT now", QuestionKind.SINGLE, category=Category.SUD,
          choices=(("no", "No"), ("methadone", "Methadone"), ("buprenorphine", "Buprenorphine"),
                   ("naltrexone", "Naltrexone"), ("other_treatment", "Other treatment"))),
        Q("overdose_last_year", "Has overdosed in the last 12 months", YES_NO, category=Category.SUD),
        Q("naloxone", "Carries naloxone", YES_NO, category=Category.SUD),
        Q("sud_notes", "Substance use notes", QuestionKind.TEXT, category=Category.SUD),
    ]),
    ("Children and family", [
        Q("children_under_18", "Children under 18", QuestionKind.NUMBER),
        Q("children_living_with", "Any children live with the participant", YES_NO),
        Q("child_care_need", "Needs child care", YES_NO),
    ]),
    ("Legal obligations", [
        Q("court_dates", "Has upcoming court dates", YES_NO, category=Category.LEGAL),
        Q("supervision", "On probation or parole", YES_NO, category=Category.LEGAL),
        Q("fines_fees", "Owes court fines or fees", YES_NO, category=Category.LEGAL),
        Q("legal_notes", "Legal obligations notes", QuestionKind.TEXT, category=Category.LEGAL,
          help_text="Obligations to help with. Never write down anything the participant did that could be used "
          "against them."),
    ]),
    ("Immediate needs", [
        Q("immediate_needs", "Needs today (choose all that apply)", QuestionKind.MULTIPLE,
          choices=(("food", "Food"), ("shelter_tonight", "A place to sleep tonight"), ("medical", "Medical care"),
                   ("id", "ID or documents"), ("phone", "A phone"), ("clothing", "Clothing"),
                   ("safety", "Safety"), ("none", "Nothing urgent"))),
        Q("has_id", "Has a photo ID", YES_NO),
        Q("immediate_notes", "Anything else urgent", QuestionKind.TEXT),
    ]),
]


def _create_sections(instrument: Instrument, spec: list[tuple[str, list[Q]]]) -> None:
    for s_order, (title, questions) in enumerate(spec, start=1):
        section = Section.objects.create(instrument=instrument, order=s_order, title=title)
        Question.objects.bulk_create([
            Question(section=section, order=q_order, key=q.key, text=q.text, kind=q.kind, category=q.category,
                     choices=[list(c) for c in q.choices], required=q.required, help_text=q.help_text)
            for q_order, q in enumerate(questions, start=1)
        ])


def install_default_instrument() -> Instrument:
    """Create and publish "LEAD intake and assessment v1", once. Safe to call again: it returns the existing one."""
    with transaction.atomic():
        existing = Instrument.objects.filter(name=DEFAULT_INSTRUMENT_NAME, version=1).first()
        if existing is not None:
            return existing
        instrument = Instrument.objects.create(
            name=DEFAULT_INSTRUMENT_NAME, version=1,
            summary="The default instrument: demographics, housing, income, employment, education, health "
                    "coverage, physical and mental health, substance use, children, legal obligations and "
                    "immediate needs.")
        _create_sections(instrument, DEFAULT_INSTRUMENT)
        Instrument.objects.filter(pk=instrument.pk).update(state=Instrument.State.PUBLISHED,
                                                           published_at=timezone.now())
        instrument.refresh_from_db()
    return instrument


def _check_fresh(model, pk: int, version: datetime | None):
    locked = model.objects.select_for_update().get(pk=pk)
    if version is not None and locked.updated_at != version:
        raise Stale(STALE_MESSAGE, code="stale")
    return locked


def do_copy_instrument(source: Instrument, *, actor, request=None) -> Instrument:
    """A new draft version of the same instrument, with copies of every section and question."""
    with transaction.atomic():
        draft = Instrument.objects.create(name=source.name, based_on=source, summary="")
        for section in source.sections.prefetch_related("questions"):
            copy = Section.objects.create(instrument=draft, order=section.order, title=section.title)
            Question.objects.bulk_create([
                Question(section=copy, order=q.order, key=q.key, text=q.text, help_text=q.help_text, kind=q.kind,
                         choices=q.choices, required=q.required, category=q.category)
                for q in section.questions.all()])
        log_event("divert.instrument.drafted", request=request, actor=actor, target=draft,
                  details={"based_on": source.pk, "version": draft.version})
    return draft


def _touch(instrument: Instrument) -> None:
    # Any change to a draft's sections or questions moves the draft's version, for the concurrency check.
    Instrument.objects.filter(pk=instrument.pk, state=Instrument.State.DRAFT).update(updated_at=timezone.now())


def do_save_section(instrument: Instrument, *, section: Section | None, title: str, order: int, actor,
                    version: datetime | None, request=None) -> Section:
    with transaction.atomic():
        locked = _check_fresh(Instrument, instrument.pk, version)
        if locked.is_published:
            raise InstrumentLocked(_("A published version cannot change. Make a new draft to change it."))
        section = section or Section(instrument=locked)
        section.title, section.order = title, order
        section.save()
        _touch(locked)
        log_event("divert.instrument.changed", request=request, actor=actor, target=locked,
                  details={"section": section.pk, "change": "section saved"})
    return section


def do_save_question(instrument: Instrument, question: Question, *, actor, version: datetime | None,
                     delete: bool = False, request=None) -> None:
    with transaction.atomic():
        locked = _check_fresh(Instrument, instrument.pk, version)
        if locked.is_published:
            raise InstrumentLocked(_("A published version cannot change. Make a new draft to change it."))
        clash = Question.objects.filter(section__instrument=locked, key=question.key).exclude(pk=question.pk)
        if not delete and clash.exists():
            raise ValidationError(_("Another question in this instrument already uses that key."), code="key")
        key = question.key
        if delete:
            question.delete()
        else:
            question.save()
        _touch(locked)
        log_event("divert.instrument.changed", request=request, actor=actor, target=locked,
                  details={"question": key, "change": "question removed" if delete else "question saved"})


def do_publish_instrument(instrument: Instrument, *, actor, version: datetime | None, request=None) -> Instrument:
    with transaction.atomic():
        locked = _check_fresh(Instrument, instrument.pk, version)
        if locked.is_published:
            raise InstrumentLocked(_("This version is already published."))
        if not Question.objects.filter(section__instrument=locked).exists():
            raise ValidationError(_("An instrument needs at least one question before it is published."),
                                  code="empty")
        Instrument.objects.filter(pk=locked.pk).update(state=Instrument.State.PUBLISHED, published_at=timezone.now(),
                                                       published_by=actor, updated_at=timezone.now())
        locked.refresh_from_db()
        log_event("divert.instrument.published", request=request, actor=actor, target=locked,
                  details={"version": locked.version, "questions": locked.questions().count()})
    return locked


# --- Assessments -------------------------------------------------------------------------------------------

def do_record_assessment(person: Person, *, enrollment: Enrollment | None, instrument: Instrument, kind: str,
                         assessed_on: date, answers: dict[Question, object], actor, submission_key,
                         request=None) -> Assessment:
    """Save an assessment and all its answers at once. A second submission of the same form returns the first."""
    if not instrument.is_published:
        raise ValidationError(_("Assessments use a published instrument."), code="draft")
    existing = Assessment.objects.filter(submission_key=submission_key, person=person).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                person=person, enrollment=enrollment, instrument=instrument, kind=kind, assessed_on=assessed_on,
                recorded_by=actor, submission_key=submission_key)
            Answer.objects.bulk_create([
                Answer(assessment=assessment, question=question, value=value)
                for question, value in answers.items() if value not in (None, "", [])])
            log_event("divert.casework.assessment.recorded", request=request, actor=actor, person=person,
                      target=assessment, category=Category.CASEWORK,
                      details={"kind": kind, "instrument": instrument.pk, "answers": len(answers)})
    except IntegrityError:
        # The same form submitted twice at the same moment: the other request saved it.
        existing = Assessment.objects.filter(submission_key=submission_key, person=person).first()
        if existing is None:
            raise
        return existing
    return assessment


# --- Monthly status ----------------------------------------------------------------------------------------

def do_record_monthly_status(person: Person, *, month: date, housing: str, income_sources: list[str],
                             employment: str, actor, enrollment: Enrollment | None = None,
                             version: datetime | None = None, request=None) -> MonthlyStatus:
    """Record one month; changing a month already recorded needs the version the form was opened at."""
    if month.day != 1:
        raise ValidationError(_("A monthly status is for a whole month."), code="month")
    with transaction.atomic():
        existing = MonthlyStatus.objects.select_for_update().filter(person=person, month=month).first()
        if existing is None:
            try:
                with transaction.atomic():
                    row = MonthlyStatus.objects.create(person=person, enrollment=enrollment, month=month,
                                                       housing=housing, income_sources=income_sources,
                                                       employment=employment, recorded_by=actor)
            except IntegrityError:
                raise Stale(STALE_MESSAGE, code="stale") from None
            change = "recorded"
        else:
            if version is None:
                raise ValidationError(_("This month is already recorded. Open it from the history to change it."),
                                      code="exists")
            if existing.updated_at != version:
                raise Stale(STALE_MESSAGE, code="stale")
            existing.housing, existing.income_sources, existing.employment = housing, income_sources, employment
            existing.recorded_by = actor
            existing.save()
            row, change = existing, "changed"
        log_event(f"divert.casework.monthly_status.{change}", request=request, actor=actor, person=person,
                  target=row, category=Category.CASEWORK, details={"month": month.isoformat()})
    return row


# --- The intervention plan ---------------------------------------------------------------------------------

def plan_for(enrollment: Enrollment) -> InterventionPlan | None:
    return InterventionPlan.objects.filter(enrollment=enrollment).first()


def do_add_goal(person: Person, enrollment: Enrollment, *, domain: str, text: str, chosen_by_participant: bool,
                steps: list[str], actor, request=None) -> Goal:
    if not chosen_by_participant:
        raise ValidationError(_("A goal goes in the plan only when the participant chose it."), code="not_chosen")
    with transaction.atomic():
        plan, _created = InterventionPlan.objects.get_or_create(enrollment=enrollment, defaults={"person": person})
        goal = Goal(plan=plan, domain=domain, text=text, chosen_by_participant=True, created_by=actor)
        goal.save()
        GoalStatusChange.objects.create(goal=goal, from_status="", to_status=GoalStatus.OPEN, changed_by=actor)
        GoalStep.objects.bulk_create([GoalStep(goal=goal, text=s, order=i) for i, s in enumerate(steps, start=1)])
        InterventionPlan.objects.filter(pk=plan.pk).update(updated_at=timezone.now())
        log_event("divert.casework.goal.added", request=request, actor=actor, person=person, target=goal,
                  category=goal.category, details={"domain": domain, "steps": len(steps)})
    return goal


def do_change_goal_status(goal: Goal, to_status: str, *, note: str, actor, version: datetime | None,
                          request=None) -> GoalStatusChange:
    if to_status not in GoalStatus.values:
        raise ValidationError(_("Goals are open, in progress, achieved or set aside."), code="status")
    with transaction.atomic():
        locked = _check_fresh(Goal, goal.pk, version)
        if locked.status == to_status:
            raise ValidationError(_("The goal is already %(status)s.") % {"status": locked.get_status_display()},
                                  code="same")
        change = GoalStatusChange.objects.create(goal=locked, from_status=locked.status, to_status=to_status,
                                                 note=note, changed_by=actor)
        locked.status = to_status
        locked.save(update_fields=["status", "category", "updated_at"])
        log_event("divert.casework.goal.status_changed", request=request, actor=actor, person=locked.plan.person,
                  target=locked, category=locked.category, details={"from": change.from_status, "to": to_status})
    goal.status, goal.updated_at = locked.status, locked.updated_at
    return change


def do_add_step(goal: Goal, *, text: str, actor, version: datetime | None, request=None) -> GoalStep:
    with transaction.atomic():
        locked = _check_fresh(Goal, goal.pk, version)
        last = locked.steps.order_by("-order").values_list("order", flat=True).first() or 0
        step = GoalStep.objects.create(goal=locked, text=text, order=last + 1)
        locked.save(update_fields=["updated_at"])
        log_event("divert.casework.goal.step_added", request=request, actor=actor, person=locked.plan.person,
                  target=locked, category=locked.category, details={"step": step.pk})
    return step


def do_complete_step(step: GoalStep, *, actor, version: datetime | None, request=None) -> GoalStep:
    with transaction.atomic():
        locked = _check_fresh(Goal, step.goal_id, version)
        step = GoalStep.objects.select_for_update().get(pk=step.pk)
        if step.done_at is not None:
            raise ValidationError(_("That step is already done."), code="done")
        step.done_at, step.done_by = timezone.now(), actor
        step.save(update_fields=["done_at", "done_by"])
        locked.save(update_fields=["updated_at"])
        log_event("divert.casework.goal.step_done", request=request, actor=actor, person=locked.plan.person,
                  target=locked, category=locked.category, details={"step": step.pk})
    return step


def do_add_goal_note(goal: Goal, *, text: str, actor, request=None) -> GoalNote:
    # Notes are only ever added, so two people writing at once cannot overwrite each other: no version check.
    with transaction.atomic():
        note = GoalNote.objects.create(goal=goal, text=text, written_by=actor)
        log_event("divert.casework.goal.note_added", request=request, actor=actor, person=goal.plan.person,
                  target=goal, category=goal.category, details={"note": note.pk})
    return note


# --- Timeline ----------------------------------------------------------------------------------------------

@register_timeline_source
def assessment_timeline_items(user, person: Person, may) -> list[TimelineItem]:
    """Assessments, goals added and goal status changes, each with its own category (the timeline filters too)."""
    if not may(Category.CASEWORK):
        return []
    tz = timezone.get_current_timezone()
    items = [TimelineItem(datetime.combine(a.assessed_on, datetime.min.time(), tzinfo=tz), "assessment",
                          _("Assessment: %(kind)s") % {"kind": a.get_kind_display().lower()},
                          category=Category.CASEWORK, url=reverse("assessment", args=[a.pk]))
             for a in person.assessments.all()]
    plan_url = reverse("person_plan", args=[person.pk])
    goals = Goal.objects.filter(plan__person=person).prefetch_related("status_changes")
    for goal in goals:
        if not may(goal.category):
            continue
        for change in goal.status_changes.all():
            if change.from_status:
                title = _("Goal %(status)s: %(domain)s") % {"status": change.get_to_status_display().lower(),
                                                            "domain": goal.get_domain_display()}
            else:
                title = _("Goal added: %(domain)s") % {"domain": goal.get_domain_display()}
            items.append(TimelineItem(change.changed_at, "goal", title, change.note[:200], goal.category, plan_url))
    return items
