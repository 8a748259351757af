from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from divert.notify.actions import do_mark_read, notify
from divert.notify.context_processors import inbox


def test_unread_count_is_one_query(case_manager_cam, django_assert_num_queries):
    rows = notify([case_manager_cam], kind="divert.test", title="x") + \
        notify([case_manager_cam], kind="divert.test", title="y")
    notify([case_manager_cam], kind="divert.test", title="z")
    do_mark_read(case_manager_cam, rows[0])
    request = RequestFactory().get("/")
    request.user = case_manager_cam
    with django_assert_num_queries(1):
        assert inbox(request) == {"unread_notifications": 2}


def test_anonymous_visitors_have_nothing_unread(db, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert inbox(request) == {"unread_notifications": 0}


def test_navigation_shows_the_unread_count_in_words(case_manager_cam, login):
    notify([case_manager_cam], kind="divert.test", title="x")
    notify([case_manager_cam], kind="divert.test", title="y")
    html = login(case_manager_cam).get("/account/").content.decode()
    assert 'href="/inbox/"' in html and ">2</span>" in html and "2 unread" in html


def test_navigation_has_no_badge_when_all_is_read(case_manager_cam, login):
    html = login(case_manager_cam).get("/account/").content.decode()
    assert 'href="/inbox/"' in html and "unread</span>" not in html
