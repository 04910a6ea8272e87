"""Background tasks (django-q2): thin, idempotent, enqueued on commit."""

from __future__ import annotations


def webhook_deliver_task(delivery_id: int) -> str:
    from api.services.webhooks import webhook_deliver

    return webhook_deliver(delivery_id=delivery_id)


def api_purge_task() -> dict[str, int]:
    import datetime as dt

    from django.utils import timezone

    from api.idempotency import idempotency_purge
    from api.models import ApiToken

    keys = idempotency_purge()
    tokens, _counts = ApiToken.objects.filter(
        berakhir__lt=timezone.now() - dt.timedelta(days=1)
    ).delete()
    return {"idempotency": keys, "tokens": tokens}
