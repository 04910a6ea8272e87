"""The API's frame: bearer auth, problem documents, cursor pages, the served contract."""

from tests.api.conftest import auth


def test_no_token_is_a_401_problem(client, db):
    response = client.get("/api/v1/units")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401 and body["code"] == "unauthenticated"
    assert (
        body["title_id"] == "Autentikasi diperlukan"
        and body["title_en"] == "Authentication required"
    )
    assert response["WWW-Authenticate"] == "Bearer"


def test_problem_in_the_asked_language(client, db):
    id_ = client.get("/api/v1/units", HTTP_ACCEPT_LANGUAGE="id").json()
    en = client.get("/api/v1/units", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").json()
    assert en["title"] == "Authentication required"
    assert id_["title"] == "Autentikasi diperlukan"


def test_unknown_path_is_a_problem(client, db):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_client_credentials_and_units_pages(client, demo, make_client, token_for):
    reg = make_client()
    token = token_for(reg)
    first = client.get("/api/v1/units?limit=2", **auth(token))
    assert first.status_code == 200, first.content
    page = first.json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    second = client.get(f"/api/v1/units?limit=2&cursor={page['next_cursor']}", **auth(token))
    ids = [u["id"] for u in page["items"]] + [u["id"] for u in second.json()["items"]]
    assert len(set(ids)) == 4 and ids == sorted(ids)
    bad = client.get("/api/v1/units?cursor=forged", **auth(token))
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_cursor"


def test_wrong_secret_is_refused(client, db, make_client):
    reg = make_client()
    response = client.post(
        "/api/v1/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": reg.client.client_id,
            "client_secret": "x",
        },
    )
    assert response.status_code == 401 and response.json()["code"] == "invalid_client"


def test_openapi_and_docs_served(client, db):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.1")
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"vendor/swagger-ui-5.35.0/swagger-ui-bundle.js" in docs.content
    assert b"cdn" not in docs.content.lower()


def test_wrong_method_is_a_405_problem(client, db):
    response = client.delete("/api/v1/units")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert "GET" in response["Allow"]


def test_server_error_is_a_500_problem(client, db, make_client, token_for, monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr("api.routers.referensi.jenis_naskah_active", broken)
    token = token_for(make_client())
    response = client.get("/api/v1/letter-types", **auth(token))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert b"boom" not in response.content  # no internals leak


def test_an_id_beyond_the_database_range_is_a_422_problem(client, demo, make_client, token_for):
    """Found by Schemathesis against a running instance: such an id reached SQLite, which
    refuses integers past 64 bits (OverflowError, a 500)."""
    drafter = demo["prakommuda"]
    from core.selectors.organisasi import pegawai_primary_unit

    reg = make_client(
        scopes=("letters:read", "archive:read"), units=[pegawai_primary_unit(drafter)], akun=drafter
    )
    token = token_for(reg)
    huge = str(2**100)
    for url in (
        f"/api/v1/letters?unit={huge}",
        f"/api/v1/incoming?unit=-{huge}",
        f"/api/v1/positions?unit={huge}",
        f"/api/v1/units?induk={huge}",
        f"/api/v1/teams?unit={huge}",
        f"/api/v1/classification-codes?induk={huge}",
        f"/api/v1/archive/search?unit={huge}",
    ):
        response = client.get(url, **auth(token))
        assert response.status_code == 422, (url, response.content)
        assert response.json()["code"] == "invalid"
    # The largest stored id is still a plain filter (nothing found).
    ok = client.get(f"/api/v1/letters?unit={2**63 - 1}", **auth(token))
    assert ok.status_code == 200 and ok.json()["items"] == []
