"""Who goes to the HMIS: only participants whose release, in effect today, names the HMIS for HMIS sharing; never
health or substance-use information; each one logged as a disclosure against that release."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from conftest import IDENTITY_CANARY, SUD_CANARY
from divert.audit.models import AuditEvent
from divert.casework.models import Contact
from divert.interop.actions import do_export_hmis
from divert.interop.tests.conftest import make_release
from divert.interop.tests.hmis_check import problems, read_zip
from divert.privacy.models import Disclosure, Purpose, ReleaseKind, Revocation

pytestmark = pytest.mark.django_db


def export():
    record, data = do_export_hmis(date(2026, 1, 1), date(2026, 12, 31), actor=None, via="command")
    return record, read_zip(data)


def everything(files) -> str:
    return "\n".join(f["text"] for f in files.values())


@pytest.fixture
def cam(personas):
    return personas.case_manager_cam


def test_consented_participant_is_exported_and_the_disclosure_logged(participant, hmis_agency, cam):
    release = make_release(participant, hmis_agency, cam)
    record, files = export()
    assert IDENTITY_CANARY in files["Client.csv"]["text"]
    assert problems(files) == []
    disclosure = Disclosure.objects.get(person=participant)
    assert (disclosure.release, disclosure.recipient_agency, sorted(disclosure.categories), disclosure.part2) == (
        release, hmis_agency, ["casework", "status"], False)
    assert AuditEvent.objects.filter(action="divert.disclosure.made", person=participant, consent_id=release.pk,
                                     details__recipient_agency=hmis_agency.pk).count() == 2
    event = AuditEvent.objects.get(action="divert.interop.hmis.exported")
    assert event.details["persons"] == 1 and event.target_id == str(record.pk)
    assert IDENTITY_CANARY not in str(event.details)


def _revoked(release, cam):
    Revocation.objects.create(release=release, scope=Revocation.Scope.FULL, effective_on=timezone.localdate(),
                              recorded_by=cam)


def _hmis_withdrawn(release, cam):
    revocation = Revocation.objects.create(release=release, scope=Revocation.Scope.PARTIAL,
                                           effective_on=timezone.localdate(), recorded_by=cam)
    revocation.recipients.set(release.recipients.all())


def _status_withdrawn(release, cam):
    Revocation.objects.create(release=release, scope=Revocation.Scope.PARTIAL, effective_on=timezone.localdate(),
                              categories=["status"], recorded_by=cam)


def _expired(release, cam):
    release.expires_on = timezone.localdate() - timedelta(days=1)
    release.save()


def _not_started(release, cam):
    release.starts_on = timezone.localdate() + timedelta(days=3)
    release.save()


def _other_purpose(release, cam):
    release.purposes = [Purpose.CARE_COORDINATION]
    release.save()


def _one_seat_only(release, cam):
    release.recipients.update(role="case_manager")


@pytest.mark.parametrize("change", [_revoked, _hmis_withdrawn, _status_withdrawn, _expired, _not_started,
                                    _other_purpose, _one_seat_only])
def test_no_release_in_effect_for_hmis_sharing_means_not_exported(participant, hmis_agency, cam, change):
    change(make_release(participant, hmis_agency, cam), cam)
    record, files = export()
    assert record.persons == 0
    assert IDENTITY_CANARY not in everything(files)
    assert problems(files) == []
    assert not Disclosure.objects.exists()


def test_release_naming_another_agency_does_not_reach_the_hmis(participant, hmis_agency, cam, agencies):
    make_release(participant, agencies.court, cam)
    record, files = export()
    assert record.persons == 0 and IDENTITY_CANARY not in everything(files)


def test_withdrawing_casework_keeps_enrollments_but_not_services_or_income(participant, hmis_agency, cam):
    release = make_release(participant, hmis_agency, cam)
    Contact.objects.create(person=participant, enrollment=participant.enrollments.get(), note="casework",
                           occurred_at=timezone.now(), recorded_by=cam)
    Revocation.objects.create(release=release, scope=Revocation.Scope.PARTIAL, effective_on=timezone.localdate(),
                              categories=["casework"], recorded_by=cam)
    _record, files = export()
    assert len(files["Enrollment.csv"]["rows"]) == 1
    assert files["Services.csv"]["rows"] == []
    assert {r["IncomeFromAnySource"] for r in files["IncomeBenefits.csv"]["rows"]} == {"99"}
    assert Disclosure.objects.get().categories == ["status"]


def test_part2_consent_naming_the_hmis_still_sends_no_substance_use_or_health(participant, hmis_agency, cam):
    enrollment = participant.enrollments.get()
    release = make_release(participant, hmis_agency, cam, kind=ReleaseKind.PART2,
                           categories=("status", "casework", "health", "sud"))
    for category in ("sud", "health"):
        Contact.objects.create(person=participant, enrollment=enrollment, note=f"{SUD_CANARY} {category}",
                               note_category=category, occurred_at=timezone.now(), recorded_by=cam)
    _record, files = export()
    assert SUD_CANARY not in everything(files)
    assert files["Services.csv"]["rows"] == []  # the only contacts were filed under health and substance use
    disclosure = Disclosure.objects.get()
    assert (disclosure.release, sorted(disclosure.categories), disclosure.part2) == (
        release, ["casework", "status"], False)


def test_canaries_of_people_without_consent_never_leave(participant, hmis_agency, cam, agencies):
    from divert.participants.models import Door, Enrollment, Person

    consenting = Person.objects.create(first_name="Lee", last_name="Okonkwo")
    Enrollment.objects.create(person=consenting, door=Door.COMMUNITY, provider=agencies.provider, status="active",
                              referred_on=date(2026, 2, 1), enrolled_on=date(2026, 2, 2), case_manager=cam)
    make_release(consenting, hmis_agency, cam, starts_on=date(2026, 2, 2))
    make_release(participant, agencies.court, cam)  # the canary participant consented to the court only
    Contact.objects.create(person=participant, note=SUD_CANARY, note_category="sud", recorded_by=cam)
    record, files = export()
    assert record.persons == 1
    text = everything(files)
    assert "Okonkwo" in text
    for canary in (IDENTITY_CANARY, SUD_CANARY):
        assert canary not in text
    for name in ("Client.csv", "Enrollment.csv", "IncomeBenefits.csv", "Services.csv"):
        assert {r["PersonalID"] for r in files[name]["rows"]} <= {str(consenting.pk)}


def test_policy_prefers_the_release_opening_most_and_skips_merged_records(participant, hmis_agency, cam, agencies):
    from divert.participants.models import Person
    from divert.privacy.policy import hmis_export_persons

    make_release(participant, hmis_agency, cam, categories=("status",), starts_on=date(2026, 3, 1))
    wider = make_release(participant, hmis_agency, cam, categories=("status", "casework", "legal"))
    survivor = Person.objects.create(first_name="Alex", last_name="Survivor")
    merged = Person.objects.create(first_name="Alex", last_name="Merged", merged_into=survivor)
    make_release(merged, hmis_agency, cam)
    assert hmis_export_persons(hmis_agency) == [(participant, wider, frozenset({"status", "casework"}))]
