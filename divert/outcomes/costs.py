"""The declared unit costs: the one place cost figures get their prices from."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone


@dataclass(frozen=True)
class UnitCosts:
    bed_day_average: Decimal | None
    bed_day_marginal: Decimal | None
    booking: Decimal | None
    program_per_participant_month: Decimal | None
    source: str  # where the figures come from, in words ("" when none declared)
    as_of: date | None  # the effective date of the declaration used


NONE_DECLARED = UnitCosts(None, None, None, None, "", None)


def declared_unit_costs(on: date | None = None) -> UnitCosts:
    """The declaration in effect on `on` (today by default): the latest effective on or before that day.
    Nothing declared yet gives every price as None and an empty source; callers then show no cost figure."""
    from divert.outcomes.models import UnitCostDeclaration

    day = on or timezone.localdate()
    row = UnitCostDeclaration.objects.filter(effective_on__lte=day).order_by("-effective_on").first()
    if row is None:
        return NONE_DECLARED
    return UnitCosts(row.bed_day_average, row.bed_day_marginal, row.booking, row.program_per_participant_month,
                     row.source, row.effective_on)
