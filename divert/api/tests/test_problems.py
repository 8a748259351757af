"""One error shape (RFC 9457 problem details) for every refusal, ninja's own included; rate limits per token."""

import pytest

from divert.api.tests.conftest import arrest_referral

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["type"].startswith("urn:divert:problem:") and body["title"]
    assert body["detail"]
    return body


def test_401_without_or_with_a_bad_token(api, db):
    assert_problem(api(None).get("/persons"), 401)
    response = api(None).get("/persons", headers={"Authorization": "Bearer dvt_abcdefgh_not-a-real-secret"})
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_404_for_a_missing_or_denied_object_is_the_same(api, personas, participant):
    missing = assert_problem(api(personas.outsider_oscar).get("/persons/999999"), 404)
    denied = assert_problem(api(personas.outsider_oscar).get(f"/persons/{participant.pk}"), 404)
    assert missing["detail"] == denied["detail"]


def test_422_names_the_fields_for_ninjas_validation_and_for_the_forms(api, personas, protocol):
    olivia = api(personas.officer_olivia)
    body = assert_problem(olivia.post("/referrals", {"door": "arrest"}), 422)
    assert {"body.first_name", "body.offenses", "body.agreed_to_talk"} <= {e["field"] for e in body["errors"]}
    body = assert_problem(olivia.post("/referrals", arrest_referral(answers={}, date_of_birth="2999-01-01")), 422)
    fields = {e["field"] for e in body["errors"]}
    assert "date_of_birth" in fields and "answers.exploits_minors" in fields
    body = assert_problem(olivia.post("/referrals", arrest_referral(offenses=["NOPE"])), 422)
    assert body["errors"][0]["field"] == "offenses"
    assert_problem(olivia.get("/persons", limit=0), 422)
    assert_problem(olivia.get("/persons", cursor="x"), 422)


def test_400_and_415_for_bodies_that_are_not_json(api, personas, protocol):
    olivia = api(personas.officer_olivia)
    response = olivia.client.post("/api/v1/referrals", "door=arrest", content_type="text/plain",
                                  headers={"Authorization": f"Bearer {olivia.secret}"})
    assert_problem(response, 415)
    response = olivia.client.post("/api/v1/referrals", "{not json", content_type="application/json",
                                  headers={"Authorization": f"Bearer {olivia.secret}"})
    assert_problem(response, 400)


def test_403_for_a_seat_that_may_read_but_not_write(api, personas, participant, protocol):
    body = assert_problem(api(personas.case_manager_cam).post("/referrals", arrest_referral()), 403)
    assert "officer" in body["detail"]
    enrollment = participant.enrollments.get()
    casey = api(personas.case_manager_casey)  # same provider: sees the status, is not the team
    etag = casey.get(f"/enrollments/{enrollment.pk}")["ETag"]
    assert_problem(casey.patch(f"/enrollments/{enrollment.pk}", {"status": "inactive"}, headers={"If-Match": etag}),
                   403)


@pytest.mark.parametrize("limit", [3])
def test_429_with_retry_after_per_token(api, personas, settings, limit):
    settings.DIVERT_API_RATE_LIMIT = limit
    settings.DIVERT_API_RATE_WINDOW = 3600
    mo = api(personas.manager_mo)
    for _ in range(limit):
        assert mo.get("/persons").status_code == 200
    response = mo.get("/persons")
    assert_problem(response, 429)
    assert 0 < int(response["Retry-After"]) <= 3601
    # Another token has its own window.
    assert api(personas.manager_mo).get("/persons").status_code == 200
