"""Background tasks (django-q2): thin, idempotent, enqueued on commit."""

from __future__ import annotations


def webhook_deliver_task(delivery_id: int) -> str:
    from api.services.webhooks import webhook_deliver

    return webhook_deliver(delivery_id=delivery_id)
