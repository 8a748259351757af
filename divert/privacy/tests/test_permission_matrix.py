"""THE permission matrix: every seat × every data category × every consent state, against an oracle.

12 seats × 8 categories × 8 consent states = 768 cases of ``can_see``, plus 12 seats × 8 states = 96 page checks
(the person page is 404 exactly when identity is denied; the SUD canary reaches only seats allowed SUD).

The oracle below is written out by hand from architecture.md §4 and lead-programs.md §9; it never calls the
policy. The releases in each state name every partner agency (police, prosecutor, defender, project office,
evaluator, the other provider), or for "part2_unnamed" only the court, which has no seats. "revoked_partial" is
a Part 2 consent with the category under test withdrawn (for identity, which no release names, status).
"""

import itertools
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import PERSONAS, SUD_CANARY
from divert.privacy.actions import do_revoke_release
from divert.privacy.models import Disclosure, ReleaseKind, ReleaseOfInformation, Revocation
from divert.privacy.policy import Category, can_see

SEATS = list(PERSONAS)
CATEGORIES = list(Category.ALL)
STATES = ["none", "active", "expired", "revoked_full", "revoked_partial", "part2_named", "part2_unnamed",
          "general_with_sud_refused"]

# --- The oracle -------------------------------------------------------------------------------------------------

EVERYTHING = {"identity", "referral", "status", "partner_summary", "casework", "health", "sud", "legal"}
WITHOUT_CONSENT = {
    "case_manager_cam": EVERYTHING,  # assigned
    "supervisor_sue": EVERYTHING,
    "outreach_omar": EVERYTHING,
    "case_manager_casey": {"identity", "status"},  # same provider, not assigned: who to call
    "manager_mo": {"identity", "referral", "status", "legal"},
}
# Seats at the agencies the matrix releases name. Evaluators and the site administrator are at named agencies
# too, but never receive identified participant data under a release.
NAMED_SEATS = {"officer_olivia", "sergeant_sam", "prosecutor_pat", "defender_dana", "manager_mo", "outsider_oscar"}
GENERAL_RELEASE = {"referral", "status", "partner_summary", "casework", "health", "legal"}
PART2_CONSENT = GENERAL_RELEASE | {"sud"}


def withdrawn_by_partial(category: str) -> str:
    # Identity is never named in a release; for its column the partial revocation withdraws status instead.
    return "status" if category == "identity" else category


def released(state: str, withdrawn: str) -> set[str]:
    return {
        "active": GENERAL_RELEASE,
        "revoked_partial": PART2_CONSENT - {withdrawn},
        "part2_named": PART2_CONSENT,
    }.get(state, set())


def expected(seat: str, category: str, state: str, withdrawn: str | None = None) -> bool:
    """`withdrawn`: what the partial revocation took back (by default, the category asked about)."""
    allowed = set(WITHOUT_CONSENT.get(seat, set()))
    if seat in NAMED_SEATS:
        allowed |= released(state, withdrawn or withdrawn_by_partial(category))
    if allowed:
        allowed.add("identity")  # identity comes with any other category
    return category in allowed


# --- Building each state ------------------------------------------------------------------------------------------

def build_state(state: str, category: str, make_release, agencies, actor) -> ReleaseOfInformation | None:
    partners = [agencies.police, agencies.prosecutor, agencies.defender, agencies.project, agencies.evaluator,
                agencies.other_provider]
    today = timezone.localdate()
    if state == "none":
        return None
    if state == "active":
        return make_release(partners)
    if state == "expired":
        return make_release(partners, starts_on=today - timedelta(days=60), expires_in_days=59)
    if state == "revoked_full":
        release = make_release(partners)
        do_revoke_release(release, actor=actor, scope=Revocation.Scope.FULL, effective_on=today)
        return release
    if state == "revoked_partial":
        release = make_release(partners, kind=ReleaseKind.PART2, information_description=f"Treatment {SUD_CANARY}")
        do_revoke_release(release, actor=actor, scope=Revocation.Scope.PARTIAL, effective_on=today,
                          categories=[withdrawn_by_partial(category)])
        return release
    if state == "part2_named":
        return make_release(partners, kind=ReleaseKind.PART2, information_description=f"Treatment {SUD_CANARY}")
    if state == "part2_unnamed":
        return make_release([agencies.court], kind=ReleaseKind.PART2, information_description=f"Treatment {SUD_CANARY}")
    if state == "general_with_sud_refused":
        with pytest.raises(ValidationError) as refused:
            make_release(partners, kind=ReleaseKind.GENERAL, categories=sorted(PART2_CONSENT))
        assert "categories" in refused.value.message_dict
        assert not ReleaseOfInformation.objects.exists()
        return None
    raise AssertionError(state)


@pytest.mark.parametrize(("seat", "category", "state"), list(itertools.product(SEATS, CATEGORIES, STATES)))
def test_can_see_matches_the_oracle(seat, category, state, personas, agencies, participant, make_release):
    build_state(state, category, make_release, agencies, personas.case_manager_cam)
    decision = can_see(getattr(personas, seat), participant, category)
    assert decision.allowed is expected(seat, category, state)
    if decision.allowed and seat not in WITHOUT_CONSENT:
        assert isinstance(decision.consent, ReleaseOfInformation)
    if not decision.allowed:
        assert decision.consent is None


@pytest.mark.parametrize(("seat", "state"), list(itertools.product(SEATS, STATES)))
def test_pages_follow_the_oracle(seat, state, personas, agencies, participant, make_release, client, login):
    release = build_state(state, "sud", make_release, agencies, personas.case_manager_cam)
    user = getattr(personas, seat)
    client = login(user)
    may_know = expected(seat, "identity", state, withdrawn="sud")
    may_see_sud = expected(seat, "sud", state, withdrawn="sud")

    response = client.get(f"/people/{participant.pk}/")
    assert response.status_code == (200 if may_know else 404)
    # Nothing on the person page renders substance-use information yet; the canary sits in the Part 2 consent.
    assert SUD_CANARY not in response.content.decode()
    if release is not None:
        detail = client.get(f"/releases/{release.pk}/").content.decode()
        assert (SUD_CANARY in detail) is (may_see_sud and release.is_part2)
    for url in (f"/people/{participant.pk}/disclosures/", f"/people/{participant.pk}/disclosures.csv"):
        assert SUD_CANARY not in client.get(url).content.decode()

    # A partner who sees the person under a release has it written to the accounting, against that release.
    if may_know and seat not in WITHOUT_CONSENT:
        disclosure = Disclosure.objects.get(recipient=user)
        assert disclosure.release == release and "identity" in disclosure.categories
    else:
        assert not Disclosure.objects.filter(recipient=user).exists()


# --- Legal matters: the prosecutor's office and the defender's clients ------------------------------------------------
# A matter of the test prosecutor's office gives its liaison prosecutor the legal category (and identity) of the
# person; a matter the test defender defends gives the defender the same. Nothing else comes with it, and another
# office's matter gives nobody anything.

LEGAL_STATES = ["office_matter_defended", "office_matter_undefended", "other_office_matter", "office_matter_closed"]
MATTER_GRANTS = {
    "office_matter_defended": {"prosecutor_pat", "defender_dana"},
    "office_matter_undefended": {"prosecutor_pat"},
    "other_office_matter": set(),
    "office_matter_closed": {"prosecutor_pat", "defender_dana"},  # a closed case is still the office's own
}


def expected_with_matter(seat: str, category: str, state: str) -> bool:
    if seat in MATTER_GRANTS[state] and category in ("identity", "legal"):
        return True
    return expected(seat, category, "none")


def build_matter(state: str, participant, agencies):
    from divert.accounts.models import Agency
    from divert.coordination.actions_legal import do_record_disposition, do_record_legal_matter

    office = agencies.prosecutor
    if state == "other_office_matter":
        office = Agency.objects.create(name="Other County Prosecutor", kind="prosecutor")
    defender = agencies.defender if state in ("office_matter_defended", "office_matter_closed") else None
    matter, _ = do_record_legal_matter(None, participant, kind="new_charge", prosecuting_agency=office,
                                       defending_agency=defender, source="feed", source_key=f"matrix:{state}")
    if state == "office_matter_closed":
        do_record_disposition(matter, actor=None, disposition="dismissed", disposed_on=timezone.localdate())
    return matter


@pytest.mark.parametrize(("seat", "category", "state"), list(itertools.product(SEATS, CATEGORIES, LEGAL_STATES)))
def test_legal_matters_grant_what_the_oracle_says(seat, category, state, personas, agencies, participant):
    build_matter(state, participant, agencies)
    decision = can_see(getattr(personas, seat), participant, category)
    assert decision.allowed is expected_with_matter(seat, category, state)
    assert decision.consent is None


VISIBLE_STATES = ["office_matter_defended", "office_matter_undefended", "office_matter_closed", "active"]


@pytest.mark.parametrize(("seat", "state"), list(itertools.product(SEATS, VISIBLE_STATES)))
def test_visible_legal_matters_follow_the_grants(seat, state, personas, agencies, participant, make_release):
    """Both an office matter and another office's matter exist. Seats that see the person's legal category in full
    (team, project manager, a release opening legal) see both; a prosecutor or defender through their own grant sees
    only their matter; nobody else sees any."""
    from divert.privacy.policy import visible_legal_matters

    mine = build_matter("office_matter_defended" if state == "active" else state, participant, agencies)
    theirs = build_matter("other_office_matter", participant, agencies)
    if state == "active":
        build_state("active", "legal", make_release, agencies, personas.case_manager_cam)
    user = getattr(personas, seat)
    visible = set(visible_legal_matters(user)) | set(visible_legal_matters(user, participant))
    in_full = expected(seat, "legal", state if state == "active" else "none")
    if in_full:
        assert visible == {mine, theirs}
    elif seat in MATTER_GRANTS.get(state, {"prosecutor_pat", "defender_dana"}):
        assert visible == {mine}
    else:
        assert visible == set()
    # The answer agrees with can_see: whoever sees a matter sees the person's legal category.
    assert bool(visible) is bool(can_see(user, participant, "legal"))
