"""Upload first, then the form fills itself.

The agendaris uploads the scan before typing anything. The files are checked like any
upload (`check_uploads`: content, size, active content) and kept as received in the
pending area of the storage (core.services.storage) under a random name, with no
`BerkasTertunda` row: if the letter is never registered, `storage_sweep` deletes them
after ``NASKAH_STORAGE_PENDING_MAX_AGE_MINUTES``. The text is read at once: a born-digital
PDF from its text layer in the request (fast), a scan by OCRmyPDF in the slow queue
(`suratmasuk_unggah_ocr_task`). The staged upload is an `UnggahanMasuk` row of the person
who uploaded, which records the reading as an attempt (core.services.attempts, DESIGN
invariant 11): claimed by one delivery at a time, retried with backoff after a transient
failure, then left "failed" with a translated sentence and a retry action on the page.
The suggestions only ever prefill the registration form; nothing is registered until the
agendaris registers.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError, ConflictError
from core.models import Pegawai
from core.services.attempts import (
    Slot,
    attempt_claim,
    attempt_done,
    attempt_failed,
    attempt_reset,
    max_attempts,
)
from core.services.queue import SLOW
from core.services.storage import pending_name, storage_new_name
from naskah.masuk import ocr as ocr_lib
from naskah.masuk.models import SuratMasuk, UnggahanMasuk
from naskah.masuk.uploads import PDF, check_uploads

logger = logging.getLogger(__name__)

S = SuratMasuk.StatusOCR
MENUNGGU, DIPROSES, SELESAI, GAGAL, TIDAK_TERSEDIA = (
    S.MENUNGGU.value,
    S.DIPROSES.value,
    S.SELESAI.value,
    S.GAGAL.value,
    S.TIDAK_TERSEDIA.value,
)
TASK = "naskah.masuk.tasks.suratmasuk_unggah_ocr_task"

READ_SLOT = Slot(
    model=UnggahanMasuk,
    kind="masuk.unggah",
    task=TASK,
    status="baca_status",
    attempts="baca_percobaan",
    claim="baca_token",
    lease="baca_sewa",
    started="baca_mulai_pada",
    error="baca_pesan",
    next_try="baca_coba_lagi_pada",
    pending=MENUNGGU,
    running=DIPROSES,
    failed=GAGAL,
    queue=SLOW,
)


def _max_age() -> dt.timedelta:
    return dt.timedelta(minutes=int(settings.NASKAH_STORAGE_PENDING_MAX_AGE_MINUTES))


@dataclass
class Unggahan:
    token: str
    files: list[dict]  # {"nama", "jenis", "stored"}
    status: str
    saran: dict
    pesan: str = ""
    percobaan: int = 0
    coba_lagi_pada: dt.datetime | None = None

    @property
    def reading(self) -> bool:
        return self.status in (MENUNGGU, DIPROSES)

    @property
    def retryable(self) -> bool:
        return self.status in (GAGAL, TIDAK_TERSEDIA)


def _enqueue(pk: int) -> None:
    from core.services.queue import task_enqueue

    # In the caller's transaction (ORM broker) or after its commit (core.services.queue).
    task_enqueue(TASK, pk, task_name=f"masuk-unggah-{pk}", queue=SLOW)


def unggah_stage(*, actor: Pegawai, files: list[tuple[str, bytes]]) -> Unggahan:
    """Check the uploaded files, keep them in the pending area and start reading them.
    Raises ApplicationError (nothing kept) for a bad file."""
    checked = check_uploads(files)
    # Staged uploads nobody registered are gone with their pending files.
    UnggahanMasuk.objects.filter(dibuat_pada__lt=timezone.now() - _max_age()).delete()
    entries = []
    for (name, data), item in zip(files, checked, strict=True):
        ext = ".pdf" if item.jenis == PDF else ".img"
        stored = default_storage.save(
            pending_name(storage_new_name("masuk/unggah", ext)), ContentFile(data)
        )
        entries.append({"nama": name, "jenis": item.jenis, "stored": stored})
    pages = None
    if all(item.jenis == PDF for item in checked):
        try:
            pages = [p for item in checked for p in ocr_lib.extract_text(item.data)]
        except Exception:  # a PDF pypdf cannot read here goes to the OCR queue
            logger.warning("text layer of an upload could not be read", exc_info=True)
    with transaction.atomic():
        row = UnggahanMasuk(token=secrets.token_urlsafe(18), pemilik=actor, berkas=entries)
        if pages is not None and not ocr_lib.needs_ocr(pages):
            # Read in the request: the outcome is recorded at once, nothing is queued.
            row.baca_status = SELESAI
            row.saran = ocr_lib.suggest_metadata("\n\f".join(pages))
            row.save()
        else:
            row.save()
            _enqueue(row.pk)
    return _as_unggahan(row)


def _as_unggahan(row: UnggahanMasuk) -> Unggahan:
    return Unggahan(
        token=row.token,
        files=row.berkas,
        status=row.baca_status,
        saran=row.saran,
        pesan=row.baca_pesan,
        percobaan=row.baca_percobaan,
        coba_lagi_pada=row.baca_coba_lagi_pada,
    )


def _row(actor: Pegawai, token: str) -> UnggahanMasuk | None:
    if not token:
        return None
    row = UnggahanMasuk.objects.filter(
        token=token, pemilik=actor, dibuat_pada__gte=timezone.now() - _max_age()
    ).first()
    if row is None or not all(default_storage.exists(f["stored"]) for f in row.berkas):
        return None  # expired or swept: the file must be chosen again
    return row


def unggah_get(*, actor: Pegawai, token: str) -> Unggahan | None:
    """The staged upload of this person (None: unknown, expired or someone else's)."""
    row = _row(actor, token)
    return _as_unggahan(row) if row else None


def unggah_files(unggahan: Unggahan) -> list[tuple[str, bytes]]:
    """The staged files as uploaded, for registration."""
    result = []
    for entry in unggahan.files:
        with default_storage.open(entry["stored"], "rb") as handle:
            result.append((entry["nama"], handle.read()))
    return result


def unggah_discard(unggahan: Unggahan) -> None:
    """After registration (the files now belong to the letter) or when replaced."""
    for entry in unggahan.files:
        try:
            default_storage.delete(entry["stored"])
        except OSError:
            logger.warning("staged upload %s could not be deleted", entry["stored"])
    UnggahanMasuk.objects.filter(token=unggahan.token).delete()


def _state(pk: int) -> str:
    found = UnggahanMasuk.objects.filter(pk=pk).values_list("baca_status", flat=True).first()
    return found or "expired"


def unggah_ocr_run(*, pk: int) -> str:
    """The slow queue's part: OCR the staged scans and keep the suggestions. Each run is an
    attempt recorded on the staged upload (core.services.attempts): a reading already done
    (or a second delivery of the same message) does nothing again, a run whose worker died
    is redone, a transient failure is retried with backoff and then left "failed", which
    the page shows with a retry action (`unggah_retry`); OCR that is not installed is
    recorded as unavailable at once. Returns the resulting state."""
    attempt = attempt_claim(READ_SLOT, pk)
    if attempt is None:
        return _state(pk)
    if attempt.exhausted:
        attempt_failed(
            READ_SLOT,
            attempt,
            error=_("Reading the scan stopped after %(n)d attempts that did not finish.")
            % {"n": attempt.number - 1},
            retry=False,
        )
        return _state(pk)
    row = UnggahanMasuk.objects.get(pk=pk)
    try:
        files = []
        for entry in row.berkas:
            with default_storage.open(entry["stored"], "rb") as handle:
                files.append((entry["jenis"], handle.read()))
        result = ocr_lib.ocr_files(files)
    except ocr_lib.OcrUnavailable as error:
        attempt_done(READ_SLOT, attempt, status=TIDAK_TERSEDIA, baca_pesan=str(error.reason)[:500])
        return _state(pk)
    except Exception:  # OCRmyPDF/tesseract or storage: retried, then a visible state
        logger.exception("reading staged upload %s failed (attempt %s)", pk, attempt.number)
        attempt_failed(
            READ_SLOT,
            attempt,
            error=_("Reading the scan failed (attempt %(n)d of %(max)d).")
            % {"n": attempt.number, "max": max_attempts()},
        )
        return _state(pk)
    attempt_done(
        READ_SLOT,
        attempt,
        status=SELESAI,
        saran=ocr_lib.suggest_metadata(result.text),
        baca_coba_lagi_pada=None,
    )
    return _state(pk)


def unggah_retry(*, actor: Pegawai, token: str) -> Unggahan:
    """The agendaris asks for another reading after it failed (or after OCR was
    installed): back to waiting with a fresh count, queued on commit."""
    row = _row(actor, token)
    if row is None:
        raise ApplicationError(
            _("The uploaded file is no longer kept; choose it again."), code="expired"
        )
    with transaction.atomic():
        if not attempt_reset(READ_SLOT, row.pk, from_states=[GAGAL, TIDAK_TERSEDIA]):
            raise ConflictError(
                _("Reading the scan has not failed; there is nothing to retry."),
                code="not_failed",
            )
        _enqueue(row.pk)
    row.refresh_from_db()
    return _as_unggahan(row)


def unggah_required(unggahan: Unggahan | None) -> Unggahan:
    if unggahan is None:
        raise ApplicationError(
            _("The uploaded file is no longer kept; choose it again."), code="expired"
        )
    return unggahan
