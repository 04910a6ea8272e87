"""Background tasks (django-q2): thin, idempotent, enqueued on commit."""

from __future__ import annotations


def suratmasuk_ocr_task(surat_id: int) -> str:
    from naskah.masuk.services import suratmasuk_ocr_run

    return suratmasuk_ocr_run(surat_id=surat_id)


def disposisi_overdue_task() -> dict[str, int]:
    from naskah.masuk.services import disposisi_remind_overdue

    return disposisi_remind_overdue()


def suratmasuk_unggah_ocr_task(pk: int | str) -> str:
    from naskah.masuk.unggah import unggah_ocr_run

    if isinstance(pk, str) and not pk.isdigit():
        # queued before staged uploads were rows (by cache token): that state is gone and
        # its page asks for the file again
        return "expired"
    return unggah_ocr_run(pk=int(pk))
