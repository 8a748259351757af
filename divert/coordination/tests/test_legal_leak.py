"""The leak test: the SUD canary, in a substance-use contact note, a health note and a treatment goal the case manager
ticked in their answer, never reaches the prosecutor, the defender or an officer: no page, no notification, no
e-mail, even with a release naming each of them for status, the partner summary and legal matters."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from conftest import SUD_CANARY
from divert.coordination import actions_legal as actions
from divert.coordination.tests.conftest_legal import PARTNERS, RECOMMENDATION
from divert.notify.models import Notification

pytest_plugins = ["divert.coordination.tests.conftest_legal"]


@pytest.fixture
def everything(participant, agencies, release_to, answered, matter, other_matter, prosecutor_pat, case_manager_cam):
    for agency in (agencies.police, agencies.defender):
        release_to(agency, categories=["status", "partner_summary", "legal"])
    actions.do_add_court_date(matter, actor=prosecutor_pat, scheduled_at=timezone.now() + timedelta(days=9),
                              purpose="pretrial")
    actions.do_decide_coordination_request(answered, actor=prosecutor_pat, decision="hold",
                                           review_by=timezone.localdate() + timedelta(days=30))
    other_req, _ = actions.do_open_coordination_request(None, other_matter)
    actions.do_answer_coordination_request(other_req, actor=case_manager_cam, answer_kind="nothing_to_share")
    return answered, other_req


def pages(person, matter, other_matter, requests):
    urls = ["/", "/coordination/", f"/people/{person.pk}/", f"/legal/{matter.pk}/", f"/legal/{other_matter.pk}/",
            f"/legal/{matter.pk}/edit/", f"/legal/{matter.pk}/coordinate/", "/inbox/"]
    for req in requests:
        urls += [f"/coordination/{req.pk}/", f"/coordination/{req.pk}/answer/", f"/coordination/{req.pk}/decide/"]
    return urls


@pytest.mark.parametrize("name", PARTNERS)
def test_no_page_shows_the_sud_canary(name, personas, login, everything, participant, matter, other_matter):
    client = login(getattr(personas, name))
    seen_something = False
    for url in pages(participant, matter, other_matter, everything):
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), url
        body = response.content.decode()
        assert SUD_CANARY not in body, url
        assert "Started methadone" not in body and "Foot wound" not in body, url
        seen_something |= RECOMMENDATION in body
    # The release names each of them for the partner summary: the recommendation itself may reach them.
    assert seen_something is (name != "officer_olivia")


def test_no_notification_or_email_carries_anything(everything):
    for note in Notification.objects.all():
        text = f"{note.title} {note.body} {note.url}"
        assert SUD_CANARY not in text and "Zyxcanary" not in text and RECOMMENDATION not in text
    for message in mail.outbox:
        assert SUD_CANARY not in message.body + message.subject and "Zyxcanary" not in message.body + message.subject


def test_the_team_does_see_the_ticked_goal(login, case_manager_cam, everything):
    answered, _ = everything
    assert SUD_CANARY in login(case_manager_cam).get(f"/coordination/{answered.pk}/").content.decode()
