"""A protocol version in plain words, for the policy group and the partners who read it, and what changed."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from divert.participants.models import Door

from .eligibility import VERIFICATION_BASES, Question, questions_for, review_checks
from .models import DiversionProtocol, OffenseCategory

DOOR_LABELS = dict(Door.choices)

# The settings in the order the edit page groups them. The page's fieldsets and the diff use the same groups.
SECTIONS: list[tuple[str, list[str]]] = [
    (_("Doors and approvers"), ["arrest_door_open", "social_door_open", "community_door_open", "social_approver",
                                "community_approver", "capacity_gate"]),
    (_("Exclusion rules"), ["drug_quantity_max_grams", "pill_exception", "minimum_age", "exclude_dealing_for_profit",
                            "exclude_exploits_minors", "exclude_promotes_prostitution", "violent_lookback_years",
                            "exclude_pending_treatment_court", "exclude_no_contact_order", "exclude_informant",
                            "social_recency_months", "require_victim_agreement"]),
    (_("Catchment area"), ["catchment_areas", "catchment_polygon", "catchment_doors"]),
    (_("Time and capacity"), ["intake_deadline_days", "handoff_target_minutes", "caseload_warning",
                              "caseload_maximum", "suppression_threshold"]),
]
SETTING_FIELDS = [name for _title, names in SECTIONS for name in names]

NOT_A_RULE = _("Not a rule in this version")

# Yes/no settings: what True and False mean, in words.
_FLAGS = {
    "arrest_door_open": (_("Open"), _("Closed")),
    "social_door_open": (_("Open"), _("Closed")),
    "community_door_open": (_("Open"), _("Closed")),
    "capacity_gate": (_("Yes: arrest diversions come first; social contact and community referrals are approved "
                        "only while case managers have room under the caseload maximum"), _("No")),
    "pill_exception": (_("Yes: the quantity ceiling does not apply when the drugs are prescription pills"), _("No")),
    "exclude_dealing_for_profit": (_("Excluded when there is reason to think the person sells for profit beyond "
                                     "subsistence (asked for delivery offenses)"), NOT_A_RULE),
    "exclude_exploits_minors": (_("Excluded when the person appears to exploit minors"), NOT_A_RULE),
    "exclude_promotes_prostitution": (_("Excluded when the person is suspected of promoting prostitution"),
                                      NOT_A_RULE),
    "exclude_pending_treatment_court": (_("Excluded while a drug court or mental-health court case is open"),
                                        NOT_A_RULE),
    "exclude_no_contact_order": (_("Excluded when a no-contact, restraining or anti-harassment order protects a "
                                   "current participant"), NOT_A_RULE),
    "exclude_informant": (_("Excluded; the approver confirms it at review, and no officer is ever asked"),
                          NOT_A_RULE),
    "require_victim_agreement": (_("Yes: any victim or complainant present must agree to diversion"),
                                 _("Not required")),
}


def _label(name: str) -> str:
    if name == "name":
        return str(_("Name"))
    field = DiversionProtocol._meta.get_field(name)
    text = str(field.verbose_name)
    return text[:1].upper() + text[1:]


def _grams(value) -> str:
    return f"{Decimal(str(value)).normalize():f}"


def in_words(protocol: DiversionProtocol, name: str) -> str:
    """One setting's value as a sentence fragment a partner can read."""
    value = getattr(protocol, name)
    if name in _FLAGS:
        yes, no = _FLAGS[name]
        return str(yes if value else no)
    if name in ("social_approver", "community_approver"):
        return str(getattr(protocol, f"get_{name}_display")())
    if name == "drug_quantity_max_grams":
        if value is None:
            return str(_("No quantity ceiling"))
        return str(_("Over %(grams)s g is presumptively ineligible (arrest diversions for drug offenses)")
                   % {"grams": _grams(value)})
    if name == "minimum_age":
        return str(_("%(age)s years on the day of the referral") % {"age": value} if value else _("No minimum age"))
    if name == "violent_lookback_years":
        if not value:
            return str(NOT_A_RULE)
        return str(_("Excluded after a conviction for a violent offense in the last %(years)s years")
                   % {"years": value})
    if name == "social_recency_months":
        if not value:
            return str(_("No limit"))
        return str(_("Social contact: the qualifying conduct must be no older than %(months)s months")
                   % {"months": value})
    if name == "catchment_areas":
        return ", ".join(value) if value else str(_("No named areas"))
    if name == "catchment_polygon":
        if not value:
            return str(_("No map outline"))
        points = "; ".join(f"{lat}, {lon}" for lat, lon in value)
        return str(_("An outline of %(n)s points: %(points)s") % {"n": len(value), "points": points})
    if name == "catchment_doors":
        if not value:
            return str(_("No door (the catchment area is not checked)"))
        return ", ".join(str(DOOR_LABELS.get(door, door)) for door in value)
    if name == "intake_deadline_days":
        return str(_("%(days)s days after the referral") % {"days": value})
    if name == "handoff_target_minutes":
        return str(_("%(minutes)s minutes") % {"minutes": value})
    if name in ("caseload_warning", "caseload_maximum"):
        return str(_("%(n)s open cases per case manager") % {"n": value})
    if name == "suppression_threshold":
        return str(_("Counts below %(n)s are suppressed on public pages") % {"n": value})
    return str(value) if value not in (None, "") else "—"


@dataclass(frozen=True)
class Setting:
    name: str
    label: str
    value: str


@dataclass(frozen=True)
class Section:
    title: str
    settings: list[Setting]


def sections(protocol: DiversionProtocol) -> list[Section]:
    result = []
    for title, names in SECTIONS:
        rows = [Setting(name, _label(name), in_words(protocol, name)) for name in names]
        if names[0] == "arrest_door_open":
            rows.insert(3, Setting("", str(_("Who approves arrest diversions")),
                                   str(_("Liaison prosecutor (always: the prosecutor holds the charge)"))))
        result.append(Section(str(title), rows))
    return result


_KIND_WORDS = {
    "yes_no_unknown": _("Yes, no or don't know"),
    "grams": _("A number of grams"),
    "date": _("A date"),
}


@dataclass(frozen=True)
class QuestionInWords:
    label: str
    answer: str
    help: str
    drug_only: bool


@dataclass(frozen=True)
class DoorQuestions:
    door: str
    label: str
    questions: list[QuestionInWords]


def _question_in_words(question: Question) -> QuestionInWords:
    if question.kind == "basis":
        answer = _("One of: %(choices)s") % {"choices": "; ".join(str(label) for _key, label in VERIFICATION_BASES)}
    else:
        answer = _KIND_WORDS.get(question.kind, question.kind)
    return QuestionInWords(str(question.label), str(answer), str(question.help), question.drug_only)


def officer_questions(protocol: DiversionProtocol) -> list[DoorQuestions]:
    """For each open door, the eligibility questions the referrer answers, as the officer will see them."""
    return [DoorQuestions(door, str(DOOR_LABELS[door]),
                          [_question_in_words(q) for q in questions_for(protocol, door)])
            for door in protocol.open_doors]


def approver_checks(protocol: DiversionProtocol) -> list[str]:
    return [str(check.label) for check in review_checks(protocol)]


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class OffenseChange:
    code: str
    before: str
    after: str


@dataclass(frozen=True)
class Differences:
    settings: list[Change]
    offenses_added: list[tuple[str, str, str]]
    offenses_removed: list[tuple[str, str, str]]
    offenses_changed: list[OffenseChange]

    @property
    def any(self) -> bool:
        return bool(self.settings or self.offenses_added or self.offenses_removed or self.offenses_changed)


def _offense_rows(protocol: DiversionProtocol) -> dict[str, tuple[str, str, str]]:
    categories = dict(OffenseCategory.choices)
    return {o.code: (o.code, o.label, str(categories.get(o.category, o.category)))
            for o in protocol.offenses.all()}


def differences(old: DiversionProtocol, new: DiversionProtocol) -> Differences:
    """What changed from `old` to `new`: settings in words, and offenses added, removed or relabelled."""
    changes = []
    for name in ["name", *SETTING_FIELDS]:
        before, after = in_words(old, name), in_words(new, name)
        if before != after:
            changes.append(Change(_label(name), before, after))
    old_rows, new_rows = _offense_rows(old), _offense_rows(new)
    added = [new_rows[code] for code in sorted(set(new_rows) - set(old_rows))]
    removed = [old_rows[code] for code in sorted(set(old_rows) - set(new_rows))]
    changed = [OffenseChange(code, f"{old_rows[code][1]} ({old_rows[code][2]})",
                             f"{new_rows[code][1]} ({new_rows[code][2]})")
               for code in sorted(set(old_rows) & set(new_rows)) if old_rows[code] != new_rows[code]]
    return Differences(changes, added, removed, changed)
