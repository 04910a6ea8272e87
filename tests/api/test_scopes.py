"""Scopes on every operation, and the outsider's 404 on every object endpoint (issue 17
items 2 and 7). The operations are read from the committed OpenAPI document, so a new
endpoint is checked here too (or this test fails on it)."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.selectors.organisasi import pegawai_primary_unit
from naskah.masuk import permissions as masuk_perms
from tests.api.conftest import auth, unrelated_unit
from tests.api.test_access import _incoming
from tests.letters import make_letter

pytestmark = pytest.mark.django_db

OPENAPI = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.json").read_text()
)

# The scope each operation needs; None: any valid token (organisation, reference data,
# verifying a PDF anyone holds). An operation missing here fails test_every_operation_listed.
SCOPES = {
    ("get", "/api/v1/units"): None,
    ("get", "/api/v1/units/{unit_id}"): None,
    ("get", "/api/v1/positions"): None,
    ("get", "/api/v1/positions/{jabatan_id}"): None,
    ("get", "/api/v1/teams"): None,
    ("get", "/api/v1/classification-codes"): None,
    ("get", "/api/v1/classification-codes/{kode_id}"): None,
    ("get", "/api/v1/letter-types"): None,
    ("get", "/api/v1/letter-types/{kode}"): None,
    ("post", "/api/v1/verify"): None,
    ("get", "/api/v1/letters"): "letters:read",
    ("get", "/api/v1/letters/{naskah_id}"): "letters:read",
    ("get", "/api/v1/letters/{naskah_id}/route"): "letters:read",
    ("get", "/api/v1/letters/{naskah_id}/events"): "letters:read",
    ("get", "/api/v1/letters/{naskah_id}/pdf"): "letters:read",
    ("get", "/api/v1/letters/{naskah_id}/verification"): "letters:read",
    ("get", "/api/v1/letters/{naskah_id}/package"): "letters:read",
    ("get", "/api/v1/incoming"): "letters:read",
    ("get", "/api/v1/incoming/{surat_id}"): "letters:read",
    ("get", "/api/v1/incoming/{surat_id}/dispositions"): "letters:read",
    ("post", "/api/v1/letters"): "drafts:write",
    ("post", "/api/v1/letters/{naskah_id}/lampiran"): "drafts:write",
    ("post", "/api/v1/letters/{naskah_id}/submit"): "drafts:write",
    ("post", "/api/v1/incoming"): "incoming:write",
    ("post", "/api/v1/pertukaran/surat"): "incoming:write",
    ("post", "/api/v1/pertukaran/impor"): "incoming:write",
    ("get", "/api/v1/archive/search"): "archive:read",
    ("get", "/api/v1/signing-method"): "sign",
    ("post", "/api/v1/letters/{naskah_id}/sign"): "sign",
}
PUBLIC = {("post", "/api/v1/oauth/token")}


def _operations():
    for path, item in OPENAPI["paths"].items():
        for method in item:
            yield method, path


def _valid_request(method: str, path: str, unit) -> dict:
    """A request that passes the schema, so the scope check is what answers."""
    url = path.replace("{kode}", "surat_dinas")
    for name in ("unit_id", "jabatan_id", "kode_id", "naskah_id", "surat_id"):
        url = url.replace("{" + name + "}", "1")
    if method == "get":
        return {"path": url}
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    if path.endswith("/lampiran"):
        return {"path": url, "data": {"judul": "L", "berkas": pdf}}
    if path.endswith(("/surat", "/impor")):
        return {"path": url, "data": {"paket": pdf}}
    if path == "/api/v1/verify":
        return {"path": url, "data": {"berkas": pdf}}
    if path == "/api/v1/incoming":
        return {
            "path": url,
            "data": {
                "unit_id": unit.pk,
                "jabatan_tujuan_id": 1,
                "pengirim": "Dinas Pendidikan Kota Metro",
                "hal": "Undangan",
                "tanggal_diterima": dt.date(2026, 12, 7).isoformat(),
                "kode_klasifikasi": "000.1.2.3",
                "berkas": pdf,
            },
        }
    body = {}
    if path == "/api/v1/letters":
        body = {"jenis": "surat_dinas", "penandatangan_id": 1, "hal": "Uji"}
    if path.endswith("/sign"):
        body = {"passphrase": "x"}
    return {"path": url, "data": json.dumps(body), "content_type": "application/json"}


def test_every_operation_listed():
    assert set(_operations()) == set(SCOPES) | PUBLIC


@pytest.mark.parametrize(("method", "path"), sorted(SCOPES))
def test_a_token_without_the_scope_is_refused(client, demo, make_client, token_for, method, path):
    drafter = demo["prakommuda"]
    unit = pegawai_primary_unit(drafter)
    # Every scope a client may hold but the one this operation needs.
    others = {"letters:read", "drafts:write", "incoming:write", "archive:read", "events:receive"}
    needed = SCOPES[(method, path)]
    reg = make_client(scopes=sorted(others - {needed}), units=[unit], akun=drafter)
    request = _valid_request(method, path, unit)
    response = getattr(client, method)(**request, **auth(token_for(reg)))
    if needed is None:
        assert response.status_code in (200, 404), response.content
        return
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "insufficient_scope"


def test_an_outsider_gets_404_for_every_object_of_other_units(
    client, demo, make_client, token_for, pat_for, settings, tmp_path
):
    """A signed letter and a registered incoming letter of one unit: a client serving an
    unrelated unit (all read scopes) gets 404 on each of their endpoints, and neither in a
    list; a client serving that unit reads them."""
    from naskah.masuk.demo import grant_register_permission

    settings.MEDIA_ROOT = str(tmp_path / "media")
    signed = make_letter(demo, "signed")
    grant_register_permission()
    agendaris = demo["agendaris"]
    register = masuk_perms.register_units(agendaris)[0]
    registering = pat_for(agendaris, scopes=("incoming:write",))
    created = client.post(
        "/api/v1/incoming",
        _incoming(register, jabatan_tujuan_id=_head(register).pk, nomor_surat="421/77/2026"),
        **auth(registering),
    )
    assert created.status_code == 201, created.content
    incoming = created.json()["id"]
    letter_unit = signed.unit
    paths = [
        f"/api/v1/letters/{signed.pk}",
        f"/api/v1/letters/{signed.pk}/route",
        f"/api/v1/letters/{signed.pk}/events",
        f"/api/v1/letters/{signed.pk}/pdf",
        f"/api/v1/letters/{signed.pk}/verification",
        f"/api/v1/letters/{signed.pk}/package",
        f"/api/v1/incoming/{incoming}",
        f"/api/v1/incoming/{incoming}/dispositions",
    ]
    read = ("letters:read", "archive:read", "events:receive")
    outsider_unit = _unrelated_to_both(letter_unit, register)
    outsider = token_for(make_client(scopes=read, units=[outsider_unit], nama="Outsider"))
    for path in paths:
        response = client.get(path, **auth(outsider))
        assert response.status_code == 404, (path, response.status_code)
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "not_found"
    listed = client.get("/api/v1/letters", **auth(outsider)).json()["items"]
    assert signed.pk not in [n["id"] for n in listed]
    listed = client.get("/api/v1/incoming", **auth(outsider)).json()["items"]
    assert incoming not in [s["id"] for s in listed]
    # The clients serving those units read them.
    letters_insider = token_for(make_client(scopes=read, units=[letter_unit], nama="In L"))
    incoming_insider = token_for(make_client(scopes=read, units=[register], nama="In M"))
    for path in paths:
        token = letters_insider if "/letters/" in path else incoming_insider
        assert client.get(path, **auth(token)).status_code == 200, path


def _head(unit):
    from core.models import Jabatan

    return Jabatan.objects.filter(unit=unit, kepala_unit=True, aktif=True).first()


def _unrelated_to_both(a, b):
    from core.models import UnitKerja

    for other in UnitKerja.objects.order_by("-path"):
        if all(
            not other.path.startswith(u.path) and not u.path.startswith(other.path) for u in (a, b)
        ):
            return other
    return unrelated_unit(a)
