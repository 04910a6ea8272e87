"""Background tasks of the naskah app: thin, idempotent, enqueued on commit."""

from __future__ import annotations


def naskah_dispatch_task(naskah_pk: int) -> str:
    """Deliver a signed letter (idempotent: safe to run twice): an attempt recorded on its
    signing record. Returns the dispatch status."""
    from naskah.models import NaskahTTE

    tte_id = NaskahTTE.objects.filter(naskah_id=naskah_pk).values_list("pk", flat=True).first()
    if tte_id is None:
        return ""
    return naskah_dispatch_attempt_task(tte_id)


def naskah_dispatch_attempt_task(tte_id: int) -> str:
    """The dispatch keyed by its signing record (the scheduled retries call this)."""
    from naskah.services.distribusi import naskah_dispatch_run

    return naskah_dispatch_run(tte_id=tte_id)


def distribusi_email_task(distribusi_id: int) -> str:
    """Send one delivery's e-mail (an attempt recorded on the row; mail queue)."""
    from naskah.services.distribusi import distribusi_email_send

    return distribusi_email_send(distribusi_id=distribusi_id)
