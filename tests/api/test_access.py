"""Who may call: secrets and their rotation, token expiry, deactivation, personal tokens
(the page that makes them), rate limits; and the read/write endpoints of the other
resources (organisation, reference data, incoming letters, archive search, verification)."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from api.models import ApiToken
from api.services.clients import apiclient_deactivate, apiclient_rotate_secret
from core.models import Jabatan, KodeKlasifikasi
from naskah.masuk import permissions as masuk_perms
from naskah.masuk.models import SuratMasuk
from tests.api.conftest import auth, unrelated_unit
from tests.naskah.conftest import pdf_bytes

pytestmark = pytest.mark.django_db


def _token(client, reg, secret=None):
    return client.post(
        "/api/v1/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": reg.client.client_id,
            "client_secret": secret or reg.secret,
        },
    )


def test_rotation_keeps_the_old_secret_for_the_grace_period(client, demo, make_client, settings):
    reg = make_client()
    new = apiclient_rotate_secret(actor=demo["admin"], client=reg.client)
    assert _token(client, reg).status_code == 200
    assert _token(client, reg, new).status_code == 200
    later = timezone.now() + dt.timedelta(hours=settings.NASKAH_API_SECRET_GRACE_HOURS + 1)
    with time_machine.travel(later):
        assert _token(client, reg).status_code == 401
        assert _token(client, reg, new).status_code == 200


def test_http_basic_and_token_expiry(client, demo, make_client, settings):
    import base64

    reg = make_client()
    basic = base64.b64encode(f"{reg.client.client_id}:{reg.secret}".encode()).decode()
    response = client.post(
        "/api/v1/oauth/token",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == settings.NASKAH_API_TOKEN_TTL_SECONDS
    token = body["access_token"]
    stored = ApiToken.objects.get()
    assert token not in stored.digest and len(stored.digest) == 64  # only a digest is kept
    assert client.get("/api/v1/units", **auth(token)).status_code == 200
    later = timezone.now() + dt.timedelta(seconds=settings.NASKAH_API_TOKEN_TTL_SECONDS + 1)
    with time_machine.travel(later):
        assert client.get("/api/v1/units", **auth(token)).status_code == 401
    wrong_grant = client.post("/api/v1/oauth/token", {"grant_type": "password"})
    assert wrong_grant.status_code == 400


def test_deactivated_client_tokens_stop(client, demo, make_client, token_for):
    reg = make_client()
    token = token_for(reg)
    apiclient_deactivate(actor=demo["admin"], client=reg.client)
    assert client.get("/api/v1/units", **auth(token)).status_code == 401
    assert _token(client, reg).status_code == 401


def test_rate_limit_answers_429_with_retry_after(client, demo, make_client, token_for):
    reg = make_client(limit=2)
    token = token_for(reg)
    assert client.get("/api/v1/units", **auth(token)).status_code == 200
    assert client.get("/api/v1/units", **auth(token)).status_code == 200
    limited = client.get("/api/v1/units", **auth(token))
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 61
    assert limited.json()["code"] == "rate_limited"


def test_personal_token_page(client, demo):
    person = demo["prakommuda"]
    client.force_login(person)
    response = client.post(
        "/api/token/", {"nama": "e-kinerja", "scopes": ["letters:read"], "days": 30}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(pegawai=person)
    value = response.context["created"].value
    assert value.startswith("nsk_pat_") and token.digest != value
    client.logout()
    assert client.get("/api/v1/letters", **auth(value)).status_code == 200
    # Shown once: the list page does not show it again.
    client.force_login(person)
    assert value.encode() not in client.get("/api/token/").content
    client.post(f"/api/token/{token.pk}/cabut/")
    client.logout()
    assert client.get("/api/v1/letters", **auth(value)).status_code == 401


def test_another_persons_token_cannot_be_revoked_from_the_page(client, demo, pat_for):
    pat_for(demo["prakommuda"])
    token = ApiToken.objects.get()
    client.force_login(demo["prakompertama"])
    assert client.post(f"/api/token/{token.pk}/cabut/").status_code == 404


def test_organisation_and_reference_reads(client, demo, make_client, token_for):
    token = token_for(make_client())
    positions = client.get("/api/v1/positions?limit=100", **auth(token)).json()["items"]
    held = [p for p in positions if p["pemangku"]]
    assert held and {"jenis", "prefix", "pegawai"} <= set(held[0]["pemangku"])
    one = client.get(f"/api/v1/positions/{held[0]['id']}", **auth(token))
    assert one.status_code == 200
    assert client.get("/api/v1/teams", **auth(token)).json()["items"]
    assert client.get("/api/v1/units/999999", **auth(token)).status_code == 404
    codes = client.get("/api/v1/classification-codes?q=000.1", **auth(token)).json()["items"]
    assert codes and all(c["kode"].startswith("000.1") or "000.1" in c["nama"] for c in codes)
    one_code = client.get(f"/api/v1/classification-codes/{codes[0]['id']}", **auth(token))
    assert one_code.status_code == 200 and one_code.json()["kode"] == codes[0]["kode"]
    types = client.get("/api/v1/letter-types", **auth(token)).json()
    assert any(t["kode"] == "surat_dinas" for t in types)
    assert client.get("/api/v1/letter-types/surat_dinas", **auth(token)).status_code == 200
    assert client.get("/api/v1/letter-types/nope", **auth(token)).status_code == 404


def _incoming(unit, **overrides):
    data = {
        "unit_id": unit.pk,
        "jabatan_tujuan_id": Jabatan.objects.filter(unit=unit, aktif=True).first().pk,
        "pengirim": "Dinas Pendidikan Kota Metro",
        "nomor_surat": "421/123/DISDIK/2026",
        "hal": "Undangan rapat koordinasi",
        "tanggal_diterima": timezone.localdate().isoformat(),
        "kode_klasifikasi": KodeKlasifikasi.objects.filter(skema__aktif=True, aktif=True)
        .order_by("kode")
        .first()
        .kode,
        "berkas": SimpleUploadedFile("surat.pdf", pdf_bytes(1), content_type="application/pdf"),
    }
    data.update(overrides)
    return data


def test_incoming_register_is_idempotent_per_sender_and_number(
    client, demo, pat_for, make_client, token_for
):
    from naskah.masuk.demo import grant_register_permission

    grant_register_permission()
    agendaris = demo["agendaris"]
    unit = masuk_perms.register_units(agendaris)[0]
    token = pat_for(agendaris, scopes=("letters:read", "incoming:write"))
    first = client.post("/api/v1/incoming", _incoming(unit), **auth(token))
    assert first.status_code == 201, first.content
    again = client.post("/api/v1/incoming", _incoming(unit), **auth(token))
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert SuratMasuk.objects.count() == 1
    pk = first.json()["id"]
    assert client.get(f"/api/v1/incoming/{pk}", **auth(token)).status_code == 200
    assert client.get(f"/api/v1/incoming/{pk}/dispositions", **auth(token)).json() == []
    listed = client.get("/api/v1/incoming?status=" + first.json()["status"], **auth(token))
    assert pk in [s["id"] for s in listed.json()["items"]]
    # A client of another unit learns nothing about it.
    outsider = token_for(make_client(units=[unrelated_unit(unit)]))
    assert client.get(f"/api/v1/incoming/{pk}", **auth(outsider)).status_code == 404
    # Someone who does not keep this register cannot register in it.
    other = pat_for(demo["prakompertama"], scopes=("incoming:write",))
    refused = client.post("/api/v1/incoming", _incoming(unit, nomor_surat="1/2/3"), **auth(other))
    assert refused.status_code == 403


def test_archive_search_needs_a_person(client, demo, pat_for, make_client, token_for):
    token = pat_for(demo["prakommuda"], scopes=("archive:read",))
    response = client.get("/api/v1/archive/search?q=surat&limit=5", **auth(token))
    assert response.status_code == 200, response.content
    assert {"items", "total", "next_cursor"} <= set(response.json())
    unit_only = token_for(make_client(scopes=("archive:read",)))
    assert client.get("/api/v1/archive/search", **auth(unit_only)).status_code == 403


def test_verify_a_pdf(client, demo, make_client, token_for):
    token = token_for(make_client())
    response = client.post(
        "/api/v1/verify",
        {"berkas": SimpleUploadedFile("x.pdf", pdf_bytes(1), content_type="application/pdf")},
        **auth(token),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (
        body["valid"] is False and body["sealed_in_naskah"] is False and len(body["sha256"]) == 64
    )


def test_purge_old_keys_and_tokens(demo, make_client, token_for, client):
    from django.core.management import call_command

    from api.models import IdempotencyRecord

    token_for(make_client())
    IdempotencyRecord.objects.create(
        pemanggil="client:1",
        kunci="old",
        request_hash="x",
        dibuat_pada=timezone.now() - dt.timedelta(days=30),
    )
    IdempotencyRecord.objects.create(pemanggil="client:1", kunci="new", request_hash="x")
    ApiToken.objects.update(berakhir=timezone.now() - dt.timedelta(days=2))
    call_command("api_purge")
    assert list(IdempotencyRecord.objects.values_list("kunci", flat=True)) == ["new"]
    assert not ApiToken.objects.exists()


def test_dispositions_and_their_events(client, demo, pat_for, make_client, settings):
    from api.models import WebhookDelivery
    from api.services.webhooks import webhook_subscribe
    from core.selectors.organisasi import jabatan_holder_on
    from naskah.masuk.demo import grant_register_permission
    from naskah.masuk.models import InstruksiDisposisi
    from naskah.masuk.services import Tujuan, disposisi_create

    settings.NASKAH_WEBHOOK_ALLOW_LOOPBACK = True
    grant_register_permission()
    agendaris = demo["agendaris"]
    unit = masuk_perms.register_units(agendaris)[0]
    head = Jabatan.objects.filter(unit=unit, kepala_unit=True, aktif=True).first()
    below = Jabatan.objects.filter(atasan=head, aktif=True).first()
    reg = make_client(scopes=("letters:read", "events:receive"), units=[unit])
    webhook_subscribe(
        actor=demo["admin"],
        client=reg.client,
        url="http://127.0.0.1:9/hook",
        events=["incoming.registered", "disposition.created"],
    )
    token = pat_for(agendaris, scopes=("letters:read", "incoming:write"))
    created = client.post(
        "/api/v1/incoming", _incoming(unit, jabatan_tujuan_id=head.pk), **auth(token)
    )
    assert created.status_code == 201, created.content
    surat = SuratMasuk.objects.get(pk=created.json()["id"])
    disposisi_create(
        surat=surat,
        actor=jabatan_holder_on(head).pegawai,
        targets=[Tujuan(jabatan=below)],
        instruksi=[InstruksiDisposisi.objects.order_by("pk").first()],
        catatan="Mohon ditindaklanjuti",
    )
    rows = client.get(f"/api/v1/incoming/{surat.pk}/dispositions", **auth(token)).json()
    assert len(rows) == 1
    assert rows[0]["ke_jabatan_id"] == below.pk and rows[0]["status"] == "belum_dibaca"
    assert rows[0]["instruksi"] and rows[0]["catatan"] == "Mohon ditindaklanjuti"
    events = list(WebhookDelivery.objects.order_by("pk").values_list("event_type", flat=True))
    assert events == ["incoming.registered", "disposition.created"]
