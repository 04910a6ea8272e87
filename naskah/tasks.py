"""Background tasks of the naskah app: thin, idempotent, enqueued on commit."""

from __future__ import annotations

from naskah.models import Naskah


def naskah_dispatch_task(naskah_pk: int) -> int:
    """Deliver a signed letter (idempotent: safe to run twice). Returns the row count."""
    from naskah.services.distribusi import naskah_dispatch

    naskah = Naskah.objects.filter(pk=naskah_pk).first()
    if naskah is None:
        return 0
    return len(naskah_dispatch(naskah=naskah))


def distribusi_email_task(distribusi_id: int) -> str:
    """Send one delivery's e-mail (an attempt recorded on the row; slow queue)."""
    from naskah.services.distribusi import distribusi_email_send

    return distribusi_email_send(distribusi_id=distribusi_id)
