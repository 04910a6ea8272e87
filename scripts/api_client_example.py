"""An example integration client of the Naskah API (docs/api.md), runnable end to end.

It does what another provincial application does: get a client-credentials token, draft a
letter (with an Idempotency-Key, retried once to show nothing is created twice), submit it
and follow it until it is signed (status, route), fetch the sealed PDF and its
verification data, and receive the webhooks on a receiver of its own that verifies their
Standard Webhooks signatures (the `standardwebhooks` package) and refuses a bad one.

The reviewers give their paraf on the page; the signer signs on the page, or, with
--signer-token (the signer's own personal access token, scope `sign`) and the passphrase
in NASKAH_SIGNER_PASSPHRASE, through the API. The passphrase is sent in that one request
and kept nowhere.

    export NASKAH_CLIENT_SECRET=nsk_cs_... NASKAH_WEBHOOK_SECRET=whsec_...
    python scripts/api_client_example.py --base https://naskah.example.go.id \\
        --client-id nsk_... --listen 127.0.0.1:8799 --penandatangan-id 34 \\
        --kode-klasifikasi 000.1.2.3 --tujuan "Kepala Dinas Pendidikan Kota Metro"

Prints one JSON summary on stdout; exits 0 when the letter is signed and every expected
webhook arrived with a valid signature, 1 otherwise. tests/api/test_client_example.py runs
it against a live server."""

from __future__ import annotations

import argparse
import http.server
import json
import os
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field

import requests
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

SIGNED = "ditandatangani"
READY = "siap_tandatangan"
STOPPED = {"dikembalikan", "ditolak", "dibatalkan"}
EXPECTED_EVENTS = ("letter.submitted", "letter.signed")


class ReceiverError(Exception):
    pass


@dataclass
class WebhookReceiver:
    """A loopback HTTP receiver: every POST is verified; valid ones are kept in `events`,
    a bad signature is answered 400 and counted in `refused`."""

    secret: str
    host: str = "127.0.0.1"
    port: int = 0
    events: list[dict] = field(default_factory=list)
    refused: int = 0

    def __post_init__(self):
        verifier = Webhook(self.secret)
        receiver = self
        lock = threading.Condition()
        self._lock = lock

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    payload = verifier.verify(body, dict(self.headers.items()))
                except WebhookVerificationError:
                    with lock:
                        receiver.refused += 1
                    self.send_response(400)
                else:
                    with lock:
                        receiver.events.append(
                            {"webhook_id": self.headers["webhook-id"], **payload}
                        )
                        lock.notify_all()
                    self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/naskah-webhook"

    def wait_for(self, letter_id: int, types, timeout: float) -> dict[str, dict]:
        """The first verified event of each type about the letter (at-least-once: the same
        webhook-id may come twice); raises ReceiverError on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = {}
                for event in self.events:
                    data = event.get("data") or {}
                    if data.get("object") == "letter" and str(data.get("id")) == str(letter_id):
                        found.setdefault(event["type"], event)
                if all(t in found for t in types):
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    missing = [t for t in types if t not in found]
                    raise ReceiverError(f"webhooks not received in {timeout:.0f} s: {missing}")
                self._lock.wait(min(left, 1.0))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class ApiError(Exception):
    def __init__(self, response: requests.Response):
        self.status = response.status_code
        try:
            self.problem = response.json()
        except ValueError:
            self.problem = {"detail": response.text[:200]}
        super().__init__(f"{self.status} {self.problem.get('code')}: {self.problem.get('detail')}")


class NaskahClient:
    """Bearer token from client credentials; waits out a 429 as its Retry-After says."""

    def __init__(self, base: str, client_id: str, client_secret: str, *, timeout: float = 30):
        self.api = base.rstrip("/") + "/api/v1"
        self.session = requests.Session()
        self.timeout = timeout
        self.client_id = client_id
        self.client_secret = client_secret
        self.token = ""

    def authenticate(self) -> dict:
        response = self.session.post(
            f"{self.api}/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(self.client_id, self.client_secret),
            timeout=self.timeout,
        )
        if response.status_code != 200:
            raise ApiError(response)
        body = response.json()
        self.token = body["access_token"]
        return body

    def call(self, method: str, path: str, *, token: str = "", **kw) -> requests.Response:
        headers = {"Authorization": f"Bearer {token or self.token}", "Accept-Language": "en"}
        headers.update(kw.pop("headers", {}))
        for _ in range(5):
            response = self.session.request(
                method, self.api + path, headers=headers, timeout=self.timeout, **kw
            )
            if response.status_code != 429:
                break
            time.sleep(min(int(response.headers.get("Retry-After", "1")), 60))
        if response.status_code >= 400:
            raise ApiError(response)
        return response

    def get(self, path: str, **kw) -> dict:
        return self.call("GET", path, **kw).json()

    def post(self, path: str, body: dict, *, key: str, **kw) -> dict:
        return self.call("POST", path, json=body, headers={"Idempotency-Key": key}, **kw).json()


def follow(
    client: NaskahClient,
    letter_id: int,
    *,
    timeout: float,
    signer_token: str = "",
    passphrase: str = "",
    log=print,
) -> dict:
    """Poll the letter until it is signed; signs it through the API once it waits for the
    signature when the signer's token and passphrase are given."""
    deadline = time.monotonic() + timeout
    signed_here = False
    last = None
    while True:
        letter = client.get(f"/letters/{letter_id}")
        if letter["status"] != last:
            route = client.get(f"/letters/{letter_id}/route")
            waiting = [
                s["label"]
                for stage in route.get("stages", [])
                for s in stage.get("steps", [])
                if s.get("status") == "active"
            ]
            log(f"letter {letter_id}: {letter['status']} (waiting for: {waiting or '-'})")
            last = letter["status"]
        if letter["status"] == SIGNED or letter["status"] in STOPPED:
            return letter
        if letter["status"] == READY and signer_token and not signed_here:
            client.post(
                f"/letters/{letter_id}/sign",
                {"passphrase": passphrase},
                key=f"sign-{letter_id}",
                token=signer_token,
            )
            signed_here = True
            continue
        if time.monotonic() > deadline:
            raise TimeoutError(f"letter {letter_id} still {letter['status']} after {timeout} s")
        time.sleep(1)


def run(
    *,
    base: str,
    client_id: str,
    client_secret: str,
    draft: dict,
    receiver: WebhookReceiver | None = None,
    signer_token: str = "",
    passphrase: str = "",
    timeout: float = 300,
    log=print,
) -> dict:
    client = NaskahClient(base, client_id, client_secret)
    granted = client.authenticate()
    log(f"token for {client_id}: scopes {granted.get('scope')}")
    key = f"example-{uuid.uuid4()}"
    created = client.post("/letters", draft, key=key)
    again = client.post("/letters", draft, key=key)  # a retry: the same letter, not a second
    if again["id"] != created["id"]:
        raise AssertionError(f"retry created a second letter: {created['id']}, {again['id']}")
    letter_id = created["id"]
    log(f"draft {letter_id} created (revision {created['revisi']})")
    client.post(f"/letters/{letter_id}/submit", {}, key=f"{key}-submit")
    letter = follow(
        client,
        letter_id,
        timeout=timeout,
        signer_token=signer_token,
        passphrase=passphrase,
        log=log,
    )
    summary: dict = {"letter_id": letter_id, "status": letter["status"], "nomor": letter["nomor"]}
    if letter["status"] != SIGNED:
        return summary
    pdf = client.call("GET", f"/letters/{letter_id}/pdf").content
    verification = client.get(f"/letters/{letter_id}/verification")
    summary.update(
        pdf_bytes=len(pdf),
        pdf_is_pdf=pdf.startswith(b"%PDF"),
        verification=verification,
    )
    if receiver is not None:
        events = receiver.wait_for(letter_id, EXPECTED_EVENTS, timeout=min(timeout, 120))
        summary["webhooks"] = {
            t: {"webhook_id": e["webhook_id"], "verified": True} for t, e in events.items()
        }
        summary["webhooks_refused"] = receiver.refused
    return summary


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base", required=True, help="the instance, e.g. https://naskah.example")
    p.add_argument("--client-id", required=True)
    p.add_argument("--listen", default="", help="host:port of the webhook receiver")
    p.add_argument("--signer-token", default=os.environ.get("NASKAH_SIGNER_TOKEN", ""))
    p.add_argument("--penandatangan-id", type=int, required=True, help="signing position id")
    p.add_argument("--jenis", default="surat_dinas")
    p.add_argument("--kode-klasifikasi", default="")
    p.add_argument("--tujuan", default="Kepala Dinas Pendidikan Kota Metro")
    p.add_argument(
        "--tujuan-email",
        default="",
        help="the addressee's official e-mail (a peer instance's address: delivered to it)",
    )
    p.add_argument("--timeout", type=float, default=600, help="seconds to wait for the signature")
    a = p.parse_args(argv)
    secret = os.environ["NASKAH_CLIENT_SECRET"]
    receiver = None
    if a.listen:
        host, _, port = a.listen.rpartition(":")
        receiver = WebhookReceiver(os.environ["NASKAH_WEBHOOK_SECRET"], host, int(port))
    draft = {
        "jenis": a.jenis,
        "penandatangan_id": a.penandatangan_id,
        "hal": "Permohonan Data Perizinan (contoh integrasi)",
        "body_markup": "Dengan hormat, bersama ini kami sampaikan permohonan data perizinan.\n\n"
        "Demikian disampaikan, atas perhatiannya diucapkan terima kasih.",
        "penerima": [{"jenis": "tujuan", "nama": a.tujuan}],
    }
    if a.tujuan_email:
        draft["penerima"][0]["email"] = a.tujuan_email
    if a.kode_klasifikasi:
        draft["kode_klasifikasi"] = a.kode_klasifikasi
    log = lambda line: print(line, file=sys.stderr)  # noqa: E731
    try:
        summary = run(
            base=a.base,
            client_id=a.client_id,
            client_secret=secret,
            draft=draft,
            receiver=receiver,
            signer_token=a.signer_token,
            passphrase=os.environ.get("NASKAH_SIGNER_PASSPHRASE", ""),
            timeout=a.timeout,
            log=log,
        )
    except (ApiError, ReceiverError, TimeoutError, AssertionError) as exc:
        print(json.dumps({"error": str(exc)}), flush=True)
        return 1
    finally:
        if receiver is not None:
            receiver.close()
    print(json.dumps(summary, indent=2, ensure_ascii=False), flush=True)
    ok = summary["status"] == SIGNED and summary.get("pdf_is_pdf")
    if receiver is not None:
        ok = ok and set(EXPECTED_EVENTS) <= set(summary.get("webhooks", {}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
