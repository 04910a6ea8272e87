"""Upload first, then the form fills itself.

The agendaris uploads the scan before typing anything. The files are checked like any
upload (`check_uploads`: content, size, active content) and kept as received in the
pending area of the storage (core.services.storage) under a random token, with no
`BerkasTertunda` row: if the letter is never registered, `storage_sweep` deletes them
after ``NASKAH_STORAGE_PENDING_MAX_AGE_MINUTES``. The text is read at once: a born-digital
PDF from its text layer in the request (fast), a scan by OCRmyPDF in the slow queue
(`suratmasuk_unggah_ocr_task`). The state and the suggestions are kept in the cache
(shared by the web server and the worker) for the person who uploaded; they only ever
prefill the registration form, and nothing is saved until the agendaris registers.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.models import Pegawai
from core.services.queue import SLOW
from core.services.storage import pending_name, storage_new_name
from naskah.masuk import ocr as ocr_lib
from naskah.masuk.berkas import PDF, check_uploads

logger = logging.getLogger(__name__)

MENUNGGU, SELESAI, GAGAL, TIDAK_TERSEDIA = "menunggu", "selesai", "gagal", "tidak_tersedia"


def _key(token: str) -> str:
    return f"masuk-unggah:{token}"


def _ttl() -> int:
    return int(settings.NASKAH_STORAGE_PENDING_MAX_AGE_MINUTES) * 60


@dataclass
class Unggahan:
    token: str
    files: list[dict]  # {"nama", "jenis", "stored"}
    status: str
    saran: dict
    pesan: str = ""

    @property
    def reading(self) -> bool:
        return self.status == MENUNGGU


def _save(token: str, state: dict) -> None:
    cache.set(_key(token), state, _ttl())


def unggah_stage(*, actor: Pegawai, files: list[tuple[str, bytes]]) -> Unggahan:
    """Check the uploaded files, keep them in the pending area and start reading them.
    Raises ApplicationError (nothing kept) for a bad file."""
    checked = check_uploads(files)
    token = secrets.token_urlsafe(18)
    entries = []
    for (name, data), item in zip(files, checked, strict=True):
        ext = ".pdf" if item.jenis == PDF else ".img"
        stored = default_storage.save(
            pending_name(storage_new_name("masuk/unggah", ext)), ContentFile(data)
        )
        entries.append({"nama": name, "jenis": item.jenis, "stored": stored})
    state = {"actor": actor.pk, "files": entries, "status": MENUNGGU, "saran": {}, "pesan": ""}
    pages = None
    if all(item.jenis == PDF for item in checked):
        try:
            pages = [p for item in checked for p in ocr_lib.extract_text(item.data)]
        except Exception:  # a PDF pypdf cannot read here goes to the OCR queue
            logger.warning("text layer of an upload could not be read", exc_info=True)
    if pages is not None and not ocr_lib.needs_ocr(pages):
        state.update(status=SELESAI, saran=ocr_lib.suggest_metadata("\n\f".join(pages)))
        _save(token, state)
    else:
        _save(token, state)
        from core.services.queue import task_enqueue

        task_enqueue(
            "naskah.masuk.tasks.suratmasuk_unggah_ocr_task",
            token,
            task_name=f"masuk-unggah-{token}",
            queue=SLOW,
        )
    return unggah_get(actor=actor, token=token)


def unggah_get(*, actor: Pegawai, token: str) -> Unggahan | None:
    """The staged upload of this person (None: unknown, expired or someone else's)."""
    state = cache.get(_key(token)) if token else None
    if not state or state.get("actor") != actor.pk:
        return None
    if not all(default_storage.exists(f["stored"]) for f in state["files"]):
        return None  # swept: the file must be chosen again
    return Unggahan(
        token=token,
        files=state["files"],
        status=state["status"],
        saran=state["saran"],
        pesan=state.get("pesan", ""),
    )


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
    cache.delete(_key(unggahan.token))


def unggah_ocr_run(*, token: str) -> str:
    """The slow queue's part: OCR the staged scans and keep the suggestions. Its outcome
    (done, failed, OCR unavailable) is recorded on the staged upload, which the page
    polls and shows; an upload that expired meanwhile is left alone."""
    state = cache.get(_key(token))
    if not state or state["status"] != MENUNGGU:
        return state["status"] if state else "expired"
    try:
        files = []
        for entry in state["files"]:
            with default_storage.open(entry["stored"], "rb") as handle:
                files.append((entry["jenis"], handle.read()))
        result = ocr_lib.ocr_files(files)
        state.update(status=SELESAI, saran=ocr_lib.suggest_metadata(result.text))
    except ocr_lib.OcrUnavailable as error:
        state.update(status=TIDAK_TERSEDIA, pesan=error.reason)
    except Exception:
        logger.exception("reading a staged upload failed")
        state.update(status=GAGAL, pesan=_("The scan could not be read; fill in the form."))
    if cache.get(_key(token)) is not None:
        _save(token, state)
    return state["status"]


def unggah_required(unggahan: Unggahan | None) -> Unggahan:
    if unggahan is None:
        raise ApplicationError(
            _("The uploaded file is no longer kept; choose it again."), code="expired"
        )
    return unggahan
