"""OCR of a registered incoming letter's scan and the suggestions it makes."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError, ConflictError, PermissionDeniedError
from core.models import Pegawai
from core.pdfsafe import pdf_sanitize
from core.services.attempts import Slot, attempt_claim, attempt_failed, attempt_reset, max_attempts
from core.services.audit import audit_record
from core.services.queue import SLOW
from core.validators import single_line
from naskah.masuk import ocr as ocr_lib
from naskah.masuk import permissions as perms
from naskah.masuk.events import (
    MASUK_SURATMASUK_APPLY_SARAN,
    MASUK_SURATMASUK_OCR,
    MASUK_SURATMASUK_OCR_FAILED,
    MASUK_SURATMASUK_OCR_RETRY,
)
from naskah.masuk.models import (
    SuratMasuk,
)
from naskah.masuk.selectors import _norm, _norm_nomor, suratmasuk_find_duplicates
from naskah.masuk.services.register import SUGGESTABLE, _duplicate_error, _enqueue_ocr, logger

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
            action=MASUK_SURATMASUK_OCR_FAILED,
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
            action=MASUK_SURATMASUK_OCR,
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
        audit_record(actor=actor, action=MASUK_SURATMASUK_OCR_RETRY, obj=surat, details={})
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
            action=MASUK_SURATMASUK_APPLY_SARAN,
            obj=locked,
            details={"before": before, "after": {f: str(getattr(locked, f)) for f in fields}},
        )
    return locked
