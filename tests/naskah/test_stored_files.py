"""Letter files (sealed PDF, lampiran, revision PDFs): only through views that apply the
letter's visibility rule; unguessable stored names; sealed PDFs published only after the
signing transaction commits, and the sweeper for what a crash leaves behind."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import BerkasTertunda
from core.services.storage import storage_sweep
from naskah.models import DokumenTersegel, Naskah
from naskah.services.signing import naskah_sign
from penomoran.models import Nomor
from tests.naskah.conftest import pdf_bytes
from tests.naskah.tte_helpers import PASSPHRASE, enroll, kode, ready_letter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


def _files(root) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file())


@pytest.fixture
def signed(demo, make_draft, django_capture_on_commit_callbacks):
    """A Diskominfo letter with an uploaded lampiran, signed and committed."""
    from naskah.services import lampiran_add
    from tests.letters import advance_letter

    enroll(demo["kadiskominfo"])
    naskah = make_draft(kode_klasifikasi=kode())
    lamp = lampiran_add(
        actor=demo["prakommuda"],
        naskah=naskah,
        expected_revisi=1,
        judul="Daftar hadir",
        berkas=SimpleUploadedFile("daftar-hadir.pdf", pdf_bytes(1)),
    )
    naskah = advance_letter(Naskah.objects.get(pk=naskah.pk), "ready")
    with django_capture_on_commit_callbacks(execute=True):
        dokumen = naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    naskah.refresh_from_db()
    return naskah, lamp, dokumen


def _urls(naskah, lamp) -> list[str]:
    return [
        reverse("naskah:tte_pdf", args=[naskah.pk]),
        reverse("naskah:lampiran_file", args=[naskah.pk, lamp.pk]),
        reverse("naskah:pdf", args=[naskah.pk]),
        reverse("naskah:revision_pdf", args=[naskah.pk, 1]),
    ]


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_every_letter_file_is_refused_to_anonymous_and_other_units(client, demo, signed):
    naskah, lamp, _dokumen = signed
    for url in _urls(naskah, lamp):
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/masuk/" in anonymous["Location"], url
        assert b"%PDF" not in _body(anonymous)
    client.force_login(demo["analishukum"])  # Biro Hukum: not in the route, not a recipient
    for url in _urls(naskah, lamp):
        assert client.get(url).status_code == 404, url
    client.force_login(demo["prakommuda"])  # the drafter
    for url in _urls(naskah, lamp):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _body(response).startswith(b"%PDF")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
        assert response["Content-Disposition"].startswith("inline")


def test_stored_names_are_unguessable(demo, make_draft, signed):
    _naskah, lamp, dokumen = signed
    # <kind>/<year>/<month>/<32 random characters>.pdf: nothing from the letter, its id,
    # its number or its hash.
    for kind, name in (("lampiran", lamp.berkas.name), ("tersegel", dokumen.berkas.name)):
        assert re.fullmatch(rf"naskah/{kind}/\d{{4}}/\d{{2}}/[A-Za-z0-9_-]{{32}}\.pdf", name), name
    assert dokumen.sha256[:8] not in dokumen.berkas.name
    # The same file uploaded twice is stored under two different random names.
    from naskah.services import lampiran_add

    other = make_draft()
    names = {
        lampiran_add(
            actor=demo["prakommuda"],
            naskah=other,
            expected_revisi=revisi,
            judul=f"Lampiran {revisi}",
            berkas=SimpleUploadedFile("sama.pdf", pdf_bytes(1)),
        ).berkas.name
        for revisi in (1, 2)
    }
    assert len(names) == 2


def test_no_media_url_serves_a_stored_file(client, demo, signed, settings):
    _naskah, lamp, dokumen = signed
    client.force_login(demo["prakommuda"])
    for name in (lamp.berkas.name, dokumen.berkas.name):
        assert client.get(f"{settings.MEDIA_URL}{name}").status_code == 404


def test_x_accel_redirect_mode_sends_only_the_header(client, demo, signed, settings):
    naskah, _lamp, dokumen = signed
    settings.NASKAH_FILE_SERVING = "x-accel-redirect"
    settings.NASKAH_FILE_ACCEL_REDIRECT_PREFIX = "/_berkas_internal/"
    client.force_login(demo["prakommuda"])
    response = client.get(reverse("naskah:tte_pdf", args=[naskah.pk]))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_berkas_internal/{dokumen.berkas.name}"
    assert response["Content-Type"] == "application/pdf"
    client.force_login(demo["analishukum"])
    refused = client.get(reverse("naskah:tte_pdf", args=[naskah.pk]))
    assert refused.status_code == 404 and not refused.has_header("X-Accel-Redirect")


def test_crash_between_seal_and_commit_publishes_nothing_and_the_sweeper_removes_it(
    demo, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """The transaction fails after the PDF was sealed and written, and (as when the process
    is killed) no clean-up code runs. The signed PDF was never published; the number goes
    to the next letter, and the sweeper deletes the orphan."""
    from core.errors import ApplicationError

    enroll(demo["kadiskominfo"])
    first = ready_letter(demo, hal="Surat yang gagal")

    def crash(*args, **kwargs):
        raise ApplicationError("crash after the seal", code="crash")

    monkeypatch.setattr("naskah.services.signing._complete_route", crash)
    monkeypatch.setattr("naskah.services.signing.storage_remove", lambda *a, **k: None)
    with pytest.raises(ApplicationError):
        naskah_sign(naskah=first, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    monkeypatch.undo()
    media = Path(settings.MEDIA_ROOT)
    left = _files(media)
    # The sealed letter and its file copy (pertinggal), never published.
    assert len(left) == 2 and all(p.is_relative_to(media / "pending") for p in left)
    assert all(p.read_bytes().startswith(b"%PDF") for p in left)  # validly signed, in hiding
    assert not Nomor.objects.exists() and not BerkasTertunda.objects.exists()

    # Young pending files may belong to a running transaction: kept.
    assert storage_sweep() == {"published": 0, "deleted": 0, "waiting": 2}
    later = timezone.now() + dt.timedelta(minutes=settings.NASKAH_STORAGE_PENDING_MAX_AGE_MINUTES)
    assert storage_sweep(now=later + dt.timedelta(seconds=1))["deleted"] == 2
    assert _files(media) == []

    # The number the crashed attempt had is given to another letter; its PDF is the only one.
    second = ready_letter(demo, hal="Surat berikutnya")
    with django_capture_on_commit_callbacks(execute=True):
        dokumen = naskah_sign(naskah=second, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.nomor.split("/")[1] == "1" and not first.nomor
    copy = second.tte.pertinggal_terakhir()
    assert _files(media) == sorted([media / dokumen.berkas.name, media / copy.berkas.name])


def test_committed_file_whose_publication_did_not_happen_is_published_by_the_sweeper(
    client, demo, monkeypatch, settings, django_capture_on_commit_callbacks
):
    enroll(demo["kadiskominfo"])
    naskah = ready_letter(demo)
    # The process dies right after the commit: the publication callback never runs.
    monkeypatch.setattr("core.services.storage.storage_publish", lambda name: False)
    with django_capture_on_commit_callbacks(execute=True):
        dokumen = naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    monkeypatch.undo()
    media = Path(settings.MEDIA_ROOT)
    assert not (media / dokumen.berkas.name).exists()
    assert (media / "pending" / dokumen.berkas.name).exists()
    assert BerkasTertunda.objects.filter(nama=dokumen.berkas.name).exists()
    # Readers are not kept waiting for the sweeper.
    client.force_login(demo["prakommuda"])
    response = client.get(reverse("naskah:tte_pdf", args=[naskah.pk]))
    assert response.status_code == 200 and _body(response).startswith(b"%PDF")

    assert storage_sweep()["published"] == 2  # the sealed letter and its file copy
    copy = naskah.tte.pertinggal_terakhir()
    assert _files(media) == sorted([media / dokumen.berkas.name, media / copy.berkas.name])
    assert not BerkasTertunda.objects.exists()
    assert DokumenTersegel.objects.get().berkas.name == dokumen.berkas.name
    assert storage_sweep() == {"published": 0, "deleted": 0, "waiting": 0}


def test_admin_shows_stored_names_without_media_links(client, demo, signed):
    _naskah, lamp, dokumen = signed
    # An administrator who is also a reader of the letter (its drafter): administrators
    # who are not readers get 403 on a letter's attachments (tests/naskah/test_admin_not_reader.py).
    drafter = demo["prakommuda"]
    drafter.is_staff = drafter.is_superuser = True
    drafter.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(drafter)
    for url, name in (
        (reverse("admin:naskah_lampiran_change", args=[lamp.pk]), lamp.berkas.name),
        (reverse("admin:naskah_dokumentersegel_change", args=[dokumen.pk]), dokumen.berkas.name),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert name in html and "/media/" not in html
