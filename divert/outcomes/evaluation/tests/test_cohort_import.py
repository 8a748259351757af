"""Importing a comparison cohort: a good file becomes subjects and events; a bad one is refused whole with every
bad row listed; identifying columns refuse the file; only the evaluator and the project manager import."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from divert.audit.models import AuditEvent
from divert.outcomes.evaluation import cohorts
from divert.outcomes.evaluation.models import ImportedCohort, ImportedEvent, ImportedSubject
from divert.outcomes.evaluation.tests import site

GOOD = (
    "subject_id,index_date,birth_year,sex,race,kind,occurred_on,severity,released_on\n"
    "s1,2025-03-01,1980,M,B,arrest,2025-04-01,,\n"
    "s1,2025-03-01,1980,M,B,booking,2025-04-01,,2025-04-05\n"
    "s2,2025-05-01,1990,F,W,,,,\n"
)
BAD = (
    "subject_id,index_date,birth_year,sex,race,kind,occurred_on,severity,released_on\n"
    "s1,2025-03-01,1980,M,B,arrest,2025-04-01,,\n"
    "s2,March 1st,1990,F,W,,,,\n"
    "s3,2025-03-01,1990,Q,W,arrest,2025-04-01,,\n"
    "s4,2025-03-01,1990,F,W,booking,2025-04-09,,2025-04-01\n"
    "s1,2025-03-02,1980,M,B,arrest,2025-05-01,,\n"
)


def _post(client, text, name="Jail non-diverted 2025"):
    upload = SimpleUploadedFile("cohort.csv", text.encode(), content_type="text/csv")
    return client.post("/evaluation/cohorts/", {"name": name, "description": "", "file": upload})


def test_a_good_file_is_imported_and_can_be_the_comparison_group(login, evaluator_eve, agencies):
    response = _post(login(evaluator_eve), GOOD)
    assert response.status_code == 302
    cohort = ImportedCohort.objects.get()
    assert (cohort.subjects, cohort.rows, cohort.uploaded_by) == (2, 3, evaluator_eve)
    assert ImportedEvent.objects.count() == 2
    assert AuditEvent.objects.filter(action="divert.evaluation.cohort.imported").exists()
    site.participant(agencies.provider, date(2025, 4, 1))
    built = cohorts.build(date(2026, 1, 1), cohort=cohort)
    assert built.comparison == "imported" and (built.people["treated"] == 0).sum() == 2
    survival = cohorts.time_to_rearrest(built).set_index("treated")
    assert survival.loc[0].sort_values("duration")["duration"].tolist()[0] == 31  # s1: 2025-03-01 → 04-01


def test_a_bad_file_is_refused_whole_with_every_bad_row(login, manager_mo):
    response = _post(login(manager_mo), BAD)
    assert response.status_code == 400
    html = response.content.decode()
    for expected in ("row 3: index_date", "row 4: sex", "row 5: released_on is before", "row 6: subject s1"):
        assert expected in html
    assert "row 2" not in html  # the good row is not reported
    assert not ImportedCohort.objects.exists() and not ImportedSubject.objects.exists()
    assert AuditEvent.objects.filter(action="divert.evaluation.cohort.rejected").exists()


def test_identifying_columns_refuse_the_file(login, evaluator_eve):
    text = "subject_id,index_date,last_name,date_of_birth\ns1,2025-03-01,Smith,1980-01-01\n"
    response = _post(login(evaluator_eve), text)
    assert response.status_code == 400
    assert "identifying columns (date_of_birth, last_name)" in response.content.decode()
    assert not ImportedCohort.objects.exists()


def test_missing_name_is_refused(login, evaluator_eve):
    upload = SimpleUploadedFile("cohort.csv", GOOD.encode(), content_type="text/csv")
    response = login(evaluator_eve).post("/evaluation/cohorts/", {"name": "", "file": upload})
    assert response.status_code == 400 and not ImportedCohort.objects.exists()


@pytest.mark.parametrize("who, status", [("outsider_oscar", 404), ("case_manager_cam", 404)])
def test_others_cannot_import(login, request, who, status, personas):
    assert _post(login(request.getfixturevalue(who)), GOOD).status_code == status
    assert not ImportedCohort.objects.exists()
