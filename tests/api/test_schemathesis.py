"""Property-based contract testing with Schemathesis against the OpenAPI document, through
the WSGI app directly (no server): for every operation, generated requests (a few bounded
examples each) never get a 5xx, and every response conforms to the document: status code,
content type, headers and body schema (problem documents included)."""

import contextlib

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.selectors.organisasi import pegawai_primary_unit
from core.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@contextlib.contextmanager
def _keep_test_connection():
    """The WSGI handler closes the database connection around each request (Django's
    request_started/request_finished signals), which on PostgreSQL would end the test's
    transaction; Django's own test client disconnects them the same way while it calls the
    app (and reconnects them after, so this wraps each call)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(demo, make_client, token_for, settings):
    settings.ALLOWED_HOSTS = ["*"]
    drafter = demo["prakommuda"]
    reg = make_client(
        scopes=("letters:read", "drafts:write", "incoming:write", "archive:read", "events:receive"),
        units=[pegawai_primary_unit(drafter)],
        akun=drafter,
        limit=100000,
    )
    return token_for(reg)


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_contract(case, bearer):
    headers = {"Authorization": f"Bearer {bearer}"}
    if case.operation.path == "/api/v1/oauth/token":
        headers = {}
    with _keep_test_connection():
        case.call_and_validate(headers=headers, checks=CHECKS)
