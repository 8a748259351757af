"""Writes for letters to courts and probation (each one transaction with its audit event), who may read them, and
how a draft is built from the plan in the form of the First Golden Rule.

Audit details name what changed, never the text: the letter stays in its own row, behind the team check.
"""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from divert.accounts.models import Agency
from divert.accounts.roles import Role
from divert.audit.log import log_event
from divert.casework.actions_assessment import current_enrollment
from divert.casework.actions_contacts import latest_partner_summary
from divert.casework.models import Goal, GoalStatus, Housing, MonthlyStatus
from divert.coordination.models import LETTER_RECIPIENT_KINDS, Letter, LetterLocked
from divert.lib.pdf import PDFUnavailable, render_pdf
from divert.participants.models import Enrollment, Person
from divert.privacy.models import ReleaseOfInformation
from divert.privacy.policy import (
    REDISCLOSURE_NOTICE,
    Category,
    can_see,
    disclose_to_agency,
    is_on_team,
    release_for_agency,
)

EDIT_FIELDS = ("addressee", "engagement", "progress", "barriers", "outlook", "include_sud", "treatment")
# Goals a letter may be built from: casework goals always, treatment goals only in a letter that includes
# substance-use information. Health and court-obligation goals never: a court gets neither (First Golden Rule).
LETTER_GOAL_CATEGORIES = frozenset({Category.CASEWORK, Category.SUD})
# A goal set aside is never offered: a court could read it as a failure, and there is no failing out of LEAD.
LETTER_GOAL_STATUSES = (GoalStatus.OPEN, GoalStatus.IN_PROGRESS, GoalStatus.ACHIEVED)
STALE_MESSAGE = gettext_lazy("This letter was changed by someone else since you opened it. Nothing was saved; "
                             "check what it says now and try again.")


class StaleLetter(ValidationError):
    def __init__(self):
        super().__init__(STALE_MESSAGE, code="stale")


class LetterRefused(ValidationError):
    """No release in effect names the recipient for what the letter contains. Nothing was sent or saved as sent."""


# --- Who may do what -----------------------------------------------------------------------------------------

def may_write_letters(user, person: Person) -> bool:
    """The person's case-management team (by seat, never by a release) writes, reads and sends letters."""
    return is_on_team(user, person) and current_enrollment(user, person) is not None


def may_know_of_sent_letters(user, person: Person) -> bool:
    """The project manager may know that a letter went to a court or probation (who, when, how: the same facts as
    the accounting of disclosures they already see), never what it said."""
    seat = user.seat if user.is_authenticated and user.is_active else None
    return seat is not None and seat.role == Role.PROJECT_MANAGER and bool(can_see(user, person, Category.STATUS))


def recipient_agencies():
    return Agency.objects.filter(kind__in=LETTER_RECIPIENT_KINDS, active=True).order_by("name")


# --- Which release lets a letter go ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ReleasePlan:
    """The release(s) a letter goes under: one that opens everything it contains, or a release for status and the
    partner summary plus a Part 2 consent for the substance-use information."""

    release: ReleaseOfInformation
    categories: tuple[str, ...]
    part2_release: ReleaseOfInformation | None = None

    def parts(self) -> list[tuple[ReleaseOfInformation, list[str]]]:
        if self.part2_release is None:
            return [(self.release, list(self.categories))]
        return [(self.release, [c for c in self.categories if c != Category.SUD]), (self.part2_release, [Category.SUD])]


def release_plan(person: Person, agency: Agency, include_sud: bool) -> ReleasePlan | None:
    categories = [Category.STATUS, Category.PARTNER_SUMMARY] + ([Category.SUD] if include_sud else [])
    release = release_for_agency(person, agency, categories)
    if release is not None:
        return ReleasePlan(release, tuple(categories))
    if include_sud:
        base = release_for_agency(person, agency, categories[:2])
        part2 = release_for_agency(person, agency, [Category.SUD])
        if base is not None and part2 is not None:
            return ReleasePlan(base, tuple(categories), part2)
    return None


def missing_release_message(agency: Agency, include_sud: bool, person: Person) -> str:
    """Which release would let this letter go: said plainly, so the case manager knows what to ask for."""
    base = release_for_agency(person, agency, [Category.STATUS, Category.PARTNER_SUMMARY])
    needs = []
    if base is None:
        needs.append(_("a release of information in effect that names %(agency)s and covers program status and the "
                       "partner summary (purpose: court or probation reporting)") % {"agency": agency.name})
    if include_sud and release_for_agency(person, agency, [Category.SUD]) is None:
        needs.append(_("a Part 2 consent (42 CFR 2.31) in effect that names %(agency)s and covers substance-use "
                       "treatment information") % {"agency": agency.name})
    return _("This letter cannot go to %(agency)s: it needs %(needs)s. Record the participant's signed release "
             "first, or write the letter without the information it does not cover.") % {
        "agency": agency.name, "needs": _(" and ").join(needs) or _("a release covering everything it contains")}


def release_status(person: Person) -> list[dict]:
    """For the new-letter form: each court and probation agency, and what the releases in effect let a letter say."""
    return [{"agency": agency,
             "general": release_plan(person, agency, include_sud=False) is not None,
             "sud": release_plan(person, agency, include_sud=True) is not None}
            for agency in recipient_agencies()]


# --- Building a draft from the plan ----------------------------------------------------------------------------

def letter_goals(person: Person, enrollment: Enrollment):
    """The goals of the current plan a letter may be built from (any letter; treatment goals need include_sud)."""
    return (Goal.objects.filter(plan__enrollment=enrollment, plan__person=person, status__in=LETTER_GOAL_STATUSES,
                                category__in=LETTER_GOAL_CATEGORIES).order_by("created_at", "id"))


def _goal_line(goal: Goal, *, with_status: bool = True) -> str:
    text = " ".join(goal.text.split())
    if with_status:
        return f"- {goal.get_domain_display()}: {text} ({goal.get_status_display().lower()})"
    return f"- {goal.get_domain_display()}: {text}"


def prefill(person: Person, enrollment: Enrollment, goals: list[Goal], include_sud: bool) -> dict[str, str]:
    """First words for each section, from the plan, the partner summary and the latest monthly status. The case
    manager edits every one of them before anything is sent."""
    since = enrollment.enrolled_on or enrollment.referred_on
    manager = enrollment.case_manager.get_full_name() if enrollment.case_manager else ""
    engagement = _("%(name)s has taken part in the LEAD program with %(provider)s since %(since)s.") % {
        "name": person.full_name, "provider": enrollment.provider.name,
        "since": formats.date_format(since, "DATE_FORMAT")}
    if manager:
        engagement += " " + _("%(manager)s is their case manager.") % {"manager": manager}

    casework = [g for g in goals if g.category == Category.CASEWORK]
    progress_parts = []
    summary = latest_partner_summary(person)
    if summary is not None:
        progress_parts.append(summary.text.strip())
    done_or_moving = [g for g in casework if g.status in (GoalStatus.ACHIEVED, GoalStatus.IN_PROGRESS)]
    if done_or_moving:
        progress_parts.append("\n".join([_("Areas of progress, in goals the participant chose:")]
                                        + [_goal_line(g) for g in done_or_moving]))

    barriers = ""
    month = MonthlyStatus.objects.filter(person=person).order_by("-month").first()
    if month is not None:
        lines = []
        if month.housing != Housing.PERMANENT:
            lines.append(_("- Stable housing (at present: %(housing)s)") % {
                "housing": month.get_housing_display().lower()})
        if not month.income_sources or month.income_sources == ["none"]:
            lines.append(_("- A source of income"))
        if month.employment == "not_working":
            lines.append(_("- Work, or training for work"))
        if lines:
            barriers = "\n".join([_("What stands in the way, and what would help:"), *lines])

    ahead = [g for g in casework if g.status in (GoalStatus.OPEN, GoalStatus.IN_PROGRESS)]
    outlook = "\n".join([_("Next steps the participant has chosen:")] + [_goal_line(g, with_status=False)
                                                                         for g in ahead]) if ahead else ""
    treatment = ""
    if include_sud:
        treatment = "\n".join(_goal_line(g) for g in goals if g.category == Category.SUD)
    return {"engagement": engagement, "progress": "\n\n".join(progress_parts), "barriers": barriers,
            "outlook": outlook, "treatment": treatment}


def _refuse(person: Person, agency: Agency, include_sud: bool, *, actor, request, during: str) -> None:
    log_event("divert.letter.send_refused", request=request, actor=actor, person=person,
              category=Category.SUD if include_sud else Category.CASEWORK,
              details={"recipient_agency": agency.pk, "include_sud": include_sud, "during": during})
    raise LetterRefused(missing_release_message(agency, include_sud, person), code="no_release")


def do_draft_letter(person: Person, *, actor, recipient: Agency, addressee: str = "", goals: list[Goal] = (),
                    include_sud: bool = False, request=None) -> Letter:
    """Start a draft, pre-filled from the plan. Refused (nothing saved) when no release in effect would let it go
    to `recipient`, or when it would include substance-use information without a Part 2 consent naming them."""
    enrollment = current_enrollment(actor, person)
    if enrollment is None or not is_on_team(actor, person):
        raise ValidationError(_("Only the participant's case-management team writes letters about them."),
                              code="not_team")
    if recipient.kind not in LETTER_RECIPIENT_KINDS:
        raise ValidationError(_("A letter goes to a court or a probation agency."), code="bad_recipient")
    allowed = {g.pk: g for g in letter_goals(person, enrollment)}
    chosen = [allowed[g.pk] for g in goals if g.pk in allowed]
    if len(chosen) != len(list(goals)):
        raise ValidationError(_("Choose goals from the participant's current plan."), code="bad_goal")
    if not include_sud and any(g.category == Category.SUD for g in chosen):
        raise ValidationError(_("Treatment goals go only in a letter that includes substance-use treatment "
                                "information."), code="sud_goal")
    if release_plan(person, recipient, include_sud) is None:
        _refuse(person, recipient, include_sud, actor=actor, request=request, during="draft")
    letter = Letter(person=person, enrollment=enrollment, recipient=recipient, addressee=addressee.strip(),
                    include_sud=include_sud, goal_ids=[g.pk for g in chosen], written_by=actor,
                    **prefill(person, enrollment, chosen, include_sud))
    letter.full_clean()
    with transaction.atomic():
        letter.save()
        log_event("divert.letter.drafted", request=request, actor=actor, person=person, target=letter,
                  category=letter.audit_category,
                  details={"recipient_agency": recipient.pk, "include_sud": include_sud, "goals": len(chosen)})
    return letter


def _locked_draft(letter: Letter, version: int | None) -> Letter:
    locked = Letter.objects.select_for_update().get(pk=letter.pk)
    if locked.is_sent:
        raise LetterLocked(f"letter #{letter.pk} was sent")
    if version is not None and locked.version != version:
        raise StaleLetter()
    return locked


def do_edit_letter(letter: Letter, *, actor, version: int | None, request=None, **fields) -> Letter:
    """Save the team's edits of a draft. Turning substance-use information on needs a Part 2 consent naming the
    recipient; turning it off empties the treatment section."""
    with transaction.atomic():
        locked = _locked_draft(letter, version)
        if fields.get("include_sud") and not locked.include_sud \
                and release_plan(locked.person, locked.recipient, True) is None:
            raise LetterRefused(missing_release_message(locked.recipient, True, locked.person), code="no_release")
        if "include_sud" in fields and not fields["include_sud"]:
            fields["treatment"] = ""
        changed = [k for k in EDIT_FIELDS if k in fields and getattr(locked, k) != fields[k]]
        for name in changed:
            setattr(locked, name, fields[name].strip() if isinstance(fields[name], str) else fields[name])
        locked.full_clean()
        if changed:
            locked.version += 1
            locked.save()
            log_event("divert.letter.edited", request=request, actor=actor, person=locked.person, target=locked,
                      category=locked.audit_category, details={"fields": changed, "version": locked.version})
    return locked


def do_discard_letter(letter: Letter, *, actor, version: int | None, request=None) -> None:
    with transaction.atomic():
        locked = _locked_draft(letter, version)
        log_event("divert.letter.discarded", request=request, actor=actor, person=locked.person, target=locked,
                  category=locked.audit_category, details={"recipient_agency": locked.recipient_id})
        locked.delete()


def pdf_context(letter: Letter, plan: ReleasePlan, sent_on: date) -> dict:
    enrollment = letter.enrollment
    return {"letter": letter, "person": letter.person, "provider": enrollment.provider, "sent_on": sent_on,
            "writer": letter.written_by, "plan": plan, "releases": [r for r, _c in plan.parts()],
            "notice": str(REDISCLOSURE_NOTICE) if letter.include_sud else ""}


def do_send_letter(letter: Letter, *, actor, sent_on: date, method: str, version: int | None,
                   request=None) -> Letter:
    """Send: render the final PDF, keep it with its SHA-256, mark the letter sent and log the disclosure under the
    release that allowed it. Refused, with nothing saved as sent, when no release in effect names the recipient for
    what the letter contains (or when PDFs cannot be made on this server)."""
    if release_plan(letter.person, letter.recipient, letter.include_sud) is None:
        _refuse(letter.person, letter.recipient, letter.include_sud, actor=actor, request=request, during="send")
    with transaction.atomic():
        locked = _locked_draft(letter, version)
        plan = release_plan(locked.person, locked.recipient, locked.include_sud)
        if plan is None:  # revoked between the check above and the lock
            raise LetterRefused(missing_release_message(locked.recipient, locked.include_sud, locked.person),
                                code="no_release")
        if not locked.sections():
            raise ValidationError(_("The letter says nothing yet: write at least one section."), code="empty")
        try:
            content = render_pdf("coordination/letters/pdf.html", pdf_context(locked, plan, sent_on))
        except PDFUnavailable as e:
            raise ValidationError(str(e), code="pdf_unavailable") from e
        locked.pdf, locked.pdf_sha256 = content, hashlib.sha256(content).hexdigest()
        locked.sent_at, locked.sent_on, locked.sent_by, locked.method = timezone.now(), sent_on, actor, method
        locked.release, locked.part2_release = plan.release, plan.part2_release
        locked.full_clean(exclude=["pdf"])
        locked.save()
        purpose = _("Letter to %(agency)s (court or probation reporting)") % {"agency": locked.recipient.name}
        for release, categories in plan.parts():
            disclose_to_agency(actor, locked.person, locked.recipient, release, categories, request=request,
                               purpose=purpose)
        log_event("divert.letter.sent", request=request, actor=actor, person=locked.person, target=locked,
                  category=locked.audit_category, consent=plan.release,
                  details={"recipient_agency": locked.recipient_id, "method": method,
                           "sent_on": sent_on.isoformat(), "include_sud": locked.include_sud,
                           "releases": [r.pk for r, _c in plan.parts()], "sha256": locked.pdf_sha256})
    return locked


def log_letter_read(letter: Letter, *, request, how: str = "page") -> None:
    action = "divert.letter.downloaded" if how == "pdf" else "divert.letter.viewed"
    log_event(action, request=request, person=letter.person, target=letter, category=letter.audit_category,
              details={"how": how, "sent": letter.is_sent})
