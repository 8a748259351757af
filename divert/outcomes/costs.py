"""Stand-in for the declared unit costs (the outcomes branch replaces this file with the real one at merge).

It declares nothing, so every cost result says the costs are not declared.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class UnitCosts:
    bed_day_average: Decimal | None
    bed_day_marginal: Decimal | None
    booking: Decimal | None
    program_per_participant_month: Decimal | None
    source: str
    as_of: date | None


def declared_unit_costs(on: date | None = None) -> UnitCosts:
    return UnitCosts(None, None, None, None, source="", as_of=None)
