"""The eligibility engine: a protocol version plus the facts of a referral give an answer with reasons.

Each rule returns pass, fail (with a reason in words) or unknown. The referral as a whole is *eligible* when
every rule passes, *presumptively ineligible* when any rule fails (each failure is listed), and *needs
review* otherwise. Site criteria are presumptive: the approver the protocol names decides, and may override
with a recorded reason. Nothing here ever asks about informants or sources: that check belongs to the
approver's review (see `review_checks`).
"""

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from divert.lib.geo import point_in_polygon
from divert.participants.models import Door

from .models import DiversionProtocol, OffenseCategory

YES, NO, UNKNOWN = "yes", "no", "unknown"
YES_NO_UNKNOWN = [(NO, _("No")), (YES, _("Yes")), (UNKNOWN, _("Don't know"))]


class Outcome:
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    REVIEW = "review"
    CHOICES = [
        (ELIGIBLE, _("Eligible")),
        (INELIGIBLE, _("Presumptively ineligible")),
        (REVIEW, _("Needs review")),
    ]
    LABELS = dict(CHOICES)


class Result:
    PASS = "pass"  # noqa: S105 - a rule result, not a password
    FAIL = "fail"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Finding:
    rule: str
    result: str
    message: str

    def as_dict(self) -> dict:
        return {"rule": self.rule, "result": self.result, "message": str(self.message)}


@dataclass(frozen=True)
class Judgement:
    outcome: str
    findings: tuple[Finding, ...]

    @property
    def reasons(self) -> list[str]:
        return [str(f.message) for f in self.findings if f.result == Result.FAIL]

    @property
    def open_questions(self) -> list[str]:
        return [str(f.message) for f in self.findings if f.result == Result.UNKNOWN]

    @property
    def label(self) -> str:
        return str(Outcome.LABELS[self.outcome])


@dataclass(frozen=True)
class Question:
    """One eligibility question the protocol asks the referring officer."""

    key: str
    label: str
    kind: str  # "yes_no_unknown", "grams", "date", "basis"
    help: str = ""
    drug_only: bool = False


@dataclass
class Facts:
    door: str
    referred_on: date
    offense_codes: list[str] = field(default_factory=list)
    date_of_birth: date | None = None
    approximate_age: int | None = None
    area: str = ""
    latitude: float | None = None
    longitude: float | None = None
    answers: dict = field(default_factory=dict)


VERIFICATION_BASES = [
    ("records", _("Criminal-history records (reports, arrests, bookings, charges)")),
    ("observed", _("Officers saw it on earlier occasions")),
    ("reliable_report", _("A reliable report from someone else (first responder, professional, community member)")),
]


def questions_for(protocol: DiversionProtocol, door: str) -> list[Question]:
    """The questions an officer answers for this door under this version, in the order they are asked."""
    if door == Door.COMMUNITY:
        return []  # A community referral is judged by its approver; the public form asks no screening questions.
    questions = []
    has_drug_offenses = protocol.offenses.filter(
        category__in=[OffenseCategory.DRUG, OffenseCategory.DRUG_DELIVERY]).exists()
    if door == Door.ARREST_DIVERSION and has_drug_offenses and protocol.drug_quantity_max_grams is not None:
        questions.append(Question("drug_grams", _("Drug quantity in grams"), "grams",
                                  _("Total weight seized, if the offense involves drugs. Leave empty if none."),
                                  drug_only=True))
        if protocol.pill_exception:
            questions.append(Question("prescription_pills", _("Are the drugs prescription pills?"),
                                      "yes_no_unknown", drug_only=True))
    has_delivery_offenses = protocol.offenses.filter(category=OffenseCategory.DRUG_DELIVERY).exists()
    if door == Door.ARREST_DIVERSION and protocol.exclude_dealing_for_profit and has_delivery_offenses:
        questions.append(Question(
            "dealing_for_profit", _("Is there reason to think the person sells for profit, beyond subsistence?"),
            "yes_no_unknown", drug_only=True))
    if protocol.exclude_exploits_minors:
        questions.append(Question("exploits_minors", _("Does the person appear to exploit minors?"),
                                  "yes_no_unknown"))
    if protocol.exclude_promotes_prostitution:
        questions.append(Question("promotes_prostitution", _("Is the person suspected of promoting prostitution?"),
                                  "yes_no_unknown"))
    if protocol.violent_lookback_years:
        questions.append(Question(
            "violent_conviction",
            _("Known conviction for a violent offense in the last %(years)s years?")
            % {"years": protocol.violent_lookback_years}, "yes_no_unknown"))
    if protocol.exclude_pending_treatment_court:
        questions.append(Question("treatment_court", _("Open case in a drug court or mental-health court?"),
                                  "yes_no_unknown"))
    if protocol.exclude_no_contact_order:
        questions.append(Question(
            "no_contact_order",
            _("Barred by a no-contact, restraining or anti-harassment order from contacting a program participant?"),
            "yes_no_unknown"))
    if door == Door.ARREST_DIVERSION and protocol.require_victim_agreement:
        questions.append(Question(
            "victim_disagrees", _("Does a victim or complainant who is present object to diversion?"),
            "yes_no_unknown", _("Answer No when there is no victim or complainant present.")))
    if door == Door.SOCIAL_CONTACT:
        if protocol.social_recency_months:
            questions.append(Question("conduct_last_seen", _("When was the qualifying conduct last seen or recorded?"),
                                      "date"))
        questions.append(Question("verification_basis", _("How is the past conduct known?"), "basis"))
    return questions


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier, clamped to the end of a shorter month (31 March - 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def _flag(answers: dict, key: str, rule: str, failure: str, unknown: str) -> Finding:
    value = answers.get(key) or UNKNOWN
    if value == YES:
        return Finding(rule, Result.FAIL, failure)
    if value == NO:
        return Finding(rule, Result.PASS, "")
    return Finding(rule, Result.UNKNOWN, unknown)


def judge(protocol: DiversionProtocol, facts: Facts) -> Judgement:
    findings: list[Finding] = []
    answers = facts.answers or {}
    door = facts.door
    offenses = {o.code: o for o in protocol.offenses.filter(code__in=facts.offense_codes)}

    if not protocol.is_door_open(door):
        findings.append(Finding("door", Result.FAIL, _("This protocol version does not take referrals through "
                                                          "this door.")))
    if door in (Door.ARREST_DIVERSION, Door.SOCIAL_CONTACT):
        unknown_codes = [c for c in facts.offense_codes if c not in offenses]
        for code in unknown_codes:
            findings.append(Finding("offense", Result.FAIL,
                                    _("%(code)s is not a divertible offense under this protocol.") % {"code": code}))
        if not facts.offense_codes:
            findings.append(Finding("offense", Result.UNKNOWN, _("No offense or qualifying conduct was given.")))

    if protocol.minimum_age:
        age = _age_on(facts.date_of_birth, facts.referred_on) if facts.date_of_birth else facts.approximate_age
        if age is None:
            findings.append(Finding("minimum_age", Result.UNKNOWN, _("Age unknown: the minimum age is %(min)s.")
                                    % {"min": protocol.minimum_age}))
        elif age < protocol.minimum_age:
            findings.append(Finding("minimum_age", Result.FAIL, _("Under %(min)s: the protocol's minimum age is "
                                                                  "%(min)s.") % {"min": protocol.minimum_age}))
        else:
            findings.append(Finding("minimum_age", Result.PASS, ""))

    involves_drugs = any(o.involves_drugs for o in offenses.values())
    delivery = any(o.category == OffenseCategory.DRUG_DELIVERY for o in offenses.values())
    ceiling = protocol.drug_quantity_max_grams
    if door == Door.ARREST_DIVERSION and involves_drugs and ceiling is not None:
        findings.append(_drug_quantity(protocol, answers, ceiling))
    if door == Door.ARREST_DIVERSION and delivery and protocol.exclude_dealing_for_profit:
        findings.append(_flag(answers, "dealing_for_profit", "dealing",
                              _("Reason to think the person sells for profit beyond subsistence."),
                              _("Unknown whether the person sells beyond subsistence.")))
    if protocol.exclude_exploits_minors:
        findings.append(_flag(answers, "exploits_minors", "exploits_minors", _("Appears to exploit minors."),
                              _("Unknown whether the person exploits minors.")))
    if protocol.exclude_promotes_prostitution:
        findings.append(_flag(answers, "promotes_prostitution", "promotes_prostitution",
                              _("Suspected of promoting prostitution."),
                              _("Unknown whether the person promotes prostitution.")))
    if protocol.violent_lookback_years:
        years = protocol.violent_lookback_years
        findings.append(_flag(answers, "violent_conviction", "violent_history",
                              _("Violent conviction within the last %(years)s years.") % {"years": years},
                              _("Violent history in the last %(years)s years unknown.") % {"years": years}))
    if protocol.exclude_pending_treatment_court:
        findings.append(_flag(answers, "treatment_court", "treatment_court",
                              _("Open case in a drug court or mental-health court."),
                              _("Unknown whether a drug or mental-health court case is open.")))
    if protocol.exclude_no_contact_order:
        findings.append(_flag(answers, "no_contact_order", "no_contact_order",
                              _("A no-contact order protects a current participant."),
                              _("Unknown whether a no-contact order protects a current participant.")))
    if door == Door.ARREST_DIVERSION and protocol.require_victim_agreement:
        findings.append(_flag(answers, "victim_disagrees", "victim_agreement",
                              _("A victim or complainant present objects to diversion."),
                              _("Unknown whether the victim or complainant agrees.")))
    if door in (protocol.catchment_doors or []) and (protocol.catchment_areas or protocol.catchment_polygon):
        findings.append(_catchment(protocol, facts))
    if door == Door.SOCIAL_CONTACT:
        if protocol.social_recency_months:
            findings.append(_recency(protocol, facts, answers.get("conduct_last_seen")))
        basis = answers.get("verification_basis") or ""
        if basis in dict(VERIFICATION_BASES):
            findings.append(Finding("verification", Result.PASS, ""))
        else:
            findings.append(Finding("verification", Result.UNKNOWN, _("How the past conduct is known was not given.")))

    if any(f.result == Result.FAIL for f in findings):
        outcome = Outcome.INELIGIBLE
    elif any(f.result == Result.UNKNOWN for f in findings) or door == Door.COMMUNITY:
        outcome = Outcome.REVIEW
    else:
        outcome = Outcome.ELIGIBLE
    return Judgement(outcome, tuple(findings))


def _drug_quantity(protocol: DiversionProtocol, answers: dict, ceiling: Decimal) -> Finding:
    if protocol.pill_exception and answers.get("prescription_pills") == YES:
        return Finding("drug_quantity", Result.PASS, "")
    raw = answers.get("drug_grams")
    if raw in (None, ""):
        return Finding("drug_quantity", Result.UNKNOWN, _("Drug quantity not given (ceiling %(max)s g).")
                       % {"max": _grams(ceiling)})
    try:
        grams = Decimal(str(raw))
    except InvalidOperation:
        return Finding("drug_quantity", Result.UNKNOWN, _("Drug quantity not understood."))
    if grams > ceiling:
        return Finding("drug_quantity", Result.FAIL, _("%(grams)s g is over the %(max)s g ceiling.")
                       % {"grams": _grams(grams), "max": _grams(ceiling)})
    return Finding("drug_quantity", Result.PASS, "")


def _grams(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _catchment(protocol: DiversionProtocol, facts: Facts) -> Finding:
    if facts.latitude is not None and facts.longitude is not None and protocol.catchment_polygon:
        polygon = [(float(lat), float(lon)) for lat, lon in protocol.catchment_polygon]
        if point_in_polygon(facts.latitude, facts.longitude, polygon):
            return Finding("catchment", Result.PASS, "")
        return Finding("catchment", Result.FAIL, _("The place is outside the catchment area."))
    area = (facts.area or "").strip()
    if area and protocol.catchment_areas:
        if area.casefold() in {a.strip().casefold() for a in protocol.catchment_areas}:
            return Finding("catchment", Result.PASS, "")
        return Finding("catchment", Result.FAIL, _("%(area)s is outside the catchment area.") % {"area": area})
    if protocol.catchment_areas:
        return Finding("catchment", Result.UNKNOWN, _("Area not given: the protocol has a catchment area."))
    # The catchment is a polygon only, and the referral gives no coordinates: a person must place it.
    return Finding("catchment", Result.UNKNOWN,
                   _("Location not given: the protocol's catchment area is drawn on a map."))


def _recency(protocol: DiversionProtocol, facts: Facts, last_seen) -> Finding:
    months = protocol.social_recency_months
    if not last_seen:
        return Finding("recency", Result.UNKNOWN, _("Date of the qualifying conduct not given."))
    if isinstance(last_seen, str):
        try:
            last_seen = date.fromisoformat(last_seen)
        except ValueError:
            return Finding("recency", Result.UNKNOWN, _("Date of the qualifying conduct not understood."))
    if last_seen < months_before(facts.referred_on, months):
        return Finding("recency", Result.FAIL, _("The qualifying conduct is older than %(months)s months.")
                       % {"months": months})
    return Finding("recency", Result.PASS, "")


@dataclass(frozen=True)
class ReviewCheck:
    key: str
    label: str


def review_checks(protocol: DiversionProtocol) -> list[ReviewCheck]:
    """What the approver confirms before accepting, beyond the officer's answers. Never shown to officers."""
    checks = []
    if protocol.exclude_informant:
        checks.append(ReviewCheck("not_informant", _("The person is not a confidential informant.")))
    if protocol.exclude_no_contact_order:
        checks.append(ReviewCheck("no_contact_checked",
                                  _("Checked against the roster: no no-contact order protects a current participant.")))
    return checks
