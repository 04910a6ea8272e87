"""Contract tests of the letter endpoints: draft, lampiran, submit, route, sign (only the
signer's personal token with the passphrase), sealed PDF and verification data; the
outsider's 404, idempotent POSTs, scopes."""

import hashlib

import pytest

from api.models import IdempotencyRecord
from core.models import AuditEvent, KodeKlasifikasi
from core.selectors.organisasi import jabatan_holder_on, pegawai_primary_unit
from naskah.models import Naskah
from tests.api.conftest import auth, unrelated_unit
from tests.naskah.alur_helpers import paraf, waiting
from tests.naskah.conftest import pdf_bytes
from tests.naskah.tte_helpers import KADIS, PASSPHRASE, enroll, jabatan

pytestmark = pytest.mark.django_db


def draft_body(**overrides):
    body = {
        "jenis": "surat_dinas",
        "penandatangan_id": jabatan(KADIS).pk,
        "hal": "Permohonan Data Layanan Aplikasi",
        "body_markup": "Dengan hormat, bersama ini kami sampaikan permohonan.",
        "penerima": [{"jenis": "tujuan", "nama": "Kepala Dinas Pendidikan Kota Metro"}],
        "kode_klasifikasi": KodeKlasifikasi.objects.filter(kode="000.1.2.3", skema__aktif=True)
        .first()
        .kode,
    }
    body.update(overrides)
    return body


@pytest.fixture
def drafter_client(demo, make_client, token_for):
    drafter = demo["prakommuda"]
    reg = make_client(
        scopes=("letters:read", "drafts:write"),
        units=[pegawai_primary_unit(drafter)],
        akun=drafter,
    )
    return reg, token_for(reg)


def _create(client, token, body, key="k-1"):
    return client.post(
        "/api/v1/letters",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **auth(token),
    )


def test_draft_is_created_once_per_idempotency_key(client, drafter_client):
    reg, token = drafter_client
    body = draft_body()
    first = _create(client, token, body)
    assert first.status_code == 201, first.content
    again = _create(client, token, body)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Naskah.objects.filter(hal=body["hal"]).count() == 1
    other = _create(client, token, draft_body(hal="Another subject"))
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Naskah.objects.count() == Naskah.objects.filter(hal=body["hal"]).count() + (
        Naskah.objects.exclude(hal=body["hal"]).count()
    )
    assert not Naskah.objects.filter(hal="Another subject").exists()
    # One audit event for the write, naming the client.
    event = AuditEvent.objects.filter(action="api.write").get()
    assert event.details["api_client"] == reg.client.client_id
    assert event.details["idempotency_key"] == "k-1"


def test_failed_post_stores_no_key(client, drafter_client):
    _reg, token = drafter_client
    bad = _create(client, token, draft_body(jenis="no-such-type"), key="k-2")
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"
    assert not IdempotencyRecord.objects.filter(kunci="k-2").exists()
    good = _create(client, token, draft_body(jenis="no-such-type"), key="k-2")
    assert good.status_code == 422  # the same failure again, nothing stored or created


def test_invalid_body_is_a_422_problem_with_errors(client, drafter_client):
    _reg, token = drafter_client
    response = client.post(
        "/api/v1/letters", {"hal": 5}, content_type="application/json", **auth(token)
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["errors"]


def test_scope_is_enforced(client, demo, make_client, token_for):
    drafter = demo["prakommuda"]
    reg = make_client(scopes=("letters:read",), units=[pegawai_primary_unit(drafter)], akun=drafter)
    response = _create(client, token_for(reg), draft_body())
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    # A client cannot be given the signing scope at all.
    from core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        make_client(scopes=("sign",))


def test_asked_scope_subset(client, drafter_client, token_for):
    reg, _token = drafter_client
    narrow = token_for(reg, scope="letters:read")
    assert _create(client, narrow, draft_body()).status_code == 403


def test_client_without_service_account_only_reads(client, demo, make_client, token_for):
    reg = make_client(scopes=("letters:read", "drafts:write"))
    response = _create(client, token_for(reg), draft_body())
    assert response.status_code == 403 and response.json()["code"] == "no_service_account"


def test_full_flow_to_signed(client, demo, drafter_client, pat_for, make_client, token_for):
    _reg, token = drafter_client
    created = _create(client, token, draft_body()).json()
    pk = created["id"]
    assert created["status"] == "konsep"

    lampiran = client.post(
        f"/api/v1/letters/{pk}/lampiran",
        {"judul": "Daftar aplikasi", "berkas": _upload("daftar.pdf", pdf_bytes(2))},
        HTTP_IDEMPOTENCY_KEY="lamp-1",
        **auth(token),
    )
    assert lampiran.status_code == 201, lampiran.content
    assert lampiran.json()["jumlah_halaman"] == 2

    submitted = client.post(
        f"/api/v1/letters/{pk}/submit", {}, content_type="application/json", **auth(token)
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "diajukan"

    route = client.get(f"/api/v1/letters/{pk}/route", **auth(token)).json()
    assert route["route_status"] and route["stages"] and route["events"]
    assert client.get(f"/api/v1/letters/{pk}/events", **auth(token)).status_code == 200

    naskah = Naskah.objects.get(pk=pk)
    while waiting(naskah) and naskah.status == Naskah.Status.DIAJUKAN:
        state = waiting(naskah)[0]
        if state.step.kind == "tandatangan":
            break
        paraf(naskah)
        naskah.refresh_from_db()
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.SIAP_TANDATANGAN

    signer = jabatan_holder_on(jabatan(KADIS)).pegawai
    enroll(signer)
    assert client.get(f"/api/v1/letters/{pk}/pdf", **auth(token)).status_code == 404

    # The drafter's own personal token cannot sign the Kepala Dinas's letter.
    drafter_pat = pat_for(demo["prakommuda"], scopes=("letters:read", "sign"))
    refused = client.post(
        f"/api/v1/letters/{pk}/sign",
        {"passphrase": PASSPHRASE},
        content_type="application/json",
        **auth(drafter_pat),
    )
    assert refused.status_code in (403, 422), refused.content
    signer_pat = pat_for(signer, scopes=("letters:read", "sign"))
    wrong = client.post(
        f"/api/v1/letters/{pk}/sign",
        {"passphrase": "wrong-passphrase"},
        content_type="application/json",
        **auth(signer_pat),
    )
    assert wrong.status_code in (403, 422) and wrong["Content-Type"] == "application/problem+json"
    signed = client.post(
        f"/api/v1/letters/{pk}/sign",
        {"passphrase": PASSPHRASE},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="sign-1",
        **auth(signer_pat),
    )
    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "ditandatangani" and signed.json()["nomor"]
    # A retry with the same key returns the same answer, no second signature.
    again = client.post(
        f"/api/v1/letters/{pk}/sign",
        {"passphrase": PASSPHRASE},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="sign-1",
        **auth(signer_pat),
    )
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"

    pdf = client.get(f"/api/v1/letters/{pk}/pdf", **auth(token))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    data = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    verification = client.get(f"/api/v1/letters/{pk}/verification", **auth(token)).json()
    assert verification["sha256"] == hashlib.sha256(data).hexdigest()
    assert verification["signatures"][0]["penandatangan"] == signer.nama_lengkap


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_client_cannot_sign(client, drafter_client):
    _reg, token = drafter_client
    response = client.post(
        "/api/v1/letters/1/sign",
        {"passphrase": "x"},
        content_type="application/json",
        **auth(token),
    )
    assert response.status_code == 403


def test_outsider_client_gets_404(client, demo, drafter_client, make_client, token_for):
    _reg, token = drafter_client
    pk = _create(client, token, draft_body()).json()["id"]
    client.post(f"/api/v1/letters/{pk}/submit", {}, content_type="application/json", **auth(token))
    # A client serving another unit, with no service account.
    drafter_unit = pegawai_primary_unit(demo["prakommuda"])
    other = unrelated_unit(drafter_unit)
    outsider = token_for(make_client(scopes=("letters:read",), units=[other], nama="Outsider"))
    assert client.get(f"/api/v1/letters/{pk}", **auth(outsider)).status_code == 404
    assert client.get(f"/api/v1/letters/{pk}/route", **auth(outsider)).status_code == 404
    ids = [n["id"] for n in client.get("/api/v1/letters", **auth(outsider)).json()["items"]]
    assert pk not in ids
    # A client serving the drafting unit (no service account) sees the submitted letter...
    insider = token_for(make_client(scopes=("letters:read",), units=[drafter_unit], nama="In"))
    assert client.get(f"/api/v1/letters/{pk}", **auth(insider)).status_code == 200
    listed = client.get("/api/v1/letters?status=diajukan&jenis=surat_dinas", **auth(insider))
    assert pk in [n["id"] for n in listed.json()["items"]]


def test_unit_scope_never_opens_a_rahasia_letter(
    client, demo, drafter_client, make_client, token_for, pat_for
):
    _reg, token = drafter_client
    pk = _create(client, token, draft_body(klasifikasi_keamanan="rahasia")).json()["id"]
    client.post(f"/api/v1/letters/{pk}/submit", {}, content_type="application/json", **auth(token))
    assert Naskah.objects.get(pk=pk).status == "diajukan"
    drafter_unit = pegawai_primary_unit(demo["prakommuda"])
    unit_client = token_for(make_client(scopes=("letters:read",), units=[drafter_unit], nama="U"))
    assert client.get(f"/api/v1/letters/{pk}", **auth(unit_client)).status_code == 404
    # The drafter, by name, reads it with a personal token.
    mine = pat_for(demo["prakommuda"])
    assert client.get(f"/api/v1/letters/{pk}", **auth(mine)).status_code == 200
    # An administrator's personal token carries only the administrator's own visibility.
    admin = demo["admin"]
    assert client.get(f"/api/v1/letters/{pk}", **auth(pat_for(admin))).status_code == 404
