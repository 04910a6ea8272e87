"""Invariant 10 end to end for outgoing letters: malicious lampiran are cleaned on upload
(the uploader is told), the sealed letter and its e-mail attachment carry nothing active,
and the signature still validates. A lampiran stored before cleaning existed is cleaned at
merging; a letter PDF with active content is never sealed."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from core.errors import ApplicationError
from core.models import AuditEvent
from core.pdfsafe import pdf_active_content
from naskah.models import Lampiran, Naskah
from naskah.services import lampiran_add
from naskah.services.distribusi import naskah_dispatch
from naskah.services.signing import naskah_sign, sealed_bytes
from signing.validation import pdf_validate
from tests.letters import PASSPHRASE, advance_letter, enroll, make_letter
from tests.pdfsafe_corpus import CORPUS, VISIBLE_TEXT, combined, raw_active_names

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


def _draft(demo):
    from naskah.markup import blocks_from_markup

    return make_letter(
        demo,
        "draft",
        hal="Penyampaian Data Lampiran",
        body=blocks_from_markup("Dengan hormat, bersama ini kami sampaikan data terlampir."),
        penerima=[
            {"jenis": "tujuan", "nama": "Dinas Kominfo Kota Metro", "email": "a@metro.example"}
        ],
        klasifikasi="biasa",
    )


def _sign_and_send(demo, naskah) -> tuple[bytes, bytes]:
    naskah = advance_letter(naskah, "ready")
    enroll(demo["kadiskominfo"])
    dokumen = naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    naskah.refresh_from_db()
    naskah_dispatch(naskah=naskah)
    _send_queued_emails(naskah)
    (message,) = mail.outbox
    return sealed_bytes(dokumen), message.attachments[0][1]


def _assert_clean_and_valid(pdf: bytes) -> None:
    assert pdf_active_content(pdf) == []
    assert raw_active_names(pdf) == set()
    report = pdf_validate(pdf)
    assert report.ok and report.signatures[0].intact


def test_every_malicious_lampiran_is_cleaned_sealed_and_mailed_without_active_content(demo, client):
    naskah = _draft(demo)
    client.force_login(demo["prakommuda"])
    # The report's file, through the upload page: the uploader is told what was removed.
    response = client.post(
        reverse("naskah:lampiran_add", args=[naskah.pk]),
        {
            "revisi": 1,
            "judul": "Data dukung",
            "berkas": SimpleUploadedFile("data.pdf", combined(), "application/pdf"),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "data.pdf" in page and "JavaScript (2)" in page, page[-3000:]
    first = Lampiran.objects.get()
    stored = default_storage.open(first.berkas.name).read()
    assert pdf_active_content(stored) == [] and raw_active_names(stored) == set()
    assert first.sha256 == hashlib.sha256(stored).hexdigest()  # the hash is of the clean copy
    event = AuditEvent.objects.filter(action="naskah.lampiran_add").latest("pk")
    assert event.details["konten_aktif_dihapus"]["launch"] == 1
    # Every other attack of the corpus, through the service.
    for revisi, name in enumerate(sorted(set(CORPUS) - {"combined"}), start=2):
        lamp = lampiran_add(
            actor=demo["prakommuda"],
            naskah=naskah,
            expected_revisi=revisi,
            judul=name,
            berkas=SimpleUploadedFile(f"{name}.pdf", CORPUS[name]()),
        )
        assert lamp.konten_aktif_dihapus, name
    sealed, mailed = _sign_and_send(demo, naskah)
    assert mailed == sealed
    _assert_clean_and_valid(sealed)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(sealed)).pages)
    assert text.count(VISIBLE_TEXT) >= len(CORPUS)  # every lampiran page is in the letter


def test_a_lampiran_stored_before_cleaning_is_cleaned_when_merged(demo):
    naskah = _draft(demo)
    lamp = lampiran_add(
        actor=demo["prakommuda"],
        naskah=naskah,
        expected_revisi=1,
        judul="Lama",
        berkas=SimpleUploadedFile("lama.pdf", CORPUS["open_action_javascript"]()),
    )
    # As if uploaded before invariant 10: the stored bytes still carry the attack.
    default_storage.delete(lamp.berkas.name)
    default_storage.save(lamp.berkas.name, ContentFile(combined()))
    assert pdf_active_content(default_storage.open(lamp.berkas.name).read())
    sealed, mailed = _sign_and_send(demo, naskah)
    _assert_clean_and_valid(sealed)
    assert mailed == sealed


def test_a_letter_pdf_with_active_content_is_never_sealed(demo, monkeypatch):
    import naskah.services.signing as tte

    naskah = advance_letter(_draft(demo), "ready")
    enroll(demo["kadiskominfo"])
    # (pdf, layout, context): the layout and context also lay out the pertinggal's page
    monkeypatch.setattr(tte, "_render_final", lambda *args: (combined(), {}, {}))
    with pytest.raises(ApplicationError) as caught:
        naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    assert caught.value.code == "active_content"
    naskah.refresh_from_db()
    assert naskah.status == Naskah.Status.SIAP_TANDATANGAN


def _send_queued_emails(naskah) -> None:
    """Dispatch queues each e-mail for the slow queue's task (naskah.tasks); run them."""
    from naskah.models import Distribusi
    from naskah.tasks import distribusi_email_task

    for row in Distribusi.objects.filter(naskah=naskah, saluran="email"):
        distribusi_email_task(row.pk)
