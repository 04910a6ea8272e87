"""naskah_sign: number, final render, seal, store, route completion; failures consume
nothing."""

from __future__ import annotations

import hashlib
import shutil
import subprocess

import pytest
from django.core.cache import cache

from core.errors import ApplicationError, PermissionDeniedError
from naskah.models import DokumenTersegel, Naskah, NaskahTTE
from naskah.services.signing import naskah_sign, sealed_bytes
from penomoran.models import Nomor
from signing.validation import pdf_validate
from tests.naskah.tte_helpers import PASSPHRASE, enroll, ready_letter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


def _sign(demo, naskah, who="kadiskominfo"):
    return naskah_sign(naskah=naskah, signer=demo[who], passphrase=PASSPHRASE)


def test_sign_numbers_seals_stores_and_completes(demo):
    enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo)
    dokumen = _sign(demo, naskah)
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.DITANDATANGANI
    assert naskah.nomor.startswith("000.1.2.3/1/")
    assert naskah.nomor.endswith(f"/{naskah.tanggal.year}")
    pdf = sealed_bytes(dokumen)
    assert hashlib.sha256(pdf).hexdigest() == dokumen.sha256
    report = pdf_validate(pdf)
    assert report.ok and report.signatures[0].intact
    nomor = Nomor.objects.get(object_type="naskah.naskah", object_id=str(naskah.pk))
    assert nomor.teks == naskah.nomor and nomor.status == "digunakan"
    # OPD letter: numbered by the OPD.
    assert nomor.buku.unit.kode == "DISKOMINFOTIK"
    from naskah.selectors.approval import naskah_route_latest

    assert naskah_route_latest(naskah).status == "completed"
    from core.models import AuditEvent

    event = AuditEvent.objects.filter(action="naskah.sign").latest("pk")
    assert PASSPHRASE not in str(event.details)
    # The number is printed on the page before sealing.
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        assert naskah.nomor in text


def test_second_letter_gets_next_number(demo):
    enroll(demo["kadiskominfo"])
    first = ready_letter(demo)
    second = ready_letter(demo, hal="Undangan Rapat Koordinasi")
    _sign(demo, first)
    _sign(demo, second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.nomor.split("/")[1] == "1" and second.nomor.split("/")[1] == "2"


def test_wrong_passphrase_consumes_no_number(demo):
    enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo)
    with pytest.raises(ApplicationError) as err:
        naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase="salah-salah-salah")
    assert err.value.code == "wrong_passphrase"
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.SIAP_TANDATANGAN and naskah.nomor is None
    assert not Nomor.objects.exists() and not NaskahTTE.objects.exists()
    _sign(demo, naskah)  # retry works and gets number 1
    naskah.refresh_from_db()
    assert naskah.nomor.split("/")[1] == "1"


def test_revoked_certificate_refused_nothing_consumed(demo):
    from django.utils import timezone

    from signing.models import SignerCertificate

    enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo)
    SignerCertificate.objects.filter(pegawai=demo["kadiskominfo"]).update(
        status="revoked", revocation_reason="uji", revoked_at=timezone.now()
    )
    with pytest.raises(ApplicationError) as err:
        _sign(demo, naskah)
    assert "revok" in err.value.code or "certificate" in err.value.code
    naskah.refresh_from_db()
    assert naskah.nomor is None and not Nomor.objects.exists()


def test_expired_certificate_refused(demo):
    import datetime as dt

    from django.utils import timezone

    from signing.models import SignerCertificate

    enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo)
    SignerCertificate.objects.filter(pegawai=demo["kadiskominfo"]).update(
        not_after=timezone.now() - dt.timedelta(days=1)
    )
    with pytest.raises(ApplicationError):
        _sign(demo, naskah)
    naskah.refresh_from_db()
    assert naskah.nomor is None and not Nomor.objects.exists()


def test_failure_during_seal_rolls_back_number(demo, monkeypatch):
    enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo)

    def down(*args, **kwargs):
        raise ApplicationError("Layanan TTE tidak tersedia.", code="bsre_unavailable")

    monkeypatch.setattr("signing.services.pdf_sign", down)
    with pytest.raises(ApplicationError) as err:
        _sign(demo, naskah)
    assert err.value.code == "bsre_unavailable"
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.SIAP_TANDATANGAN and naskah.nomor is None
    assert not Nomor.objects.exists() and not DokumenTersegel.objects.exists()
    monkeypatch.undo()
    _sign(demo, naskah)
    naskah.refresh_from_db()
    assert naskah.nomor.split("/")[1] == "1"


def test_failure_after_the_file_is_stored_leaves_no_file(
    demo, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """The sealed file is written (to the pending area) inside the signing transaction;
    when a later step fails the transaction rolls back and the file it wrote is removed
    with it. After a commit it is published under its final name."""
    from pathlib import Path

    enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo)

    def broken(*args, **kwargs):
        raise ApplicationError("Rute tidak dapat diselesaikan.", code="route_broken")

    monkeypatch.setattr("naskah.services.signing._complete_route", broken)
    with pytest.raises(ApplicationError):
        _sign(demo, naskah)
    sealed = Path(settings.MEDIA_ROOT) / "naskah" / "tersegel"
    assert not [p for p in sealed.rglob("*") if p.is_file()]
    assert not Nomor.objects.exists() and not DokumenTersegel.objects.exists()
    pending = Path(settings.MEDIA_ROOT) / "pending"
    assert not [p for p in pending.rglob("*") if p.is_file()]
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        dokumen = _sign(demo, naskah)
    assert [p.name for p in sealed.rglob("*.pdf")] == [Path(dokumen.berkas.name).name]
    assert not [p for p in pending.rglob("*") if p.is_file()]


def test_only_the_acting_holder_may_sign(demo):
    enroll(demo["sekdiskominfo"])
    naskah = ready_letter(demo)
    with pytest.raises(PermissionDeniedError):
        naskah_sign(naskah=naskah, signer=demo["sekdiskominfo"], passphrase=PASSPHRASE)
    assert not Nomor.objects.exists()


def test_acting_capacity_restricted_by_data(demo):
    """kabidaptika is Plh Kepala Bidang Persandian: a type whose rule forbids Plh refuses."""
    from naskah.models import AturanTTE, JenisNaskah

    enroll(demo["kabidaptika"])
    naskah = (
        ready_letter(
            demo,
            user="statistisi",
            signer="Kepala Bidang Persandian dan Statistik",
            jenis=JenisNaskah.objects.get(kode="nota_dinas"),
        )
        if JenisNaskah.objects.filter(kode="nota_dinas").exists()
        else None
    )
    if naskah is None:
        pytest.skip("no nota_dinas type")
    AturanTTE.objects.create(jenis=naskah.jenis, pelaksana_dilarang=["plh"])
    with pytest.raises(PermissionDeniedError) as err:
        naskah_sign(naskah=naskah, signer=demo["kabidaptika"], passphrase=PASSPHRASE)
    assert err.value.code == "acting_not_allowed"
    AturanTTE.objects.filter(jenis=naskah.jenis).update(pelaksana_dilarang=[])
    naskah_sign(naskah=naskah, signer=demo["kabidaptika"], passphrase=PASSPHRASE)
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.DITANDATANGANI


def test_not_ready_letter_refused(demo):
    from tests.letters import make_letter

    enroll(demo["kadiskominfo"])
    draft = make_letter(demo, "draft", hal="Konsep")
    with pytest.raises(ApplicationError) as err:
        _sign(demo, draft)
    assert err.value.code == "not_ready"


def test_signed_pdf_tamper_detected(demo, tmp_path):
    enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo)
    pdf = sealed_bytes(_sign(demo, naskah))
    tampered = bytearray(pdf)
    index = pdf.index(b"stream") + 40
    tampered[index] = (tampered[index] + 1) % 256
    report = pdf_validate(bytes(tampered))
    assert not report.ok and not report.signatures[0].intact
    if not shutil.which("pdfsig"):
        pytest.skip("poppler pdfsig not installed")
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(pdf)
    bad.write_bytes(bytes(tampered))
    out = subprocess.run(["pdfsig", "-nocert", str(good)], capture_output=True, text=True).stdout
    assert "Signature is Valid" in out
    out = subprocess.run(["pdfsig", "-nocert", str(bad)], capture_output=True, text=True).stdout
    assert "Signature is Valid" not in out
