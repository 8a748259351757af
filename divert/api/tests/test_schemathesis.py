"""Schemathesis against the API's own OpenAPI document, through the WSGI app (no server), for every seat's token and
for no token: no server error, and every answer (status, content type, headers, body) as the document says."""

from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import PERSONAS
from divert.api.tests.conftest import arrest_referral

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


def _schema():
    # The document the app serves at /api/v1/openapi.json, built without a request (no database at collection).
    from divert.api.api import api
    from divert.wsgi import application

    # Fuzzing only, a few examples per operation: the coverage phase alone would make hundreds of calls each.
    config = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}, "examples": {"enabled": False},
                                                      "stateful": {"enabled": False}}})
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"), config=config)
    loaded.app = application
    return loaded


@pytest.fixture
def seat_tokens(personas, participant, protocol, token_for, api):
    """Every persona's token (all scopes), with a little data to find: a participant, a referral."""
    api(personas.officer_olivia).post("/referrals", arrest_referral())
    return {name: token_for(getattr(personas, name)) for name in PERSONAS}


schema = _schema()


@schema.parametrize()
@settings(max_examples=2, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_for_every_seat(case, seat_tokens):
    with kept_connection():
        for secret in [None, *seat_tokens.values()]:
            headers = {"Authorization": f"Bearer {secret}"} if secret else {}
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            # Every seat's token is valid: a call that carried one is never taken for no token. (Negative cases may
            # replace the Authorization header with generated garbage; those are rightly 401.)
            carried = secret is not None and response.request.headers.get("Authorization") == headers["Authorization"]
            if carried:
                assert response.status_code != 401, (case.path, response.content[:200])
            elif secret is None:
                assert response.status_code == 401, case.path


@contextmanager
def kept_connection():
    """Schemathesis calls the WSGI app itself, not through Django's test client, which is what keeps the end of a
    request from closing the test's database connection (inside its transaction, on PostgreSQL). The test client
    reconnects the signal after each of its own requests, so this wraps the calls themselves."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
