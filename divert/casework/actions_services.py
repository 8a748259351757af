"""Writes for the provider directory, service referrals and flexible funds, and what the person page and the
timeline read of them. Each write is one transaction that also writes its audit event.

Audit details name what changed, never the text: an outcome note or an expense description stays in its own
row, behind the policy. The audit category of a service referral is its own data category (sud, health or
casework), so the trail of a Part 2 item is itself marked Part 2.
"""

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from divert.accounts.models import User
from divert.accounts.roles import CASE_MANAGEMENT_ROLES, Role
from divert.audit.log import log_event
from divert.casework.models import (
    REFERRAL_TRANSITIONS,
    Expense,
    ExpenseStatus,
    FundingSource,
    ServiceOffering,
    ServiceProvider,
    ServiceReferral,
    ServiceReferralStatus,
    ServiceReferralStatusChange,
)
from divert.participants.models import OPEN_STATUSES, Person
from divert.privacy.policy import Category, can_see, is_on_team

SERVICE_DATA_CATEGORIES = (Category.CASEWORK, Category.HEALTH, Category.SUD)
PROVIDER_FIELDS = ("name", "address", "phone", "website", "hours", "languages", "accepts_walk_ins", "notes",
                   "active")
FUNDING_FIELDS = ("name", "budget_amount", "period_start", "period_end", "active")
STALE_MESSAGE = _("This was changed by someone else since you opened it. Nothing was saved; "
                  "check what it says now and try again.")


class StaleEdit(ValidationError):
    """Someone else saved after the form was opened."""

    def __init__(self):
        super().__init__(STALE_MESSAGE, code="stale")


def _seat(user):
    return user.seat if user is not None and user.is_authenticated and user.is_active else None


def _check_unchanged(obj, if_unchanged_since: datetime | None):
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    if if_unchanged_since is not None and locked.updated_at != if_unchanged_since:
        raise StaleEdit()
    return locked


# --- Who may do what ----------------------------------------------------------------------------------------

def may_use_directory(user) -> bool:
    return user.has_role(*CASE_MANAGEMENT_ROLES, Role.PROJECT_MANAGER)


def may_edit_directory(user) -> bool:
    return user.has_role(Role.SUPERVISOR, Role.PROJECT_MANAGER)


def may_see_ledger(user) -> bool:
    return user.has_role(Role.SUPERVISOR, Role.PROJECT_MANAGER)


def may_manage_funding(user) -> bool:
    return user.has_role(Role.PROJECT_MANAGER)


def visible_data_categories(user, person: Person) -> list[str]:
    """Which of a person's service-referral categories this user may see (one policy answer each)."""
    return [c for c in SERVICE_DATA_CATEGORIES if can_see(user, person, c)]


def _open_enrollment(person: Person, actor):
    enrollments = person.enrollments.filter(status__in=OPEN_STATUSES).order_by("-referred_on", "-id")
    seat = _seat(actor)
    mine = enrollments.filter(provider_id=seat.agency_id).first() if seat else None
    return mine or enrollments.first()


# --- The directory ------------------------------------------------------------------------------------------

def do_save_provider(provider: ServiceProvider | None, *, actor, categories: list[str], request=None,
                     if_unchanged_since: datetime | None = None, **fields) -> ServiceProvider:
    """Add a provider (provider=None) or edit one; `categories` replaces what it offers."""
    if not categories:
        raise ValidationError({"categories": _("Choose at least one kind of service.")}, code="required")
    with transaction.atomic():
        created = provider is None
        target = ServiceProvider() if created else _check_unchanged(provider, if_unchanged_since)
        for name in PROVIDER_FIELDS:
            if name in fields:
                setattr(target, name, fields[name])
        target.full_clean()
        target.save()
        target.offerings.exclude(category__in=categories).delete()
        have = set(target.offerings.values_list("category", flat=True))
        ServiceOffering.objects.bulk_create(
            [ServiceOffering(provider=target, category=c) for c in categories if c not in have])
        log_event("divert.casework.service_provider.added" if created else "divert.casework.service_provider.changed",
                  request=request, actor=actor, target=target,
                  details={"categories": sorted(categories), "active": target.active})
    return target


# --- Service referrals --------------------------------------------------------------------------------------

def do_send_service_referral(person: Person, *, actor, provider: ServiceProvider, category: str,
                             sent_on: date | None = None, note: str = "", request=None) -> ServiceReferral:
    if not provider.active:
        raise ValidationError({"provider": _("This provider is no longer active.")}, code="inactive")
    if not provider.offerings.filter(category=category).exists():
        raise ValidationError({"provider": _("This provider does not offer that service.")}, code="not_offered")
    referral = ServiceReferral(person=person, enrollment=_open_enrollment(person, actor), provider=provider,
                               category=category, sent_on=sent_on or timezone.localdate(), created_by=actor)
    referral.full_clean(exclude=["data_category"])
    with transaction.atomic():
        referral.save()
        ServiceReferralStatusChange.objects.create(referral=referral, from_status="",
                                                   to_status=ServiceReferralStatus.SENT, changed_by=actor, note=note)
        log_event("divert.casework.service_referral.sent", request=request, actor=actor, person=person,
                  target=referral, category=referral.data_category,
                  details={"service": category, "provider_id": provider.pk})
    return referral


def transition_refusal(from_status: str, to_status: str) -> str | None:
    """Why this move is refused, or None. The loop only moves forward."""
    if to_status not in REFERRAL_TRANSITIONS:
        return _("Unknown status.")
    if to_status in REFERRAL_TRANSITIONS.get(from_status, ()):
        return None
    if not REFERRAL_TRANSITIONS.get(from_status):
        return _("This referral's loop is closed; send a new referral instead.")
    return _("A referral moves forward only: sent, then accepted or declined, then connected or not connected.")


def do_change_referral_status(referral: ServiceReferral, to_status: str, *, actor, note: str = "",
                              outcome: str | None = None, request=None,
                              if_unchanged_since: datetime | None = None) -> ServiceReferral:
    with transaction.atomic():
        locked = _check_unchanged(referral, if_unchanged_since)
        refusal = transition_refusal(locked.status, to_status)
        if refusal:
            raise ValidationError({"to_status": refusal}, code="transition")
        from_status = locked.status
        locked.status = to_status
        fields = ["status", "updated_at"]
        if outcome is not None and outcome != locked.outcome:
            locked.outcome = outcome
            fields.append("outcome")
        locked.save(update_fields=fields)
        ServiceReferralStatusChange.objects.create(referral=locked, from_status=from_status, to_status=to_status,
                                                   changed_by=actor, note=note)
        log_event("divert.casework.service_referral.status_changed", request=request, actor=actor,
                  person=locked.person, target=locked, category=locked.data_category,
                  details={"from": from_status, "to": to_status, "outcome_changed": "outcome" in fields})
    for f in ServiceReferral._meta.concrete_fields:
        setattr(referral, f.attname, getattr(locked, f.attname))
    return referral


def log_referral_viewed(referral: ServiceReferral, *, request) -> None:
    log_event("divert.casework.service_referral.viewed", request=request, person=referral.person, target=referral,
              category=referral.data_category)


# --- Flexible funds -----------------------------------------------------------------------------------------

def approval_threshold() -> Decimal:
    return Decimal(settings.DIVERT_FUNDS_APPROVAL_OVER)


def committed(source: FundingSource, *, exclude_pk: int | None = None) -> Decimal:
    """What the source has spent or promised in its period: approved and pending expenses."""
    rows = source.expenses.filter(status__in=[ExpenseStatus.APPROVED, ExpenseStatus.PENDING],
                                  spent_on__gte=source.period_start, spent_on__lte=source.period_end)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def _supervisors_for(enrollment) -> list[User]:
    if enrollment is None:
        return []
    return list(User.objects.filter(is_active=True, memberships__active=True, memberships__role=Role.SUPERVISOR,
                                    memberships__agency_id=enrollment.provider_id).distinct())


def do_record_expense(person: Person, *, actor, funding_source: FundingSource, category: str, amount: Decimal,
                      spent_on: date, description: str = "", request=None) -> Expense:
    """Record an expense: approved at once up to the threshold, pending a supervisor above it. Refused when it
    falls outside the source's period or would take the source over its budget (approved plus pending)."""
    enrollment = _open_enrollment(person, actor)
    needs_approval = amount > approval_threshold()
    with transaction.atomic():
        source = FundingSource.objects.select_for_update().get(pk=funding_source.pk)
        if not source.active:
            raise ValidationError({"funding_source": _("This funding source is closed.")}, code="inactive")
        if not source.covers(spent_on):
            raise ValidationError({"spent_on": _("%(source)s pays for spending from %(start)s to %(end)s.") % {
                "source": source.name, "start": source.period_start, "end": source.period_end}}, code="period")
        used = committed(source)
        if used + amount > source.budget_amount:
            left = max(source.budget_amount - used, Decimal("0"))
            raise ValidationError({"amount": _(
                "%(source)s has $%(left)s left of its $%(budget)s budget for this period (approved and pending "
                "spending counted), so $%(amount)s would go over it. Nothing was recorded; choose another source "
                "or a smaller amount.") % {"source": source.name, "left": f"{left:,.2f}",
                                           "budget": f"{source.budget_amount:,.2f}", "amount": f"{amount:,.2f}"}},
                code="over_budget")
        expense = Expense(person=person, enrollment=enrollment, funding_source=source, category=category,
                          amount=amount, spent_on=spent_on, description=description, requested_by=actor,
                          status=ExpenseStatus.PENDING if needs_approval else ExpenseStatus.APPROVED,
                          approved_at=None if needs_approval else timezone.now())
        expense.full_clean()
        expense.save()
        log_event("divert.casework.expense.recorded", request=request, actor=actor, person=person, target=expense,
                  category=Category.CASEWORK,
                  details={"amount": str(amount), "category": category, "funding_source_id": source.pk,
                           "status": expense.status})
        if needs_approval:
            from divert.notify.actions import notify

            # The title says only that something waits: no name, no amount, no purpose.
            notify([u for u in _supervisors_for(enrollment) if u.pk != actor.pk], kind="expense_pending",
                   title=_("An expense is waiting for your approval"),
                   url=reverse("expense_decide", args=[expense.pk]), dedupe_key=f"expense-pending-{expense.pk}",
                   actor=actor)
    return expense


def may_decide_expense(user, expense: Expense) -> bool:
    return (user.has_role(Role.SUPERVISOR) and is_on_team(user, expense.person))


def do_decide_expense(expense: Expense, *, actor, approve: bool, reason: str = "", request=None,
                      if_unchanged_since: datetime | None = None) -> Expense:
    with transaction.atomic():
        locked = _check_unchanged(expense, if_unchanged_since)
        if locked.status != ExpenseStatus.PENDING:
            raise ValidationError(_("This expense was already decided."), code="decided")
        if locked.requested_by_id == actor.pk:
            raise ValidationError(_("Someone other than the person who asked for it must approve or decline it."),
                                  code="own_request")
        if not approve and not reason.strip():
            raise ValidationError({"reason": _("Say why it is declined.")}, code="required")
        locked.status = ExpenseStatus.APPROVED if approve else ExpenseStatus.DECLINED
        locked.approved_by = actor
        locked.approved_at = timezone.now()
        locked.reason = reason.strip()
        locked.save(update_fields=["status", "approved_by", "approved_at", "reason", "updated_at"])
        log_event("divert.casework.expense.approved" if approve else "divert.casework.expense.declined",
                  request=request, actor=actor, person=locked.person, target=locked, category=Category.CASEWORK,
                  details={"amount": str(locked.amount), "funding_source_id": locked.funding_source_id})
    for f in Expense._meta.concrete_fields:
        setattr(expense, f.attname, getattr(locked, f.attname))
    return expense


def do_save_funding_source(source: FundingSource | None, *, actor, request=None,
                           if_unchanged_since: datetime | None = None, **fields) -> FundingSource:
    with transaction.atomic():
        created = source is None
        target = FundingSource() if created else _check_unchanged(source, if_unchanged_since)
        for name in FUNDING_FIELDS:
            if name in fields:
                setattr(target, name, fields[name])
        target.full_clean()
        if not created and committed(target) > target.budget_amount:
            raise ValidationError({"budget_amount": _(
                "Approved and pending spending in this period already comes to $%(used)s; the budget cannot be "
                "less.") % {"used": f"{committed(target):,.2f}"}}, code="below_committed")
        target.save()
        log_event("divert.casework.funding_source.added" if created else "divert.casework.funding_source.changed",
                  request=request, actor=actor, target=target,
                  details={"budget": str(target.budget_amount), "period_start": str(target.period_start),
                           "period_end": str(target.period_end), "active": target.active})
    return target


def ledger(today: date | None = None) -> dict:
    """Spending by category and by funding source, in aggregate (no person appears here)."""
    counted = Q(status__in=[ExpenseStatus.APPROVED, ExpenseStatus.PENDING])
    by_category = (Expense.objects.filter(status=ExpenseStatus.APPROVED).values("category")
                   .annotate(total=Sum("amount")).order_by("-total"))
    sources = []
    for source in FundingSource.objects.order_by("-active", "name"):
        in_period = Q(spent_on__gte=source.period_start, spent_on__lte=source.period_end)
        totals = source.expenses.filter(counted & in_period).values("status").annotate(total=Sum("amount"))
        by_status = {row["status"]: row["total"] or Decimal("0") for row in totals}
        approved = by_status.get(ExpenseStatus.APPROVED, Decimal("0"))
        pending = by_status.get(ExpenseStatus.PENDING, Decimal("0"))
        sources.append({"source": source, "approved": approved, "pending": pending,
                        "remaining": source.budget_amount - approved - pending})
    return {"by_category": list(by_category), "sources": sources}


def log_expenses_viewed(person: Person, count: int, *, request, where: str) -> None:
    log_event("divert.casework.expense.viewed", request=request, person=person, category=Category.CASEWORK,
              details={"count": count, "where": where})


# --- The timeline -------------------------------------------------------------------------------------------

def timeline_items(user, person: Person, may=None):
    """Service-referral moves and expenses for the person's timeline, only in categories the viewer may see."""
    from divert.casework.timeline import TimelineItem

    if may is None:
        def may(category):
            return bool(can_see(user, person, category))
    allowed = [c for c in SERVICE_DATA_CATEGORIES if may(c)]
    if allowed:
        labels = dict(ServiceReferralStatus.choices)
        changes = (ServiceReferralStatusChange.objects
                   .filter(referral__person=person, referral__data_category__in=allowed)
                   .select_related("referral__provider"))
        for change in changes:
            referral = change.referral
            title = _("Service referral: %(service)s at %(provider)s — %(status)s") % {
                "service": referral.get_category_display(), "provider": referral.provider.name,
                "status": labels.get(change.to_status, change.to_status)}
            yield TimelineItem(change.changed_at, "service_referral", title,
                               Truncator(" ".join(change.note.split())).words(30), referral.data_category,
                               reverse("service_referral", args=[referral.pk]))
    if may(Category.CASEWORK):
        for expense in Expense.objects.filter(person=person).select_related("funding_source"):
            at = timezone.make_aware(datetime.combine(expense.spent_on, datetime.min.time()))
            title = _("Flexible funds: $%(amount)s, %(category)s (%(status)s)") % {
                "amount": f"{expense.amount:,.2f}", "category": expense.get_category_display(),
                "status": expense.get_status_display()}
            yield TimelineItem(at, "expense", title, expense.funding_source.name, Category.CASEWORK)


try:
    from divert.casework.timeline import register_timeline_source
except ImportError:  # the timeline is optional: without it, timeline_items is still importable
    pass
else:
    register_timeline_source(timeline_items)
