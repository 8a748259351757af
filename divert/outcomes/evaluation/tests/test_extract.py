"""The evaluator's extract: only under a data-use agreement the project manager recorded, in effect today;
de-identified (salted ids, month dates or shifted dates, age bands, coarsened areas, counts); CSV and Parquet kept
with their SHA-256 and row count; logged as a disclosure. Leak tests on both files."""

import hashlib
import io
from datetime import date, timedelta

import pyarrow.parquet as pq
import pytest
from django.utils import timezone

from conftest import IDENTITY_CANARY, SUD_CANARY, make_user
from divert.accounts.models import Agency
from divert.accounts.roles import AgencyKind, Role
from divert.audit.models import AuditEvent
from divert.outcomes.evaluation.models import DataUseAgreement, EvaluatorExtract
from divert.outcomes.evaluation.tests import site

DOB = date(1984, 7, 19)
ALL_FIELDS = ["group", "door", "index_month", "age_band", "sex", "race", "area", "status", "counts",
              "first_rearrest"]


@pytest.fixture
def cohort(participant, agencies):
    participant.date_of_birth = DOB
    participant.save()
    site.event(participant, "arrest", date(2025, 11, 1))
    s = site.subject()
    site.subject_event(s, "booking", date(2026, 1, 5))  # booked the day the participant was referred
    return participant, s


def _agreement(agencies, manager, **extra):
    today = timezone.localdate()
    values = {"recipient_agency": agencies.evaluator, "parties": "The program and Test Evaluators",
              "purpose": "Outcome evaluation", "starts_on": today - timedelta(days=10),
              "expires_on": today + timedelta(days=300), "signed_on": today - timedelta(days=10),
              "fields": ALL_FIELDS, "recorded_by": manager, **extra}
    return DataUseAgreement.objects.create(**values)


def _form(agencies, **extra):
    today = timezone.localdate()
    return {"recipient_agency": agencies.evaluator.pk, "parties": "Program; evaluators", "purpose": "Evaluation",
            "starts_on": today.isoformat(), "expires_on": (today + timedelta(days=365)).isoformat(),
            "signed_on": today.isoformat(), "fields": ["group", "age_band", "counts"], "date_detail": "month",
            **extra}


def test_the_project_manager_records_an_agreement(login, manager_mo, agencies):
    response = login(manager_mo).post("/evaluation/agreements/", _form(agencies))
    assert response.status_code == 302
    agreement = DataUseAgreement.objects.get()
    assert agreement.fields == ["group", "age_band", "counts"] and agreement.recorded_by == manager_mo
    assert AuditEvent.objects.filter(action="divert.evaluation.dua.recorded", actor=manager_mo).exists()


def test_a_bad_agreement_is_refused(login, manager_mo, agencies):
    today = timezone.localdate()
    bad = _form(agencies, expires_on=(today - timedelta(days=1)).isoformat(), fields=["names"])
    response = login(manager_mo).post("/evaluation/agreements/", bad)
    assert response.status_code == 400 and not DataUseAgreement.objects.exists()


def test_the_evaluator_reads_agreements_but_does_not_record_them(login, evaluator_eve, agencies):
    client = login(evaluator_eve)
    assert client.get("/evaluation/agreements/").status_code == 200
    assert client.post("/evaluation/agreements/", _form(agencies)).status_code == 403
    assert not DataUseAgreement.objects.exists()


@pytest.mark.parametrize("expired", [False, True])
def test_no_agreement_in_effect_no_extract(cohort, login, evaluator_eve, manager_mo, agencies, expired):
    if expired:
        today = timezone.localdate()
        _agreement(agencies, manager_mo, starts_on=today - timedelta(days=400),
                   signed_on=today - timedelta(days=400), expires_on=today - timedelta(days=1))
    client = login(evaluator_eve)
    response = client.post("/evaluation/extracts/new/", follow=True)
    assert "no data-use agreement in effect for your agency today" in response.content.decode()
    assert not EvaluatorExtract.objects.exists()
    assert AuditEvent.objects.filter(action="divert.evaluation.extract.refused").exists()


def test_the_extract_is_de_identified_kept_and_logged(cohort, login, evaluator_eve, manager_mo, agencies):
    person, subject = cohort
    agreement = _agreement(agencies, manager_mo)
    client = login(evaluator_eve)
    assert client.post("/evaluation/extracts/new/").status_code == 302
    made = EvaluatorExtract.objects.get()
    assert made.agreement == agreement and made.rows == 2
    event = AuditEvent.objects.get(action="divert.evaluation.extract.disclosed")
    assert event.target_id == str(made.pk) and event.details["agreement"] == agreement.pk
    assert event.details["csv_sha256"] == made.csv_sha256

    csv_bytes = client.get(f"/evaluation/extracts/{made.pk}/csv/").content
    parquet_bytes = client.get(f"/evaluation/extracts/{made.pk}/parquet/").content
    assert hashlib.sha256(csv_bytes).hexdigest() == made.csv_sha256
    assert hashlib.sha256(parquet_bytes).hexdigest() == made.parquet_sha256
    table = pq.read_table(io.BytesIO(parquet_bytes)).to_pandas()
    assert len(table) == 2 and set(table["group"]) == {"participant", "comparison"}
    mine = table[table["group"] == "participant"].iloc[0]
    assert mine["index_month"] == "2026-01" and mine["age_band"] == "35-44" and mine["status"] == "active"
    assert mine["arrests_pre_6m"] == 1
    # Leak tests, both files: no name, no canary, no raw id, no exact date of birth.
    parquet_text = table.to_csv(index=False)
    for text in (csv_bytes.decode(), parquet_text):
        assert IDENTITY_CANARY not in text and "Alex" not in text and SUD_CANARY not in text
        assert DOB.isoformat() not in text and "1984-07" not in text and "07/19/1984" not in text
        assert "2026-01-05" not in text  # the exact referral date either
    for value in table["id"]:
        assert len(value) == 24 and value not in {str(person.pk), str(subject.pk), subject.pseudonym}
    assert AuditEvent.objects.filter(action="divert.evaluation.extract.downloaded").count() == 2


def test_fields_follow_the_agreement_and_dates_may_be_shifted(cohort, login, evaluator_eve, manager_mo, agencies):
    _agreement(agencies, manager_mo, fields=["group", "index_month"], date_detail="shifted")
    login(evaluator_eve).post("/evaluation/extracts/new/")
    made = EvaluatorExtract.objects.get()
    assert made.fields == ["id", "group", "index_date_shifted"]
    table = pq.read_table(io.BytesIO(bytes(made.parquet))).to_pandas()
    shifted = date.fromisoformat(table[table["group"] == "participant"].iloc[0]["index_date_shifted"])
    assert abs((shifted - date(2026, 1, 5)).days) <= 30


def test_ids_are_stable_under_one_agreement_and_differ_across_agreements(cohort, login, evaluator_eve, manager_mo,
                                                                         agencies):
    first = _agreement(agencies, manager_mo, fields=["group"])
    client = login(evaluator_eve)
    client.post("/evaluation/extracts/new/")
    client.post("/evaluation/extracts/new/")
    a, b = (set(pq.read_table(io.BytesIO(bytes(x.parquet))).to_pandas()["id"]) for x in EvaluatorExtract.objects.all())
    assert a == b
    first.expires_on = timezone.localdate() - timedelta(days=1)
    first.starts_on = first.signed_on = timezone.localdate() - timedelta(days=30)
    first.save()
    _agreement(agencies, manager_mo, fields=["group"])
    client.post("/evaluation/extracts/new/")
    c = set(pq.read_table(io.BytesIO(bytes(EvaluatorExtract.objects.first().parquet))).to_pandas()["id"])
    assert not (a & c)


def test_only_the_named_evaluator_downloads(cohort, login, evaluator_eve, manager_mo, officer_olivia, agencies):
    _agreement(agencies, manager_mo)
    login(evaluator_eve).post("/evaluation/extracts/new/")
    made = EvaluatorExtract.objects.get()
    url = f"/evaluation/extracts/{made.pk}/csv/"
    assert login(manager_mo).get(url).status_code == 404  # the discloser sees that it was made, not the data
    assert str(made.rows) in login(manager_mo).get("/evaluation/agreements/").content.decode()
    other = make_user("other_evaluator", Role.EVALUATOR, Agency.objects.create(name="Other", kind=AgencyKind.EVALUATOR))
    assert login(other).get(url).status_code == 404
    assert login(other).post("/evaluation/extracts/new/").status_code == 302
    assert EvaluatorExtract.objects.count() == 1
    assert login(officer_olivia).get(url).status_code == 404
    assert login(officer_olivia).post("/evaluation/extracts/new/").status_code == 404
