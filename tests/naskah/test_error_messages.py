"""Messages shown to drafters are sentences, never exception text."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from naskah.models import Lampiran
from tests.naskah.conftest import pdf_bytes

pytestmark = pytest.mark.django_db


def test_removing_an_attachment_with_a_garbled_form_says_reload(client, demo, make_draft):
    from naskah.services import lampiran_add

    naskah = make_draft()
    lamp = lampiran_add(
        actor=demo["prakommuda"],
        naskah=naskah,
        expected_revisi=1,
        judul="Daftar hadir",
        berkas=SimpleUploadedFile("a.pdf", pdf_bytes(1)),
    )
    client.force_login(demo["prakommuda"])
    page = client.post(
        reverse("naskah:lampiran_remove", args=[naskah.pk, lamp.pk]),
        {"revisi": "dua"},
        follow=True,
    ).content.decode()
    assert "The form is out of date" in page
    assert "invalid literal" not in page and "ValueError" not in page
    assert Lampiran.objects.filter(pk=lamp.pk, dihapus=False).exists()


def test_a_failed_email_delivery_is_shown_as_a_sentence(client, demo, settings, monkeypatch):
    """The e-mail task records a sentence on the delivery row (core.services.attempts); the
    server's answer goes to the log, never to the page."""
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    from naskah.models import Distribusi
    from naskah.services.distribusi import naskah_dispatch
    from naskah.services.signing import naskah_sign
    from naskah.tasks import distribusi_email_task
    from tests.naskah.tte_helpers import PASSPHRASE, enroll, ready_letter

    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({"a@kota.example": (550, b"5.1.1 unknown")})

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASK_MAX_ATTEMPTS = 1
    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    enroll(demo["kadiskominfo"])
    naskah = ready_letter(
        demo, penerima=[{"jenis": "tujuan", "nama": "Dinas Kota", "email": "a@kota.example"}]
    )
    naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    naskah_dispatch(naskah=naskah)
    row = Distribusi.objects.get(naskah=naskah, saluran="email")
    distribusi_email_task(row.pk)
    row.refresh_from_db()
    assert row.status == "gagal" and "5.1.1" not in row.kesalahan
    client.force_login(demo["kadiskominfo"])
    page = client.get(reverse("naskah:tte", args=[naskah.pk])).content.decode()
    assert 'id="distribusi"' in page
    assert "The mail server refused the address" in page
    assert "SMTPRecipientsRefused" not in page and "5.1.1" not in page


def test_a_layout_the_renderer_refuses_gives_a_preview_message_not_a_500(client, demo, monkeypatch):
    from naskah.rendering import RenderError
    from tests.naskah.test_views import _post_data

    def refuse(revisi):
        raise RenderError("Layout 'nomor_format' is not a valid format string: 'kode'")

    monkeypatch.setattr("naskah.views.drafting.preview_render", refuse)
    client.force_login(demo["prakommuda"])
    response = client.post(
        reverse("naskah:preview_new", args=["surat_undangan"]), _post_data(), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'data-preview-state="error"' in html
    assert "cannot be laid out" in html and "nomor_format" not in html
