"""The example integration client (scripts/api_client_example.py) against a live server on
loopback: it drafts a letter (its retried POST creates nothing twice), submits it, follows
it to "ditandatangani" and signs it through the API with the signer's own token and
passphrase, fetches the sealed PDF and its verification data, and its receiver verifies
the Standard Webhooks signatures of letter.submitted and letter.signed. Meanwhile this
test plays the reviewers (their paraf through the approval services the page calls) and
the django-q worker (each queued webhook delivered by the delivery task's function)."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from api.models import WebhookDelivery
from api.services.webhooks import webhook_deliver, webhook_subscribe
from core.models import Pegawai
from core.selectors.organisasi import jabatan_holder_on, pegawai_primary_unit
from naskah.demo import letter_through_paraf
from naskah.models import Naskah
from scripts.api_client_example import WebhookReceiver, run
from signing.models import SignerCertificate
from tests.letters import KADIS, PASSPHRASE, enroll, jabatan, kode

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

HAL = "Permohonan Data Perizinan (uji klien contoh)"
TIMEOUT = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _act_as_reviewers_and_worker(drafter) -> None:
    for naskah in Naskah.objects.filter(konseptor=drafter, hal=HAL, status=Naskah.Status.DIAJUKAN):
        letter_through_paraf(naskah)
    for pk in WebhookDelivery.objects.filter(status=WebhookDelivery.Status.MENUNGGU).values_list(
        "pk", flat=True
    ):
        webhook_deliver(delivery_id=pk)


def test_example_client_follows_a_letter_to_signed_and_verifies_its_webhooks(
    live_server, demo, settings, tmp_path, make_client, pat_for
):
    settings.NASKAH_WEBHOOK_ALLOW_LOOPBACK = True
    settings.MEDIA_ROOT = str(tmp_path / "media")
    drafter = demo["prakommuda"]
    admin = Pegawai.objects.get(username="admin")
    reg = make_client(
        scopes=("letters:read", "drafts:write", "events:receive"),
        units=[pegawai_primary_unit(drafter)],
        akun=drafter,
    )
    port = _free_port()
    _sub, whsec = webhook_subscribe(
        actor=admin,
        client=reg.client,
        url=f"http://127.0.0.1:{port}/naskah-webhook",
        events=["letter.submitted", "letter.signed"],
    )
    receiver = WebhookReceiver(whsec, "127.0.0.1", port)
    signer = jabatan_holder_on(jabatan(KADIS)).pegawai
    if not SignerCertificate.objects.filter(pegawai=signer).exists():
        enroll(signer)
    signer_token = pat_for(signer, scopes=("letters:read", "sign"))
    draft = {
        "jenis": "surat_dinas",
        "penandatangan_id": jabatan(KADIS).pk,
        "hal": HAL,
        "body_markup": "Dengan hormat, bersama ini kami sampaikan permohonan data.",
        "penerima": [{"jenis": "tujuan", "nama": "Kepala Dinas Pendidikan Kota Metro"}],
        "kode_klasifikasi": kode().kode,
    }
    outcome: dict = {}
    lines: list[str] = []

    def client():
        try:
            outcome["summary"] = run(
                base=live_server.url,
                client_id=reg.client.client_id,
                client_secret=reg.secret,
                draft=draft,
                receiver=receiver,
                signer_token=signer_token,
                passphrase=PASSPHRASE,
                timeout=TIMEOUT,
                log=lines.append,
            )
        except Exception as exc:  # reported by the assertion below
            outcome["error"] = repr(exc)

    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    deadline = time.monotonic() + TIMEOUT + 30
    try:
        while thread.is_alive() and time.monotonic() < deadline:
            _act_as_reviewers_and_worker(drafter)
            time.sleep(0.3)
        thread.join(5)
        # A forged delivery is refused by the receiver (the check can fail).
        forged = requests.post(
            receiver.url,
            data=b'{"type":"letter.signed"}',
            headers={
                "webhook-id": "msg_forged",
                "webhook-timestamp": str(int(time.time())),
                "webhook-signature": "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            },
            timeout=10,
        )
    finally:
        receiver.close()
    assert "error" not in outcome, (outcome, lines)
    summary = outcome["summary"]
    assert summary["status"] == "ditandatangani", (summary, lines)
    assert summary["pdf_is_pdf"] and summary["nomor"]
    assert summary["verification"]["signatures"], summary["verification"]
    assert set(summary["webhooks"]) == {"letter.submitted", "letter.signed"}
    assert summary["webhooks_refused"] == 0
    assert forged.status_code == 400 and receiver.refused == 1
    # Nothing created twice by the retried POST; signed by the signer, through the API.
    letters = Naskah.objects.filter(konseptor=drafter, hal=HAL)
    assert letters.count() == 1
    assert letters.get().status == Naskah.Status.DITANDATANGANI
    assert any("siap_tandatangan" in line for line in lines), lines
