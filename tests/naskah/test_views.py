"""Drafting views: drafts stay private (404 for anyone else), the preview endpoint returns
the typed text as PDF, edits and stale edits through the form."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from naskah.models import JenisNaskah, Lampiran, Naskah
from tests.naskah.conftest import jabatan, pdf_bytes

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _post_data(**overrides):
    data = {
        "penandatangan": jabatan("Kepala Dinas Komunikasi, Informatika dan Statistik").pk,
        "mandat": "",
        "hal": "Undangan Rapat Evaluasi Aplikasi",
        "urgensi": "segera",
        "klasifikasi_keamanan": "biasa",
        "kode_klasifikasi": "000.1.5",
        "tempat": "",
        "body": "Dengan hormat, kami mengundang Saudara pada:\n\nHarap hadir **tepat waktu**.",
        "f_hari_tanggal": "2026-11-30",
        "f_waktu": "09.00 WIB s.d. selesai",
        "f_tempat_acara": "Ruang Rapat Sungai Way Besai",
        "f_acara": "Evaluasi Aplikasi Layanan",
        "penerima": [json.dumps({"jenis": "tujuan", "nama": "Kepala Dinas Pariwisata"})],
    }
    data.update(overrides)
    return data


def test_preview_endpoint_returns_pdf_with_typed_text(client, demo):
    client.force_login(demo["prakommuda"])
    response = client.post(reverse("naskah:preview_new", args=["surat_undangan"]), _post_data())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    for part in (
        "Evaluasi Aplikasi Layanan",
        "Ruang Rapat Sungai Way Besai",
        "Senin, 30 November 2026",
        "Kepala Dinas Pariwisata",
        "KONSEP",
    ):
        assert part in text, part
    assert not Naskah.objects.exists()


def test_htmx_preview_returns_the_pdf_viewer_with_short_lived_link_for_the_user_only(client, demo):
    client.force_login(demo["prakommuda"])
    response = client.post(
        reverse("naskah:preview_new", args=["surat_undangan"]), _post_data(), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "data-pdf-viewer" in html and "<iframe" not in html
    src = html.split('data-src="')[1].split('"')[0]
    pdf = client.get(src)
    assert pdf["Content-Type"] == "application/pdf"
    # framed by our own page only; every other page refuses framing
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"
    assert response["X-Frame-Options"] == "DENY"
    client.force_login(demo["stafaptika"])
    assert client.get(src).status_code == 404


def test_preview_reports_problems_instead_of_failing(client, demo):
    client.force_login(demo["prakommuda"])
    response = client.post(
        reverse("naskah:preview_new", args=["surat_undangan"]),
        _post_data(f_hari_tanggal="bukan tanggal"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hari/tanggal" in html and "valid date" in html
    assert "hari_tanggal" not in html.split('data-preview-state="error"')[1]


def test_create_then_edit_and_stale_edit(client, demo):
    client.force_login(demo["prakommuda"])
    response = client.post(reverse("naskah:new", args=["surat_undangan"]), _post_data())
    naskah = Naskah.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "naskah:edit", args=[naskah.pk]
    )
    assert naskah.kode_klasifikasi.kode == "000.1.5"
    edit = reverse("naskah:edit", args=[naskah.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, _post_data(revisi=1, hal="Perubahan pertama")).status_code == 302
    stale = client.post(edit, _post_data(revisi=1, hal="Dari tab lama"))
    assert stale.status_code == 409
    assert "Nothing was saved" in stale.content.decode()
    naskah.refresh_from_db()
    assert naskah.hal == "Perubahan pertama" and naskah.revisi_terakhir == 2
    history = client.get(reverse("naskah:revision_history", args=[naskah.pk]) + "?a=1&b=2")
    body = history.content.decode()
    assert "Perubahan pertama" in body and "Undangan Rapat Evaluasi Aplikasi" in body


@pytest.fixture
def foreign_draft(make_draft, demo):
    naskah = make_draft()
    from naskah.services import lampiran_add

    lamp = lampiran_add(
        actor=demo["prakommuda"],
        naskah=naskah,
        expected_revisi=1,
        judul="Daftar hadir",
        berkas=SimpleUploadedFile("a.pdf", pdf_bytes(2)),
    )
    return naskah, lamp


@pytest.mark.parametrize("username", ["stafaptika", "kadiskominfo", "admin"])
def test_drafts_are_invisible_to_everyone_else(client, demo, foreign_draft, username):
    naskah, lamp = foreign_draft
    client.force_login(demo[username])
    urls = [
        reverse("naskah:edit", args=[naskah.pk]),
        reverse("naskah:pdf", args=[naskah.pk]),
        reverse("naskah:revision_history", args=[naskah.pk]),
        reverse("naskah:revision_pdf", args=[naskah.pk, 1]),
        reverse("naskah:lampiran_file", args=[naskah.pk, lamp.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("naskah:preview_edit", args=[naskah.pk]), {}).status_code == 404
    assert client.post(reverse("naskah:edit", args=[naskah.pk]), {}).status_code == 404
    assert (
        client.post(
            reverse("naskah:lampiran_remove", args=[naskah.pk, lamp.pk]), {"revisi": 2}
        ).status_code
        == 404
    )
    assert naskah.konseptor.username not in client.get(reverse("naskah:list")).content.decode()
    assert Lampiran.objects.filter(pk=lamp.pk, dihapus=False).exists()


def test_owner_sees_lampiran_and_saved_pdf(client, demo, foreign_draft):
    naskah, lamp = foreign_draft
    client.force_login(demo["prakommuda"])
    pdf = client.get(reverse("naskah:lampiran_file", args=[naskah.pk, lamp.pk]))
    assert pdf.status_code == 200 and "Lampiran uji" in _text(b"".join(pdf.streaming_content))
    letter = client.get(reverse("naskah:pdf", args=[naskah.pk]))
    text = _text(letter.content)
    assert "Permohonan Data Layanan Aplikasi" in text and "Lampiran uji halaman 2" in text


def test_recipient_search(client, demo):
    client.force_login(demo["prakommuda"])
    html = client.get(reverse("naskah:penerima_search"), {"q": "Pendidikan"}).content.decode()
    assert "Dinas Pendidikan dan Kebudayaan" in html and "data-penerima" in html
    # The answer names the term it answers (drafting.js: Enter never picks from an answer
    # to an older term that arrived late), escaped like any text.
    assert 'data-results-for="Pendidikan"' in html
    html = client.get(reverse("naskah:penerima_search"), {"q": ' Dinas "P" '}).content.decode()
    assert 'data-results-for="Dinas &quot;P&quot;"' in html


def test_type_list_and_form_render_for_every_type(client, demo):
    client.force_login(demo["prakommuda"])
    assert client.get(reverse("naskah:choose")).status_code == 200
    for jenis in JenisNaskah.objects.all():
        assert client.get(reverse("naskah:new", args=[jenis.kode])).status_code == 200, jenis.kode


def test_admin_does_not_list_other_peoples_drafts(client, demo, foreign_draft):
    naskah, lamp = foreign_draft
    client.force_login(demo["admin"])
    listing = client.get(reverse("admin:naskah_naskah_changelist")).content.decode()
    assert naskah.hal not in listing
    assert client.get(reverse("admin:naskah_naskah_change", args=[naskah.pk])).status_code in (
        302,
        404,
    )
    assert (
        "Daftar hadir"
        not in client.get(reverse("admin:naskah_lampiran_changelist")).content.decode()
    )
