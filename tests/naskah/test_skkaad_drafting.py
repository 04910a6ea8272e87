"""SKKAAD in drafting: picking a classification code proposes its default security class;
a class the drafter chose is kept, and a class below the default is warned about."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.services.skkaad import skkaad_import
from naskah.forms.drafting import NaskahForm
from naskah.models import JenisNaskah

pytestmark = pytest.mark.django_db

HEADER = "kode,kelas_keamanan,tingkat_akses\n"


@pytest.fixture
def skkaad(db):
    # 000.1 (and so its child 000.1.5, the invitation's default code): Terbatas;
    # 800: Rahasia.
    skkaad_import(text=HEADER + "000.1,terbatas,\n800,rahasia,\n")


def test_new_draft_starts_with_the_codes_default_class(client, demo, skkaad):
    jenis = JenisNaskah.objects.get(kode="surat_undangan")
    form = NaskahForm(jenis=jenis, user=demo["prakommuda"])
    assert form.initial["kode_klasifikasi"] == "000.1.5"
    assert form.initial["klasifikasi_keamanan"] == "terbatas"
    client.force_login(demo["prakommuda"])
    page = client.get(reverse("naskah:new", args=["surat_undangan"])).content.decode()
    assert 'data-skkaad-usulan="terbatas"' in page
    assert '<option value="terbatas" selected>' in page


def test_without_skkaad_the_form_is_unchanged(client, demo):
    jenis = JenisNaskah.objects.get(kode="surat_undangan")
    form = NaskahForm(jenis=jenis, user=demo["prakommuda"])
    assert "klasifikasi_keamanan" not in form.initial


def hint(client, **params):
    return client.get(reverse("naskah:kelas_usulan"), params).content.decode()


def test_changing_the_code_proposes_and_replaces_only_an_untouched_class(client, demo, skkaad):
    client.force_login(demo["prakommuda"])
    # Untouched default (biasa, nothing proposed before): replaced by the proposal.
    body = hint(client, kode_klasifikasi="800.1.11.1", klasifikasi_keamanan="biasa")
    assert 'data-skkaad-usulan="rahasia"' in body
    assert 'id="id_klasifikasi_keamanan"' in body and 'hx-swap-oob="true"' in body
    assert '<option value="rahasia" selected>' in body
    assert "data-skkaad-warning" not in body
    # Still the previous proposal: follows the new code.
    body = hint(
        client,
        kode_klasifikasi="000.1.5",
        klasifikasi_keamanan="rahasia",
        kelas_usulan="rahasia",
    )
    assert '<option value="terbatas" selected>' in body
    # The drafter chose Biasa against a Terbatas proposal: kept, and warned.
    body = hint(
        client,
        kode_klasifikasi="800.1.11.1",
        klasifikasi_keamanan="biasa",
        kelas_usulan="terbatas",
    )
    assert "id_klasifikasi_keamanan" not in body
    assert "data-skkaad-warning" in body
    # A higher class than the default is neither replaced nor warned about.
    body = hint(
        client,
        kode_klasifikasi="000.1.5",
        klasifikasi_keamanan="sangat_rahasia",
        kelas_usulan="rahasia",
    )
    assert "id_klasifikasi_keamanan" not in body and "data-skkaad-warning" not in body
    # A code without SKKAAD proposes nothing.
    body = hint(client, kode_klasifikasi="100.3.3.1", klasifikasi_keamanan="biasa")
    assert "data-skkaad-usulan" not in body and "id_klasifikasi_keamanan" not in body


def test_saved_draft_keeps_its_class_and_shows_the_warning(client, demo, skkaad):
    from tests.naskah.test_views import _post_data

    client.force_login(demo["prakommuda"])
    response = client.post(
        reverse("naskah:new", args=["surat_undangan"]),
        _post_data(klasifikasi_keamanan="biasa"),
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert '<option value="biasa" selected>' in page
    assert "data-skkaad-warning" in page


def test_hint_needs_login(client):
    response = client.get(reverse("naskah:kelas_usulan"), {"kode_klasifikasi": "800"})
    assert response.status_code == 302
