"""Services of the incoming-letter register and the disposition tree.

Each service is keyword-only, atomic and writes its audit event as its last write. Lock
order (deadlock-free with the numbering app): agenda counter (nomor_allocate) → letter
row → audit chain head. Tree operations lock the letter row first, so the completion
rule ("complete when every branch is closed") is checked against a stable tree.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import hooks
from core.clock import office_today
from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import Jabatan, KodeKlasifikasi, Pegawai, TimKerja, UnitKerja
from core.pdfsafe import pdf_sanitize
from core.selectors.organisasi import jabatan_holder_on
from core.services.attempts import Slot, attempt_claim, attempt_failed, attempt_reset, max_attempts
from core.services.audit import audit_record
from core.services.queue import SLOW
from core.services.storage import storage_remove
from core.validators import has_line_break, single_line
from core.vocabulary import KlasifikasiKeamanan, Urgensi
from naskah.masuk import ocr as ocr_lib
from naskah.masuk import permissions as perms
from naskah.masuk.berkas import CheckedFile, check_uploads, removed_by_file
from naskah.masuk.conf import conf
from naskah.masuk.models import (
    BerkasSuratMasuk,
    BerkasTindakLanjut,
    Disposisi,
    DisposisiPenerima,
    InstruksiDisposisi,
    SuratBalasan,
    SuratMasuk,
    TindakLanjut,
)

logger = logging.getLogger(__name__)

AGENDA_FAMILY = "agenda_masuk"
AGENDA_FORMAT = "{nomor}/{unit}/{tahun}"
OBJECT_TYPE = "masuk.suratmasuk"
SUGGESTABLE = ("nomor_surat", "tanggal_surat", "hal")


# --- Helpers ---------------------------------------------------------------------------------


def _norm(value: str) -> str:
    return re.sub(r"\s+", " ", (value or "").strip()).casefold()


def _norm_nomor(value: str) -> str:
    return re.sub(r"\s+", "", (value or "")).casefold()


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


def suratmasuk_find_duplicates(
    *, unit: UnitKerja, pengirim: str, nomor_surat: str, exclude_pk: int | None = None
) -> list[SuratMasuk]:
    """Letters of the same register with the same sender and sender's number."""
    if not _norm_nomor(nomor_surat):
        return []
    qs = SuratMasuk.objects.filter(
        unit=unit, pengirim_norm=_norm(pengirim), nomor_surat_norm=_norm_nomor(nomor_surat)
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return list(qs.order_by("dibuat_pada"))


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
                action="masuk.suratmasuk.register",
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


# --- OCR -----------------------------------------------------------------------------------


OCR_SLOT = Slot(
    model=SuratMasuk,
    kind="masuk.ocr",
    task="naskah.masuk.tasks.suratmasuk_ocr_task",
    status="ocr_status",
    attempts="ocr_percobaan",
    claim="ocr_token",
    lease="ocr_sewa",
    started="ocr_mulai_pada",
    error="ocr_pesan",
    next_try="ocr_coba_lagi_pada",
    pending=SuratMasuk.StatusOCR.MENUNGGU,
    running=SuratMasuk.StatusOCR.DIPROSES,
    failed=SuratMasuk.StatusOCR.GAGAL,
    queue=SLOW,
)


def _ocr_state(surat_id: int) -> str:
    return SuratMasuk.objects.filter(pk=surat_id).values_list("ocr_status", flat=True).first() or ""


def _ocr_failed(attempt, *, error: str, retry: bool = True) -> str:
    """Record a failed OCR attempt (retried with backoff while attempts remain) and its
    audit event; the user sees a translated sentence, the log has the detail."""
    with transaction.atomic():
        state = attempt_failed(OCR_SLOT, attempt, error=error, retry=retry)
        if state is None:
            return _ocr_state(attempt.pk)
        surat = SuratMasuk.objects.get(pk=attempt.pk)
        audit_record(
            actor=None,
            action="masuk.suratmasuk.ocr_failed",
            obj=surat,
            details={"status": state, "percobaan": attempt.number, "message": error},
        )
    return state


def suratmasuk_ocr_run(*, surat_id: int) -> str:
    """Combine the scans, add a text layer where missing, store text and suggestions.
    Each run is an attempt recorded on the letter (core.services.attempts): a finished
    letter is left alone, a run whose worker died is redone by the redelivered task, a
    failed run is retried with backoff and then left "failed" with a retry action
    (`suratmasuk_ocr_retry`). Returns the resulting OCR status."""
    attempt = attempt_claim(OCR_SLOT, surat_id)
    if attempt is None:
        return _ocr_state(surat_id)
    if attempt.exhausted:
        return _ocr_failed(
            attempt,
            error=_("OCR stopped after %(n)d attempts that did not finish.")
            % {"n": attempt.number - 1},
            retry=False,
        )
    try:
        return _ocr_attempt(surat_id, attempt)
    except Exception:  # OCRmyPDF/tesseract failures: a visible state, never a crash
        logger.exception("OCR failed for incoming letter %s", surat_id)
        return _ocr_failed(
            attempt,
            error=_("Reading the scans failed (attempt %(n)d of %(max)d).")
            % {"n": attempt.number, "max": max_attempts()},
        )


def _ocr_attempt(surat_id: int, attempt) -> str:
    S = SuratMasuk.StatusOCR
    surat = SuratMasuk.objects.get(pk=surat_id)
    files = []
    for item in surat.berkas.all():
        with item.berkas.open("rb") as handle:
            files.append((item.jenis, handle.read()))
    pdf, text, status, message = b"", "", S.SELESAI, ""
    # A letter signed in Naskah is born digital: its text layer is read as it is, never
    # OCRed (OCRmyPDF refuses signed PDFs, and its metadata came from the letter itself).
    internal = surat.asal == SuratMasuk.Asal.INTERNAL
    try:
        result = ocr_lib.ocr_files(files, text_only=True) if internal else ocr_lib.ocr_files(files)
        pdf, text = result.pdf, result.text
        if not result.ocr_applied:
            message = "text layer present"
    except ocr_lib.OcrUnavailable as error:
        status, message = S.TIDAK_TERSEDIA, str(error.reason)
        pdf = ocr_lib.combine(files)
    if pdf:
        # OCRmyPDF and the joining keep whatever the scans carry: the stored searchable PDF
        # is cleaned like every upload (invariant 10); one that cannot be is not stored.
        try:
            pdf = pdf_sanitize(pdf).data
        except ApplicationError as error:
            logger.warning("OCR output of incoming letter %s refused: %s", surat_id, error)
            pdf = b""
            if status == S.SELESAI:
                status, message = S.GAGAL, str(error.message)[:500]
    saran = {}
    if text and not internal:
        current = {
            "nomor_surat": surat.nomor_surat,
            "tanggal_surat": surat.tanggal_surat.isoformat() if surat.tanggal_surat else "",
            "hal": surat.hal,
        }
        saran = {
            k: v
            for k, v in ocr_lib.suggest_metadata(text).items()
            if k in current and _norm(v) != _norm(current[k])
        }
    with transaction.atomic():
        locked = SuratMasuk.objects.select_for_update().get(pk=surat_id)
        if locked.ocr_token != attempt.token:  # superseded (core.services.attempts)
            return locked.ocr_status
        if pdf:
            if locked.berkas_pdf:
                locked.berkas_pdf.delete(save=False)
            locked.berkas_pdf.save(f"surat-masuk-{locked.pk}.pdf", ContentFile(pdf), save=False)
        locked.ocr_status, locked.ocr_pesan, locked.ocr_teks = status, message, text
        locked.ocr_saran = saran
        locked.ocr_selesai_pada = timezone.now()
        locked.ocr_sewa, locked.ocr_coba_lagi_pada = "", None
        locked.save(
            update_fields=[
                "berkas_pdf",
                "ocr_status",
                "ocr_pesan",
                "ocr_teks",
                "ocr_saran",
                "ocr_selesai_pada",
                "ocr_sewa",
                "ocr_coba_lagi_pada",
            ]
        )
        audit_record(
            actor=None,
            action="masuk.suratmasuk.ocr",
            obj=locked,
            details={"status": status, "message": message, "saran": sorted(saran)},
        )
    return status


def suratmasuk_ocr_retry(*, surat: SuratMasuk, actor: Pegawai) -> SuratMasuk:
    """The agendaris asks for OCR again after it failed (or after the OCR tools were
    installed): back to waiting with a fresh count, queued on commit, audited."""
    if not perms.can_manage_register(actor, surat):
        raise PermissionDeniedError(_("Only the register's agendaris may retry the OCR."))
    S = SuratMasuk.StatusOCR
    with transaction.atomic():
        if not attempt_reset(OCR_SLOT, surat.pk, from_states=[S.GAGAL, S.TIDAK_TERSEDIA]):
            raise ConflictError(
                _("The OCR of this letter has not failed; there is nothing to retry."),
                code="not_failed",
            )
        surat.refresh_from_db()
        audit_record(actor=actor, action="masuk.suratmasuk.ocr_retry", obj=surat, details={})
        _enqueue_ocr(surat.pk)
    return surat


def suratmasuk_apply_saran(
    *,
    surat: SuratMasuk,
    actor: Pegawai,
    fields: list[str],
    konfirmasi_duplikat: bool = False,
) -> SuratMasuk:
    """Copy the suggestions the registrar confirmed (field names) into the letter. Nothing
    from OCR is ever saved in the letter's metadata without this call."""
    if not perms.can_manage_register(actor, surat):
        raise PermissionDeniedError(_("Only the register's agendaris may change its data."))
    fields = [f for f in dict.fromkeys(fields)]
    unknown = [f for f in fields if f not in SUGGESTABLE]
    if unknown or not fields:
        raise ApplicationError(_("Choose the suggestions to apply."), code="no_fields")
    with transaction.atomic():
        locked = SuratMasuk.objects.select_for_update().get(pk=surat.pk)
        missing = [f for f in fields if f not in locked.ocr_saran]
        if missing:
            raise ConflictError(
                _("The suggestions changed; reload the page."), code="stale_suggestions"
            )
        before = {f: str(getattr(locked, f) or "") for f in fields}
        for name in fields:
            value = locked.ocr_saran[name]
            if name == "hal":
                value = single_line(value)  # OCR text keeps the letter's line breaks
            if name == "tanggal_surat":
                value = dt.date.fromisoformat(value)
                if value > locked.tanggal_diterima:
                    raise ApplicationError(
                        _("The letter date cannot be after the date received."), code="invalid"
                    )
            setattr(locked, name, value)
        if "nomor_surat" in fields:
            locked.nomor_surat_norm = _norm_nomor(locked.nomor_surat)
            duplicates = suratmasuk_find_duplicates(
                unit=locked.unit,
                pengirim=locked.pengirim,
                nomor_surat=locked.nomor_surat,
                exclude_pk=locked.pk,
            )
            if duplicates and not konfirmasi_duplikat:
                raise _duplicate_error(duplicates)
        locked.ocr_saran = {k: v for k, v in locked.ocr_saran.items() if k not in fields}
        locked.save()
        audit_record(
            actor=actor,
            action="masuk.suratmasuk.apply_saran",
            obj=locked,
            details={"before": before, "after": {f: str(getattr(locked, f)) for f in fields}},
        )
    return locked


# --- Disposition tree ----------------------------------------------------------------------


@dataclass(frozen=True)
class Tujuan:
    """One recipient: exactly one of a position, a person or a work team."""

    jabatan: Jabatan | None = None
    pegawai: Pegawai | None = None
    tim: TimKerja | None = None

    @property
    def key(self) -> str:
        if self.jabatan:
            return f"j:{self.jabatan.pk}"
        if self.pegawai:
            return f"p:{self.pegawai.pk}"
        return f"t:{self.tim.pk}"


def _lock_letter(surat: SuratMasuk) -> SuratMasuk:
    locked = (
        SuratMasuk.objects.select_for_update().select_related("jabatan_tujuan").get(pk=surat.pk)
    )
    if locked.status == SuratMasuk.Status.SELESAI:
        raise ApplicationError(_("The letter is already completed."), code="letter_closed")
    return locked


def default_deadline(urgensi: str, start: dt.datetime | None = None) -> dt.datetime:
    """Deadline from the urgency (settings.NASKAH["SLA_JAM"]) on the office calendar."""
    from workflows.office_calendar import step_deadline

    return step_deadline(start or timezone.now(), urgensi)


def _check_targets(dari: Jabatan, targets: list[Tujuan]) -> None:
    if not targets:
        raise ApplicationError(_("Choose at least one recipient."), code="no_recipient")
    keys = [t.key for t in targets]
    if len(set(keys)) != len(keys):
        raise ApplicationError(_("A recipient is listed twice."), code="duplicate_recipient")
    for t in targets:
        if sum(x is not None for x in (t.jabatan, t.pegawai, t.tim)) != 1:
            raise ApplicationError(_("Each recipient must be one position, person or team."))
        if t.jabatan is not None:
            ok = t.jabatan.aktif and perms.is_below(dari, t.jabatan)
            label = t.jabatan.nama
        elif t.pegawai is not None:
            ok = t.pegawai.is_active and perms.pegawai_below(dari, t.pegawai)
            label = t.pegawai.nama_lengkap
        else:
            ok = t.tim.aktif and perms.tim_below(dari, t.tim)
            label = t.tim.nama
        if not ok:
            raise PermissionDeniedError(
                _("%(target)s is not below %(from)s: dispositions go down the line only.")
                % {"target": label, "from": dari.nama},
                code="not_below",
            )


def _target_unit(t: Tujuan) -> UnitKerja | None:
    if t.jabatan:
        return t.jabatan.unit
    if t.tim:
        return t.tim.unit
    own = perms.own_position(t.pegawai, office_today())
    return own.jabatan.unit if own else None


def _recipients_of(cabang: DisposisiPenerima) -> list[Pegawai]:
    if cabang.ke_jabatan_id:
        holder = jabatan_holder_on(cabang.ke_jabatan, office_today())
        return [holder.pegawai] if holder else []
    if cabang.ke_pegawai_id:
        return [cabang.ke_pegawai]
    return [cabang.ke_tim.ketua]


def _notice_text(surat: SuratMasuk, what: str) -> str:
    """`what`: a msgid (gettext_noop); the notice reads in its reader's language."""
    from workflows.notice_text import notice_text

    # Rahasia and Sangat Rahasia: never the subject or sender in a notification.
    if surat.rahasia:
        return notice_text(
            gettext_noop("%(what)s: incoming letter %(agenda)s (classified)."),
            {"what": notice_text(what), "agenda": surat.nomor_agenda},
        )
    return notice_text(
        gettext_noop("%(what)s: incoming letter %(agenda)s from %(sender)s — %(subject)s"),
        {
            "what": notice_text(what),
            "agenda": surat.nomor_agenda,
            "sender": surat.pengirim,
            "subject": surat.hal,
        },
    )


def _notify(recipients: list[Pegawai], *, surat: SuratMasuk, kind: str, text: str, key: str):
    from django.urls import reverse

    from workflows.models import Notifikasi
    from workflows.services import notifikasi_create

    link = reverse("masuk:detail", kwargs={"pk": surat.pk})
    for person in {p.pk: p for p in recipients}.values():
        notice = notifikasi_create(
            recipient=person, kind=kind, text=text, key=f"{key}:{person.pk}"[:120]
        )
        if notice is not None:
            Notifikasi.objects.filter(pk=notice.pk).update(link=link)


def _notify_addressee(surat: SuratMasuk) -> None:
    """An agendaris registered a letter: the addressed official (the holder of the position
    today, a Plt/Plh included) is told. Internal letters were announced on delivery."""
    holder = jabatan_holder_on(surat.jabatan_tujuan, office_today())
    if holder is None:
        return
    _notify(
        [holder.pegawai],
        surat=surat,
        kind="masuk_baru",
        text=_notice_text(surat, gettext_noop("New incoming letter")),
        key=f"masuk-baru:{surat.pk}",
    )


def _dispose(
    *,
    surat: SuratMasuk,
    induk: DisposisiPenerima | None,
    kapasitas: perms.Kapasitas,
    actor: Pegawai,
    targets: list[Tujuan],
    utama: int,
    instruksi: list[InstruksiDisposisi],
    catatan: str,
    batas_waktu: dt.datetime | None,
) -> Disposisi:
    _check_targets(kapasitas.jabatan, targets)
    if not 0 <= utama < len(targets):
        raise ApplicationError(_("Mark one recipient as the lead."), code="no_lead")
    if not instruksi:
        raise ApplicationError(_("Tick at least one instruction."), code="no_instruction")
    if any(not i.aktif for i in instruksi):
        raise ApplicationError(_("An instruction is no longer in use."), code="bad_instruction")
    now = timezone.now()
    deadline = batas_waktu or default_deadline(surat.urgensi, now)
    if induk is not None and deadline > induk.batas_waktu:
        if batas_waktu is not None:
            raise ApplicationError(
                _("The deadline cannot be later than your own deadline (%(deadline)s).")
                % {
                    "deadline": formats.date_format(
                        timezone.localtime(induk.batas_waktu), "SHORT_DATETIME_FORMAT"
                    )
                },
                code="deadline_after_parent",
            )
        deadline = induk.batas_waktu
    if deadline <= now:
        raise ApplicationError(_("The deadline must be in the future."), code="deadline_past")
    act = Disposisi.objects.create(
        surat=surat,
        induk=induk,
        dari_jabatan=kapasitas.jabatan,
        dari_pegawai=actor,
        dari_jenis=kapasitas.jenis,
        catatan=catatan.strip(),
        batas_waktu=deadline,
        dibuat_pada=now,
    )
    act.instruksi.set(instruksi)
    branches = []
    for index, t in enumerate(targets):
        branches.append(
            DisposisiPenerima.objects.create(
                disposisi=act,
                surat=surat,
                ke_jabatan=t.jabatan,
                ke_pegawai=t.pegawai,
                ke_tim=t.tim,
                ke_unit=_target_unit(t),
                utama=index == utama,
                batas_waktu=deadline,
            )
        )
    if induk is not None and induk.status in (
        DisposisiPenerima.Status.BELUM_DIBACA,
        DisposisiPenerima.Status.DIBACA,
    ):
        induk.status = DisposisiPenerima.Status.DIPROSES
        if induk.dibaca_pada is None:
            induk.dibaca_pada, induk.dibaca_oleh = now, actor
        induk.save(update_fields=["status", "dibaca_pada", "dibaca_oleh"])
    if surat.status == SuratMasuk.Status.TERDAFTAR:
        surat.status = SuratMasuk.Status.DIDISPOSISI
        surat.save(update_fields=["status"])
    for cabang in branches:
        _notify(
            _recipients_of(cabang),
            surat=surat,
            kind="masuk.disposisi",
            text=_notice_text(surat, gettext_noop("New disposition")),
            key=f"masuk:disposisi:{cabang.pk}",
        )
    hooks.notify(hooks.READERS_CHANGED, surat)
    audit_record(
        actor=actor,
        action="masuk.disposisi.forward" if induk else "masuk.disposisi.create",
        obj=act,
        details={
            "surat": surat.pk,
            "induk": induk.pk if induk else None,
            "dari_jabatan": kapasitas.jabatan.pk,
            "kapasitas": kapasitas.jenis,
            "penerima": [t.key for t in targets],
            "utama": targets[utama].key,
            "instruksi": [i.kode for i in instruksi],
            "batas_waktu": deadline.isoformat(),
        },
    )
    return act


def disposisi_create(
    *,
    surat: SuratMasuk,
    actor: Pegawai,
    targets: list[Tujuan],
    utama: int = 0,
    instruksi: list[InstruksiDisposisi],
    catatan: str = "",
    batas_waktu: dt.datetime | None = None,
) -> Disposisi:
    """The addressed head (or the Plt/Plh acting for the position today) disposes the
    letter to positions, people or teams below, with one lead recipient."""
    with transaction.atomic():
        locked = _lock_letter(surat)
        kapasitas = perms.root_capacity(actor, locked)
        if kapasitas is None:
            raise PermissionDeniedError(
                _("Only the holder of %(jabatan)s (or the acting official) may dispose it.")
                % {"jabatan": locked.jabatan_tujuan.nama},
                code="not_holder",
            )
        return _dispose(
            surat=locked,
            induk=None,
            kapasitas=kapasitas,
            actor=actor,
            targets=targets,
            utama=utama,
            instruksi=instruksi,
            catatan=catatan,
            batas_waktu=batas_waktu,
        )


def _lock_branch(cabang: DisposisiPenerima) -> tuple[SuratMasuk, DisposisiPenerima]:
    surat = _lock_letter(cabang.surat)
    fresh = DisposisiPenerima.objects.select_related(
        "ke_jabatan", "ke_pegawai", "ke_tim", "disposisi__dari_jabatan"
    ).get(pk=cabang.pk)
    return surat, fresh


def disposisi_forward(
    *,
    cabang: DisposisiPenerima,
    actor: Pegawai,
    targets: list[Tujuan],
    utama: int = 0,
    instruksi: list[InstruksiDisposisi],
    catatan: str = "",
    batas_waktu: dt.datetime | None = None,
) -> Disposisi:
    """A recipient re-disposes their branch further down (a sub-tree of the branch)."""
    with transaction.atomic():
        surat, fresh = _lock_branch(cabang)
        if fresh.status == DisposisiPenerima.Status.SELESAI:
            raise ApplicationError(_("This disposition is already closed."), code="branch_closed")
        kapasitas = perms.branch_capacity(actor, fresh)
        if kapasitas is None:
            raise PermissionDeniedError(
                _("Only the recipient of this disposition may re-dispose it."),
                code="not_recipient",
            )
        return _dispose(
            surat=surat,
            induk=fresh,
            kapasitas=kapasitas,
            actor=actor,
            targets=targets,
            utama=utama,
            instruksi=instruksi,
            catatan=catatan,
            batas_waktu=batas_waktu,
        )


def disposisi_mark_read(*, cabang: DisposisiPenerima, actor: Pegawai) -> bool:
    """Record the read receipt the first time the recipient opens the letter. Returns True
    when this call recorded it."""
    if cabang.status != DisposisiPenerima.Status.BELUM_DIBACA:
        return False
    if perms.branch_capacity(actor, cabang) is None:
        return False
    with transaction.atomic():
        now = timezone.now()
        updated = DisposisiPenerima.objects.filter(
            pk=cabang.pk, status=DisposisiPenerima.Status.BELUM_DIBACA
        ).update(status=DisposisiPenerima.Status.DIBACA, dibaca_pada=now, dibaca_oleh=actor)
        if not updated:
            return False
        hooks.notify(hooks.READERS_CHANGED, SuratMasuk(pk=cabang.surat_id))
        audit_record(
            actor=actor,
            action="masuk.disposisi.read",
            obj=cabang,
            details={"surat": cabang.surat_id, "read_at": now.isoformat()},
        )
    cabang.refresh_from_db()
    return True


def _descendants(cabang_ids: list[int]) -> list[DisposisiPenerima]:
    found: list[DisposisiPenerima] = []
    level = cabang_ids
    while level:
        rows = list(DisposisiPenerima.objects.filter(disposisi__induk_id__in=level))
        found += rows
        level = [r.pk for r in rows]
    return found


def _complete_if_done(surat: SuratMasuk, actor: Pegawai, now: dt.datetime) -> bool:
    if surat.cabang.exclude(status=DisposisiPenerima.Status.SELESAI).exists():
        return False
    surat.status = SuratMasuk.Status.SELESAI
    surat.selesai_pada, surat.selesai_oleh = now, actor
    surat.save(update_fields=["status", "selesai_pada", "selesai_oleh"])
    return True


def disposisi_report(
    *,
    cabang: DisposisiPenerima,
    actor: Pegawai,
    teks: str,
    files: list[tuple[str, bytes]] | None = None,
    selesai: bool = True,
    balasan=None,
) -> TindakLanjut:
    """A follow-up report (tindak lanjut) on a branch: text, optional files (checked by
    content), optionally a reply letter (a Naskah the reporter can see). A final report
    closes the branch, which needs every re-disposed sub-branch closed first; the letter
    completes when its last branch closes."""
    if not (teks or "").strip():
        raise ApplicationError(_("Write what was done."), code="no_text")
    checked = check_uploads(files or [], required=False)
    if balasan is not None:
        from naskah.permissions import naskah_visible_to

        if not naskah_visible_to(actor).filter(pk=balasan.pk).exists():
            raise PermissionDeniedError(
                _("You can link only a letter you can see as the reply."), code="bad_reply"
            )
    saved: list[str] = []
    try:
        with transaction.atomic():
            surat, fresh = _lock_branch(cabang)
            if fresh.status == DisposisiPenerima.Status.SELESAI:
                raise ApplicationError(
                    _("This disposition is already closed."), code="branch_closed"
                )
            if perms.branch_capacity(actor, fresh) is None:
                raise PermissionDeniedError(
                    _("Only the recipient of this disposition may report on it."),
                    code="not_recipient",
                )
            open_below = [c for c in _descendants([fresh.pk]) if c.terbuka]
            if selesai and open_below:
                raise ApplicationError(
                    _(
                        "%(count)d disposition(s) you passed on are still open; wait for their "
                        "reports or close them first."
                    )
                    % {"count": len(open_below)},
                    code="open_sub_branches",
                )
            now = timezone.now()
            report = TindakLanjut.objects.create(
                cabang=fresh,
                pelapor=actor,
                teks=teks.strip(),
                balasan=balasan,
                final=selesai,
                dibuat_pada=now,
            )
            for item in checked:
                row = BerkasTindakLanjut(
                    laporan=report,
                    nama_asli=item.name,
                    jenis=item.jenis,
                    ukuran=item.ukuran,
                    sha256=item.sha256,
                )
                row.berkas.save(item.name, ContentFile(item.data), save=False)
                saved.append(row.berkas.name)
                row.save()
            fresh.status = (
                DisposisiPenerima.Status.SELESAI if selesai else DisposisiPenerima.Status.DIPROSES
            )
            if fresh.dibaca_pada is None:
                fresh.dibaca_pada, fresh.dibaca_oleh = now, actor
            if selesai:
                fresh.selesai_pada, fresh.selesai_oleh = now, actor
                fresh.cara_selesai = DisposisiPenerima.CaraSelesai.LAPORAN
            fresh.save()
            completed = selesai and _complete_if_done(surat, actor, now)
            disposer = jabatan_holder_on(fresh.disposisi.dari_jabatan, office_today())
            if disposer is not None:
                _notify(
                    [disposer.pegawai],
                    surat=surat,
                    kind="masuk.tindak_lanjut",
                    text=_notice_text(surat, gettext_noop("Follow-up report")),
                    key=f"masuk:laporan:{report.pk}",
                )
            hooks.notify(hooks.READERS_CHANGED, surat)
            audit_record(
                actor=actor,
                action="masuk.disposisi.report",
                obj=fresh,
                details={
                    "surat": surat.pk,
                    "laporan": report.pk,
                    "selesai": selesai,
                    "balasan": balasan.pk if balasan is not None else None,
                    "files": [_file_audit(f) for f in checked],
                    "surat_selesai": completed,
                },
            )
    except BaseException:
        storage_remove(saved, after="a failed registration")
        raise
    report.konten_aktif_dihapus = removed_by_file(checked)
    return report


def _close_branches(rows: list[DisposisiPenerima], actor: Pegawai, alasan: str, now) -> list[int]:
    closed = []
    for row in rows:
        if not row.terbuka:
            continue
        row.status = DisposisiPenerima.Status.SELESAI
        row.selesai_pada, row.selesai_oleh = now, actor
        row.cara_selesai = DisposisiPenerima.CaraSelesai.DITUTUP
        row.catatan_tutup = alasan
        row.save()
        closed.append(row.pk)
    return closed


def disposisi_close(*, cabang: DisposisiPenerima, actor: Pegawai, alasan: str) -> list[int]:
    """The disposer (holder of the position that disposed the branch) closes it without a
    report, with a reason; its open sub-branches close with it. Returns the closed ids."""
    alasan = (alasan or "").strip()
    if not alasan:
        raise ApplicationError(_("Give the reason for closing."), code="no_reason")
    with transaction.atomic():
        surat, fresh = _lock_branch(cabang)
        if not fresh.terbuka:
            raise ApplicationError(_("This disposition is already closed."), code="branch_closed")
        if not perms.can_close_branch(actor, fresh):
            raise PermissionDeniedError(
                _("Only the official who disposed it may close this disposition."),
                code="not_disposer",
            )
        now = timezone.now()
        closed = _close_branches([fresh, *_descendants([fresh.pk])], actor, alasan, now)
        completed = _complete_if_done(surat, actor, now)
        hooks.notify(hooks.READERS_CHANGED, surat)
        audit_record(
            actor=actor,
            action="masuk.disposisi.close",
            obj=fresh,
            details={"surat": surat.pk, "closed": closed, "alasan": alasan, "selesai": completed},
        )
    return closed


def suratmasuk_close(*, surat: SuratMasuk, actor: Pegawai, catatan: str) -> SuratMasuk:
    """The addressed head (or acting official) closes the letter: every open branch is
    closed explicitly with the note as the reason."""
    catatan = (catatan or "").strip()
    if not catatan:
        raise ApplicationError(_("Give a closing note."), code="no_reason")
    with transaction.atomic():
        locked = _lock_letter(surat)
        if perms.root_capacity(actor, locked) is None:
            raise PermissionDeniedError(
                _("Only the holder of %(jabatan)s (or the acting official) may close it.")
                % {"jabatan": locked.jabatan_tujuan.nama},
                code="not_holder",
            )
        now = timezone.now()
        closed = _close_branches(list(locked.cabang.all()), actor, catatan, now)
        locked.status = SuratMasuk.Status.SELESAI
        locked.selesai_pada, locked.selesai_oleh, locked.catatan_selesai = now, actor, catatan
        locked.save(update_fields=["status", "selesai_pada", "selesai_oleh", "catatan_selesai"])
        audit_record(
            actor=actor,
            action="masuk.suratmasuk.close",
            obj=locked,
            details={"closed_branches": closed, "catatan": catatan},
        )
    return locked


# --- Monitoring ----------------------------------------------------------------------------


def disposisi_remind_overdue(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Remind recipients of overdue open branches once, and escalate to the disposer once
    the branch is NASKAH_MASUK_ESKALASI_JAM hours past its deadline. Idempotent: each
    branch is reminded and escalated at most once (flags set under a row lock, and the
    notifications carry idempotency keys)."""
    now = now or timezone.now()
    escalate_after = timedelta(hours=int(conf("NASKAH_MASUK_ESKALASI_JAM")))
    counts = {"diingatkan": 0, "dieskalasi": 0}
    open_overdue = DisposisiPenerima.objects.exclude(
        status=DisposisiPenerima.Status.SELESAI
    ).filter(batas_waktu__lt=now, surat__status__in=["terdaftar", "didisposisi"])
    todo = open_overdue.filter(
        Q(diingatkan_pada__isnull=True)
        | Q(dieskalasi_pada__isnull=True, batas_waktu__lt=now - escalate_after)
    ).values_list("pk", flat=True)
    for pk in list(todo):
        with transaction.atomic():
            row = (
                DisposisiPenerima.objects.select_for_update(of=("self",))
                .select_related("surat", "disposisi__dari_jabatan", "ke_jabatan", "ke_tim")
                .get(pk=pk)
            )
            if not row.terbuka:
                continue
            done = []
            if row.diingatkan_pada is None:
                _notify(
                    _recipients_of(row),
                    surat=row.surat,
                    kind="masuk.terlambat",
                    text=_notice_text(row.surat, gettext_noop("Disposition overdue")),
                    key=f"masuk:terlambat:{row.pk}",
                )
                row.diingatkan_pada = now
                done.append("diingatkan")
            if row.dieskalasi_pada is None and row.batas_waktu < now - escalate_after:
                disposer = jabatan_holder_on(row.disposisi.dari_jabatan, office_today())
                if disposer is not None:
                    _notify(
                        [disposer.pegawai],
                        surat=row.surat,
                        kind="masuk.eskalasi",
                        text=_notice_text(
                            row.surat, gettext_noop("Escalation: disposition overdue")
                        ),
                        key=f"masuk:eskalasi:{row.pk}",
                    )
                row.dieskalasi_pada = now
                done.append("dieskalasi")
            if not done:
                continue
            row.save(update_fields=["diingatkan_pada", "dieskalasi_pada"])
            for name in done:
                counts[name] += 1
            audit_record(
                actor=None,
                action="masuk.disposisi.overdue",
                obj=row,
                details={"surat": row.surat_id, "actions": done},
            )
    return counts


# --- A reply starts from the letter it answers ------------------------------------------------


def reply_reference_text(surat: SuratMasuk) -> str:
    """The opening paragraph of a reply: "Menunjuk surat Saudara Nomor … tanggal … hal …"
    (Indonesian: it is the letter's own text, written in the letter's language)."""
    from core.indonesian import tanggal_panjang

    parts = ["Menunjuk surat Saudara"]
    if surat.nomor_surat:
        parts.append(f"Nomor {surat.nomor_surat}")
    if surat.tanggal_surat:
        parts.append(f"tanggal {tanggal_panjang(surat.tanggal_surat)}")
    parts.append(f"hal {surat.hal}")
    return " ".join(parts) + ", bersama ini kami sampaikan hal-hal sebagai berikut."


def _reply_recipient(surat: SuratMasuk) -> dict:
    """The sender: the signing position of an internal letter, else the external sender."""
    if surat.sumber_type == "naskah.naskah" and surat.sumber_id:
        from naskah.models import Naskah

        source = Naskah.objects.filter(pk=surat.sumber_id).only("penandatangan_id").first()
        if source is not None:
            return {"jenis": "tujuan", "jabatan_id": source.penandatangan_id}
    return {"jenis": "tujuan", "nama": surat.pengirim[:255]}


def suratmasuk_reply_draft(
    *, actor: Pegawai, surat: SuratMasuk, cabang: DisposisiPenerima | None = None
):
    """ "Buat konsep surat balasan": a new surat dinas draft for the actor with the sender
    as recipient, the reference to the letter answered as its first paragraph, the same
    subject, classification and security class, linked to the incoming letter (both pages
    show the link). The draft is the actor's like any other: only he sees it until he
    submits it."""
    from naskah.markup import _run
    from naskah.models import JenisNaskah
    from naskah.selectors.drafting import signer_choices, signer_default
    from naskah.services import naskah_create

    if not SuratMasuk.objects.filter(perms.visible_q(actor), pk=surat.pk).exists():
        raise PermissionDeniedError(_("You cannot see this incoming letter."))
    if cabang is not None and cabang.surat_id != surat.pk:
        raise PermissionDeniedError(_("This disposition belongs to another letter."))
    jenis = JenisNaskah.objects.filter(kode="surat_dinas", aktif=True).first()
    if jenis is None:
        raise ApplicationError(
            _("The letter type for replies (surat dinas) is not active."), code="no_jenis"
        )
    choices = signer_choices(jenis, actor)
    signer = next((j for j in choices if j.pk == surat.jabatan_tujuan_id), None)
    signer = signer or signer_default(jenis, actor, choices)
    if signer is None:
        raise PermissionDeniedError(_("Nobody you may draft for can sign a surat dinas."))
    options = getattr(signer, "mandat_options", [""]) or [""]
    body = [{"type": "paragraph", "runs": [_run(reply_reference_text(surat))], "align": "justify"}]
    with transaction.atomic():
        naskah = naskah_create(
            actor=actor,
            jenis=jenis,
            penandatangan=signer,
            mandat="" if "" in options else options[0],
            hal=surat.hal,
            body=body,
            penerima=[_reply_recipient(surat)],
            klasifikasi_keamanan=surat.klasifikasi_keamanan,
            kode_klasifikasi=surat.kode_klasifikasi,
        )
        SuratBalasan.objects.create(surat=surat, naskah=naskah, cabang=cabang, dibuat_oleh=actor)
        audit_record(
            actor=actor,
            action="masuk.suratmasuk.reply_draft",
            obj=surat,
            details={"naskah": naskah.pk, "cabang": cabang.pk if cabang else None},
        )
    return naskah
