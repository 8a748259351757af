"""The HMIS export's files follow the HUD HMIS CSV format: header order, required fields, dates, codes, keys."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from conftest import SUD_CANARY
from divert.casework.models import Contact, MonthlyStatus
from divert.interop import hmis, hmis_spec
from divert.interop.actions import do_export_hmis
from divert.interop.tests.conftest import make_release
from divert.interop.tests.hmis_check import problems, read_zip
from divert.participants.models import Door, Enrollment, EnrollmentStatus, ExitReason, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(participant, hmis_agency, personas, agencies):
    cam = personas.case_manager_cam
    make_release(participant, hmis_agency, cam)
    enrollment = participant.enrollments.get()
    MonthlyStatus.objects.create(person=participant, enrollment=enrollment, month=date(2026, 2, 1),
                                 housing="unsheltered", income_sources=["ssi", "snap"], employment="not_working",
                                 recorded_by=cam)
    at = timezone.make_aware(datetime(2026, 3, 4, 10, 0))
    Contact.objects.create(person=participant, enrollment=enrollment, occurred_at=at, note="Met at the library",
                           recorded_by=cam)
    Contact.objects.create(person=participant, enrollment=enrollment, occurred_at=at, note=SUD_CANARY,
                           note_category="sud", recorded_by=cam)
    # A second participant, exited: they died in June.
    other = Person.objects.create(first_name="=Sam", last_name="Brightwater", approximate_age=50)
    Enrollment.objects.create(person=other, door=Door.COMMUNITY, provider=agencies.provider,
                              status=EnrollmentStatus.EXITED, referred_on=date(2026, 1, 2),
                              enrolled_on=date(2026, 1, 3), exited_on=date(2026, 6, 30), exit_reason=ExitReason.DIED)
    make_release(other, hmis_agency, cam, categories=("status",), starts_on=date(2026, 1, 3))
    return participant, other


def export(period_from=date(2026, 1, 1), period_to=date(2026, 12, 31)):
    record, data = do_export_hmis(period_from, period_to, actor=None, via="command")
    return record, read_zip(data)


def test_every_file_follows_the_format(site):
    record, files = export()
    assert sorted(files) == sorted(hmis_spec.FILES)
    assert problems(files) == []
    assert record.persons == 2
    assert {len(files[n]["rows"]) for n in ("Client.csv", "Enrollment.csv")} == {2}


def test_the_checker_catches_what_it_checks(site):
    _record, files = export()
    files["Client.csv"]["header"] = list(reversed(files["Client.csv"]["header"]))
    files["Enrollment.csv"]["rows"][0]["EntryDate"] = "01/07/2026"
    files["Exit.csv"]["rows"][0]["Destination"] = "7"
    files["Exit.csv"]["rows"][0]["EnrollmentID"] = "999999"
    files["Services.csv"]["rows"][0]["RecordType"] = ""
    found = problems(files)
    assert any("Client.csv: header" in p for p in found)
    assert any("EntryDate" in p for p in found)
    assert any("Destination 7" in p for p in found)
    assert any("EnrollmentID 999999 is not in Enrollment.csv" in p for p in found)
    assert any("RecordType is empty" in p for p in found)


def test_mapping_of_divert_records(site):
    participant, other = site
    _record, files = export()
    clients = {r["PersonalID"]: r for r in files["Client.csv"]["rows"]}
    alex, sam = clients[str(participant.pk)], clients[str(other.pk)]
    assert (alex["DOB"], alex["DOBDataQuality"], alex["SSNDataQuality"], alex["RaceNone"]) == ("", "99", "99", "99")
    assert sam["DOBDataQuality"] == "2" and sam["DOB"].endswith("-01-01")
    assert sam["FirstName"] == "'=Sam"  # spreadsheet-safe
    enrollment = next(r for r in files["Enrollment.csv"]["rows"] if r["PersonalID"] == str(participant.pk))
    assert (enrollment["EntryDate"], enrollment["EnrollmentCoC"], enrollment["LivingSituation"],
            enrollment["DisablingCondition"]) == ("2026-01-07", "WA-500", "116", "99")
    exit_row = files["Exit.csv"]["rows"][0]
    assert (exit_row["PersonalID"], exit_row["ExitDate"], exit_row["Destination"]) == (
        str(other.pk), "2026-06-30", "24")
    income = {(r["PersonalID"], r["DataCollectionStage"]): r for r in files["IncomeBenefits.csv"]["rows"]}
    entry = income[(str(participant.pk), "1")]
    assert (entry["IncomeFromAnySource"], entry["SSI"], entry["Earned"], entry["BenefitsFromAnySource"],
            entry["SNAP"], entry["InsuranceFromAnySource"]) == ("1", "1", "0", "1", "1", "99")
    # Sam's release opens status only: their income rows say "data not collected", and they have no services.
    assert income[(str(other.pk), "3")]["IncomeFromAnySource"] == "99"
    services = files["Services.csv"]["rows"]
    assert [(s["PersonalID"], s["RecordType"], s["TypeProvided"], s["DateProvided"]) for s in services] == [
        (str(participant.pk), "141", "6", "2026-03-04")]  # the substance-use contact is not among them


def test_period_limits_enrollments_and_services(site):
    _record, files = export(date(2026, 7, 1), date(2026, 7, 31))
    assert problems(files) == []
    assert len(files["Client.csv"]["rows"]) == 1  # Sam exited in June
    assert files["Services.csv"]["rows"] == []


def test_no_services_unless_the_program_reports_path_services(site, settings):
    settings.DIVERT_HMIS_PATH_SERVICES = False
    _record, files = export()
    assert files["Services.csv"]["rows"] == [] and files["Services.csv"]["header"] == hmis_spec.header("Services.csv")


def test_setup_is_checked(site, settings, personas, hmis_agency):
    settings.DIVERT_HMIS_COC_CODE = "Seattle"
    with pytest.raises(hmis.SetupMissing, match="CoC code|WA-500"):
        hmis.build(date(2026, 1, 1), date(2026, 2, 1))
    settings.DIVERT_HMIS_COC_CODE = "WA-500"
    settings.DIVERT_HMIS_AGENCY = str(personas.case_manager_cam.seat.agency_id)  # an agency with seats
    assert "seats" in hmis.setup_problem()
