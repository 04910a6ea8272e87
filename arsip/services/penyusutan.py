"""The disposal programme (penyusutan): transfer of inactive files to the records
centre, destruction, and hand-over of permanent files to the provincial archive.

Every step re-checks the rules, so a hold placed after approval still stops the
destruction. The rules (domain.md §8, invariant 11):
- only closed files with a complete JRA whose retention has run out;
- a file under a legal hold never enters any disposal action;
- permanent files and files holding a vital record never enter a destruction list;
- destruction needs the assessment committee and then the approval of the Head of ANRI
  (total retention of ten years or more) or of the Head of Region (under ten years);
- destruction deletes the stored file bytes and the content text, and keeps the
  metadata, the list and the minutes.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arsip.events import (
    PENYUSUTAN_APPROVE,
    PENYUSUTAN_ASSESS,
    PENYUSUTAN_EXECUTE,
    PENYUSUTAN_PROPOSE,
)
from arsip.models import ArsipRecord, Berkas, Penyusutan
from arsip.pdf import berita_acara_pdf
from arsip.permissions import is_arsiparis, is_panitia_penilai, is_pejabat_kearsipan
from arsip.selectors.retention import Jenis, berkas_blockers, required_authority
from arsip.tasks import arsip_index_schedule
from core.clock import office_today
from core.errors import ApplicationError, PermissionDeniedError
from core.indonesian import tanggal_panjang
from core.models import Pegawai
from core.services.audit import audit_record
from core.services.storage import storage_delete, storage_new_name, storage_save_pending


def _check_all(penyusutan: Penyusutan) -> list[Berkas]:
    files = list(penyusutan.berkas.select_related("kode_klasifikasi", "unit").order_by("nomor"))
    for berkas in files:
        reasons = berkas_blockers(berkas, penyusutan.jenis, ignore=penyusutan)
        if reasons:
            raise ApplicationError(
                _("File %(nomor)s cannot be included: %(reasons)s.")
                % {"nomor": berkas.nomor, "reasons": "; ".join(reasons)},
                code="blocked",
            )
    return files


def _next_nomor(jenis: str, year: int) -> str:
    prefix = {"pemindahan": "BAPI", "pemusnahan": "BAPM", "penyerahan": "BAPS"}[jenis]
    count = Penyusutan.objects.filter(jenis=jenis, nomor__startswith=f"{prefix}/{year}/").count()
    return f"{prefix}/{year}/{count + 1:04d}"


def _lock(penyusutan: Penyusutan, expected: str) -> Penyusutan:
    locked = Penyusutan.objects.select_for_update().get(pk=penyusutan.pk)
    if locked.status != expected:
        raise ApplicationError(
            _("This disposal action is %(status)s; the step is not possible now.")
            % {"status": locked.get_status_display()},
            code="state",
        )
    return locked


@transaction.atomic
def penyusutan_propose(
    *, actor: Pegawai, jenis: str, berkas: list[Berkas], keterangan: str = ""
) -> Penyusutan:
    if not is_arsiparis(actor):
        raise PermissionDeniedError(_("Only archivists may propose a disposal action."))
    if jenis not in Jenis.values:
        raise ApplicationError(_("Unknown kind of disposal action."))
    if not berkas:
        raise ApplicationError(_("Choose at least one file."))
    locked = list(Berkas.objects.select_for_update().filter(pk__in=[b.pk for b in berkas]))
    for item in sorted(locked, key=lambda b: b.nomor):
        reasons = berkas_blockers(item, jenis)
        if reasons:
            raise ApplicationError(
                _("File %(nomor)s cannot be included: %(reasons)s.")
                % {"nomor": item.nomor, "reasons": "; ".join(reasons)},
                code="blocked",
            )
    today = office_today()
    penyusutan = Penyusutan.objects.create(
        jenis=jenis,
        nomor=_next_nomor(jenis, today.year),
        diusulkan_oleh=actor,
        keterangan=keterangan.strip(),
    )
    penyusutan.berkas.set(locked)
    audit_record(
        actor=actor,
        action=PENYUSUTAN_PROPOSE[jenis],
        obj=penyusutan,
        details={"berkas": sorted(b.nomor for b in locked)},
    )
    return penyusutan


@transaction.atomic
def penyusutan_assess(
    *,
    actor: Pegawai,
    penyusutan: Penyusutan,
    setuju: bool,
    sk_panitia: str,
    hasil: str,
    keluarkan: list[Berkas] = (),
) -> Penyusutan:
    """The assessment committee (panitia penilai) accepts the list, possibly without
    some files, or rejects it. Not needed for a transfer."""
    penyusutan = _lock(penyusutan, Penyusutan.Status.DIUSULKAN)
    if penyusutan.jenis == Jenis.PEMINDAHAN:
        raise ApplicationError(_("A transfer needs no assessment; record the approval."))
    if not is_panitia_penilai(actor):
        raise PermissionDeniedError(_("Only the assessment committee may assess."))
    if actor.pk == penyusutan.diusulkan_oleh_id:
        raise PermissionDeniedError(_("The proposer cannot assess their own proposal."))
    if not sk_panitia.strip() or not hasil.strip():
        raise ApplicationError(_("Give the committee decree and the assessment result."))
    removed = [b for b in keluarkan if penyusutan.berkas.filter(pk=b.pk).exists()]
    if removed:
        penyusutan.berkas.remove(*removed)
    if setuju and not penyusutan.berkas.exists():
        raise ApplicationError(_("No file would remain in the list."))
    if setuju:
        _check_all(penyusutan)
    penyusutan.status = Penyusutan.Status.DINILAI if setuju else Penyusutan.Status.DITOLAK
    penyusutan.dinilai_oleh = actor
    penyusutan.dinilai_pada = timezone.now()
    penyusutan.sk_panitia = sk_panitia.strip()
    penyusutan.hasil_penilaian = hasil.strip()
    penyusutan.save()
    audit_record(
        actor=actor,
        action=PENYUSUTAN_ASSESS[penyusutan.jenis],
        obj=penyusutan,
        details={"setuju": setuju, "dikeluarkan": sorted(b.nomor for b in removed)},
    )
    return penyusutan


@transaction.atomic
def penyusutan_approve(
    *,
    actor: Pegawai,
    penyusutan: Penyusutan,
    setuju: bool,
    otoritas: str,
    persetujuan_nomor: str,
    persetujuan_tanggal: dt.date,
    persetujuan_pejabat: str,
) -> Penyusutan:
    """Record the approval (or refusal) given by the competent authority."""
    expected = (
        Penyusutan.Status.DIUSULKAN
        if penyusutan.jenis == Jenis.PEMINDAHAN
        else Penyusutan.Status.DINILAI
    )
    penyusutan = _lock(penyusutan, expected)
    if not is_pejabat_kearsipan(actor):
        raise PermissionDeniedError(_("Only the records officer may record an approval."))
    if actor.pk == penyusutan.diusulkan_oleh_id:
        raise PermissionDeniedError(_("The proposer cannot record the approval."))
    needed = required_authority(penyusutan)
    if otoritas != needed:
        raise ApplicationError(
            _("This action must be approved by: %(who)s.")
            % {"who": Penyusutan.Otoritas(needed).label},
            code="otoritas",
        )
    if not persetujuan_nomor.strip() or not persetujuan_pejabat.strip():
        raise ApplicationError(_("Give the approval letter number and the approving official."))
    if persetujuan_tanggal > office_today():
        raise ApplicationError(_("The approval date cannot be in the future."))
    if setuju:
        _check_all(penyusutan)
    penyusutan.status = Penyusutan.Status.DISETUJUI if setuju else Penyusutan.Status.DITOLAK
    penyusutan.otoritas = otoritas
    penyusutan.disetujui_dicatat_oleh = actor
    penyusutan.persetujuan_nomor = persetujuan_nomor.strip()
    penyusutan.persetujuan_tanggal = persetujuan_tanggal
    penyusutan.persetujuan_pejabat = persetujuan_pejabat.strip()
    penyusutan.save()
    audit_record(
        actor=actor,
        action=PENYUSUTAN_APPROVE[penyusutan.jenis],
        obj=penyusutan,
        details={"setuju": setuju, "otoritas": otoritas, "nomor": persetujuan_nomor.strip()},
    )
    return penyusutan


def _daftar(files: list[Berkas]) -> list[dict]:
    rows = []
    for berkas in files:
        for record in berkas.records.order_by("tanggal", "pk"):
            rows.append(
                {
                    "berkas_nomor": berkas.nomor,
                    "berkas_judul": berkas.judul,
                    "unit": berkas.unit.kode,
                    "kode": berkas.kode_klasifikasi.kode,
                    "record_id": record.pk,
                    "nomor": record.nomor,
                    "hal": record.hal,
                    "tanggal": record.tanggal.isoformat(),
                    "nasib_akhir": berkas.nasib_akhir,
                    "berkas_pdf_sha256": record.berkas_pdf_sha256,
                    "berkas_pindai_sha256": record.berkas_pindai_sha256,
                }
            )
    return rows


def _destroy_record(record: ArsipRecord) -> None:
    for path in (record.berkas_pdf, record.berkas_pindai, record.berkas_pdf_lta, record.gambar):
        if path:
            storage_delete(path)
    record.isi_teks = record.ocr_teks = record.lampiran_teks = record.gambar = ""
    record.status = ArsipRecord.Status.DIMUSNAHKAN
    record.save(
        update_fields=["isi_teks", "ocr_teks", "lampiran_teks", "gambar", "status", "updated_at"]
    )


@transaction.atomic
def penyusutan_execute(*, actor: Pegawai, penyusutan: Penyusutan) -> Penyusutan:
    """Carry out an approved action and write its minutes (berita acara) as a PDF."""
    penyusutan = _lock(penyusutan, Penyusutan.Status.DISETUJUI)
    if not is_arsiparis(actor):
        raise PermissionDeniedError(_("Only archivists may carry out a disposal action."))
    files = _check_all(penyusutan)
    daftar = _daftar(files)
    ids = [row["record_id"] for row in daftar]
    jenis = penyusutan.jenis
    if jenis == Jenis.PEMINDAHAN:
        ArsipRecord.objects.filter(pk__in=ids).update(status=ArsipRecord.Status.INAKTIF)
        Berkas.objects.filter(pk__in=[b.pk for b in files]).update(status=Berkas.Status.INAKTIF)
    elif jenis == Jenis.PENYERAHAN:
        ArsipRecord.objects.filter(pk__in=ids).update(status=ArsipRecord.Status.STATIS)
        Berkas.objects.filter(pk__in=[b.pk for b in files]).update(status=Berkas.Status.DISERAHKAN)
    else:
        for record in ArsipRecord.objects.select_for_update().filter(pk__in=ids):
            _destroy_record(record)
        Berkas.objects.filter(pk__in=[b.pk for b in files]).update(status=Berkas.Status.DIMUSNAHKAN)
    today = office_today()
    persetujuan = ""
    if penyusutan.persetujuan_nomor:
        persetujuan = (
            f"{penyusutan.get_otoritas_display()}: {penyusutan.persetujuan_pejabat}, "
            f"surat nomor {penyusutan.persetujuan_nomor} tanggal "
            f"{tanggal_panjang(penyusutan.persetujuan_tanggal)}"
        )
    penilaian = ""
    if penyusutan.sk_panitia:
        penilaian = f"{penyusutan.hasil_penilaian} (SK panitia {penyusutan.sk_panitia})"
    pdf = berita_acara_pdf(
        jenis=jenis,
        nomor=penyusutan.nomor,
        tanggal=today,
        pelaksana=actor.nama_lengkap,
        pejabat=penyusutan.persetujuan_pejabat or "-",
        persetujuan=persetujuan,
        penilaian=penilaian,
        daftar=daftar,
    )
    # Published when this transaction commits; a rollback leaves it to storage_sweep.
    penyusutan.berita_acara_pdf = storage_save_pending(
        storage_new_name("arsip/berita_acara", ".pdf"), pdf, []
    )
    penyusutan.berita_acara_sha256 = hashlib.sha256(pdf).hexdigest()
    penyusutan.daftar = daftar
    penyusutan.status = Penyusutan.Status.DILAKSANAKAN
    penyusutan.dilaksanakan_oleh = actor
    penyusutan.dilaksanakan_pada = timezone.now()
    penyusutan.save()
    arsip_index_schedule(ids)  # status (and for destruction the text) changed
    audit_record(
        actor=actor,
        action=PENYUSUTAN_EXECUTE[jenis],
        obj=penyusutan,
        details={
            "records": ids,
            "berita_acara_sha256": penyusutan.berita_acara_sha256,
        },
    )
    return penyusutan
