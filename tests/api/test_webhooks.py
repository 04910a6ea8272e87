"""Signed webhooks: queued from the audited action, only for clients that may see the
object, signed as Standard Webhooks (verified here with the `standardwebhooks` package),
retried with backoff, given up after the bounded time, redelivered from the admin."""

import datetime as dt
import http.server
import json
import threading

import pytest
from django.utils import timezone
from django_q.models import OrmQ, Schedule
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from api.models import WebhookDelivery
from api.services.webhooks import url_allowed, webhook_deliver, webhook_redeliver, webhook_subscribe
from core.selectors.organisasi import pegawai_primary_unit
from tests.api.conftest import unrelated_unit
from tests.naskah.alur_helpers import letter, submit

pytestmark = pytest.mark.django_db


class Receiver:
    def __init__(self):
        self.requests = []
        self.answers = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                body = self.rfile.read(length)
                receiver.requests.append((dict(self.headers), body))
                status = receiver.answers.pop(0) if receiver.answers else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.NASKAH_WEBHOOK_ALLOW_LOOPBACK = True
    r = Receiver()
    yield r
    r.close()


def _subscribe(demo, make_client, receiver, units, events=("letter.submitted",), nama="App"):
    reg = make_client(scopes=("letters:read", "events:receive"), units=units, nama=nama)
    sub, secret = webhook_subscribe(
        actor=demo["admin"], client=reg.client, url=receiver.url, events=list(events)
    )
    return sub, secret


def test_signed_delivery_retried_then_delivered(demo, make_client, receiver):
    unit = pegawai_primary_unit(demo["prakommuda"])
    sub, secret = _subscribe(demo, make_client, receiver, [unit])
    outsider_unit = unrelated_unit(unit)
    outsider, _secret = _subscribe(demo, make_client, receiver, [outsider_unit], nama="Other")

    naskah = letter(demo, "prakommuda")
    submit(demo, naskah)
    delivery = WebhookDelivery.objects.get()
    assert delivery.subscription == sub  # not the client of another unit
    assert delivery.payload["data"]["id"] == str(naskah.pk)
    assert any(q.func() == "api.tasks.webhook_deliver_task" for q in OrmQ.objects.all())

    receiver.answers = [500]
    assert webhook_deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.MENUNGGU
    delivery.refresh_from_db()
    assert delivery.percobaan == 1 and delivery.respons_status == 500 and delivery.kesalahan
    assert Schedule.objects.filter(func="api.tasks.webhook_deliver_task").exists()

    assert webhook_deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.TERKIRIM
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.TERKIRIM and delivery.percobaan == 2

    headers, body = receiver.requests[-1]
    lower = {k.lower(): v for k, v in headers.items()}
    verified = Webhook(secret).verify(body, lower)
    assert verified["type"] == "letter.submitted"
    assert lower["webhook-id"] == delivery.message_id
    # A tampered body fails verification.
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(b"submitted", b"signed"), lower)
    # Both attempts carried the same webhook-id (receivers de-duplicate on it).
    ids = {{k.lower(): v for k, v in r[0].items()}["webhook-id"] for r in receiver.requests}
    assert ids == {delivery.message_id}
    json.loads(body)


def test_gives_up_after_the_bounded_time_and_redelivers(demo, make_client, receiver, settings):
    unit = pegawai_primary_unit(demo["prakommuda"])
    _subscribe(demo, make_client, receiver, [unit])
    submit(demo, letter(demo, "prakommuda"))
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        dibuat_pada=timezone.now() - dt.timedelta(hours=settings.NASKAH_WEBHOOK_RETRY_HOURS + 1)
    )
    receiver.answers = [503]
    assert webhook_deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.GAGAL
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.GAGAL and "503" in delivery.kesalahan

    assert webhook_redeliver(actor=demo["admin"], delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.MENUNGGU and delivery.percobaan == 0
    assert webhook_deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.TERKIRIM


def test_unreachable_receiver_is_a_recorded_failure(demo, make_client, receiver):
    unit = pegawai_primary_unit(demo["prakommuda"])
    sub, _secret = _subscribe(demo, make_client, receiver, [unit])
    receiver.close()  # nothing listens any more
    submit(demo, letter(demo, "prakommuda"))
    delivery = WebhookDelivery.objects.get()
    assert webhook_deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.MENUNGGU
    delivery.refresh_from_db()
    assert delivery.kesalahan and delivery.coba_lagi_pada
    receiver.close = lambda: None


def test_a_redirect_is_a_failure_not_followed(demo, make_client, receiver):
    unit = pegawai_primary_unit(demo["prakommuda"])
    _subscribe(demo, make_client, receiver, [unit])
    submit(demo, letter(demo, "prakommuda"))
    delivery = WebhookDelivery.objects.get()
    receiver.answers = [302]
    assert webhook_deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.MENUNGGU
    delivery.refresh_from_db()
    assert delivery.respons_status == 302 and len(receiver.requests) == 1


def test_no_event_about_a_rahasia_letter_to_a_unit_client(demo, make_client, receiver):
    unit = pegawai_primary_unit(demo["prakommuda"])
    _subscribe(demo, make_client, receiver, [unit])
    submit(demo, letter(demo, "prakommuda", klasifikasi_keamanan="rahasia"))
    assert not WebhookDelivery.objects.exists()


def test_only_https_or_loopback_in_development(settings):
    settings.NASKAH_WEBHOOK_ALLOW_LOOPBACK = False
    settings.DEBUG = False
    assert url_allowed("https://app.example.go.id/hook")
    assert not url_allowed("http://127.0.0.1:8000/hook")
    assert not url_allowed("ftp://example.org/")
    settings.NASKAH_WEBHOOK_ALLOW_LOOPBACK = True
    assert url_allowed("http://127.0.0.1:8000/hook")
    assert not url_allowed("http://10.0.0.5/hook")
