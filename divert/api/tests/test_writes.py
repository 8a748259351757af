"""Writes: a referral from a records system gets the form's eligibility answer; Idempotency-Key replays; ETag and
If-Match on updates (428 without, 412 when stale); contacts recorded and edited by the team only."""

from divert.api.models import IdempotentResponse
from divert.api.tests.conftest import arrest_referral
from divert.audit.models import AuditEvent
from divert.referrals.models import Referral


def test_an_officers_referral_gets_the_same_eligibility_answer_as_the_form(api, personas, protocol, client):
    from divert.referrals.tests.conftest import ARREST_ANSWERS

    olivia = api(personas.officer_olivia)
    by_api = olivia.post("/referrals", arrest_referral(answers={**_answers(), "drug_grams": "500"}))
    assert by_api.status_code == 201, by_api.content
    client.force_login(personas.officer_olivia)
    offense = protocol.offenses.get(code="DRUG-POSS")
    form = {"submission_key": "8a1f5a52-0000-4000-8000-000000000009", "incident_number": "2026-000124",
            "offenses": [str(offense.pk)], "place": "5th and Pine", "area": "Downtown", "first_name": "Robin",
            "last_name": "Quillfeather", "date_of_birth": "1990-04-02", "q_drug_grams": "500",
            "q_dealing_for_profit": "no", **ARREST_ANSWERS, "agreed_to_talk": "on"}
    assert client.post("/referrals/new/arrest/", form).status_code == 302
    by_form = Referral.objects.exclude(pk=by_api.json()["id"]).get()
    api_referral = Referral.objects.get(pk=by_api.json()["id"])
    assert api_referral.eligibility == by_form.eligibility == by_api.json()["eligibility"] != "eligible"
    assert api_referral.findings == by_form.findings and api_referral.status == by_form.status
    assert by_api.json()["status"] == "Not enrolled"  # the referring officer learns what the page tells them
    assert by_api["Location"] == f"/api/v1/referrals/{api_referral.pk}"
    event = AuditEvent.objects.get(action="divert.referral.created", target_id=str(api_referral.pk))
    assert event.details["api_token"] == olivia.secret.split("_")[1]


def _answers():
    from divert.api.tests.conftest import ARREST_ANSWERS

    return dict(ARREST_ANSWERS)


def test_a_referral_through_a_closed_or_unknown_door_is_refused(api, personas, protocol):
    olivia = api(personas.officer_olivia)
    assert olivia.post("/referrals", arrest_referral(door="community")).status_code == 422
    assert not Referral.objects.exists()


def test_the_same_idempotency_key_replays_and_a_different_body_is_refused(api, personas, protocol):
    olivia = api(personas.officer_olivia)
    key = {"Idempotency-Key": "push-2026-12-06-0001"}
    first = olivia.post("/referrals", arrest_referral(), headers=key)
    again = olivia.post("/referrals", arrest_referral(), headers=key)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and first.json() == again.json()
    assert Referral.objects.count() == 1
    other = olivia.post("/referrals", arrest_referral(first_name="Someone"), headers=key)
    assert other.status_code == 422 and other["Content-Type"] == "application/problem+json"
    assert Referral.objects.count() == 1
    # Keys belong to a token: another token's same key is another request.
    assert api(personas.officer_olivia).post("/referrals", arrest_referral(), headers=key).status_code == 201


def test_a_refused_write_keeps_no_idempotent_answer(api, personas, protocol):
    olivia = api(personas.officer_olivia)
    key = {"Idempotency-Key": "retry-me"}
    assert olivia.post("/referrals", arrest_referral(answers={}), headers=key).status_code == 422
    assert not IdempotentResponse.objects.exists()
    assert olivia.post("/referrals", arrest_referral(), headers=key).status_code == 201


def test_updates_need_if_match_and_refuse_a_stale_etag(api, personas, participant):
    cam = api(personas.case_manager_cam)
    enrollment = participant.enrollments.get()
    read = cam.get(f"/enrollments/{enrollment.pk}")
    etag = read["ETag"]
    change = {"status": "inactive", "reason": "Not seen for a month"}
    missing = cam.patch(f"/enrollments/{enrollment.pk}", change)
    assert missing.status_code == 428 and missing["Content-Type"] == "application/problem+json"
    assert cam.patch(f"/enrollments/{enrollment.pk}", change, headers={"If-Match": '"stale"'}).status_code == 412
    enrollment.refresh_from_db()
    assert enrollment.status == "active"
    done = cam.patch(f"/enrollments/{enrollment.pk}", change, headers={"If-Match": etag})
    assert done.status_code == 200 and done.json()["status"] == "inactive" and done["ETag"] != etag
    assert cam.get(f"/enrollments/{enrollment.pk}")["ETag"] == done["ETag"]
    # Someone else changed it in between: the old ETag no longer matches.
    stale = cam.patch(f"/enrollments/{enrollment.pk}", {"status": "active"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert AuditEvent.objects.filter(action="divert.enrollment.status_changed").count() == 1
    refused = cam.patch(f"/enrollments/{enrollment.pk}", {"status": "exited"}, headers={"If-Match": done["ETag"]})
    assert refused.status_code == 422 and refused.json()["errors"]


def test_contacts_are_recorded_and_edited_by_the_team(api, personas, participant):
    cam = api(personas.case_manager_cam)
    key = {"Idempotency-Key": "contact-1"}
    created = cam.post(f"/persons/{participant.pk}/contacts", {"kind": "phone", "note": "Called about housing"},
                       headers=key)
    assert created.status_code == 201, created.content
    assert cam.post(f"/persons/{participant.pk}/contacts", {"kind": "phone", "note": "Called about housing"},
                    headers=key).json()["id"] == created.json()["id"]
    contact_id = created.json()["id"]
    edit = cam.patch(f"/contacts/{contact_id}", {"note": "Called about the housing list"},
                     headers={"If-Match": created["ETag"]})
    assert edit.status_code == 200 and edit.json()["note"] == "Called about the housing list"
    assert cam.patch(f"/contacts/{contact_id}", {"note": "x"}, headers={"If-Match": created["ETag"]}).status_code == 412
    casey = api(personas.case_manager_casey)  # same provider, not assigned: no casework at all
    assert casey.post(f"/persons/{participant.pk}/contacts", {"note": "x"}).status_code == 404
    assert casey.get(f"/contacts/{contact_id}").status_code == 404
    bad = cam.post(f"/persons/{participant.pk}/contacts", {"kind": "telepathy"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"].startswith("body.kind")
