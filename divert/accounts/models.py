from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from divert.accounts.roles import RECIPIENT_ONLY_KINDS, ROLES_BY_AGENCY_KIND, AgencyKind, Role


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. What they may do comes from their active membership (their seat)."""

    phone = models.CharField(_("phone"), max_length=40, blank=True)

    @cached_property
    def seat(self) -> "Membership | None":
        return self.memberships.select_related("agency").filter(active=True, agency__active=True).first()

    @property
    def role(self) -> str | None:
        seat = self.seat
        return seat.role if seat else None

    @property
    def agency(self) -> Agency | None:
        seat = self.seat
        return seat.agency if seat else None

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles

    # The site administrator's seat carries its admin rights: agencies, accounts, seats and lockouts,
    # and nothing about participants. Any other permission must be granted explicitly.
    SITE_ADMIN_APPS = frozenset({"accounts", "axes", "mfa", "usersessions"})

    def _site_admin_may(self, app_label: str) -> bool:
        return self.is_active and self.is_staff and self.role == Role.SITE_ADMIN and app_label in self.SITE_ADMIN_APPS

    def has_perm(self, perm: str, obj=None) -> bool:
        if self._site_admin_may(perm.partition(".")[0]):
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return self._site_admin_may(app_label) or super().has_module_perms(app_label)


class Membership(models.Model):
    """A user's seat: which agency they work for and in which role."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(active=True), name="one_active_seat_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.agency}"

    def clean(self) -> None:
        if not self.agency_id:
            return
        if self.agency.kind in RECIPIENT_ONLY_KINDS:
            raise ValidationError({"agency": _("Courts and probation receive letters only; they have no seats.")})
        if self.role not in ROLES_BY_AGENCY_KIND[self.agency.kind]:
            raise ValidationError(
                {"role": _("A %(kind)s cannot hold the %(role)s seat.")
                 % {"kind": self.agency.get_kind_display(), "role": self.get_role_display()}}
            )
