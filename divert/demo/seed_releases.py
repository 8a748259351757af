"""Synthetic releases of information for the demo: most open enrollments have a multi-party release naming the
police, the prosecutor and the defender for status and the partner summary; some add a Part 2 consent or a
criminal-justice referral consent (42 CFR 2.35); some have expired, some were revoked in full or in part.

Written in bulk, so it stays fast at 100,000 participants.
"""

import base64
import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model

from divert.accounts.models import Agency
from divert.accounts.roles import AgencyKind, Role
from divert.participants.models import OPEN_STATUSES, Enrollment
from divert.privacy.categories import Category
from divert.privacy.models import Purpose, ReleaseKind, ReleaseOfInformation, ReleaseRecipient, Revocation

BATCH = 2000
# A 1×1 transparent PNG stands in for each drawn signature.
SIGNATURE = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAA"
                             "AABJRU5ErkJggg==")


def seed_releases(rng: random.Random, fake, today: date) -> int:
    partners = {kind: Agency.objects.filter(kind=kind, active=True).first()
                for kind in (AgencyKind.POLICE, AgencyKind.PROSECUTOR, AgencyKind.DEFENDER)}
    if not all(partners[k] for k in (AgencyKind.POLICE, AgencyKind.PROSECUTOR)):
        return 0
    recorder = get_user_model().objects.filter(memberships__role=Role.CASE_MANAGER).first()
    enrollments = (Enrollment.objects.filter(status__in=OPEN_STATUSES, enrolled_on__isnull=False,
                                             person__releases__isnull=True)
                   .select_related("person", "provider", "case_manager").order_by("id"))
    made = 0
    while True:
        batch = list(enrollments[:BATCH])
        if not batch:
            break
        releases, plans = [], []
        for enrollment in batch:
            for spec in _releases_for(rng, enrollment, today, partners):
                release = ReleaseOfInformation(
                    person=enrollment.person, recorded_by=enrollment.case_manager or recorder, signature_png=SIGNATURE,
                    signed_name=enrollment.person.full_name, discloser=enrollment.provider.name, **spec["fields"])
                releases.append(release)
                plans.append(spec)
        ReleaseOfInformation.objects.bulk_create(releases)
        recipients, revocations = [], []
        for release, spec in zip(releases, plans, strict=True):
            recipients += [ReleaseRecipient(release=release, agency=agency, role=role)
                           for agency, role in spec["recipients"]]
            if spec.get("revoke"):
                scope, categories, when = spec["revoke"]
                revocations.append(Revocation(release=release, scope=scope, categories=categories, effective_on=when,
                                              reason="The participant asked", recorded_by=release.recorded_by))
        ReleaseRecipient.objects.bulk_create(recipients)
        Revocation.objects.bulk_create(revocations)
        made += len(releases)
    return made


def _releases_for(rng, enrollment, today, partners) -> list[dict]:
    signed = max(enrollment.enrolled_on, today - timedelta(days=700))
    general = {
        "fields": {"kind": ReleaseKind.GENERAL, "purposes": [Purpose.CARE_COORDINATION, Purpose.CHARGE_COORDINATION],
                   "categories": [Category.STATUS, Category.PARTNER_SUMMARY], "starts_on": signed,
                   "signed_on": signed, "expires_on": signed + timedelta(days=365),
                   "information_description": "Whether the participant is enrolled, whom to call, and the case "
                                              "manager's partner summary."},
        "recipients": [(partners[AgencyKind.POLICE], ""), (partners[AgencyKind.PROSECUTOR], "")]
        + ([(partners[AgencyKind.DEFENDER], "")] if partners[AgencyKind.DEFENDER] else []),
    }
    roll = rng.random()
    if roll < 0.08:  # the participant took it back, in whole or in part
        general["revoke"] = ("full", [], signed + timedelta(days=rng.randint(10, 200)))
    elif roll < 0.14:
        general["revoke"] = ("partial", [Category.PARTNER_SUMMARY], signed + timedelta(days=rng.randint(10, 200)))
    if rng.random() < 0.1:  # signed long ago and never renewed
        lapsed = today - timedelta(days=rng.randint(1, 60))
        general["fields"]["expires_on"] = min(general["fields"]["expires_on"], lapsed)
    result = [general]
    if enrollment.door == "arrest" and rng.random() < 0.35:
        result.append({
            "fields": {"kind": ReleaseKind.CRIMINAL_JUSTICE, "purposes": [Purpose.CHARGE_COORDINATION],
                       "categories": [Category.STATUS, Category.SUD], "starts_on": signed, "signed_on": signed,
                       "expiry_event": "Final disposition of the diverted charge",
                       "irrevocable_until_event": "Final disposition of the diverted charge",
                       "information_description": "Attendance at and progress in substance-use treatment, for the "
                                                  "prosecutor holding the diverted charge."},
            "recipients": [(partners[AgencyKind.PROSECUTOR], Role.PROSECUTOR)],
        })
    elif rng.random() < 0.15:
        result.append({
            "fields": {"kind": ReleaseKind.PART2, "purposes": [Purpose.TREATMENT_REFERRAL],
                       "categories": [Category.SUD], "starts_on": signed, "signed_on": signed,
                       "expires_on": signed + timedelta(days=180),
                       "information_description": "Treatment enrollment and medication for addiction treatment, for "
                                                  "the public defender preparing a treatment-court alternative."},
            "recipients": [(partners[AgencyKind.DEFENDER], Role.DEFENDER)] if partners[AgencyKind.DEFENDER] else
            [(partners[AgencyKind.PROSECUTOR], "")],
        })
    return result
