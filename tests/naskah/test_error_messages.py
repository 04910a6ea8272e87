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
