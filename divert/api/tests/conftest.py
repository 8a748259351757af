"""Fixtures of the API tests: tokens for the personas, and a client that sends them."""

import json
from datetime import date

import pytest

from divert.api.actions import do_create_token
from divert.api.tokens import ALL_SCOPES


@pytest.fixture(autouse=True)
def _api_settings(settings, tmp_path):
    settings.DIVERT_IMPORT_RUN = "inline"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DIVERT_API_RATE_LIMIT = 0


@pytest.fixture
def token_for(db):
    def _make(user, scopes=ALL_SCOPES, days: int = 30) -> str:
        return do_create_token(user, name="test", scopes=scopes, days=days)[1]

    return _make


class ApiClient:
    def __init__(self, client, secret: str | None):
        self.client, self.secret = client, secret

    def _headers(self, extra):
        headers = {"Authorization": f"Bearer {self.secret}"} if self.secret else {}
        headers.update(extra or {})
        return headers

    def get(self, path, headers=None, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self._headers(headers))

    def post(self, path, body=None, headers=None):
        return self.client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json",
                                headers=self._headers(headers))

    def patch(self, path, body=None, headers=None):
        return self.client.patch(f"/api/v1{path}", json.dumps(body), content_type="application/json",
                                 headers=self._headers(headers))

    def upload(self, path, data, headers=None):
        return self.client.post(f"/api/v1{path}", data, headers=self._headers(headers))


@pytest.fixture
def api(client, token_for):
    """api(user, scopes=...) -> a client calling /api/v1 with a fresh token of `user`."""

    def _api(user, **kwargs):
        return ApiClient(client, token_for(user, **kwargs) if user is not None else None)

    return _api


@pytest.fixture
def protocol(db):
    from divert.protocol.actions import load_example

    return load_example("three_door", approved_on=date(2026, 1, 1))


ARREST_ANSWERS = {"exploits_minors": "no", "promotes_prostitution": "no", "violent_conviction": "no",
                  "treatment_court": "no", "no_contact_order": "no", "drug_grams": "1.5", "dealing_for_profit": "no"}


def arrest_referral(**over) -> dict:
    body = {"door": "arrest", "incident_number": "2026-000123", "offenses": ["DRUG-POSS"], "place": "5th and Pine",
            "area": "Downtown", "first_name": "Robin", "last_name": "Quillfeather", "aliases": "Birdie",
            "date_of_birth": "1990-04-02", "answers": dict(ARREST_ANSWERS), "agreed_to_talk": True}
    body.update(over)
    return body
