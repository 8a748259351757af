from divert.notify.actions import do_mark_all_read, notify
from divert.notify.models import Notification


def test_mark_all_read_marks_only_mine(case_manager_cam, supervisor_sue, login):
    notify([case_manager_cam, supervisor_sue], kind="divert.test", title="x")
    notify([case_manager_cam], kind="divert.test", title="y")
    response = login(case_manager_cam).post("/inbox/read-all/")
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    assert not Notification.objects.filter(recipient=case_manager_cam, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=supervisor_sue, read_at__isnull=True).count() == 1


def test_mark_all_read_takes_a_post(case_manager_cam, login):
    assert login(case_manager_cam).get("/inbox/read-all/").status_code == 405


def test_already_read_notifications_keep_their_time(case_manager_cam):
    [row] = notify([case_manager_cam], kind="divert.test", title="x")
    do_mark_all_read(case_manager_cam)
    row.refresh_from_db()
    first = row.read_at
    notify([case_manager_cam], kind="divert.test", title="y")
    assert do_mark_all_read(case_manager_cam) == 1
    row.refresh_from_db()
    assert row.read_at == first
