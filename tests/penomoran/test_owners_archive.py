"""The numbering register links each number to what it was issued for, only for a viewer
who may see it (issue 15 item 6)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from penomoran.models import Nomor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_register_links_the_incoming_letter_for_those_who_may_see_it(demo, client):
    from naskah.masuk.demo import demo_seed_masuk
    from naskah.masuk.models import SuratMasuk

    demo_seed_masuk(run_ocr=False)
    surat = SuratMasuk.objects.get()
    nomor = Nomor.objects.get(object_type="masuk.suratmasuk", object_id=str(surat.kunci))
    register = reverse("penomoran:register", args=[nomor.buku_id])
    client.force_login(demo["agendaris"])  # registered it: may open it
    page = client.get(register).content.decode()
    assert f'href="{reverse("masuk:suratmasuk_detail", args=[surat.pk])}"' in page
    assert surat.pengirim in page
    assert "masuk.suratmasuk #" not in page
    client.force_login(demo["admin"])  # sees every book, is no reader of the letter
    page = client.get(register).content.decode()
    assert page.count(nomor.teks) >= 1
    assert reverse("masuk:suratmasuk_detail", args=[surat.pk]) not in page
    assert surat.hal not in page and "Incoming letter" in page
