"""Oversized uploads are refused before (Content-Length) or while (upload handler) the body
is read: bytes taken from wsgi.input are counted (docs/security.md)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.urls import reverse

pytestmark = pytest.mark.django_db

BOUNDARY = "naskahboundary"


class CountingInput(io.RawIOBase):
    """A wsgi.input of `size` bytes made on demand: a multipart form with one file field
    whose content is `size` bytes of filler. Counts what the app reads."""

    def __init__(self, size: int):
        head = (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="berkas"; filename="besar.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
        ).encode()
        self.head, self.size, self.pos, self.read_bytes = head, size, 0, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.pos >= self.size:
            return 0
        n = min(len(buffer), self.size - self.pos)
        chunk = b"".join([self.head[self.pos : self.pos + n]] if self.pos < len(self.head) else [])
        chunk = chunk + b"0" * (n - len(chunk))
        buffer[:n] = chunk
        self.pos += n
        self.read_bytes += n
        return n


def _environ(path: str, body: CountingInput, content_length: int) -> dict:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "192.0.2.1",
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(content_length),
        "wsgi.input": body,
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def _call(environ):
    status = {}

    def start_response(value, headers, exc_info=None):
        status["value"] = value
        status["headers"] = dict(headers)

    body = b"".join(WSGIHandler()(environ, start_response))
    return int(status["value"].split()[0]), status["headers"], body


def test_a_300_mb_post_to_the_public_validator_is_refused_unread(settings):
    settings.NASKAH_UPLOAD_LIMITS = {"/verifikasi/": 1024 * 1024}
    size = 300 * 1024 * 1024
    body = CountingInput(size)
    code, headers, html = _call(_environ("/verifikasi/", body, size))
    assert code == 413
    assert body.read_bytes == 0
    assert "Connection" not in headers  # hop-by-hop: not the app's to send
    assert b"upload-too-large" in html and b"<_io" not in html


def test_the_upload_handler_stops_reading_once_past_the_limit(settings):
    """Without the middleware's Content-Length check (a request that reaches the parser
    another way), the first upload handler still stops the multipart parser a chunk or two
    past the limit instead of reading the whole body."""
    from django.core.handlers.wsgi import WSGIRequest

    from core.uploads import REFUSED_ATTR

    limit = 1024 * 1024
    settings.NASKAH_UPLOAD_LIMITS = {"/verifikasi/": limit}
    size = 50 * 1024 * 1024
    body = CountingInput(size)
    request = WSGIRequest(_environ("/verifikasi/", body, size))
    files = request.FILES
    assert getattr(request, REFUSED_ATTR) == limit
    assert "berkas" not in files
    assert body.read_bytes < limit + 2 * 1024 * 1024
    assert body.read_bytes < size


def test_a_form_under_the_limit_is_read_as_usual(client, settings):
    settings.NASKAH_UPLOAD_LIMITS = {"/verifikasi/": 1024 * 1024}
    response = client.post(
        reverse("verifikasi:upload"),
        {"berkas": SimpleUploadedFile("c.pdf", b"hello world")},
    )
    assert response.status_code == 400 and "not a PDF" in response.content.decode()


def test_logged_in_uploads_have_the_general_limit(client, demo, settings):
    settings.NASKAH_UPLOAD_MAX_BYTES = 1000
    client.force_login(demo["prakommuda"])
    response = client.post(
        "/surat-masuk/surat/baru/",
        {"berkas": SimpleUploadedFile("s.pdf", b"%PDF-1.7\n" + b"0" * 5000)},
    )
    assert response.status_code == 413
