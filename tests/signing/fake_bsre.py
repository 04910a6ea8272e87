"""A local stand-in for the BSrE esign-client API (v2 JSON and v1 multipart), used by the
BSrE client tests. It signs for real (PAdES with its own test CA) and counts signatures,
so a test can prove that a retry never produced a second one."""

from __future__ import annotations

import base64
import datetime as dt
import email.parser
import email.policy
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509

from signing import crypto
from signing.pades import CachedKeySigner, pades_sign

USERNAME = "esign"
PASSWORD = "client-secret-xyz"


@dataclass
class FakeUser:
    passphrase: str
    status: str = "ISSUE"
    signer: CachedKeySigner | None = None
    totp: str = ""  # the code the user's BSrE authenticator shows now ("" = no TOTP)


@dataclass
class FakeBsreState:
    users: dict[str, FakeUser] = field(default_factory=dict)
    signatures: int = 0
    sign_requests: int = 0
    sleep_before_answer: float = 0.0
    drop_after_sign: bool = False
    v1_returns_id: bool = True
    credential_kinds: list[str] = field(default_factory=list)  # of each sign request
    stored: dict[str, bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class FakeBsreCA:
    def __init__(self):
        now = dt.datetime.now(dt.UTC)
        self.key = crypto.rsa_generate(2048)
        self.cert = crypto.ca_certificate_build(
            self.key, common_name="Fake BSrE CA", organisation="BSSN (test)", days=30, now=now
        )

    def issue(self, name: str) -> CachedKeySigner:
        now = dt.datetime.now(dt.UTC)
        key = crypto.rsa_generate(2048)
        cert = crypto.signer_certificate_build(
            ca_key=self.key,
            ca_cert=self.cert,
            public_key=key.public_key(),
            common_name=name,
            organisation="Pemerintah (test)",
            serial_number=x509.random_serial_number(),
            not_before=now - dt.timedelta(minutes=5),
            not_after=now + dt.timedelta(days=30),
        )
        return CachedKeySigner(private_key=key, certificate=cert, chain=[self.cert])


def _json(handler: BaseHTTPRequestHandler, status: int, payload: dict) -> None:
    body = json.dumps(payload).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def make_handler(state: FakeBsreState):  # noqa: C901 - a fake server: all its routes in one handler
    expected_auth = "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # keep test output quiet
            pass

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _authorised(self) -> bool:
            if self.headers.get("Authorization") != expected_auth:
                _json(
                    self,
                    401,
                    {"timestamp": "now", "status": 401, "error": "Unauthorized", "path": self.path},
                )
                return False
            return True

        def _multipart(self, body: bytes) -> dict[str, bytes]:
            raw = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body
            msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
            return {
                part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
                for part in msg.iter_parts()
            }

        def _status_payload(self, ident: str) -> dict:
            user = state.users.get(ident)
            if user is None:
                return {
                    "status_code": 2011,
                    "message": "User not registered",
                    "status": "NOT_REGISTERED",
                }
            return {"status_code": 1111, "message": "ok", "status": user.status}

        def _sign(
            self,
            ident: str,
            secret: str,
            pdf: bytes,
            reason: str,
            location: str,
            kind: str = "passphrase",
        ):
            with state.lock:
                state.sign_requests += 1
                state.credential_kinds.append(kind)
            user = state.users.get(ident)
            if user is None:
                return 400, {"status_code": 2011, "error": "NIK tidak terdaftar"}
            if user.status != "ISSUE":
                return 400, {"status_code": 2021, "error": "Sertifikat tidak aktif"}
            if kind == "totp" and (not user.totp or secret != user.totp):
                return 400, {"status_code": 2031, "error": "TOTP anda salah"}
            if kind == "passphrase" and secret != user.passphrase:
                return 400, {"status_code": 2031, "error": "Passphrase anda salah"}
            n = len(state.stored) + state.signatures + 1
            signed = pades_sign(
                pdf,
                signer=user.signer,
                field_name=f"BSrE_{n}_{uuid.uuid4().hex[:6]}",
                reason=reason,
                location=location,
            )
            with state.lock:
                state.signatures += 1
            if state.sleep_before_answer:
                time.sleep(state.sleep_before_answer)
            return 200, signed

        def do_GET(self):
            if not self._authorised():
                return
            if self.path.startswith("/api/user/status/"):
                _json(self, 200, self._status_payload(self.path.rsplit("/", 1)[1]))
            elif self.path.startswith("/api/sign/download/"):
                doc = state.stored.get(self.path.rsplit("/", 1)[1])
                if doc is None:
                    _json(self, 404, {"status_code": 404, "error": "Dokumen tidak ditemukan"})
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/pdf")
                self.send_header("Content-Length", str(len(doc)))
                self.end_headers()
                self.wfile.write(doc)
            else:
                _json(self, 404, {"error": "not found"})

        def do_POST(self):
            body = self._body()
            if not self._authorised():
                return
            if self.path == "/api/v2/user/check/status":
                data = json.loads(body)
                _json(self, 200, self._status_payload(data.get("nik") or data.get("email")))
            elif self.path == "/api/v2/sign/pdf":
                data = json.loads(body)
                ident = data.get("nik") or data.get("email")
                kind = "totp" if "totp" in data else "passphrase"
                secret = data.get(kind) or ""
                props = (data.get("signatureProperties") or [{}])[0]
                pdf = base64.b64decode(data["file"][0])
                status, result = self._sign(
                    ident, secret, pdf, props.get("reason", ""), props.get("location", ""), kind
                )
                if state.drop_after_sign and status == 200:
                    self.close_connection = True
                    self.connection.close()
                    return
                if status != 200:
                    _json(self, status, result)
                else:
                    _json(self, 200, {"time": 850, "file": [base64.b64encode(result).decode()]})
            elif self.path == "/api/sign/pdf":
                form = self._multipart(body)
                status, result = self._sign(
                    form["nik"].decode(),
                    form["passphrase"].decode(),
                    form["file"],
                    form.get("reason", b"").decode(),
                    form.get("location", b"").decode(),
                )
                if status != 200:
                    _json(self, status, result)
                elif state.v1_returns_id:
                    doc_id = uuid.uuid4().hex
                    state.stored[doc_id] = result
                    _json(self, 200, {"id_dokumen": doc_id})
                else:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/pdf")
                    self.send_header("Content-Length", str(len(result)))
                    self.end_headers()
                    self.wfile.write(result)
            elif self.path in {"/api/v2/verify/pdf", "/api/sign/verify"}:
                _json(
                    self,
                    200,
                    {
                        "signatureCount": 1,
                        "conclusion": "VALID",
                        "description": "fake",
                        "signatureInformations": [],
                    },
                )
            else:
                _json(self, 404, {"error": "not found"})

    return Handler


class FakeBsreServer:
    def __init__(self):
        self.state = FakeBsreState()
        self.ca = FakeBsreCA()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self.state))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def add_user(
        self, ident: str, passphrase: str, name: str, status: str = "ISSUE", totp: str = ""
    ) -> None:
        self.state.users[ident] = FakeUser(passphrase, status, self.ca.issue(name), totp)

    def __enter__(self) -> FakeBsreServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
