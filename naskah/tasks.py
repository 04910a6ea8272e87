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
