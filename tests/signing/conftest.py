"""Fixtures for the signing tests: small reportlab PDFs and enrolled signers."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.factories import PegawaiFactory, registration_officer

PASSPHRASE = "kunci-tte-rahasia-1"


def make_pdf(text: str = "Surat dinas uji", pages: int = 1) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for n in range(pages):
        c.drawString(72, 760, f"{text} - halaman {n + 1}")
        c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()  # previews and rate limits live in the cache
    yield
    cache.clear()


@pytest.fixture
def pdf() -> bytes:
    return make_pdf()


@pytest.fixture
def signer(db):
    return PegawaiFactory(nama="Budi Santoso", email="budi@example.go.id")


@pytest.fixture
def enrolled(signer):
    from signing.services import signer_enroll

    signer_enroll(signer=signer, passphrase=PASSPHRASE, officer=registration_officer())
    return signer


@pytest.fixture
def admin_user(db):
    return PegawaiFactory(username="admin-tte", nama="Admin TTE", is_staff=True, is_superuser=True)


class _TsaServer:
    """An RFC 3161 timestamp service over HTTP on 127.0.0.1, built on pyHanko's
    DummyTimeStamper (which signs each request with its own TSA key)."""

    def __init__(self, tmp_path):
        import datetime as dt
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        from asn1crypto import keys as asn1_keys
        from asn1crypto import tsp
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
        from pyhanko.sign.timestamps import DummyTimeStamper

        from signing import crypto
        from signing.pades import asn1_certificate

        now = dt.datetime.now(dt.UTC)
        root_key = crypto.rsa_generate(2048)
        root = crypto.ca_certificate_build(
            root_key, common_name="Test TSA Root", organisation="Test", days=30, now=now
        )
        tsa_key = crypto.rsa_generate(2048)
        tsa_cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")]))
            .issuer_name(root.subject)
            .public_key(tsa_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
            .sign(root_key, hashes.SHA256())
        )
        self.root_path = tmp_path / "tsa-root.pem"
        self.root_path.write_text(crypto.certificate_pem(root))
        stamper = DummyTimeStamper(
            tsa_cert=asn1_certificate(tsa_cert),
            tsa_key=asn1_keys.PrivateKeyInfo.load(
                tsa_key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            ),
            certs_to_embed=[asn1_certificate(root)],
        )
        self.stamper = stamper
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests += 1
                answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        host, port = self.httpd.server_address[:2]
        self.url = f"http://{host}:{port}/tsa"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def tsa(tmp_path, settings):
    server = _TsaServer(tmp_path)
    settings.NASKAH_TSA_URL = server.url
    settings.NASKAH_TRUST_ROOTS = [str(server.root_path)]
    yield server
    server.close()
