"""The provider directory, service referrals with their closed loop, and the flexible-funds ledger.

A service referral carries one data category, decided by what it is for: treatment for substance use (MAT,
withdrawal management, outpatient and residential treatment) is Part 2 information ("sud"), medical and
mental-health care are "health", everything else is "casework". That a person was referred to a methadone
clinic says as much as any note about it, so the whole referral, its history and its outcome share the
category. Expenses are casework.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from divert.privacy.categories import Category

__all__ = [
    "Expense", "ExpenseStatus", "FundingSource", "REFERRAL_TRANSITIONS", "SERVICE_DATA_CATEGORY", "ServiceCategory",
    "ServiceOffering", "ServiceProvider", "ServiceReferral", "ServiceReferralStatus", "ServiceReferralStatusChange",
    "SpendingCategory", "data_category_for",
]


class ServiceCategory(models.TextChoices):
    MAT = "mat", _("Medication for addiction treatment (MAT)")
    WITHDRAWAL = "withdrawal", _("Withdrawal management")
    OUTPATIENT = "outpatient", _("Outpatient treatment")
    RESIDENTIAL = "residential", _("Residential treatment")
    SHELTER = "shelter", _("Shelter")
    HOUSING = "housing", _("Housing")
    FOOD = "food", _("Food")
    LEGAL_AID = "legal_aid", _("Legal aid")
    ID_DOCUMENTS = "id_documents", _("ID and documents")
    BENEFITS = "benefits", _("Benefits")
    JOB_TRAINING = "job_training", _("Job training")
    MEDICAL = "medical", _("Medical care")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    HARM_REDUCTION = "harm_reduction", _("Harm-reduction supplies")


SUD_SERVICES = frozenset({ServiceCategory.MAT, ServiceCategory.WITHDRAWAL, ServiceCategory.OUTPATIENT,
                          ServiceCategory.RESIDENTIAL})
HEALTH_SERVICES = frozenset({ServiceCategory.MEDICAL, ServiceCategory.MENTAL_HEALTH})
SERVICE_DATA_CATEGORY: dict[str, str] = {
    value: Category.SUD if value in SUD_SERVICES else Category.HEALTH if value in HEALTH_SERVICES
    else Category.CASEWORK for value in ServiceCategory.values
}


def data_category_for(service_category: str) -> str:
    """The privacy category of a referral for this kind of service."""
    return SERVICE_DATA_CATEGORY[service_category]


class ServiceProvider(models.Model):
    """An organisation in the directory that participants can be referred to. Not participant data."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    hours = models.CharField(_("hours"), max_length=200, blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True,
                                 help_text=_("Languages spoken, separated by commas."))
    accepts_walk_ins = models.BooleanField(_("accepts walk-ins"), default=False)
    notes = models.TextField(_("notes"), blank=True,
                             help_text=_("How to refer, who to ask for, what to bring. Nothing about participants."))
    active = models.BooleanField(_("active"), default=True,
                                 help_text=_("Inactive providers stay in past referrals but are not offered for new "
                                             "ones."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def category_values(self) -> list[str]:
        return [o.category for o in self.offerings.all()]

    def category_labels(self) -> list[str]:
        labels = dict(ServiceCategory.choices)
        return [str(labels.get(c, c)) for c in sorted(self.category_values, key=ServiceCategory.values.index)]


class ServiceOffering(models.Model):
    """One category of service a provider offers (a row each, so the directory filters on any database)."""

    provider = models.ForeignKey(ServiceProvider, on_delete=models.CASCADE, related_name="offerings")
    category = models.CharField(_("category"), max_length=20, choices=ServiceCategory.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "category"], name="service_offering_unique")]
        indexes = [models.Index(fields=["category", "provider"])]

    def __str__(self) -> str:
        return f"{self.provider} — {self.get_category_display()}"


class ServiceReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined by the provider")
    CONNECTED = "connected", _("Connected")
    NOT_CONNECTED = "not_connected", _("Not connected")


# The loop only moves forward: sent → accepted or declined → (after acceptance) connected or not connected.
REFERRAL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ServiceReferralStatus.SENT: (ServiceReferralStatus.ACCEPTED, ServiceReferralStatus.DECLINED),
    ServiceReferralStatus.ACCEPTED: (ServiceReferralStatus.CONNECTED, ServiceReferralStatus.NOT_CONNECTED),
    ServiceReferralStatus.DECLINED: (),
    ServiceReferralStatus.CONNECTED: (),
    ServiceReferralStatus.NOT_CONNECTED: (),
}


class ServiceReferral(models.Model):
    person = models.ForeignKey("participants.Person", on_delete=models.PROTECT, related_name="service_referrals",
                               verbose_name=_("participant"))
    enrollment = models.ForeignKey("participants.Enrollment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="service_referrals", verbose_name=_("enrollment"))
    provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, related_name="referrals",
                                 verbose_name=_("provider"))
    category = models.CharField(_("service"), max_length=20, choices=ServiceCategory.choices)
    # Derived from `category` on save; stored so lists can filter on what the viewer may see.
    data_category = models.CharField(_("data category"), max_length=10, editable=False)
    status = models.CharField(_("status"), max_length=15, choices=ServiceReferralStatus.choices,
                              default=ServiceReferralStatus.SENT)
    sent_on = models.DateField(_("sent on"), default=timezone.localdate)
    outcome = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("sent by"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["person", "data_category"]), models.Index(fields=["status", "sent_on"])]

    def __str__(self) -> str:
        return f"service referral #{self.pk}"

    def save(self, *args, **kwargs):
        self.data_category = data_category_for(self.category)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "data_category"}
        super().save(*args, **kwargs)

    def next_statuses(self) -> tuple[str, ...]:
        return REFERRAL_TRANSITIONS.get(self.status, ())

    @property
    def is_closed(self) -> bool:
        return not self.next_statuses()


class ServiceReferralStatusChange(models.Model):
    """One row per move along the loop, the sending included (from "" to "sent"). Never edited."""

    referral = models.ForeignKey(ServiceReferral, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=15, choices=ServiceReferralStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=15, choices=ServiceReferralStatus.choices)
    changed_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["referral", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class FundingSource(models.Model):
    """A pot of flexible funds with a budget for a period (a grant, a city contract, donations)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    budget_amount = models.DecimalField(_("budget"), max_digits=12, decimal_places=2,
                                        validators=[MinValueValidator(Decimal("0"))])
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-active", "name"]
        constraints = [models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                              name="funding_source_period_order")]

    def __str__(self) -> str:
        return self.name

    def covers(self, day) -> bool:
        return self.period_start <= day <= self.period_end


class SpendingCategory(models.TextChoices):
    HOUSING = "housing", _("Housing and rent")
    MOTEL = "motel", _("Motel")
    FOOD = "food", _("Food")
    TRANSPORT = "transport", _("Transport")
    ID_DOCUMENTS = "id_documents", _("ID and documents")
    PHONE = "phone", _("Phone")
    CLOTHING = "clothing", _("Clothing")
    TREATMENT = "treatment", _("Treatment costs")
    OTHER = "other", _("Other")


class ExpenseStatus(models.TextChoices):
    APPROVED = "approved", _("Approved")
    PENDING = "pending", _("Pending approval")
    DECLINED = "declined", _("Declined")


class Expense(models.Model):
    """Money spent from flexible funds for a participant. Casework."""

    person = models.ForeignKey("participants.Person", on_delete=models.PROTECT, related_name="expenses",
                               verbose_name=_("participant"))
    enrollment = models.ForeignKey("participants.Enrollment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="expenses", verbose_name=_("enrollment"))
    funding_source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="expenses",
                                       verbose_name=_("funding source"))
    category = models.CharField(_("spent on"), max_length=15, choices=SpendingCategory.choices)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    spent_on = models.DateField(_("date"), default=timezone.localdate)
    description = models.CharField(_("description"), max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    status = models.CharField(_("status"), max_length=10, choices=ExpenseStatus.choices,
                              default=ExpenseStatus.APPROVED)
    # Empty on an expense within the amount that needs no supervisor: it was approved when recorded.
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("decided by"))
    approved_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-spent_on", "-id"]
        indexes = [models.Index(fields=["person", "spent_on"]), models.Index(fields=["funding_source", "status"]),
                   models.Index(fields=["status", "spent_on"])]

    def __str__(self) -> str:
        return f"expense #{self.pk}"

    @property
    def category_of_data(self) -> str:
        return Category.CASEWORK
