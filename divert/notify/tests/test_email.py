from divert.notify.actions import notify
from divert.notify.models import Delivery


def test_email_carries_the_title_and_an_absolute_link(personas, sent, mailoutbox):
    cam = personas.case_manager_cam
    cam.email = "cam@example.org"
    cam.save()
    with sent():
        [row] = notify([cam], kind="divert.handoff.requested", title="Hand-off requested (R-0001)",
                       body="An officer is waiting.", url="/referrals/1/", channels=("inbox", "email"))
    [message] = mailoutbox
    assert message.to == ["cam@example.org"]
    assert message.subject == "Hand-off requested (R-0001)"
    assert "An officer is waiting." in message.body
    assert "https://divert.example.org/referrals/1/" in message.body
    row.refresh_from_db()
    assert (row.email_status, row.sms_status) == (Delivery.SENT, Delivery.NOT_SENT)


def test_without_a_link_the_email_points_at_the_inbox(personas, sent, mailoutbox):
    personas.case_manager_cam.email = "cam@example.org"
    with sent():
        notify([personas.case_manager_cam], kind="divert.test", title="x", channels=("email",))
    assert "https://divert.example.org/inbox/" in mailoutbox[0].body


def test_no_email_address_is_recorded(personas, sent, mailoutbox):
    personas.case_manager_cam.email = ""
    with sent():
        [row] = notify([personas.case_manager_cam], kind="divert.test", title="x")
    assert mailoutbox == []
    row.refresh_from_db()
    assert row.email_status == Delivery.NO_ADDRESS
