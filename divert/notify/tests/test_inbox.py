from divert.notify.actions import notify
from divert.notify.models import Notification


def test_inbox_lists_my_notifications_newest_first(case_manager_cam, supervisor_sue, login):
    notify([case_manager_cam], kind="divert.test", title="Older thing")
    notify([case_manager_cam], kind="divert.test", title="Newer thing", body="Call back")
    notify([supervisor_sue], kind="divert.test", title="Sue's thing")
    response = login(case_manager_cam).get("/inbox/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Newer thing") < html.index("Older thing")
    assert "Call back" in html and "Sue&#x27;s thing" not in html
    assert "Unread" in html and "2 unread notifications." in html


def test_inbox_pages(case_manager_cam, login):
    for i in range(30):
        notify([case_manager_cam], kind="divert.test", title=f"Thing {i:02}")
    client = login(case_manager_cam)
    assert "Thing 29" in client.get("/inbox/").content.decode()
    page_two = client.get("/inbox/", {"page": 2}).content.decode()
    assert "Thing 00" in page_two and "Page 2 of 2" in page_two
    assert client.get("/inbox/", {"page": "abc"}).status_code == 200


def test_opening_a_notification_marks_it_read_and_follows_its_link(case_manager_cam, login):
    [row] = notify([case_manager_cam], kind="divert.test", title="x", url="/people/")
    response = login(case_manager_cam).post(f"/inbox/{row.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/people/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_a_notification_without_a_link_returns_to_the_inbox(case_manager_cam, login):
    [row] = notify([case_manager_cam], kind="divert.test", title="x")
    assert login(case_manager_cam).post(f"/inbox/{row.pk}/read/")["Location"] == "/inbox/"


def test_a_stored_outside_link_is_never_followed(case_manager_cam, login):
    row = Notification.objects.create(recipient=case_manager_cam, kind="divert.test", title="x",
                                      url="//evil.example/")
    assert login(case_manager_cam).post(f"/inbox/{row.pk}/read/")["Location"] == "/inbox/"


def test_someone_elses_notification_is_404(case_manager_cam, outsider_oscar, login):
    [row] = notify([case_manager_cam], kind="divert.test", title="x")
    assert login(outsider_oscar).post(f"/inbox/{row.pk}/read/").status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_unknown_notification_is_404(case_manager_cam, login):
    assert login(case_manager_cam).post("/inbox/999999/read/").status_code == 404


def test_marking_read_takes_a_post(case_manager_cam, login):
    [row] = notify([case_manager_cam], kind="divert.test", title="x")
    assert login(case_manager_cam).get(f"/inbox/{row.pk}/read/").status_code == 405


def test_anonymous_visitors_are_sent_to_sign_in(client, case_manager_cam):
    [row] = notify([case_manager_cam], kind="divert.test", title="x")
    for response in (client.get("/inbox/"), client.post(f"/inbox/{row.pk}/read/"), client.post("/inbox/read-all/")):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    row.refresh_from_db()
    assert row.read_at is None


def test_every_seat_has_an_inbox(personas, login):
    for user in vars(personas).values():
        assert login(user).get("/inbox/").status_code == 200
