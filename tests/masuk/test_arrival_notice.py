"""Registering an incoming letter tells the addressed official (the holder today)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from workflows.models import Notifikasi

pytestmark = pytest.mark.django_db


def test_registration_notifies_the_addressed_official(register, org):
    surat = register()
    (notice,) = Notifikasi.objects.filter(kind="masuk_baru")
    assert notice.recipient == org["karoumum"]
    assert surat.nomor_agenda in notice.text and surat.hal in notice.text
    assert notice.link == reverse("masuk:suratmasuk_detail", kwargs={"pk": surat.pk})


def test_a_classified_letter_is_announced_without_subject_or_sender(register, org):
    surat = register(
        klasifikasi_keamanan="rahasia",
        hal="Hasil Penilaian Kerentanan",
        pengirim="Badan Intelijen Daerah",
    )
    (notice,) = Notifikasi.objects.filter(kind="masuk_baru")
    assert surat.nomor_agenda in notice.text
    assert "Kerentanan" not in notice.text and "Intelijen" not in notice.text
