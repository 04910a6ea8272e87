"""Signed webhooks (issue 17 item 4), Standard Webhooks style.

Every state change a service makes writes an audit event; `core.hooks.AUDIT_RECORDED`
tells this module inside that transaction. Events of interest (EVENT_MAP) become one
`WebhookDelivery` per active subscription whose client has the `events:receive` scope,
subscribed to that event, and may see the object (api.permissions, the client's unit
rule; never a Rahasia or Sangat Rahasia letter by unit). The delivery task is queued in
the same transaction (it exists only if the change committed).

A delivery POSTs the JSON body with the headers `webhook-id`, `webhook-timestamp` and
`webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` under the
subscription's secret. Each try is an attempt recorded on the delivery
(core.services.attempts): a non-2xx answer, a timeout or a refused connection is retried
with exponential backoff while attempts remain and the event is younger than
NASKAH_WEBHOOK_RETRY_HOURS, then the delivery is left "failed"; the admin's delivery log
redelivers. Receivers must accept the same webhook-id twice (at-least-once delivery).
The body carries ids and states only; the receiver reads the object through the API."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.events import API_WEBHOOK_REDELIVER, API_WEBHOOK_SUBSCRIBED
from api.models import ApiClient, Scope, WebhookDelivery, WebhookEvent, WebhookSubscription
from arsip.events import (
    ARSIP_PEMINDAHAN_EXECUTE,
    ARSIP_PEMUSNAHAN_EXECUTE,
    ARSIP_PENYERAHAN_EXECUTE,
)
from core import hooks
from core.errors import ApplicationError
from core.models import AuditEvent, Pegawai
from core.services.attempts import (
    Slot,
    attempt_claim,
    attempt_done,
    attempt_failed,
    attempt_reset,
    max_attempts,
)
from core.services.audit import audit_record
from core.services.queue import task_enqueue
from naskah.events import (
    NASKAH_DISPATCH_EMAIL,
    NASKAH_DISPATCH_INTERNAL,
    NASKAH_PARAF,
    NASKAH_READ,
    NASKAH_RESUBMIT,
    NASKAH_RETURN,
    NASKAH_SIGN,
    NASKAH_SUBMIT,
)
from naskah.masuk.events import (
    MASUK_DISPOSISI_CLOSE,
    MASUK_DISPOSISI_CREATE,
    MASUK_DISPOSISI_FORWARD,
    MASUK_SURATMASUK_REGISTER,
)

logger = logging.getLogger(__name__)

# audit action -> webhook event
EVENT_MAP = {
    NASKAH_SUBMIT: WebhookEvent.LETTER_SUBMITTED,
    NASKAH_RESUBMIT: WebhookEvent.LETTER_SUBMITTED,
    NASKAH_PARAF: WebhookEvent.LETTER_PARAF_GIVEN,
    NASKAH_RETURN: WebhookEvent.LETTER_RETURNED,
    NASKAH_SIGN: WebhookEvent.LETTER_SIGNED,
    NASKAH_DISPATCH_INTERNAL: WebhookEvent.LETTER_DISPATCHED,
    NASKAH_DISPATCH_EMAIL: WebhookEvent.LETTER_DISPATCHED,
    NASKAH_READ: WebhookEvent.LETTER_READ,
    MASUK_SURATMASUK_REGISTER: WebhookEvent.INCOMING_REGISTERED,
    MASUK_DISPOSISI_CREATE: WebhookEvent.DISPOSITION_CREATED,
    MASUK_DISPOSISI_FORWARD: WebhookEvent.DISPOSITION_CREATED,
    MASUK_DISPOSISI_CLOSE: WebhookEvent.DISPOSITION_CLOSED,
    ARSIP_PEMINDAHAN_EXECUTE: WebhookEvent.RECORD_TRANSFERRED,
    ARSIP_PENYERAHAN_EXECUTE: WebhookEvent.RECORD_TRANSFERRED,
    ARSIP_PEMUSNAHAN_EXECUTE: WebhookEvent.RECORD_DISPOSED,
}

SLOT = Slot(
    model=WebhookDelivery,
    kind="api.webhook",
    task="api.tasks.webhook_deliver_task",
    status="status",
    attempts="percobaan",
    claim="token",
    lease="sewa",
    started="mulai_pada",
    error="kesalahan",
    next_try="coba_lagi_pada",
    pending=WebhookDelivery.Status.MENUNGGU,
    running=WebhookDelivery.Status.DIPROSES,
    failed=WebhookDelivery.Status.GAGAL,
)


# --- Secrets ---------------------------------------------------------------------------------


def _fernet() -> Fernet:
    key = hashlib.sha256(b"naskah-webhook-secret:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def subscription_secret(sub: WebhookSubscription) -> str:
    return _fernet().decrypt(sub.secret_encrypted.encode()).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The Standard Webhooks signature header value."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def url_allowed(url: str) -> bool:
    """https anywhere; plain http only to a loopback address, and only in DEBUG or when
    NASKAH_WEBHOOK_ALLOW_LOOPBACK is on (development and tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    if parts.scheme != "http" or not parts.hostname:
        return False
    if not (settings.DEBUG or settings.NASKAH_WEBHOOK_ALLOW_LOOPBACK):
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


# --- Which events anyone subscribes to (cached: most actions then cost no query) ---------------

_EVENTS_CACHE_KEY = "api:webhook-events"
_EVENTS_CACHE_SECONDS = 300


def _subscribed_events_query() -> list[str]:
    return sorted(
        {
            e
            for events in WebhookSubscription.objects.filter(
                aktif=True, client__aktif=True
            ).values_list("events", flat=True)
            for e in events
        }
    )


def subscribed_events() -> frozenset[str]:
    from django.core.cache import cache

    try:
        found = cache.get(_EVENTS_CACHE_KEY)
    except Exception:  # the cache is down: ask the database, never fail the action
        logger.warning("webhooks: cache unavailable, reading subscriptions", exc_info=True)
        return frozenset(_subscribed_events_query())
    if found is None:
        found = _subscribed_events_query()
        try:
            cache.set(_EVENTS_CACHE_KEY, found, _EVENTS_CACHE_SECONDS)
        except Exception:
            logger.warning("webhooks: cache unavailable", exc_info=True)
    return frozenset(found)


def subscribed_events_changed() -> None:
    """Call when a subscription or a client changes (after commit)."""
    from django.core.cache import cache

    def forget():
        try:
            cache.delete(_EVENTS_CACHE_KEY)
        except Exception:  # the entry expires on its own within _EVENTS_CACHE_SECONDS
            logger.warning("webhooks: cache unavailable", exc_info=True)

    transaction.on_commit(forget)


# --- Administration (audited) ------------------------------------------------------------------


def webhook_subscribe(
    *, actor: Pegawai, client: ApiClient, url: str, events: list[str]
) -> tuple[WebhookSubscription, str]:
    """A subscription; its signing secret is returned once (`whsec_…`)."""
    if not url_allowed(url):
        raise ApplicationError(_("A webhook URL must use https."), code="invalid")
    unknown = [e for e in events if e not in WebhookEvent.values]
    if unknown or not events:
        raise ApplicationError(
            _("Unknown events: %(events)s") % {"events": ", ".join(unknown) or "-"},
            code="invalid",
        )
    if Scope.EVENTS_RECEIVE.value not in client.scopes:
        raise ApplicationError(_("The client lacks the events:receive scope."), code="invalid")
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    with transaction.atomic():
        sub = WebhookSubscription.objects.create(
            client=client,
            url=url,
            events=list(dict.fromkeys(events)),
            secret_encrypted=_fernet().encrypt(secret.encode()).decode(),
        )
        subscribed_events_changed()
        audit_record(
            actor=actor,
            action=API_WEBHOOK_SUBSCRIBED,
            obj=sub,
            details={"client": client.client_id, "url": url, "events": sub.events},
        )
    return sub, secret


def webhook_redeliver(*, actor: Pegawai, delivery: WebhookDelivery) -> bool:
    """Send a delivery again (from the admin's log): a fresh count of attempts."""
    with transaction.atomic():
        reset = attempt_reset(
            SLOT,
            delivery.pk,
            from_states=[WebhookDelivery.Status.GAGAL, WebhookDelivery.Status.TERKIRIM],
        )
        if not reset:
            return False
        WebhookDelivery.objects.filter(pk=delivery.pk).update(dibuat_pada=timezone.now())
        audit_record(
            actor=actor,
            action=API_WEBHOOK_REDELIVER,
            obj=delivery,
            details={"message_id": delivery.message_id},
        )
        task_enqueue(SLOT.task, delivery.pk, task_name=f"webhook {delivery.message_id}")
    return True


# --- From audit events to deliveries -----------------------------------------------------------


def _subject(event: AuditEvent):
    """(object kind, object id, data(caller) -> dict or None when the client may not see
    the object) for an audit event of EVENT_MAP."""
    from api import permissions

    action, oid = event.action, event.object_id
    if action.startswith("naskah."):

        def letter(caller):
            if not permissions.naskah_for_caller(caller).filter(pk=oid).exists():
                return None
            return {"url": f"/api/v1/letters/{oid}"}

        return "letter", oid, letter
    if action.startswith("masuk."):
        from naskah.masuk.models import Disposisi, DisposisiPenerima

        surat_id = oid
        if action in (MASUK_DISPOSISI_CREATE, MASUK_DISPOSISI_FORWARD):
            surat_id = Disposisi.objects.filter(pk=oid).values_list("surat_id", flat=True).first()
        elif action == MASUK_DISPOSISI_CLOSE:
            surat_id = (
                DisposisiPenerima.objects.filter(pk=oid).values_list("surat_id", flat=True).first()
            )

        def incoming(caller):
            if not permissions.suratmasuk_for_caller(caller).filter(pk=surat_id).exists():
                return None
            return {"incoming_id": surat_id, "url": f"/api/v1/incoming/{surat_id}"}

        kind = "incoming" if action.endswith("register") else "disposition"
        return kind, oid, incoming
    if action.startswith("arsip."):
        from arsip.models import ArsipRecord
        from core.vocabulary import CONFIDENTIAL

        ids = list((event.details or {}).get("records") or [])

        def records(caller):
            # By unit, never a Rahasia / Sangat Rahasia record (DESIGN invariant 12).
            visible = list(
                ArsipRecord.objects.filter(pk__in=ids)
                .exclude(klasifikasi_keamanan__in=CONFIDENTIAL)
                .filter(permissions._paths_q("unit__path", caller.unit_paths))
                .values_list("pk", flat=True)
            )
            return {"records": visible} if visible else None

        return "disposal", oid, records
    return None


def _client_caller(client: ApiClient):
    from api.auth import Caller

    return Caller(
        token=None,
        client=client,
        pegawai=client.akun,
        scopes=frozenset(client.scopes),
        personal=False,
        unit_paths=sorted(client.unit.values_list("path", flat=True)),
    )


def on_audit_event(event: AuditEvent) -> None:
    """core.hooks.AUDIT_RECORDED handler: queue deliveries for the subscribed clients. A
    failure here is logged and never fails the action (its own savepoint)."""
    kind = EVENT_MAP.get(event.action)
    if kind is None or kind.value not in subscribed_events():
        return  # the common case costs no SQL statement
    try:
        with transaction.atomic():
            _queue_deliveries(event, kind)
    except Exception:
        logger.exception("webhooks: could not queue deliveries for audit event %s", event.pk)


def _queue_deliveries(event: AuditEvent, kind: WebhookEvent) -> None:
    subs = [
        s
        for s in WebhookSubscription.objects.filter(aktif=True, client__aktif=True).select_related(
            "client__akun"
        )
        if kind.value in s.events and Scope.EVENTS_RECEIVE.value in s.client.scopes
    ]
    if not subs:
        return
    subject = _subject(event)
    if subject is None:
        return
    object_kind, object_id, data_for = subject
    now = timezone.now()
    for sub in subs:
        if not sub.client.usable(now):
            continue
        extra = data_for(_client_caller(sub.client))
        if extra is None:  # the client may not see this object
            continue
        data = {"object": object_kind, "id": object_id, "action": event.action, **extra}
        message_id = "msg_" + uuid.uuid4().hex
        delivery = WebhookDelivery.objects.create(
            subscription=sub,
            message_id=message_id,
            event_type=kind.value,
            payload={"type": kind.value, "timestamp": now.isoformat(), "data": data},
        )
        task_enqueue(SLOT.task, delivery.pk, task_name=f"webhook {message_id}")


hooks.register(hooks.AUDIT_RECORDED, on_audit_event)


# --- Delivery -----------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer (a failure), never followed: it could lead anywhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _post(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    timeout = settings.NASKAH_WEBHOOK_TIMEOUT
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _give_up(delivery: WebhookDelivery, now: dt.datetime) -> bool:
    hours = settings.NASKAH_WEBHOOK_RETRY_HOURS
    return now - delivery.dibuat_pada > dt.timedelta(hours=hours)


def webhook_deliver(*, delivery_id: int) -> str:
    """One attempt to deliver (module docstring). Returns the delivery's state."""
    attempt = attempt_claim(SLOT, delivery_id)
    if attempt is None:
        return (
            WebhookDelivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
            or ""
        )
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    if attempt.exhausted:
        attempt_failed(
            SLOT,
            attempt,
            error=_("Stopped after %(n)d attempts.") % {"n": attempt.number - 1},
            retry=False,
        )
        return WebhookDelivery.Status.GAGAL
    sub = delivery.subscription
    retry = not _give_up(delivery, timezone.now())
    if not sub.aktif or not url_allowed(sub.url):
        attempt_failed(
            SLOT,
            attempt,
            error=_("The subscription is inactive or its URL is not allowed."),
            retry=False,
        )
        return WebhookDelivery.Status.GAGAL
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Naskah-Webhooks/1",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(subscription_secret(sub), delivery.message_id, timestamp, body),
    }
    try:
        status = _post(sub.url, body, headers)
    except (OSError, ValueError) as exc:
        logger.warning("webhook %s to %s failed: %s", delivery.message_id, sub.url, exc)
        state = attempt_failed(
            SLOT,
            attempt,
            error=_("No answer from the receiver (attempt %(n)d of %(max)d).")
            % {"n": attempt.number, "max": max_attempts()},
            retry=retry,
        )
        return state or ""
    if 200 <= status < 300:
        attempt_done(
            SLOT,
            attempt,
            status=WebhookDelivery.Status.TERKIRIM,
            terkirim_pada=timezone.now(),
            respons_status=status,
        )
        return WebhookDelivery.Status.TERKIRIM
    WebhookDelivery.objects.filter(pk=delivery.pk).update(respons_status=status)
    state = attempt_failed(
        SLOT,
        attempt,
        error=_("The receiver answered %(status)d (attempt %(n)d of %(max)d).")
        % {"status": status, "n": attempt.number, "max": max_attempts()},
        retry=retry,
    )
    return state or ""
