"""Archive records open their documents (issue 15 item 5): the sealed PDF of an outgoing
letter, the delivered PDF of a recipient copy, the scan of an incoming letter; search
groups the copies of one letter; saved searches; closing a berkas asks first."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from arsip.models import ArsipPencarian, ArsipRecord, Berkas
from arsip.search.query import ArsipSearchParams, arsip_search
from arsip.services.intake import arsip_sync_sources
from core.models import UnitKerja

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def delivered(demo):
    """A letter signed at DISKOMINFOTIK and delivered internally to DISDIKBUD, and the
    demo's scanned incoming letter, all archived."""
    from naskah.masuk.demo import demo_seed_masuk
    from naskah.services.distribusi import naskah_dispatch
    from tests.naskah.test_tte_flow import _signed

    naskah = _signed(demo, hal="Permohonan Data Layanan Aplikasi")
    naskah_dispatch(naskah=naskah)
    demo_seed_masuk(run_ocr=False)
    arsip_sync_sources()
    return naskah


def _read(response) -> bytes:
    return b"".join(response.streaming_content)


def test_copies_of_a_letter_share_its_key_and_hold_their_file(delivered):
    from naskah.masuk.models import SuratMasuk

    issuer = ArsipRecord.objects.get(source_type="naskah.naskah", source_id=str(delivered.pk))
    copy = SuratMasuk.objects.get(sumber_type="naskah.naskah", sumber_id=str(delivered.pk))
    copy_record = ArsipRecord.objects.get(source_type="masuk.suratmasuk", source_id=str(copy.pk))
    assert issuer.surat_kunci == copy_record.surat_kunci == f"naskah.naskah:{delivered.pk}"
    with default_storage.open(copy_record.berkas_pindai) as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == copy_record.berkas_pindai_sha256
    # The demo's scanned incoming letter (its primary key differs on PostgreSQL, whose
    # sequences are not rolled back between tests).
    scanned = (
        ArsipRecord.objects.filter(source_type="masuk.suratmasuk").exclude(pk=copy_record.pk).get()
    )
    assert scanned.berkas_pindai and len(scanned.berkas_pindai_sha256) == 64


def test_archivist_opens_each_document_and_others_get_404(delivered, demo, client):
    records = list(ArsipRecord.objects.all())
    assert len(records) == 3
    client.force_login(demo["arsiparis"])
    for record in records:
        kind = "pdf" if record.berkas_pdf else "pindai"
        page = client.get(reverse("arsip:record_detail", args=[record.pk])).content.decode()
        assert reverse("arsip:record_document", args=[record.pk, kind]) in page
        response = client.get(reverse("arsip:record_document", args=[record.pk, kind]))
        assert response.status_code == 200, record
        body = _read(response)
        digest = record.berkas_pdf_sha256 if kind == "pdf" else record.berkas_pindai_sha256
        assert hashlib.sha256(body).hexdigest() == digest
        assert response["Cache-Control"] == "private, no-store"
        # The document that is not there is a 404, not an empty file.
        other = "pindai" if kind == "pdf" else "pdf"
        assert (
            client.get(reverse("arsip:record_document", args=[record.pk, other])).status_code == 404
        )
    # An administrator is no reader (DESIGN invariant 12); neither is an unrelated member
    # of staff.
    for username in ("admin", "stafsma"):
        client.force_login(demo[username])
        for record in records:
            if username == "stafsma" and record.unit.kode.startswith("DISDIKBUD"):
                continue  # staff read the Biasa records of their own unit
            url = reverse(
                "arsip:record_document", args=[record.pk, "pdf" if record.berkas_pdf else "pindai"]
            )
            assert client.get(url).status_code == 404, (username, record)
            assert (
                client.get(reverse("arsip:record_thumbnail", args=[record.pk])).status_code == 404
            )


def test_source_link_only_when_the_source_allows(delivered, demo, client):
    issuer = ArsipRecord.objects.get(source_type="naskah.naskah")
    client.force_login(demo["prakommuda"])  # the drafter: reads the letter's page
    page = client.get(reverse("arsip:record_detail", args=[issuer.pk])).content.decode()
    assert reverse("naskah:tte", args=[delivered.pk]) in page
    client.force_login(demo["arsiparis"])  # reads the record, not the letter's history
    page = client.get(reverse("arsip:record_detail", args=[issuer.pk])).content.decode()
    assert reverse("naskah:tte", args=[delivered.pk]) not in page


def test_thumbnail_is_made_once_for_a_reader(delivered, demo, client):
    record = ArsipRecord.objects.get(source_type="naskah.naskah")
    assert record.gambar == ""
    client.force_login(demo["arsiparis"])
    response = client.get(reverse("arsip:record_thumbnail", args=[record.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert _read(response)[:8] == b"\x89PNG\r\n\x1a\n"
    record.refresh_from_db()
    first = record.gambar
    assert first and default_storage.exists(first)
    client.get(reverse("arsip:record_thumbnail", args=[record.pk]))
    record.refresh_from_db()
    assert record.gambar == first  # kept, not made again


def test_search_shows_one_result_per_letter_with_its_holders(delivered, demo, client):
    result = arsip_search(
        user=demo["arsiparis"], params=ArsipSearchParams(q="permohonan data layanan")
    )
    assert result.total == 1 and len(result.hits) == 1
    holders = result.hits[0].holders
    assert len(holders) == 2 and holders[0].issuer and not holders[1].issuer
    issuer = ArsipRecord.objects.get(source_type="naskah.naskah")
    assert result.hits[0].record == issuer  # the issuer's record stands for the letter
    assert holders[0].unit == issuer.unit.nama  # readable names, never unit codes
    assert holders[1].unit == UnitKerja.objects.get(kode="DISDIKBUD").nama
    plain = arsip_search(user=demo["arsiparis"], params=ArsipSearchParams())
    assert plain.total == 2  # the letter (two copies) and the scanned incoming letter
    client.force_login(demo["arsiparis"])
    page = client.get(reverse("arsip:search"), {"q": "permohonan data layanan"}).content.decode()
    assert page.count('class="arsip-hit') == 1
    assert "DISKOMINFOTIK-SEKRE" not in page
    assert '<select name="jenis_kode"' in page


def test_saved_searches_are_per_person(demo, client):
    client.force_login(demo["arsiparis"])
    response = client.post(
        reverse("arsip:saved_search_save"),
        {"nama": "Cuti", "query": "q=cuti&page=3&csrfmiddlewaretoken=x&sort=terbaru"},
    )
    assert response.status_code == 302
    saved = ArsipPencarian.objects.get(pegawai=demo["arsiparis"])
    assert saved.query == "q=cuti&sort=terbaru"
    page = client.get(reverse("arsip:search")).content.decode()
    assert "Saved searches" in page and "?q=cuti&amp;sort=terbaru" in page
    # Nothing to save: refused with a message, nothing stored.
    client.post(reverse("arsip:saved_search_save"), {"nama": "Kosong", "query": "page=2"})
    assert ArsipPencarian.objects.count() == 1
    client.force_login(demo["prakommuda"])
    client.post(reverse("arsip:saved_search_delete", args=[saved.pk]))
    assert ArsipPencarian.objects.filter(pk=saved.pk).exists()  # not theirs
    client.force_login(demo["arsiparis"])
    client.post(reverse("arsip:saved_search_delete", args=[saved.pk]))
    assert not ArsipPencarian.objects.filter(pk=saved.pk).exists()


def test_closing_a_berkas_asks_first_and_shows_the_jra(people, codes, client):
    from tests.arsip.conftest import make_record

    with_jra = make_record(hal="Cuti", kode=codes["musnah"]).berkas
    without = make_record(hal="Lain", kode=codes["tanpa_jra"]).berkas
    client.force_login(people["arsiparis"])
    url = reverse("arsip:berkas_detail", args=[with_jra.pk])
    # A bare close request only leads to the confirmation.
    response = client.post(url, {"action": "close"})
    assert response.status_code == 302 and "tutup=1" in response["Location"]
    with_jra.refresh_from_db()
    assert with_jra.status == Berkas.Status.TERBUKA
    page = client.get(url, {"tutup": "1"}).content.decode()
    assert "1 years active" in page and "2 years inactive" in page
    page = client.get(
        reverse("arsip:berkas_detail", args=[without.pk]), {"tutup": "1"}
    ).content.decode()
    assert "has no retention (JRA) set" in page
    client.post(url, {"action": "close", "confirm": "yes"})
    with_jra.refresh_from_db()
    assert with_jra.status == Berkas.Status.AKTIF and with_jra.aktif_sampai is not None


def test_link_files_command_backfills_and_is_idempotent(delivered):
    from io import StringIO

    from django.core.management import call_command

    before = {r.pk: (r.berkas_pdf, r.berkas_pindai) for r in ArsipRecord.objects.all()}
    ArsipRecord.objects.filter(source_type="masuk.suratmasuk").update(
        berkas_pindai="", berkas_pindai_sha256=""
    )
    ArsipRecord.objects.filter(source_type="naskah.naskah").update(
        berkas_pdf="", berkas_pdf_sha256=""
    )
    out = StringIO()
    call_command("arsip_link_files", stdout=out)
    assert "linked: 1 letter PDFs, 2 incoming files" in out.getvalue()
    after = {r.pk: (r.berkas_pdf, r.berkas_pindai) for r in ArsipRecord.objects.all()}
    assert after == before
    assert all(
        len(r.berkas_pdf_sha256 or r.berkas_pindai_sha256) == 64 for r in ArsipRecord.objects.all()
    )
    out = StringIO()
    call_command("arsip_link_files", stdout=out)
    assert "linked: 0 letter PDFs, 0 incoming files" in out.getvalue()


def test_lampiran_of_the_sent_revision_open_from_the_record(delivered, demo, client):
    from django.core.files.base import ContentFile
    from django.db.models import QuerySet

    from naskah.models import Lampiran, NaskahRevisi, NaskahTTE
    from tests.masuk.conftest import make_pdf

    def attach(judul: str) -> Lampiran:
        lampiran = Lampiran(
            naskah=delivered,
            jenis="berkas",
            judul=judul,
            ditambahkan_oleh=demo["prakommuda"],
            sha256="0" * 64,
        )
        lampiran.berkas.save("l.pdf", ContentFile(make_pdf(judul)), save=False)
        lampiran.save()
        return lampiran

    sent = attach("Daftar sekolah")
    later = attach("Tidak terkirim")  # not in the signed revision
    signed = NaskahTTE.objects.get(naskah=delivered).revisi
    revisi = NaskahRevisi.objects.get(naskah=delivered, nomor=signed)
    # As if it had been attached before signing (revisions are immutable through save()).
    QuerySet(model=NaskahRevisi).filter(pk=revisi.pk).update(
        lampiran=[*(revisi.lampiran or []), sent.pk]
    )
    issuer = ArsipRecord.objects.get(source_type="naskah.naskah")
    client.force_login(demo["arsiparis"])
    page = client.get(reverse("arsip:record_detail", args=[issuer.pk])).content.decode()
    assert "Attachment: Daftar sekolah" in page and "Tidak terkirim" not in page
    response = client.get(reverse("arsip:record_lampiran", args=[issuer.pk, sent.pk]))
    assert response.status_code == 200 and _read(response).startswith(b"%PDF")
    assert (
        client.get(reverse("arsip:record_lampiran", args=[issuer.pk, later.pk])).status_code == 404
    )
    copy = ArsipRecord.objects.exclude(pk=issuer.pk).filter(surat_kunci=issuer.surat_kunci).get()
    assert client.get(reverse("arsip:record_lampiran", args=[copy.pk, sent.pk])).status_code == 404
    client.force_login(demo["admin"])
    assert (
        client.get(reverse("arsip:record_lampiran", args=[issuer.pk, sent.pk])).status_code == 404
    )
