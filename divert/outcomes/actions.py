"""Writes of the outcomes app, each one transaction with its audit event."""

from django.db import transaction

from divert.audit.log import log_event
from divert.outcomes.models import UnitCostDeclaration


def do_declare_unit_costs(*, actor, request=None, **fields) -> UnitCostDeclaration:
    """Declare (or correct) the unit costs in effect from a date."""
    with transaction.atomic():
        row, _ = UnitCostDeclaration.objects.update_or_create(
            effective_on=fields.pop("effective_on"), defaults={**fields, "declared_by": actor})
        log_event("divert.outcomes.unit_costs.declared", request=request, actor=actor, target=row,
                  details={"effective_on": str(row.effective_on)})
    return row
