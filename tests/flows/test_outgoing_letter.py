"""An outgoing letter's whole life through the services only (no views, no browser):

draft → submitted → paraf by the team leader → returned to the drafter with a note →
corrected draft resubmitted → paraf → the head of field corrects and initials → signed
(which numbers it) → dispatched → the recipient in another unit finds it in the inbox and
reads it → archived with the sealed PDF's hash. Each step's audit event is checked as it
happens. The browser version of this walk is tests/naskah/test_journey_outgoing.py."""

from __future__ import annotations

import hashlib

import pytest

from arsip.models import ArsipRecord
from arsip.services.intake import arsip_sync_sources
from core.models import AuditEvent, UnitKerja
from naskah.markup import blocks_from_markup
from naskah.models import Distribusi, Naskah, NaskahTTE
from naskah.selectors.inbox import inbox_for, inbox_unread_count
from naskah.services import naskah_update
from naskah.services.approval import naskah_correct, naskah_return
from naskah.services.distribusi import distribusi_read
from penomoran.models import Nomor
from tests.letters import make_letter, signer_of
from tests.naskah.alur_helpers import paraf, submit, waiting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _events(naskah: Naskah) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="naskah.naskah", object_id=str(naskah.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def _correction(naskah: Naskah, **changes) -> dict:
    """The values the correction form sends: the current revision, with `changes`."""
    revisi = naskah.revisi.get(nomor=naskah.revisi_terakhir)
    values = {
        "penandatangan": naskah.penandatangan,
        "mandat": revisi.header["mandat"],
        "hal": revisi.header["hal"],
        "urgensi": revisi.header["urgensi"],
        "klasifikasi_keamanan": naskah.klasifikasi_keamanan,
        "kode_klasifikasi": naskah.kode_klasifikasi,
        "tempat": revisi.header["tempat"],
        "fields": revisi.fields,
        "body": revisi.body,
    }
    values.update(changes)
    return values


def test_outgoing_letter_from_draft_to_archive(demo):
    disdik = UnitKerja.objects.get(kode="DISDIKBUD")
    # A team member drafts: the route runs through the team leader and the head of field
    # to the head of the office, who signs.
    naskah = make_letter(
        demo,
        "draft",
        user="prakompertama",
        hal="Permohonan Data Layanan Aplikasi Sekolah",
        penerima=[{"jenis": "tujuan", "unit_id": disdik.pk}],
    )
    assert naskah.status == Naskah.Status.KONSEP and naskah.nomor in ("", None)
    assert _events(naskah) == ["naskah.create"]

    submit(demo, naskah)
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.DIAJUKAN
    assert waiting(naskah)[0].assignee == demo["prakommuda"]  # the team leader first
    paraf(naskah)
    assert waiting(naskah)[0].assignee == demo["kabidaptika"]

    # The head of field returns it to the drafter with a note.
    naskah_return(
        actor=demo["kabidaptika"],
        naskah=naskah,
        step_state=waiting(naskah)[0],
        expected_revisi=naskah.revisi_terakhir,
        note="Lengkapi dasar permintaan data.",
    )
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.DIKEMBALIKAN
    assert _events(naskah)[-1] == "naskah.return"

    # The drafter corrects the text (revision 2) and submits again: the route restarts.
    revisi = naskah_update(
        actor=demo["prakompertama"],
        naskah=naskah,
        expected_revisi=1,
        penandatangan=naskah.penandatangan,
        hal=naskah.hal,
        body=blocks_from_markup(
            "Dengan hormat, berdasarkan Peraturan Gubernur tentang Satu Data, kami mohon "
            "data layanan aplikasi sekolah."
        ),
        kode_klasifikasi=naskah.kode_klasifikasi,
    )
    assert revisi.nomor == 2
    submit(demo, naskah)
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.DIAJUKAN
    assert waiting(naskah)[0].assignee == demo["prakommuda"]
    assert waiting(naskah)[0].revision == "2"
    paraf(naskah)

    # The head of field corrects the subject himself and initials in the same action.
    naskah_correct(
        actor=demo["kabidaptika"],
        naskah=naskah,
        step_state=waiting(naskah)[0],
        expected_revisi=2,
        values=_correction(naskah, hal="Permohonan Data Layanan Aplikasi Sekolah Menengah"),
        note="Hal diperjelas.",
    )
    naskah.refresh_from_db()
    assert naskah.revisi_terakhir == 3 and naskah.hal.endswith("Sekolah Menengah")
    assert naskah.status == Naskah.Status.SIAP_TANDATANGAN

    # Signing seals the PDF and takes the number from the unit's book.
    from naskah.services.signing import naskah_sign
    from tests.letters import PASSPHRASE, enroll

    signer = signer_of(naskah)
    assert signer == demo["kadiskominfo"]
    enroll(signer)
    naskah_sign(naskah=naskah, signer=signer, passphrase=PASSPHRASE)
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.DITANDATANGANI
    assert naskah.nomor
    assert Nomor.objects.get(teks=naskah.nomor).status == Nomor.Status.DIGUNAKAN
    tte = NaskahTTE.objects.get(naskah=naskah, selesai=True)
    sealed = tte.dokumen_terakhir()
    from naskah.services.signing import sealed_bytes

    pdf = sealed_bytes(sealed)
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == sealed.sha256

    # Dispatch delivers it to the head (here the acting head) of the recipient unit.
    from naskah.services.distribusi import naskah_dispatch

    naskah_dispatch(naskah=naskah)
    row = Distribusi.objects.get(naskah=naskah, jenis="tujuan", pegawai__isnull=False)
    recipient = row.pegawai
    assert recipient == demo["sekdisdik"]  # Plt Kepala Dinas Pendidikan
    assert inbox_unread_count(recipient) == 1
    assert naskah.pk in {d.naskah_id for d in inbox_for(recipient)}
    distribusi_read(distribusi=row, actor=recipient)
    row.refresh_from_db()
    assert row.dibaca_pada is not None
    assert inbox_unread_count(recipient) == 0
    distribusi_read(distribusi=row, actor=recipient)  # a second opening records nothing

    # The archive takes the signed letter with the sealed PDF's hash.
    assert arsip_sync_sources().naskah >= 1
    record = ArsipRecord.objects.get(source_type="naskah.naskah", source_id=str(naskah.pk))
    assert record.nomor == naskah.nomor and record.hal == naskah.hal
    assert record.berkas_pdf == sealed.berkas.name
    assert record.berkas_pdf_sha256 == sealed.sha256 == hashlib.sha256(pdf).hexdigest()
    assert record.berkas is not None

    # One audit trail, in order, for the whole walk.
    events = _events(naskah)
    expected = [
        "naskah.create",
        "naskah.submit",
        "naskah.paraf",
        "naskah.return",
        "naskah.update",
        "naskah.resubmit",
        "naskah.paraf",
        "naskah.correct",
        "naskah.sign",
        "naskah.dispatch.internal",
        "naskah.read",
    ]
    remaining = iter(events)  # `expected`, in this order, within the letter's events
    assert all(action in remaining for action in expected), " ".join(events)
    assert events.count("naskah.read") == 1
    assert AuditEvent.objects.filter(action="penomoran.nomor.allocate").exists()
