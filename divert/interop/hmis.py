"""The HUD HMIS CSV export: the participants who consented to HMIS sharing, as the files the format defines.

Who goes out, and which of their data, is the privacy policy's answer (``policy.hmis_export_persons``); this
module only maps Divert's records onto the columns of ``hmis_spec``. Every cell passes through the spreadsheet
guard. Unknown answers carry the format's data-quality codes (99: data not collected).
"""

import csv
import io
import re
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone

from divert.accounts.models import Agency
from divert.interop import hmis_spec as spec
from divert.lib.spreadsheet import neutralise
from divert.participants.models import Enrollment, ExitReason
from divert.privacy.policy import Category, hmis_export_persons

SOFTWARE_NAME = "Divert"
EXPORT_USER_ID = "divert"
PROJECT_TYPE_SERVICES_ONLY = 6
PATH_RECORD_TYPE = 141
PATH_CASE_MANAGEMENT = 6
NOT_COLLECTED = 99
COC_CODE = re.compile(r"^[A-Z]{2}-\d{3}$")
GEOCODE = re.compile(r"^\d{6}$")

# Monthly status income sources -> the IncomeBenefits column they set to 1.
INCOME_COLUMNS = {
    "employment": "Earned", "informal": "Earned", "unemployment": "Unemployment", "ssi": "SSI", "ssdi": "SSDI",
    "tanf": "TANF", "general_assistance": "GA", "veterans": "OtherIncomeSource", "other": "OtherIncomeSource",
}
BENEFIT_COLUMNS = {"snap": "SNAP"}
# Monthly status housing -> 3.917.1 prior living situation, where the meaning is the same; otherwise 99.
LIVING_SITUATIONS = {"unsheltered": 116, "shelter": 101, "transitional": 302}


class SetupMissing(Exception):
    """The site has not named the HMIS agency, the CoC code or the geocode (or named them wrongly)."""


@dataclass(frozen=True)
class Setup:
    agency: Agency
    coc_code: str
    geocode: str
    path_services: bool


def setup() -> Setup:
    """The site's HMIS settings, checked; SetupMissing says what is wrong."""
    chosen = getattr(settings, "DIVERT_HMIS_AGENCY", "")
    if not chosen:
        raise SetupMissing("DIVERT_HMIS_AGENCY is not set: name the agency (id or name) that stands for the "
                           "continuum of care's HMIS in releases.")
    by = {"pk": int(chosen)} if str(chosen).isdigit() else {"name": chosen}
    agency = Agency.objects.filter(**by).first()
    if agency is None:
        raise SetupMissing(f"DIVERT_HMIS_AGENCY names no agency ({chosen!r}).")
    if agency.memberships.filter(active=True).exists():
        # A seat at the HMIS agency would read, in Divert, everything an HMIS release opens.
        raise SetupMissing(f"The HMIS agency {agency.name!r} has user seats; it must be a recipient-only agency.")
    coc_code = getattr(settings, "DIVERT_HMIS_COC_CODE", "")
    if not COC_CODE.match(coc_code):
        raise SetupMissing("DIVERT_HMIS_COC_CODE must be the continuum of care's code, like WA-500.")
    geocode = getattr(settings, "DIVERT_HMIS_GEOCODE", "")
    if not GEOCODE.match(geocode):
        raise SetupMissing("DIVERT_HMIS_GEOCODE must be the six-digit HUD geographic code of the project.")
    return Setup(agency, coc_code, geocode, bool(getattr(settings, "DIVERT_HMIS_PATH_SERVICES", False)))


def setup_problem() -> str | None:
    try:
        setup()
    except (SetupMissing, ImproperlyConfigured) as exc:
        return str(exc)
    return None


@dataclass
class Export:
    export_id: str
    period_from: date
    period_to: date
    agency: Agency
    files: dict[str, list[dict]] = field(default_factory=dict)
    # (person, release, categories) actually exported: the disclosures to log.
    disclosed: list[tuple] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.files.items()}


def _d(value: date | None) -> str:
    return value.strftime(spec.DATE_FORMAT) if value else ""


def _dt(value: datetime | None) -> str:
    return timezone.localtime(value).strftime(spec.DATETIME_FORMAT) if value else ""


def _record(created: datetime | None, updated: datetime | None, export_id: str) -> dict:
    return {"DateCreated": _dt(created), "DateUpdated": _dt(updated or created), "UserID": EXPORT_USER_ID,
            "DateDeleted": "", "ExportID": export_id}


def build(period_from: date, period_to: date, *, progress: Callable[[int, int], None] | None = None) -> Export:
    """Compute the files for the period (enrollments open at any time in it). Writes nothing."""
    if period_to < period_from:
        raise ValueError("the end of the period is before its start")
    site = setup()
    now = timezone.now()
    export = Export(uuid.uuid4().hex, period_from, period_to, site.agency)
    files = {name: [] for name in spec.FILES}
    export.files = files
    allowed = hmis_export_persons(site.agency)
    projects: dict[int, tuple[Agency, date]] = {}
    for done, (person, release, categories) in enumerate(allowed, start=1):
        enrollments = list(Enrollment.objects.filter(person=person, enrolled_on__isnull=False,
                                                     enrolled_on__lte=period_to)
                           .filter(Q(exited_on__isnull=True) | Q(exited_on__gte=period_from))
                           .select_related("provider").order_by("enrolled_on", "id"))
        if progress:
            progress(done, len(allowed))
        if not enrollments:
            continue
        export.disclosed.append((person, release, categories))
        files["Client.csv"].append(_client(person, export.export_id))
        casework = Category.CASEWORK in categories
        for enrollment in enrollments:
            provider = enrollment.provider
            start = projects.get(provider.pk, (provider, enrollment.enrolled_on))[1]
            projects[provider.pk] = (provider, min(start, enrollment.enrolled_on))
            statuses = _monthly_statuses(enrollment) if casework else []
            files["Enrollment.csv"].append(_enrollment(enrollment, site, statuses, export.export_id))
            exited = enrollment.exited_on is not None and enrollment.exited_on <= period_to
            if exited:
                files["Exit.csv"].append(_exit(enrollment, export.export_id))
            files["IncomeBenefits.csv"].append(_income(enrollment, 1, enrollment.enrolled_on,
                                                       statuses[0] if statuses else None, export.export_id))
            if exited:
                files["IncomeBenefits.csv"].append(_income(enrollment, 3, enrollment.exited_on,
                                                           statuses[-1] if statuses else None, export.export_id))
            if casework and site.path_services:
                files["Services.csv"].extend(_services(enrollment, period_from, period_to, export.export_id))
    for provider, start in projects.values():
        files["Organization.csv"].append({"OrganizationID": str(provider.pk), "OrganizationName": provider.name[:200],
                                          "VictimServiceProvider": 0, "OrganizationCommonName": "",
                                          **_record(now, now, export.export_id)})
        files["Project.csv"].append({
            "ProjectID": str(provider.pk), "OrganizationID": str(provider.pk),
            "ProjectName": f"{provider.name} — LEAD case management"[:200], "ProjectCommonName": "",
            "OperatingStartDate": _d(start), "ContinuumProject": 0, "ProjectType": PROJECT_TYPE_SERVICES_ONLY,
            **_record(now, now, export.export_id)})
        files["ProjectCoC.csv"].append({"ProjectCoCID": str(provider.pk), "ProjectID": str(provider.pk),
                                        "CoCCode": site.coc_code, "Geocode": site.geocode,
                                        "GeographyType": NOT_COLLECTED, **_record(now, now, export.export_id)})
    files["User.csv"].append({"UserID": EXPORT_USER_ID, "DateCreated": _dt(now), "DateUpdated": _dt(now),
                              "ExportID": export.export_id})
    files["Export.csv"].append({
        "ExportID": export.export_id, "SourceType": 2, "SourceName": str(settings.DIVERT_SITE_NAME)[:50],
        "ExportDate": _dt(now), "ExportStartDate": _d(period_from), "ExportEndDate": _d(period_to),
        "SoftwareName": SOFTWARE_NAME, "SoftwareVersion": _version(), "CSVVersion": spec.CSV_VERSION,
        "ExportPeriodType": 3, "ExportDirective": 2, "HashStatus": 1,
        # The site's address names this implementation of Divert, the same in every export.
        "ImplementationID": urlsplit(settings.DIVERT_SITE_URL).netloc[:200] or SOFTWARE_NAME})
    return export


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("divert")[:50]
    except Exception:  # noqa: BLE001 - a checkout without package metadata still exports
        return ""


def _client(person, export_id: str) -> dict:
    if person.date_of_birth:
        dob, dob_quality = _d(person.date_of_birth), 1
    elif person.approximate_age:
        # An approximate age is a partial date of birth (quality 2): the year only, written as 1 January.
        dob, dob_quality = f"{timezone.localdate().year - person.approximate_age}-01-01", 2
    else:
        dob, dob_quality = "", NOT_COLLECTED
    row = {"PersonalID": str(person.pk), "FirstName": person.first_name[:50], "MiddleName": person.middle_name[:50],
           "LastName": person.last_name[:50], "NameSuffix": "",
           "NameDataQuality": 1 if person.first_name and person.last_name else 2,
           "SSN": "", "SSNDataQuality": NOT_COLLECTED, "DOB": dob, "DOBDataQuality": dob_quality,
           "RaceNone": NOT_COLLECTED, "GenderNone": NOT_COLLECTED, "VeteranStatus": NOT_COLLECTED,
           **_record(person.created_at, person.updated_at, export_id)}
    for column in spec.CODES["Client.csv"]:
        if spec.CODES["Client.csv"][column] is spec.NO_YES:
            row[column] = 0  # race and gender are not collected: every box 0 and the "none" column 99
    return row


def _monthly_statuses(enrollment) -> list:
    from django.apps import apps

    monthly = apps.get_model("casework", "MonthlyStatus")
    end = enrollment.exited_on or timezone.localdate()
    return list(monthly.objects.filter(Q(enrollment=enrollment) | Q(enrollment__isnull=True,
                                                                     person_id=enrollment.person_id))
                .filter(month__lte=end, month__gte=enrollment.enrolled_on.replace(day=1)).order_by("month", "id"))


def _enrollment(enrollment, site: Setup, statuses: list, export_id: str) -> dict:
    living = LIVING_SITUATIONS.get(statuses[0].housing, NOT_COLLECTED) if statuses else NOT_COLLECTED
    return {"EnrollmentID": str(enrollment.pk), "PersonalID": str(enrollment.person_id),
            "ProjectID": str(enrollment.provider_id), "EntryDate": _d(enrollment.enrolled_on),
            "HouseholdID": f"H{enrollment.pk}", "RelationshipToHoH": 1, "EnrollmentCoC": site.coc_code,
            "LivingSituation": living, "LengthOfStay": NOT_COLLECTED,
            # Disabling condition is health information: never sent, always "data not collected".
            "DisablingCondition": NOT_COLLECTED, **_record(enrollment.created_at, enrollment.updated_at, export_id)}


def _exit(enrollment, export_id: str) -> dict:
    destination = 24 if enrollment.exit_reason == ExitReason.DIED else NOT_COLLECTED
    return {"ExitID": str(enrollment.pk), "EnrollmentID": str(enrollment.pk), "PersonalID": str(enrollment.person_id),
            "ExitDate": _d(enrollment.exited_on), "Destination": destination,
            **_record(enrollment.updated_at, enrollment.updated_at, export_id)}


def _income(enrollment, stage: int, on: date, status, export_id: str) -> dict:
    row = {"IncomeBenefitsID": f"{enrollment.pk}-{stage}", "EnrollmentID": str(enrollment.pk),
           "PersonalID": str(enrollment.person_id), "InformationDate": _d(on),
           # Health insurance is not collected by Divert (and is health-adjacent): 99.
           "InsuranceFromAnySource": NOT_COLLECTED, "DataCollectionStage": stage,
           **_record(status.created_at if status else enrollment.created_at,
                     status.updated_at if status else enrollment.updated_at, export_id)}
    sources = set(status.income_sources) if status is not None else set()
    if not sources:
        row.update(IncomeFromAnySource=NOT_COLLECTED, BenefitsFromAnySource=NOT_COLLECTED)
        return row
    income = {INCOME_COLUMNS[s] for s in sources if s in INCOME_COLUMNS}
    benefits = {BENEFIT_COLUMNS[s] for s in sources if s in BENEFIT_COLUMNS}
    for column in set(INCOME_COLUMNS.values()) | {"VADisabilityService", "VADisabilityNonService",
                                                  "PrivateDisability", "WorkersComp", "SocSecRetirement",
                                                  "Pension", "ChildSupport", "Alimony"}:
        row[column] = 1 if column in income else 0
    for column in ("SNAP", "WIC", "TANFChildCare", "TANFTransportation", "OtherTANF", "OtherBenefitsSource"):
        row[column] = 1 if column in benefits else 0
    row["IncomeFromAnySource"] = 1 if income else 0
    row["BenefitsFromAnySource"] = 1 if benefits else 0
    if "OtherIncomeSource" in income:
        row["OtherIncomeSourceIdentify"] = "Veterans' benefits" if "veterans" in sources else "Other"
    return row


def _services(enrollment, period_from: date, period_to: date, export_id: str) -> list[dict]:
    from django.apps import apps

    contact = apps.get_model("casework", "Contact")
    # Only casework contacts: a contact filed under health or substance use is not sent, not even its date.
    rows = []
    for c in (contact.objects.filter(person_id=enrollment.person_id, substantive=True, note_category="casework")
              .filter(Q(enrollment=enrollment) | Q(enrollment__isnull=True))
              .order_by("occurred_at", "id")):
        day = timezone.localtime(c.occurred_at).date()
        if not (period_from <= day <= period_to and enrollment.enrolled_on <= day
                and (enrollment.exited_on is None or day <= enrollment.exited_on)):
            continue
        rows.append({"ServicesID": str(c.pk), "EnrollmentID": str(enrollment.pk),
                     "PersonalID": str(enrollment.person_id), "DateProvided": _d(day),
                     "RecordType": PATH_RECORD_TYPE, "TypeProvided": PATH_CASE_MANAGEMENT,
                     **_record(c.created_at, c.updated_at, export_id)})
    return rows


def csv_bytes(file_name: str, rows: list[dict]) -> bytes:
    """One file: the format's header, then each row in column order, every cell spreadsheet-safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = spec.header(file_name)
    writer.writerow(columns)
    for row in rows:
        unknown = set(row) - set(columns)
        if unknown:
            raise ValueError(f"{file_name} has no columns {sorted(unknown)}")
        writer.writerow([neutralise(row.get(column, "")) for column in columns])
    return out.getvalue().encode("utf-8")


def zip_bytes(export: Export) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in spec.FILES:
            archive.writestr(name, csv_bytes(name, export.files.get(name, [])))
    return buffer.getvalue()
