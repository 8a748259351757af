"""Shared fixtures: the personas of style.md, a participant with a canary, and signing in."""

from types import SimpleNamespace

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from divert.accounts.models import Agency, Membership, User
from divert.accounts.roles import AgencyKind, Role
from divert.participants.models import Door, Enrollment, EnrollmentStatus, Identifier, Person

# Strings that must never reach a seat that may not see them: the participant's name (identity) and,
# as substance-use records arrive, a Part 2 note.
IDENTITY_CANARY = "Zyxcanary"
SUD_CANARY = "CANARY-SUD-7f3a9c"
PASSWORD = "correct horse battery staple 42"
ALLAUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"

PERSONAS = {
    # name: (role, agency key)
    "officer_olivia": (Role.OFFICER, "police"),
    "sergeant_sam": (Role.SERGEANT, "police"),
    "outreach_omar": (Role.OUTREACH, "provider"),
    "case_manager_cam": (Role.CASE_MANAGER, "provider"),
    "case_manager_casey": (Role.CASE_MANAGER, "provider"),
    "supervisor_sue": (Role.SUPERVISOR, "provider"),
    "prosecutor_pat": (Role.PROSECUTOR, "prosecutor"),
    "defender_dana": (Role.DEFENDER, "defender"),
    "manager_mo": (Role.PROJECT_MANAGER, "project"),
    "evaluator_eve": (Role.EVALUATOR, "evaluator"),
    "admin_ada": (Role.SITE_ADMIN, "project"),
    "outsider_oscar": (Role.CASE_MANAGER, "other_provider"),
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is slow on purpose; tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Text messages stay in memory (divert.notify.sms.outbox), like Django's test e-mail.
    settings.DIVERT_SMS_BACKEND = "locmem"


@pytest.fixture
def agencies(db):
    specs = {
        "police": ("Test Police Department", AgencyKind.POLICE),
        "prosecutor": ("Test Prosecutor's Office", AgencyKind.PROSECUTOR),
        "defender": ("Test Public Defender", AgencyKind.DEFENDER),
        "provider": ("Test Harm Reduction Services", AgencyKind.PROVIDER),
        "other_provider": ("Other Provider", AgencyKind.PROVIDER),
        "project": ("Test LEAD Project Office", AgencyKind.PROJECT),
        "evaluator": ("Test Evaluators", AgencyKind.EVALUATOR),
        "court": ("Test Municipal Court", AgencyKind.COURT),
    }
    return SimpleNamespace(**{key: Agency.objects.create(name=name, kind=kind) for key, (name, kind) in specs.items()})


def make_user(username: str, role: str | None = None, agency: Agency | None = None, mfa: bool = True, **extra) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, first_name=username.split("_")[-1].title(),
                                    last_name="Tester", **extra)
    if role:
        Membership.objects.create(user=user, agency=agency, role=role)
    if mfa:
        TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def personas(agencies):
    people = {}
    for name, (role, agency_key) in PERSONAS.items():
        people[name] = make_user(name, role, getattr(agencies, agency_key), is_staff=role == Role.SITE_ADMIN)
    return SimpleNamespace(**people)


@pytest.fixture
def participant(personas, agencies):
    """Alex Zyxcanary, enrolled with the provider and assigned to case_manager_cam."""
    person = Person.objects.create(first_name="Alex", last_name=IDENTITY_CANARY)
    Identifier.objects.create(person=person, kind=Identifier.Kind.STATE_ID, value="SID00000001")
    Enrollment.objects.create(
        person=person, door=Door.SOCIAL_CONTACT, provider=agencies.provider, case_manager=personas.case_manager_cam,
        status=EnrollmentStatus.ACTIVE, referred_on="2026-01-05", enrolled_on="2026-01-07",
    )
    return person


@pytest.fixture
def login(client):
    """Sign a user in (their seat and MFA already set up) and return the client."""

    def _login(user):
        client.force_login(user, backend=ALLAUTH_BACKEND)
        return client

    return _login


for _name in PERSONAS:
    def _fixture(personas, _name=_name):
        return getattr(personas, _name)

    globals()[_name] = pytest.fixture(_fixture, name=_name)


@pytest.fixture
def require_pdf():
    """Skip a PDF test where the server has no Pango (as on a bare machine); CI sets DIVERT_REQUIRE_PDF=1."""
    import os

    from divert.lib.pdf import pdf_available

    if not pdf_available():
        reason = "WeasyPrint cannot load the Pango library (apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
        if os.environ.get("DIVERT_REQUIRE_PDF") == "1":
            pytest.fail(f"DIVERT_REQUIRE_PDF=1 but {reason}", pytrace=False)
        pytest.skip(reason)
