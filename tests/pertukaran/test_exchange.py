"""Letters between instances on one instance: the receiving endpoint's checks (signature
against the peer's trust anchors, the sender's registration, metadata against the PDF),
idempotency, the receipt, and the sender's delivery with its attempts."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from django.conf import settings

from naskah.masuk.models import SuratMasuk
from pertukaran.models import PenerimaanMitra, PengirimanMitra
from pertukaran.paket import paket_build
from pertukaran.services import receipt_key_for_token, receipt_verify
from tests.api.conftest import auth

pytestmark = pytest.mark.django_db


def post(client, token, data: bytes, key: str = ""):
    headers = {**auth(token), "HTTP_ACCEPT_LANGUAGE": "en"}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    upload = io.BytesIO(data)
    upload.name = "paket.zip"
    return client.post("/api/v1/pertukaran/surat", {"paket": upload}, **headers)


def rebuild(package: bytes, *, meta_change=None, pdf_change=None) -> bytes:
    """The package with its metadata or PDF changed (hashes kept consistent)."""
    src = zipfile.ZipFile(io.BytesIO(package))
    meta = json.loads(src.read("surat.json"))
    pdf = src.read("surat.pdf")
    if pdf_change:
        pdf = pdf_change(pdf)
        meta["berkas"]["sha256"] = hashlib.sha256(pdf).hexdigest()
        meta["berkas"]["ukuran"] = len(pdf)
    if meta_change:
        meta_change(meta)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("surat.json", json.dumps(meta))
        zf.writestr("surat.pdf", pdf)
        for name in src.namelist():
            if name.startswith("lampiran/"):
                zf.writestr(name, src.read(name))
    return out.getvalue()


def test_a_peer_delivers_a_letter_and_gets_a_receipt_once(client, signed, receiving, token_for):
    token = token_for(receiving["reg"])
    package = paket_build(signed)
    response = post(client, token, package, key="k1")
    assert response.status_code == 201, response.content
    receipt = response.json()
    assert receipt_verify(receipt, receipt_key_for_token(token))
    surat = SuratMasuk.objects.get(pk=receipt["id"])
    assert surat.unit == receiving["unit"]
    assert surat.asal == SuratMasuk.Asal.EKSTERNAL
    assert (surat.nomor_surat, surat.hal) == (signed.nomor, signed.hal)
    assert surat.tanggal_surat == signed.tanggal
    assert receipt["nomor_agenda"] == surat.nomor_agenda
    # The same request retried with its key: replayed; a new key: the first receipt again.
    again = post(client, token, package, key="k1")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    other = post(client, token, package, key="k2")
    assert other.status_code == 200 and other.json()["id"] == surat.pk
    assert SuratMasuk.objects.filter(nomor_surat=signed.nomor).count() == 1
    assert PenerimaanMitra.objects.count() == 1


def _problem(response, status: int, code: str):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    return body


def test_refusals_are_clear_problem_documents_and_register_nothing(
    client, signed, receiving, token_for, make_client
):
    token = token_for(receiving["reg"])
    package = paket_build(signed)

    def flip(pdf: bytes) -> bytes:
        at = pdf.index(b"stream", len(pdf) // 3) + 40
        return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]

    # A PDF changed after signing (its hash in surat.json updated to match).
    _problem(post(client, token, rebuild(package, pdf_change=flip)), 422, "signature_invalid")

    # Metadata the PDF does not say.
    def other_subject(meta):
        meta["hal"] = "Permohonan Anggaran Yang Tidak Ada"

    body = _problem(
        post(client, token, rebuild(package, meta_change=other_subject)), 422, "metadata_mismatch"
    )
    assert "subject" in body["detail"]

    # A package naming another sender than the calling peer.
    def other_sender(meta):
        meta["pengirim"]["kode_instansi"] = "kab-lain"

    _problem(
        post(client, token, rebuild(package, meta_change=other_sender)), 403, "sender_mismatch"
    )

    # surat.json against the schema: every error listed.
    def broken(meta):
        del meta["retensi"]
        meta["klasifikasi_keamanan"] = "publik"

    body = _problem(
        post(client, token, rebuild(package, meta_change=broken)), 422, "invalid_package"
    )
    locs = {tuple(e["loc"]) for e in body["errors"]}
    assert ("klasifikasi_keamanan",) in locs and () in locs

    # A client that is not bound to a peer.
    stranger = make_client(
        scopes=("incoming:write",), units=[receiving["unit"]], akun=receiving["agendaris"]
    )
    _problem(post(client, token_for(stranger), package), 403, "unknown_peer")

    # A signer whose certificate does not chain to the peer's trust anchors.
    mitra = receiving["mitra"]
    mitra.jangkar_kepercayaan = _other_ca_pem()
    mitra.save()
    _problem(post(client, token, package), 422, "signature_invalid")

    assert not SuratMasuk.objects.filter(nomor_surat=signed.nomor).exists()
    assert PenerimaanMitra.objects.count() == 0


def _other_ca_pem() -> str:
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Another CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_dispatch_queues_one_delivery_per_peer_and_retries_until_the_peer_answers(
    client, signed, receiving, token_for, monkeypatch, settings
):
    """The peer is down (connection refused), then up: delivered once, receipt stored."""
    import requests

    from naskah.services.distribusi import naskah_dispatch
    from pertukaran.services import mitra_save, pengiriman_kirim

    settings.NASKAH_PERTUKARAN_ALLOW_LOOPBACK = True
    mitra = receiving["mitra"]
    mitra_save(
        actor=receiving["reg"].client.dibuat_oleh,
        mitra=mitra,
        nama=mitra.nama,
        kode=mitra.kode,
        url_dasar="http://127.0.0.1:9",
        client_id_mitra=receiving["reg"].client.client_id,
        secret_mitra=receiving["reg"].secret,
        jangkar_kepercayaan=mitra.jangkar_kepercayaan,
        alamat_surel="TU@metrokota.go.id",
        client=receiving["reg"].client,
    )
    naskah_dispatch(naskah=signed)
    naskah_dispatch(naskah=signed)  # at least once: queued once
    row = PengirimanMitra.objects.get(naskah=signed)
    assert row.status == PengirimanMitra.Status.MENUNGGU

    calls = []
    peer_up = {"value": False}

    def fake_post(url, data=None, files=None, headers=None, timeout=None):
        calls.append(url)
        if not peer_up["value"]:
            raise requests.ConnectionError("connection refused")
        path = url.removeprefix("http://127.0.0.1:9")
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
        extra.pop("HTTP_USER_AGENT", None)
        if files:
            name, content, _type = files["paket"]
            upload = io.BytesIO(content)
            upload.name = name
            answer = client.post(path, {"paket": upload}, **extra)
        else:
            answer = client.post(path, data, **extra)
        fake = requests.Response()
        fake.status_code = answer.status_code
        fake._content = answer.content
        return fake

    monkeypatch.setattr(requests, "post", fake_post)
    assert pengiriman_kirim(pengiriman_id=row.pk) == PengirimanMitra.Status.MENUNGGU
    row.refresh_from_db()
    assert row.percobaan == 1 and row.kesalahan and row.coba_lagi_pada
    assert PenerimaanMitra.objects.count() == 0

    peer_up["value"] = True
    assert pengiriman_kirim(pengiriman_id=row.pk) == PengirimanMitra.Status.DITERIMA
    row.refresh_from_db()
    assert row.tanda_terima_sah and row.diterima_pada and row.nomor_agenda
    assert row.tanda_terima["nomor_surat"] == signed.nomor
    # A redelivered task does nothing more.
    before = len(calls)
    assert pengiriman_kirim(pengiriman_id=row.pk) == PengirimanMitra.Status.DITERIMA
    assert len(calls) == before
    assert SuratMasuk.objects.filter(nomor_surat=signed.nomor).count() == 1


def test_a_refusal_fails_at_once_and_an_author_may_retry(
    signed, receiving, demo, monkeypatch, settings
):
    import requests

    from pertukaran.services import SLOT, mitra_save, pengiriman_kirim, pengiriman_retry

    settings.NASKAH_PERTUKARAN_ALLOW_LOOPBACK = True
    admin = receiving["reg"].client.dibuat_oleh
    mitra = mitra_save(
        actor=admin,
        nama="Kota Metro",
        kode="metro",
        url_dasar="http://127.0.0.1:9",
        client_id_mitra="nsk_x",
        secret_mitra="wrong",
    )
    row = PengirimanMitra.objects.create(naskah=signed, mitra=mitra, kunci="k")

    def refused(url, **kw):
        fake = requests.Response()
        fake.status_code = 401
        fake._content = b'{"title": "Authentication required", "detail": "no", "code": "x"}'
        return fake

    monkeypatch.setattr(requests, "post", refused)
    assert pengiriman_kirim(pengiriman_id=row.pk) == PengirimanMitra.Status.GAGAL
    row.refresh_from_db()
    assert row.percobaan == 1 and "credentials" in row.kesalahan
    from core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        pengiriman_retry(actor=demo["agendakominfo"], pengiriman=row)
    pengiriman_retry(actor=signed.konseptor, pengiriman=row)
    row.refresh_from_db()
    assert row.status == SLOT.pending and row.percobaan == 0


def test_the_package_api_serves_what_the_reader_may_see(client, signed, demo, pat_for):
    response = client.get(
        f"/api/v1/letters/{signed.pk}/package", **auth(pat_for(demo["kadiskominfo"]))
    )
    assert response.status_code == 200
    zf = zipfile.ZipFile(io.BytesIO(response.content))
    assert {"surat.json", "surat.pdf"} <= set(zf.namelist())
    meta = json.loads(zf.read("surat.json"))
    assert meta["nomor"] == signed.nomor and meta["pengirim"]["kode_instansi"] == (
        settings.NASKAH_INSTANSI_KODE
    )
    outsider = client.get(
        f"/api/v1/letters/{signed.pk}/package", **auth(pat_for(demo["agendaris"]))
    )
    assert outsider.status_code == 404
