"""Registering an incoming letter (surat masuk): agenda number, files, duplicates; the
internal copy of a signed letter (register_internal)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.clock import office_today
from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import Jabatan, KodeKlasifikasi, Pegawai, UnitKerja
from core.services.audit import audit_record
from core.services.queue import SLOW
from core.services.storage import storage_remove
from core.validators import has_line_break
from core.vocabulary import KlasifikasiKeamanan, Urgensi
from naskah.masuk import permissions as perms
from naskah.masuk.events import MASUK_SURATMASUK_REGISTER
from naskah.masuk.models import (
    BerkasSuratMasuk,
    SuratMasuk,
)
from naskah.masuk.selectors import _norm, _norm_nomor, suratmasuk_find_duplicates
from naskah.masuk.services.notices import _notify_addressee
from naskah.masuk.uploads import CheckedFile, check_uploads, removed_by_file

logger = logging.getLogger(__name__)

AGENDA_FAMILY = "agenda_masuk"
AGENDA_FORMAT = "{nomor}/{unit}/{tahun}"
OBJECT_TYPE = "masuk.suratmasuk"
SUGGESTABLE = ("nomor_surat", "tanggal_surat", "hal")


# --- Helpers ---------------------------------------------------------------------------------


def _agenda_book(unit: UnitKerja, actor: Pegawai | None):
    """The unit's incoming register book (family "agenda_masuk"), opened on first use in
    its own transaction (before the allocation, to keep the lock order)."""
    from penomoran.models import BukuNomor
    from penomoran.services import bukunomor_create

    book = BukuNomor.objects.filter(unit=unit, jenis=AGENDA_FAMILY).first()
    if book is not None:
        return book
    try:
        return bukunomor_create(
            unit=unit,
            jenis=AGENDA_FAMILY,
            nama=_("Incoming register of %(unit)s") % {"unit": unit.nama},
            format=AGENDA_FORMAT,
            actor=actor,
        )
    except (IntegrityError, ApplicationError):
        # Another request opened it at the same moment.
        return BukuNomor.objects.get(unit=unit, jenis=AGENDA_FAMILY)


def _allocate_agenda(book, surat: SuratMasuk, actor: Pegawai | None):
    from penomoran.services import nomor_allocate

    return nomor_allocate(
        buku=book,
        kode_klasifikasi="",
        object_type=OBJECT_TYPE,
        object_id=str(surat.kunci),
        actor=actor,
    )


def _store_files(surat: SuratMasuk, files: list[CheckedFile], saved: list[str]) -> None:
    for order, item in enumerate(files):
        row = BerkasSuratMasuk(
            surat=surat,
            nama_asli=item.name,
            jenis=item.jenis,
            ukuran=item.ukuran,
            halaman=item.halaman,
            sha256=item.sha256,
            urutan=order,
            sha256_asli=item.sha256_asli,
        )
        row.berkas.save(item.name, ContentFile(item.data), save=False)
        saved.append(row.berkas.name)
        if item.asli is not None:
            row.berkas_asli.save(item.name, ContentFile(item.asli), save=False)
            saved.append(row.berkas_asli.name)
        row.save()


def _enqueue_ocr(surat_id: int) -> None:
    from core.services.queue import task_enqueue

    task_enqueue(
        "naskah.masuk.tasks.suratmasuk_ocr_task",
        surat_id,
        task_name=f"masuk-ocr-{surat_id}",
        queue=SLOW,
    )


@dataclass(frozen=True)
class DataSurat:
    pengirim: str
    hal: str
    tanggal_diterima: dt.date
    urgensi: str
    klasifikasi_keamanan: str
    kode_klasifikasi: KodeKlasifikasi
    jabatan_tujuan: Jabatan
    nomor_surat: str = ""
    tanggal_surat: dt.date | None = None
    jumlah_lampiran: int = 0


def _validate(unit: UnitKerja, data: DataSurat) -> None:
    errors = []
    if not data.pengirim.strip():
        errors.append(_("Give the sender."))
    if not data.hal.strip():
        errors.append(_("Give the subject."))
    elif has_line_break(data.hal.strip()):
        errors.append(_("The subject must be a single line; remove the line break."))
    today = office_today()
    if data.tanggal_diterima > today:
        errors.append(_("The date received cannot be in the future."))
    if data.tanggal_surat and data.tanggal_surat > data.tanggal_diterima:
        errors.append(_("The letter date cannot be after the date received."))
    if data.urgensi not in Urgensi.values:
        errors.append(_("Unknown urgency."))
    if data.klasifikasi_keamanan not in KlasifikasiKeamanan.values:
        errors.append(_("Unknown security class."))
    if not data.kode_klasifikasi.aktif or not data.kode_klasifikasi.skema.aktif:
        errors.append(_("The classification code is not in use."))
    if data.jumlah_lampiran < 0:
        errors.append(_("The number of attachments cannot be negative."))
    j = data.jabatan_tujuan
    if not j.aktif or not j.unit.path.startswith(unit.path):
        errors.append(_("The addressed position must be an active position of this unit."))
    if errors:
        raise ApplicationError(" ".join(errors), code="invalid")


def _duplicate_error(duplicates: list[SuratMasuk]) -> ConflictError:
    listed = ", ".join(s.nomor_agenda for s in duplicates)
    return ConflictError(
        _(
            "A letter from this sender with this number is already registered (agenda "
            "%(agenda)s). Confirm to register it again."
        )
        % {"agenda": listed},
        code="duplicate",
        extra={"duplikat": [s.pk for s in duplicates]},
    )


def suratmasuk_register(
    *,
    actor: Pegawai,
    unit: UnitKerja,
    data: DataSurat,
    files: list[tuple[str, bytes]],
    konfirmasi_duplikat: bool = False,
) -> SuratMasuk:
    """Register an incoming letter with its scans in the unit's register. Files are checked
    by content first; any bad file, bad field or unconfirmed duplicate leaves nothing
    behind (no row, no number, no file). OCR is queued after commit."""
    if not perms.can_register(actor, unit):
        raise PermissionDeniedError(
            _("You do not keep the incoming register of %(unit)s.") % {"unit": unit.nama}
        )
    _validate(unit, data)
    checked = check_uploads(files)
    duplicates = suratmasuk_find_duplicates(
        unit=unit, pengirim=data.pengirim, nomor_surat=data.nomor_surat
    )
    if duplicates and not konfirmasi_duplikat:
        raise _duplicate_error(duplicates)
    return _register(
        actor=actor,
        unit=unit,
        data=data,
        checked=checked,
        asal=SuratMasuk.Asal.EKSTERNAL,
        duplicates=duplicates,
    )


def _register(
    *,
    actor: Pegawai | None,
    unit: UnitKerja,
    data: DataSurat,
    checked: list[CheckedFile],
    asal: str,
    duplicates: list[SuratMasuk],
    sumber: tuple[str, str] = ("", ""),
) -> SuratMasuk:
    book = _agenda_book(unit, actor)
    saved: list[str] = []
    try:
        with transaction.atomic():
            surat = SuratMasuk(
                unit=unit,
                asal=asal,
                pengirim=data.pengirim.strip(),
                pengirim_norm=_norm(data.pengirim),
                nomor_surat=data.nomor_surat.strip(),
                nomor_surat_norm=_norm_nomor(data.nomor_surat),
                tanggal_surat=data.tanggal_surat,
                tanggal_diterima=data.tanggal_diterima,
                hal=data.hal.strip(),
                urgensi=data.urgensi,
                klasifikasi_keamanan=data.klasifikasi_keamanan,
                kode_klasifikasi=data.kode_klasifikasi,
                jumlah_lampiran=data.jumlah_lampiran,
                jabatan_tujuan=data.jabatan_tujuan,
                sumber_type=sumber[0],
                sumber_id=sumber[1],
                dibuat_oleh=actor,
                dibuat_pada=timezone.now(),
            )
            nomor = _allocate_agenda(book, surat, actor)
            surat.nomor_ref = nomor
            surat.nomor_agenda = nomor.teks
            surat.agenda_tahun = nomor.tahun
            surat.agenda_urut = nomor.urut
            surat.save()
            _store_files(surat, checked, saved)
            audit_record(
                actor=actor,
                action=MASUK_SURATMASUK_REGISTER,
                obj=surat,
                details={
                    "agenda": surat.nomor_agenda,
                    "asal": asal,
                    "files": [_file_audit(f) for f in checked],
                    "duplikat_dikonfirmasi": [s.pk for s in duplicates],
                    "sumber": list(sumber) if sumber[1] else None,
                },
            )
            _enqueue_ocr(surat.pk)
            if asal == SuratMasuk.Asal.EKSTERNAL:
                _notify_addressee(surat)
    except BaseException:
        storage_remove(saved, after="a failed registration")
        raise
    # Told to the registrar now (not stored on the row; the audit event keeps it).
    surat.konten_aktif_dihapus = removed_by_file(checked)
    return surat


def _file_audit(item: CheckedFile) -> dict:
    entry = {"name": item.name, "sha256": item.sha256}
    if item.sha256_asli:
        entry["sha256_asli"] = item.sha256_asli
    if item.dihapus:
        entry["konten_aktif_dihapus"] = item.dihapus
    return entry


def suratmasuk_register_internal(
    *,
    unit: UnitKerja,
    jabatan_tujuan: Jabatan,
    pengirim: str,
    nomor_surat: str,
    tanggal_surat: dt.date,
    hal: str,
    urgensi: str,
    klasifikasi_keamanan: str,
    kode_klasifikasi: KodeKlasifikasi,
    pdf: bytes,
    nama_berkas: str,
    sumber_type: str,
    sumber_id: str | int,
    jumlah_lampiran: int = 0,
    actor: Pegawai | None = None,
    asal: str = SuratMasuk.Asal.INTERNAL,
    lampiran: tuple[tuple[str, bytes], ...] = (),
) -> SuratMasuk:
    """Register a letter signed in Naskah in a recipient unit's register (called by the
    outgoing dispatch, and by pertukaran for a signed letter from a peer instance, with
    `asal` external and its attachment files). Idempotent per (unit, source object): a
    second call returns the letter registered by the first. Files are checked like any
    upload."""
    sumber = (str(sumber_type), str(sumber_id))
    if not sumber[0] or not sumber[1]:
        raise ApplicationError(_("The source letter is required."), code="no_source")
    existing = SuratMasuk.objects.filter(
        unit=unit, sumber_type=sumber[0], sumber_id=sumber[1]
    ).first()
    if existing is not None:
        return existing
    data = DataSurat(
        pengirim=pengirim,
        hal=hal,
        tanggal_diterima=office_today(),
        urgensi=urgensi,
        klasifikasi_keamanan=klasifikasi_keamanan,
        kode_klasifikasi=kode_klasifikasi,
        jabatan_tujuan=jabatan_tujuan,
        nomor_surat=nomor_surat,
        tanggal_surat=tanggal_surat,
        jumlah_lampiran=jumlah_lampiran,
    )
    _validate(unit, data)
    checked = check_uploads([(nama_berkas, pdf), *lampiran])
    try:
        return _register(
            actor=actor,
            unit=unit,
            data=data,
            checked=checked,
            asal=asal,
            duplicates=[],
            sumber=sumber,
        )
    except IntegrityError:
        found = SuratMasuk.objects.filter(
            unit=unit, sumber_type=sumber[0], sumber_id=sumber[1]
        ).first()
        if found is None:
            raise
        return found
