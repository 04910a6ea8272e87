"""Background tasks (django-q2): thin, idempotent, enqueued on commit."""

from __future__ import annotations


def pengiriman_kirim_task(pengiriman_id: int) -> str:
    from pertukaran.services import pengiriman_kirim

    return pengiriman_kirim(pengiriman_id=pengiriman_id)
