"""Transfer, destruction and hand-over: the happy paths with their minutes, and every
case that must be refused."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from pypdf import PdfReader

from arsip.models import ArsipRecord, Berkas, Penyusutan
from arsip.selectors.retention import berkas_due, required_authority
from arsip.services.penyusutan import (
    penyusutan_approve,
    penyusutan_assess,
    penyusutan_execute,
    penyusutan_propose,
)
from arsip.services.records import arsip_record_set_flags, berkas_close, berkas_open
from core.errors import ApplicationError, PermissionDeniedError
from core.models import AuditEvent
from core.services.storage import storage_read
from tests.arsip.conftest import make_record, unit

TODAY = dt.date(2026, 11, 23)
Jenis = Penyusutan.Jenis
Otoritas = Penyusutan.Otoritas


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC), tick=False):
        yield


def closed_berkas(people, kode, *, ditutup=dt.date(2020, 12, 31), records=1, **flags):
    arsiparis = people["arsiparis"]
    berkas = berkas_open(
        actor=arsiparis,
        unit=unit("DISKOMINFOTIK"),
        kode_klasifikasi=kode,
        judul=f"Berkas {kode.kode}",
        nomor=f"B-{kode.kode}-{Berkas.objects.count() + 1}",
        dibuka=dt.date(ditutup.year, 1, 1),
    )
    for i in range(records):
        pdf = default_storage.save(f"arsip/naskah/{berkas.pk}-{i}.pdf", ContentFile(b"%PDF-1.4 x"))
        record = make_record(
            hal=f"Surat cuti pegawai {i}",
            isi="Isi surat tentang cuti pegawai.",
            kode=kode,
            berkas=berkas,
            nomor=f"{kode.kode}/{i + 1}/DISKOMINFOTIK/2020",
            berkas_pdf=pdf,
            berkas_pdf_sha256="0" * 64,
        )
        if flags:
            arsip_record_set_flags(actor=arsiparis, record=record, alasan="uji", **flags)
    return berkas_close(actor=arsiparis, berkas=berkas, ditutup=ditutup)


def pdf_text(path: str) -> str:
    # The minutes are published when their transaction commits; the test's never does.
    reader = PdfReader(io.BytesIO(storage_read(path)))
    return "\n".join(page.extract_text() for page in reader.pages)


def approve(people, penyusutan, otoritas, setuju=True):
    return penyusutan_approve(
        actor=people["kabagtu"],
        penyusutan=penyusutan,
        setuju=setuju,
        otoritas=otoritas,
        persetujuan_nomor="000.5.6.2/99/2026",
        persetujuan_tanggal=dt.date(2026, 11, 1),
        persetujuan_pejabat="Gubernur Lampung",
    )


def assess(people, penyusutan, **kw):
    return penyusutan_assess(
        actor=people["karoumum"],
        penyusutan=penyusutan,
        setuju=kw.pop("setuju", True),
        sk_panitia="SK 800/12/2026",
        hasil="Arsip tidak memiliki nilai guna lagi",
        **kw,
    )


# --- destruction ------------------------------------------------------------------------


def test_destruction_full_flow_deletes_bytes_keeps_metadata_and_writes_minutes(people, codes):
    berkas = closed_berkas(people, codes["musnah"], records=2)
    records = list(berkas.records.all())
    paths = [r.berkas_pdf for r in records]
    assert all(default_storage.exists(p) for p in paths)
    assert berkas in berkas_due(Jenis.PEMUSNAHAN)

    p = penyusutan_propose(actor=people["arsiparis"], jenis=Jenis.PEMUSNAHAN, berkas=[berkas])
    p = assess(people, p)
    assert required_authority(p) == Otoritas.KEPALA_DAERAH  # 1 + 2 years < 10
    p = approve(people, p, Otoritas.KEPALA_DAERAH)
    p = penyusutan_execute(actor=people["arsiparis"], penyusutan=p)

    assert p.status == Penyusutan.Status.DILAKSANAKAN
    assert not any(default_storage.exists(path) for path in paths)
    for record in records:
        record.refresh_from_db()
        assert record.status == ArsipRecord.Status.DIMUSNAHKAN
        assert record.isi_teks == ""  # content gone
        assert record.hal.startswith("Surat cuti")  # metadata kept
        assert record.berkas_pdf_sha256 == "0" * 64
    berkas.refresh_from_db()
    assert berkas.status == Berkas.Status.DIMUSNAHKAN
    assert len(p.daftar) == 2
    with pytest.raises(ApplicationError, match="destroyed"):  # the source cannot revive it
        make_record(
            hal="Surat cuti pegawai 0",
            kode=codes["musnah"],
            source_type=records[0].source_type,
            source_id=records[0].source_id,
        )
    text = pdf_text(p.berita_acara_pdf)
    assert "BERITA ACARA PEMUSNAHAN ARSIP" in text
    assert p.nomor in text
    assert "DAFTAR ARSIP YANG DIMUSNAHKAN" in text
    assert "800.1.11.1/1/DISKOMINFOTIK/2020" in text.replace("\n", "")
    assert "Gubernur Lampung" in text
    actions = set(
        AuditEvent.objects.filter(object_type="arsip.penyusutan", object_id=str(p.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == {
        "arsip.pemusnahan.propose",
        "arsip.pemusnahan.assess",
        "arsip.pemusnahan.approve",
        "arsip.pemusnahan.execute",
    }


def test_long_retention_needs_head_of_anri(people, codes):
    berkas = closed_berkas(people, codes["musnah_lama"], ditutup=dt.date(2014, 12, 31))
    p = penyusutan_propose(actor=people["arsiparis"], jenis=Jenis.PEMUSNAHAN, berkas=[berkas])
    p = assess(people, p)
    assert required_authority(p) == Otoritas.KEPALA_ANRI  # 2 + 8 = 10 years
    with pytest.raises(ApplicationError, match="Head of ANRI"):
        approve(people, p, Otoritas.KEPALA_DAERAH)
    p = approve(people, p, Otoritas.KEPALA_ANRI)
    assert p.otoritas == Otoritas.KEPALA_ANRI


def _propose(people, berkas, jenis=Jenis.PEMUSNAHAN):
    return penyusutan_propose(actor=people["arsiparis"], jenis=jenis, berkas=[berkas])


def test_permanent_file_never_enters_destruction_list(people, codes):
    berkas = closed_berkas(people, codes["permanen"])
    assert berkas not in berkas_due(Jenis.PEMUSNAHAN)
    with pytest.raises(ApplicationError, match="permanent files are never destroyed"):
        _propose(people, berkas)
    assert not Penyusutan.objects.exists()


def test_legal_hold_blocks_destruction(people, codes):
    berkas = closed_berkas(people, codes["musnah"], legal_hold=True)
    with pytest.raises(ApplicationError, match="legal hold"):
        _propose(people, berkas)


def test_legal_hold_blocks_transfer_and_hand_over(people, codes):
    held = closed_berkas(people, codes["musnah"], ditutup=dt.date(2024, 6, 30), legal_hold=True)
    with pytest.raises(ApplicationError, match="legal hold"):
        _propose(people, held, Jenis.PEMINDAHAN)
    permanent = closed_berkas(people, codes["permanen"], legal_hold=True)
    with pytest.raises(ApplicationError, match="legal hold"):
        _propose(people, permanent, Jenis.PENYERAHAN)


def test_vital_record_blocks_destruction(people, codes):
    berkas = closed_berkas(people, codes["musnah"], vital=True)
    with pytest.raises(ApplicationError, match="vital record"):
        _propose(people, berkas)


def test_hold_placed_after_approval_stops_execution(people, codes):
    berkas = closed_berkas(people, codes["musnah"])
    p = approve(people, assess(people, _propose(people, berkas)), Otoritas.KEPALA_DAERAH)
    record = berkas.records.first()
    arsip_record_set_flags(
        actor=people["arsiparis"], record=record, legal_hold=True, alasan="Sengketa"
    )
    with pytest.raises(ApplicationError, match="legal hold"):
        penyusutan_execute(actor=people["arsiparis"], penyusutan=p)
    record.refresh_from_db()
    assert record.status == ArsipRecord.Status.AKTIF
    assert default_storage.exists(record.berkas_pdf)


def test_vital_flag_set_after_assessment_stops_approval(people, codes):
    berkas = closed_berkas(people, codes["musnah"])
    p = assess(people, _propose(people, berkas))
    arsip_record_set_flags(actor=people["arsiparis"], record=berkas.records.first(), vital=True)
    with pytest.raises(ApplicationError, match="vital"):
        approve(people, p, Otoritas.KEPALA_DAERAH)


def test_retention_not_run_out_is_refused(people, codes):
    berkas = closed_berkas(people, codes["musnah"], ditutup=dt.date(2025, 12, 31))
    with pytest.raises(ApplicationError, match="retention has not run out"):
        _propose(people, berkas)


def test_file_without_jra_is_refused(people, codes):
    berkas = closed_berkas(people, codes["tanpa_jra"])
    with pytest.raises(ApplicationError, match="JRA not yet set"):
        _propose(people, berkas)
    assert berkas not in berkas_due(Jenis.PEMUSNAHAN)


def test_open_file_is_refused(people, codes):
    berkas = berkas_open(
        actor=people["arsiparis"],
        unit=unit("DISKOMINFOTIK"),
        kode_klasifikasi=codes["musnah"],
        judul="terbuka",
        dibuka=dt.date(2019, 1, 1),
    )
    with pytest.raises(ApplicationError, match="still open"):
        _propose(people, berkas)


def test_file_cannot_be_in_two_actions(people, codes):
    berkas = closed_berkas(people, codes["musnah"])
    _propose(people, berkas)
    with pytest.raises(ApplicationError, match="another disposal action"):
        _propose(people, berkas)


def test_destroyed_file_cannot_be_destroyed_again(people, codes):
    berkas = closed_berkas(people, codes["musnah"])
    p = approve(people, assess(people, _propose(people, berkas)), Otoritas.KEPALA_DAERAH)
    penyusutan_execute(actor=people["arsiparis"], penyusutan=p)
    with pytest.raises(ApplicationError, match="already disposed"):
        _propose(people, berkas)


def test_roles_and_separation_of_duties(people, codes):
    berkas = closed_berkas(people, codes["musnah"])
    with pytest.raises(PermissionDeniedError):
        penyusutan_propose(actor=people["stafaptika"], jenis=Jenis.PEMUSNAHAN, berkas=[berkas])
    p = _propose(people, berkas)
    with pytest.raises(PermissionDeniedError):
        penyusutan_assess(
            actor=people["kabagtu"], penyusutan=p, setuju=True, sk_panitia="x", hasil="y"
        )
    with pytest.raises(ApplicationError, match="not possible now"):
        approve(people, p, Otoritas.KEPALA_DAERAH)  # not yet assessed
    with pytest.raises(ApplicationError, match="not possible now"):
        penyusutan_execute(actor=people["arsiparis"], penyusutan=p)
    p = assess(people, p)
    with pytest.raises(PermissionDeniedError):
        penyusutan_approve(
            actor=people["karoumum"],
            penyusutan=p,
            setuju=True,
            otoritas=Otoritas.KEPALA_DAERAH,
            persetujuan_nomor="1",
            persetujuan_tanggal=dt.date(2026, 11, 1),
            persetujuan_pejabat="x",
        )
    with pytest.raises(ApplicationError, match="future"):
        penyusutan_approve(
            actor=people["kabagtu"],
            penyusutan=p,
            setuju=True,
            otoritas=Otoritas.KEPALA_DAERAH,
            persetujuan_nomor="1",
            persetujuan_tanggal=dt.date(2026, 12, 1),
            persetujuan_pejabat="x",
        )


def test_proposer_cannot_assess_own_proposal(people, codes):
    people["arsiparis"].groups.add(*people["karoumum"].groups.filter(name="Panitia Penilai Arsip"))
    berkas = closed_berkas(people, codes["musnah"])
    p = _propose(people, berkas)
    with pytest.raises(PermissionDeniedError, match="own proposal"):
        penyusutan_assess(
            actor=people["arsiparis"], penyusutan=p, setuju=True, sk_panitia="x", hasil="y"
        )


def test_committee_can_leave_files_out_or_reject(people, codes):
    first = closed_berkas(people, codes["musnah"])
    second = closed_berkas(people, codes["musnah"])
    p = penyusutan_propose(
        actor=people["arsiparis"], jenis=Jenis.PEMUSNAHAN, berkas=[first, second]
    )
    p = assess(people, p, keluarkan=[second])
    assert list(p.berkas.all()) == [first]
    other = closed_berkas(people, codes["musnah"])
    rejected = assess(people, _propose(people, other), setuju=False)
    assert rejected.status == Penyusutan.Status.DITOLAK
    # A rejected action frees the file for a new proposal.
    assert _propose(people, other).status == Penyusutan.Status.DIUSULKAN


# --- transfer and hand-over ---------------------------------------------------------------


def test_transfer_to_records_centre_with_minutes(people, codes):
    berkas = closed_berkas(people, codes["musnah_lama"], ditutup=dt.date(2023, 12, 31))
    assert berkas in berkas_due(Jenis.PEMINDAHAN)
    p = _propose(people, berkas, Jenis.PEMINDAHAN)
    with pytest.raises(ApplicationError, match="needs no assessment"):
        assess(people, p)
    p = approve(people, p, Otoritas.KEPALA_UNIT_KEARSIPAN)
    p = penyusutan_execute(actor=people["arsiparis"], penyusutan=p)
    berkas.refresh_from_db()
    assert berkas.status == Berkas.Status.INAKTIF
    assert set(berkas.records.values_list("status", flat=True)) == {"inaktif"}
    text = pdf_text(p.berita_acara_pdf)
    assert "BERITA ACARA PEMINDAHAN ARSIP INAKTIF" in text
    assert "DAFTAR ARSIP YANG DIPINDAHKAN" in text


def test_transfer_refused_while_active_retention_runs(people, codes):
    berkas = closed_berkas(people, codes["musnah_lama"], ditutup=dt.date(2025, 12, 31))
    with pytest.raises(ApplicationError, match="active retention"):
        _propose(people, berkas, Jenis.PEMINDAHAN)


def test_hand_over_of_permanent_records(people, codes):
    berkas = closed_berkas(people, codes["permanen"])
    assert berkas in berkas_due(Jenis.PENYERAHAN)
    p = assess(people, _propose(people, berkas, Jenis.PENYERAHAN))
    p = approve(people, p, Otoritas.LEMBAGA_KEARSIPAN)
    p = penyusutan_execute(actor=people["arsiparis"], penyusutan=p)
    berkas.refresh_from_db()
    assert berkas.status == Berkas.Status.DISERAHKAN
    record = berkas.records.get()
    assert record.status == ArsipRecord.Status.STATIS
    assert default_storage.exists(record.berkas_pdf)  # handed over, not destroyed
    text = pdf_text(p.berita_acara_pdf)
    assert "BERITA ACARA PENYERAHAN ARSIP STATIS" in text
    assert "autentik" in text


def test_only_permanent_files_are_handed_over(people, codes):
    berkas = closed_berkas(people, codes["musnah"])
    with pytest.raises(ApplicationError, match="only permanent"):
        _propose(people, berkas, Jenis.PENYERAHAN)
