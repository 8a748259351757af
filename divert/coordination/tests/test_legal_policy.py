"""The policy's legal rules beyond the matrix: the request memory forgets on a new matter or disposition, the
office grant is not a disclosure, and the grants open nothing but legal and identity."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from divert.coordination import actions_legal as actions
from divert.privacy.middleware import one_request
from divert.privacy.policy import Category, can_see, disclose, visible_legal_matters, visible_persons

pytest_plugins = ["divert.coordination.tests.conftest_legal"]


def test_a_new_matter_is_seen_at_once_within_a_request(prosecutor_pat, participant, agencies):
    with one_request():
        assert not can_see(prosecutor_pat, participant, Category.LEGAL)
        actions.do_record_legal_matter(None, participant, kind="new_arrest", prosecuting_agency=agencies.prosecutor)
        assert can_see(prosecutor_pat, participant, Category.LEGAL)
        assert can_see(prosecutor_pat, participant, Category.IDENTITY)
        with CaptureQueriesContext(connection) as queries:
            for _ in range(3):
                can_see(prosecutor_pat, participant, Category.LEGAL)
        assert len(queries) == 0


def test_the_office_grant_opens_legal_and_identity_only(prosecutor_pat, defender_dana, participant, matter):
    for user in (prosecutor_pat, defender_dana):
        allowed = {c for c in Category.ALL if can_see(user, participant, c)}
        assert allowed == {Category.IDENTITY, Category.LEGAL}
        assert participant in visible_persons(user) and participant in visible_persons(user, Category.LEGAL)
        assert participant not in visible_persons(user, Category.STATUS)


def test_the_office_grant_is_not_a_disclosure(rf, prosecutor_pat, participant, matter):
    assert disclose(prosecutor_pat, participant, [Category.LEGAL], request=rf.get("/")) is None
    from divert.privacy.models import Disclosure

    assert not Disclosure.objects.exists()


def test_another_office_sees_nothing_of_ours(prosecutor_pete, participant, matter):
    assert not can_see(prosecutor_pete, participant, Category.IDENTITY)
    assert not visible_legal_matters(prosecutor_pete).exists()


def test_nobody_signed_out_sees_matters(participant, matter):
    from django.contrib.auth.models import AnonymousUser

    assert not visible_legal_matters(AnonymousUser()).exists()
    assert not visible_legal_matters(None).exists()
