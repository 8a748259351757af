"""Facts for the engine, and variants of the example protocols for testing one rule at a time."""

import copy
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from divert.protocol.eligibility import Facts, questions_for
from divert.protocol.examples import EXAMPLES
from divert.protocol.models import DiversionProtocol, DivertibleOffense

APPROVED_ON = date(2026, 1, 1)
REFERRED_ON = date(2026, 3, 10)
ADULT = date(1990, 5, 17)


def variant(key: str, **changes) -> DiversionProtocol:
    """An unapproved copy of an example with some settings changed: the engine judges any version."""
    values = copy.deepcopy(EXAMPLES[key])
    offenses = values.pop("offenses")
    values.update(changes)
    protocol = DiversionProtocol.objects.create(**values)
    for code, label, category in offenses:
        DivertibleOffense.objects.create(protocol=protocol, code=code, label=label, category=category)
    return protocol


def clean_answers(protocol: DiversionProtocol, door: str = "arrest") -> dict:
    """Every yes/no question answered "no", as for a person no rule excludes."""
    answers = {q.key: "no" for q in questions_for(protocol, door) if q.kind == "yes_no_unknown"}
    answers.pop("prescription_pills", None)
    return answers


def arrest(protocol, code: str, **answers) -> Facts:
    return Facts(door="arrest", referred_on=REFERRED_ON, offense_codes=[code], date_of_birth=ADULT,
                 area=(protocol.catchment_areas or [""])[0], answers={**clean_answers(protocol), **answers})


def social(protocol, code: str, **answers) -> Facts:
    base = {**clean_answers(protocol, "social"), "verification_basis": "records"}
    if protocol.social_recency_months:
        base["conduct_last_seen"] = date(2026, 1, 5)
    return Facts(door="social", referred_on=REFERRED_ON, offense_codes=[code], date_of_birth=ADULT,
                 area=(protocol.catchment_areas or [""])[0], answers={**base, **answers})


def noon(day: date) -> datetime:
    """Noon in the site's time zone, so the local date is the one meant (for time-machine)."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo(settings.TIME_ZONE))


def edit_post(protocol: DiversionProtocol, offenses: list[tuple[str, str, str]] | None = None, extra_rows: int = 3,
              **overrides) -> dict:
    """What the edit page posts when nothing is touched, with `overrides` applied (None leaves a field out)."""
    from divert.protocol.forms import ProtocolForm

    data = {}
    for name in ProtocolForm.Meta.fields:
        value = getattr(protocol, name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif name == "catchment_areas":
            data[name] = "\n".join(value)
        elif name == "catchment_polygon":
            data[name] = "\n".join(f"{lat}, {lon}" for lat, lon in value)
        elif name == "catchment_doors":
            data[name] = list(value)
        else:
            data[name] = "" if value is None else str(value)
    rows = offenses if offenses is not None else [(o.code, o.label, o.category) for o in protocol.offenses.all()]
    initial = protocol.offenses.count()
    total = max(len(rows), initial) + extra_rows
    data.update({"offenses-TOTAL_FORMS": str(total), "offenses-INITIAL_FORMS": str(initial),
                 "offenses-MIN_NUM_FORMS": "0", "offenses-MAX_NUM_FORMS": "1000"})
    for i, (code, label, category) in enumerate(rows):
        data.update({f"offenses-{i}-code": code, f"offenses-{i}-label": label, f"offenses-{i}-category": category})
    for i in range(len(rows), total):
        data.update({f"offenses-{i}-code": "", f"offenses-{i}-label": "", f"offenses-{i}-category": ""})
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# Every seat but the project manager's: they may read approved versions, never drafts or edit pages.
OTHER_SEATS = ["officer_olivia", "sergeant_sam", "outreach_omar", "case_manager_cam", "supervisor_sue",
               "prosecutor_pat", "defender_dana", "evaluator_eve", "admin_ada"]
