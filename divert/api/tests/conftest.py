"""Fixtures of the API tests: tokens for the personas, and a client that sends them."""

import json
from datetime import date

import pytest

from divert.api.actions import do_create_token
from divert.api.tokens import ALL_SCOPES


@pytest.fixture(autouse=True)
def _api_settings(settings, tmp_path):
    settings.DIVERT_IMPORT_RUN = "inline"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DIVERT_API_RATE_LIMIT = 0


@pytest.fixture
def token_for(db):
    def _make(user, scopes=ALL_SCOPES, days: int = 30) -> str:
        return do_create_token(user, name="test", scopes=scopes, days=days)[1]

    return _make


class ApiClient:
    def __init__(self, client, secret: str | None):
        self.client, self.secret = client, secret

    def _headers(self, extra):
        headers = {"Authorization": f"Bearer {self.secret}"} if self.secret else {}
        headers.update(extra or {})
        return headers

    def get(self, path, headers=None, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self._headers(headers))

    def post(self, path, body=None, headers=None):
        return self.client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json",
                                headers=self._headers(headers))

    def patch(self, path, body=None, headers=None):
        return self.client.patch(f"/api/v1{path}", json.dumps(body), content_type="application/json",
                                 headers=self._headers(headers))

    def upload(self, path, data, headers=None):
        return self.client.post(f"/api/v1{path}", data, headers=self._headers(headers))


@pytest.fixture
def api(client, token_for):
    """api(user, scopes=...) -> a client calling /api/v1 with a fresh token of `user`."""

    def _api(user, **kwargs):
        return ApiClient(client, token_for(user, **kwargs) if user is not None else None)

    return _api


@pytest.fixture
def protocol(db):
    from divert.protocol.actions import load_example

    return load_example("three_door", approved_on=date(2026, 1, 1))


ARREST_ANSWERS = {"exploits_minors": "no", "promotes_prostitution": "no", "violent_conviction": "no",
                  "treatment_court": "no", "no_contact_order": "no", "drug_grams": "1.5", "dealing_for_profit": "no"}


def arrest_referral(**over) -> dict:
    body = {"door": "arrest", "incident_number": "2026-000123", "offenses": ["DRUG-POSS"], "place": "5th and Pine",
            "area": "Downtown", "first_name": "Robin", "last_name": "Quillfeather", "aliases": "Birdie",
            "date_of_birth": "1990-04-02", "answers": dict(ARREST_ANSWERS), "agreed_to_talk": True}
    body.update(over)
    return body


@pytest.fixture
def casefile(participant, personas, agencies, protocol, api):
    """The participant's records across every resource, the SUD canary in each substance-use row; a release naming
    the police department (status and partner summary); a matter of the test prosecutor's office defended by the
    test defender, with a coordination request; the officer's own referral; an alert in the case manager's inbox."""
    from datetime import timedelta

    from django.utils import timezone

    from conftest import SUD_CANARY
    from divert.casework.models import (
        Contact,
        Goal,
        GoalDomain,
        GoalStatus,
        InterventionPlan,
        NoteCategory,
        ServiceProvider,
        ServiceReferral,
    )
    from divert.coordination import actions_legal
    from divert.coordination.models import MatterKind, Severity
    from divert.notify.models import Notification
    from divert.privacy.actions import RecipientChoice, do_record_release
    from divert.privacy.categories import Category
    from divert.privacy.models import Purpose, ReleaseKind
    from divert.privacy.tests.conftest import tiny_png

    cam = personas.case_manager_cam
    enrollment = participant.enrollments.get()
    today = timezone.localdate()
    contacts = {category: Contact.objects.create(person=participant, enrollment=enrollment, recorded_by=cam,
                                                 note=note, note_category=category)
                for category, note in ((NoteCategory.CASEWORK, "Talked about the housing list"),
                                       (NoteCategory.SUD, f"Started methadone {SUD_CANARY}"))}
    plan = InterventionPlan.objects.create(person=participant, enrollment=enrollment)
    goals = {domain: Goal.objects.create(plan=plan, domain=domain, text=text, chosen_by_participant=True,
                                         status=GoalStatus.IN_PROGRESS, created_by=cam)
             for domain, text in ((GoalDomain.HOUSING, "Get on the housing list"),
                                  (GoalDomain.TREATMENT, f"Stay on treatment {SUD_CANARY}"))}
    clinic = ServiceProvider.objects.create(name="Evergreen Clinic")
    services = {category: ServiceReferral.objects.create(person=participant, enrollment=enrollment, provider=clinic,
                                                         category=category, created_by=cam, outcome=outcome)
                for category, outcome in (("housing", "On the list"), ("mat", f"Admitted {SUD_CANARY}"))}
    release = do_record_release(
        participant, actor=cam, recipients=[RecipientChoice(agencies.police, "")], kind=ReleaseKind.GENERAL,
        purposes=[Purpose.CARE_COORDINATION], categories=[Category.STATUS, Category.PARTNER_SUMMARY],
        starts_on=today, expires_on=today + timedelta(days=365), discloser="Test Harm Reduction Services",
        information_description="", signed_name="Alex Zyxcanary", signed_on=today, signature_png=tiny_png())
    matter, _ = actions_legal.do_record_legal_matter(
        personas.prosecutor_pat, participant, kind=MatterKind.NEW_CHARGE, case_number="CR-26-00117",
        court="Test Municipal Court", prosecuting_agency=agencies.prosecutor, defending_agency=agencies.defender,
        filed_on=today - timedelta(days=3),
        charges=[{"offense": "Theft in the third degree", "severity": Severity.MISDEMEANOR}])
    coordination, _ = actions_legal.do_open_coordination_request(personas.prosecutor_pat, matter,
                                                                 note="Filing decision due next week.")
    referral = api(personas.officer_olivia).post("/referrals", arrest_referral()).json()
    alert = Notification.objects.create(recipient=cam, kind="divert.justice.update", title="A justice-data update",
                                        url="/people/")
    return {"contacts": contacts, "plan": plan, "goals": goals, "services": services, "release": release,
            "matter": matter, "coordination": coordination, "referral": referral, "alert": alert,
            "enrollment": enrollment}


@pytest.fixture
def profiles(db):
    from divert.records.models import ImportProfile
    from divert.records.profiles import read_profile_file, save_profile, shipped_profile_files

    for path in shipped_profile_files():
        save_profile(read_profile_file(path))
    return {p.slug: p for p in ImportProfile.objects.all()}
