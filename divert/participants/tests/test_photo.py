import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from divert.audit.models import AuditEvent
from divert.participants.models import PHOTO_MAX_BYTES

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
SIGNATURE = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAA"
                             "AABJRU5ErkJggg==")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, person, content, name="p.png"):
    return client.post(f"/people/{person.pk}/photo/edit/", {"photo": SimpleUploadedFile(name, content)})


def test_case_manager_adds_a_photo_served_with_no_store(case_manager_cam, participant, login):
    client = login(case_manager_cam)
    assert client.get(f"/people/{participant.pk}/photo/edit/").status_code == 200
    assert upload(client, participant, JPEG, "evil.png").status_code == 302
    participant.refresh_from_db()
    assert participant.photo and "evil" not in participant.photo.name
    response = client.get(f"/people/{participant.pk}/photo/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == JPEG
    assert f"/people/{participant.pk}/photo/" in client.get(f"/people/{participant.pk}/").content.decode()
    assert AuditEvent.objects.filter(action="divert.person.photo.changed", person=participant).exists()


def test_a_colleague_may_see_but_not_change_it(case_manager_cam, case_manager_casey, participant, login):
    upload(login(case_manager_cam), participant, PNG)
    client = login(case_manager_casey)
    assert client.get(f"/people/{participant.pk}/photo/").status_code == 200
    assert client.get(f"/people/{participant.pk}/photo/edit/").status_code == 403
    assert upload(client, participant, JPEG).status_code == 403


@pytest.mark.parametrize("name", ["outsider_oscar", "officer_olivia", "evaluator_eve", "admin_ada"])
def test_outsiders_get_404(name, personas, case_manager_cam, participant, login):
    upload(login(case_manager_cam), participant, PNG)
    client = login(getattr(personas, name))
    assert client.get(f"/people/{participant.pk}/photo/").status_code == 404
    assert client.get(f"/people/{participant.pk}/photo/edit/").status_code == 404


@pytest.mark.parametrize(("content", "name"), [(b"GIF89a" + b"\x00" * 20, "p.gif"), (b"<svg></svg>", "p.png"),
                                               (PNG + b"\x00" * PHOTO_MAX_BYTES, "big.png")])
def test_bad_files_are_refused(content, name, case_manager_cam, participant, login):
    response = upload(login(case_manager_cam), participant, content, name)
    assert response.status_code == 400
    participant.refresh_from_db()
    assert not participant.photo


def test_removing_the_photo(case_manager_cam, participant, login):
    client = login(case_manager_cam)
    upload(client, participant, PNG)
    assert client.post(f"/people/{participant.pk}/photo/edit/", {"remove": "on"}).status_code == 302
    participant.refresh_from_db()
    assert not participant.photo
    assert client.get(f"/people/{participant.pk}/photo/").status_code == 404


def test_a_partner_reading_casework_under_a_release_may_not_change_it(case_manager_cam, prosecutor_pat, participant,
                                                                      agencies, login):
    from datetime import timedelta

    from django.utils import timezone

    from divert.privacy.actions import RecipientChoice, do_record_release
    today = timezone.localdate()
    do_record_release(participant, actor=case_manager_cam, recipients=[RecipientChoice(agencies.prosecutor)],
                      kind="general", purposes=["care_coordination"], categories=["status", "casework"],
                      starts_on=today - timedelta(days=1), expires_on=today + timedelta(days=30),
                      signed_name="Alex", signed_on=today, discloser="Test Harm Reduction Services",
                      information_description="Casework", signature_png=SIGNATURE)
    client = login(prosecutor_pat)
    assert client.get(f"/people/{participant.pk}/").status_code == 200
    assert client.get(f"/people/{participant.pk}/photo/edit/").status_code == 403
    assert upload(client, participant, PNG).status_code == 403
