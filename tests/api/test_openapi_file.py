"""The committed contract (docs/api/openapi.json) is the one the API serves."""

import json

from api.management.commands.api_openapi import DEFAULT_PATH, openapi_text


def test_committed_openapi_is_current(client, db):
    committed = DEFAULT_PATH.read_text()
    assert committed == openapi_text(), "docs/api/openapi.json is stale: run manage.py api_openapi"
    served = client.get("/api/v1/openapi.json").json()
    assert served == json.loads(committed)
