"""Regulation fidelity of rendered letters (issue 13): the TTE footer names the real issuer
on every page, QR caption; the file copy (pertinggal) carries the paraf chain and is never
given to recipients. Checked on extracted text."""

from __future__ import annotations

import io

import pytest
from cryptography import x509
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PdfReader

from naskah.rendering import render_naskah
from naskah.rendering.samples import surat
from signing.backends.bsre import BSRE_ISSUER_NAME
from signing.crypto import issuer_display_name
from tests.letters import advance_letter, make_letter
from tests.naskah.conftest import pdf_bytes
from tests.naskah.tte_helpers import PASSPHRASE, enroll

QR = "https://naskah.example.go.id/verifikasi/abc123"


def page_texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


# --- Renderer ------------------------------------------------------------------------------


def test_footer_names_the_given_issuer_on_every_page_including_merged_lampiran():
    layout, context = surat(
        long=True, rows=60, lampiran_pdfs=[pdf_bytes(2, text="Lampiran unggahan")]
    )
    context = {**context, "tte": {"qr_url": QR, "issuer": "Naskah CA Uji"}}
    texts = page_texts(render_naskah(layout, context))
    assert len(texts) >= 4
    sentence = "diterbitkan oleh Naskah CA Uji."
    for n, text in enumerate(texts, start=1):
        assert sentence in text, f"page {n} has no footer"
        assert "BSrE" not in text
    assert "Lampiran unggahan halaman 2" in texts[-1]
    assert "Pindai untuk verifikasi" in " ".join(texts)


def test_footer_without_issuer_names_no_certificate_authority():
    layout, context = surat()
    texts = page_texts(render_naskah(layout, {**context, "tte": {"qr_url": QR}}))
    assert "ditandatangani secara elektronik" in texts[0]
    assert "BSrE" not in texts[0] and "diterbitkan oleh" not in texts[0]


def test_unsigned_render_has_no_footer_and_no_qr_caption():
    layout, context = surat()
    pdf = render_naskah(layout, {**context, "lampiran_pdfs": [pdf_bytes(1)]})
    text = " ".join(page_texts(pdf))
    assert "secara elektronik" not in text and "Pindai" not in text


# --- Signing ------------------------------------------------------------------------------


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


def _letter_with_lampiran(demo):
    from naskah.services import lampiran_add

    naskah = make_letter(demo, "draft", klasifikasi="biasa")
    lampiran_add(
        actor=demo["prakommuda"],
        naskah=naskah,
        expected_revisi=naskah.revisi_terakhir,
        judul="Daftar Data",
        berkas=SimpleUploadedFile("data.pdf", pdf_bytes(2, text="Daftar data")),
    )
    return advance_letter(naskah, "ready")


def _signature_issuer(pdf: bytes) -> str:
    sig = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[0]
    return issuer_display_name(x509.load_der_x509_certificate(sig.signer_cert.dump()))


@pytest.mark.django_db
@pytest.mark.usefixtures("_media")
def test_local_ca_letter_footer_names_the_certificate_issuer_on_every_page(demo):
    from naskah.services.signing import naskah_sign, sealed_bytes

    enroll(demo["kadiskominfo"])
    naskah = _letter_with_lampiran(demo)
    dokumen = naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    pdf = sealed_bytes(dokumen)
    issuer = _signature_issuer(pdf)
    assert issuer.startswith("Naskah CA")
    texts = page_texts(pdf)
    assert len(texts) == 3  # the letter and the two lampiran pages
    assert "Daftar data halaman 2" in texts[-1]
    for text in texts:
        assert f"diterbitkan oleh {issuer}." in text
        assert "BSrE" not in text and "Badan Siber" not in text


@pytest.mark.django_db
@pytest.mark.usefixtures("_media")
def test_bsre_letter_footer_names_bsre(demo, settings):
    from naskah.services.signing import naskah_sign, sealed_bytes
    from tests.signing.fake_bsre import PASSWORD, USERNAME, FakeBsreServer

    nik, secret = "1871010101800001", "bsre-Passphrase-77"
    kadis = demo["kadiskominfo"]
    kadis.nik = nik
    kadis.save(update_fields=["nik"])
    naskah = _letter_with_lampiran(demo)
    with FakeBsreServer() as fake:
        fake.add_user(nik, secret, kadis.nama)
        settings.NASKAH_SIGNING_BACKEND = "bsre"
        settings.NASKAH_BSRE_URL = fake.url
        settings.NASKAH_BSRE_USERNAME = USERNAME
        settings.NASKAH_BSRE_PASSWORD = PASSWORD
        dokumen = naskah_sign(naskah=naskah, signer=kadis, passphrase=secret)
        pdf = sealed_bytes(dokumen)
    texts = page_texts(pdf)
    assert len(texts) == 3
    for text in texts:
        assert f"diterbitkan oleh {BSRE_ISSUER_NAME}." in text
        assert "Naskah CA" not in text


def test_footer_template_setting_must_name_the_issuer(settings):
    from naskah.services.signing import tte_footer_text

    settings.NASKAH_TTE_FOOTER = "Ditandatangani secara elektronik; sertifikat dari {penerbit}."
    assert tte_footer_text("CA X") == "Ditandatangani secara elektronik; sertifikat dari CA X."
    settings.NASKAH_TTE_FOOTER = "Sertifikat diterbitkan oleh BSrE."  # no {penerbit}: ignored
    assert "CA X" in tte_footer_text("CA X") and "BSrE" not in tte_footer_text("CA X")


# --- The archive copy (pertinggal) carries the paraf (item 11) ---------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("_media")
def test_pertinggal_lists_the_paraf_chain_and_recipients_never_get_it(demo, settings):
    import re

    from django.core import mail
    from django.urls import reverse

    from core.models import UnitKerja
    from naskah.models import PertinggalTersegel
    from naskah.selectors.approval import naskah_route_latest
    from naskah.services.distribusi import naskah_dispatch
    from naskah.services.signing import naskah_sign, sealed_bytes
    from signing.validation import pdf_validate
    from tests.naskah.tte_helpers import ready_letter
    from workflows.models import StepState

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    enroll(demo["kadiskominfo"])
    naskah = ready_letter(
        demo,
        penerima=[
            {"jenis": "tujuan", "nama": "Kominfo Kota Metro", "email": "kominfo@metro.example"},
            {"jenis": "tujuan", "unit_id": UnitKerja.objects.get(kode="DISDIKBUD").pk},
        ],
    )
    dokumen = naskah_sign(naskah=naskah, signer=demo["kadiskominfo"], passphrase=PASSPHRASE)
    naskah.refresh_from_db()
    copy = PertinggalTersegel.objects.get(tte=naskah.tte)
    assert copy.urutan == dokumen.urutan == 1 and copy.sha256 != dokumen.sha256

    paraf = list(
        StepState.objects.filter(
            route=naskah_route_latest(naskah),
            status="approved",
            covers_revision=str(naskah.revisi_terakhir),
        )
        .exclude(kind="tandatangan")
        .select_related("acted_by", "jabatan")
        .order_by("stage_index", "acted_at")
    )
    assert paraf and copy.jumlah_paraf == len(paraf)

    sent = sealed_bytes(dokumen)
    archive = sealed_bytes(copy)
    sent_pages, archive_pages = page_texts(sent), page_texts(archive)
    # The file copy is the letter as sent plus one final page.
    assert len(archive_pages) == len(sent_pages) + 1
    assert archive_pages[: len(sent_pages)] == sent_pages
    last = archive_pages[-1]
    assert "LEMBAR PARAF" in last and naskah.nomor in last
    position = 0
    for state in paraf:
        when = timezone.localtime(state.acted_at)
        for part in (
            state.acted_by.nama_lengkap,
            state.jabatan.nama,
            f"{when:%H.%M}",
        ):
            found = last.find(part, position)
            assert found >= 0, (part, last)
            position = found
    assert re.search(r"Definitif|Plt\.|Plh\.", last)
    assert "ditandatangani secara elektronik" in last  # the footer on the paraf page too
    # Sealed: the signature covers the paraf page, intact.
    report = pdf_validate(archive)
    assert report.ok and report.signatures[0].intact
    # The recipients' copy has no paraf page.
    assert not any("LEMBAR PARAF" in text for text in sent_pages)

    # Dispatch sends the recipients' copy only.
    naskah_dispatch(naskah=naskah)
    _send_queued_emails(naskah)
    assert mail.outbox[0].attachments[0][1] == sent

    from django.test import Client

    client = Client()
    url = reverse("naskah:tte_pertinggal", args=[naskah.pk])
    client.force_login(demo["prakommuda"])  # the drafter
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == archive
    assert url in client.get(reverse("naskah:tte", args=[naskah.pk])).content.decode()
    # The public upload check knows the sealed file copy too.
    upload = client.post(
        reverse("verifikasi:upload"),
        {"berkas": SimpleUploadedFile("pertinggal.pdf", archive, "application/pdf")},
    )
    assert "verifikasi-cocok" in upload.content.decode() and naskah.nomor in (
        upload.content.decode()
    )
    client.force_login(demo["sekdisdik"])  # a recipient (Plt Kepala Disdikbud)
    assert client.get(reverse("naskah:tte_pdf", args=[naskah.pk])).status_code == 200
    assert client.get(url).status_code == 404
    assert url not in client.get(reverse("naskah:tte", args=[naskah.pk])).content.decode()


def test_paraf_page_renders_rows_and_an_empty_chain():
    from naskah.rendering import append_pdf, render_paraf_page

    layout, context = surat()
    rows = [
        {
            "nama": "Andika Saputra, S.Kom.",
            "jabatan": "Pranata Komputer Ahli Muda",
            "kapasitas": "Definitif",
            "jenis": "Hierarki",
            "waktu": "7 Desember 2026 09.30",
        },
        {
            "nama": "Rudi Hermawan, S.Kom., M.Cs.",
            "jabatan": "Kepala Bidang Persandian dan Statistik",
            "kapasitas": "Plh.",
            "jenis": "Hierarki",
            "waktu": "7 Desember 2026 10.05",
        },
    ]
    page = render_paraf_page(layout, {**context, "tte": {"qr_url": QR, "issuer": "CA X"}}, rows)
    text = page_texts(page)[0]
    for part in ("LEMBAR PARAF", "Andika Saputra", "09.30", "Plh.", "10.05", "oleh CA X."):
        assert part in text
    empty = page_texts(render_paraf_page(layout, context, []))[0]
    assert "Tidak ada paraf" in empty and "Salinan" not in empty
    # a classified letter's file copy is its last numbered copy
    secret = {**context, "klasifikasi_keamanan": "Rahasia", "salinan": {"ke": None, "dari": 3}}
    text = page_texts(render_paraf_page(layout, secret, rows))[0]
    assert "RAHASIA" in text and "Salinan ke-3 dari 3" in text
    letter = render_naskah(layout, context)
    assert len(page_texts(append_pdf(letter, page))) == len(page_texts(letter)) + 1


# --- Layout corrections (item 5) -----------------------------------------------------------


def test_classified_letter_states_its_class_copy_number_and_distribution():
    from naskah.rendering.samples import nota_dinas

    layout, context = surat()
    context = {
        **context,
        "klasifikasi_keamanan": "Rahasia",
        "sifat": "Segera",
        "distribusi": ["Kepala Dinas Pendidikan", "Gubernur Lampung", "Pertinggal"],
        "salinan": {"ke": None, "dari": 3},
    }
    text = " ".join(page_texts(render_naskah(layout, context)))
    assert "RAHASIA" in text and "Jumlah salinan: 3" in text
    assert "Sifat : Rahasia, Segera" in text and "Sifat : Biasa" not in text
    assert "Distribusi (nomor salinan): 1. Kepala Dinas Pendidikan" in text
    assert "3. Pertinggal" in text
    copy = {**context, "salinan": {"ke": 3, "dari": 3}}
    assert "Salinan ke-3 dari 3" in page_texts(render_naskah(layout, copy))[0]
    # Biasa urgency: the class alone; Sangat Rahasia on a Nota Dinas too
    layout, context = nota_dinas()
    context = {**context, "klasifikasi_keamanan": "Sangat Rahasia", "sifat": "Biasa"}
    text = page_texts(render_naskah(layout, context))[0]
    assert "SANGAT RAHASIA" in text and "Sifat : Sangat Rahasia" in text
    assert "Sifat : Biasa" not in text
    # a Biasa letter: no copy number, no distribution list
    layout, context = surat()
    text = " ".join(page_texts(render_naskah(layout, {**context, "salinan": {"dari": 2}})))
    assert "salinan" not in text.lower()


@pytest.mark.django_db
@pytest.mark.usefixtures("_media")
def test_rahasia_letter_context_numbers_copies_with_the_file_copy_last(demo):
    from naskah.context import naskah_render_pdf
    from tests.naskah.tte_helpers import ready_letter

    naskah = ready_letter(
        demo,
        klasifikasi="rahasia",
        penerima=[
            {"jenis": "tujuan", "nama": "Kepala Dinas Pendidikan Kota Metro"},
            {"jenis": "tembusan", "nama": "Inspektur Provinsi Lampung"},
        ],
    )
    revisi = naskah.revisi.get(nomor=naskah.revisi_terakhir)
    text = " ".join(page_texts(naskah_render_pdf(revisi, preview=True)))
    assert "RAHASIA" in text and "Jumlah salinan: 3" in text
    assert "Sifat : Rahasia" in text and "Sifat : Biasa" not in text
    for part in (
        "1. Kepala Dinas Pendidikan Kota Metro",
        "2. Inspektur Provinsi Lampung",
        "3. Pertinggal",
    ):
        assert part in text, part


def test_label_rows_markup_round_trip_and_render():
    from naskah.markup import blocks_from_markup, markup_from_blocks

    source = (
        "Yang bertanda tangan di bawah ini:\n\n"
        "Nama :: Budi Santoso, S.H.\nNIP :: 198001012005011001\nJabatan ::\n\n"
        "Catatan: ini paragraf biasa :: bukan baris label? tetap paragraf"
    )
    blocks = blocks_from_markup(source)
    assert blocks[1] == {
        "type": "fields",
        "rows": [["Nama", "Budi Santoso, S.H."], ["NIP", "198001012005011001"], ["Jabatan", ""]],
    }
    assert blocks[2]["type"] == "paragraph"  # a colon in the label: not a label row
    assert blocks_from_markup(markup_from_blocks(blocks)) == blocks
    layout, context = surat()
    text = page_texts(render_naskah(layout, {**context, "body": blocks}))[0]
    assert "Nama : Budi Santoso, S.H." in text and "NIP : 198001012005011001" in text


def test_surat_edaran_and_instruksi_layout_keys():
    from naskah.rendering import signature_block
    from naskah.rendering.samples import KOP_GUBERNUR, para

    gub = signature_block(
        group="arahan",
        subgroup="pengaturan",
        signer={
            "nama": "Ahmad Rizal Mahendra",
            "jabatan_ttd": "GUBERNUR LAMPUNG",
            "jabatan_jenis": "kepala_daerah",
        },
    )
    base = {
        "kop": KOP_GUBERNUR,
        "nomor": "000.1/5 TAHUN 2026",
        "tempat": "Bandar Lampung",
        "penandatangan": gub,
    }
    se = render_naskah(
        {"kind": "judul", "title": "SURAT EDARAN", "yth_above_title": True},
        {
            **base,
            "tujuan": ["Bupati/Wali Kota se-Provinsi Lampung"],
            "tujuan_tempat": "di Tempat",
            "fields": {"tentang": "Tata Naskah Dinas"},
            "body": [para("Sehubungan dengan ...")],
        },
    )
    text = page_texts(se)[0]
    assert text.index("Yth.") < text.index("SURAT EDARAN")
    assert "NOMOR 000.1/5 TAHUN 2026" in text and "NOMOR:" not in text
    ins = render_naskah(
        {
            "kind": "judul",
            "title": "INSTRUKSI GUBERNUR LAMPUNG",
            "jabatan_after_title": True,
            "body_first": True,
        },
        {
            **base,
            "fields": {
                "tentang": "Percepatan",
                "kepada": ["Sekretaris Daerah", "Kepala Perangkat Daerah"],
                "diktum": [
                    {"label": "KESATU", "body": [para("Melaksanakan.")]},
                    {"label": "KEDUA", "body": [para("Melaporkan.")]},
                ],
            },
            "body": [para("Dalam rangka percepatan, dengan ini menginstruksikan:")],
        },
    )
    text = page_texts(ins)[0]
    order = [
        "INSTRUKSI GUBERNUR LAMPUNG",
        "TENTANG",
        "GUBERNUR LAMPUNG,",
        "menginstruksikan:",
        "Kepada",
        "Sekretaris Daerah",
        "Untuk",
        "KESATU",
        "Melaksanakan.",
        "KEDUA",
        "Melaporkan.",
    ]
    positions = [text.find(part) for part in order]
    assert -1 not in positions and positions == sorted(positions), text
    assert "MEMERINTAHKAN" not in text


@pytest.mark.django_db
def test_drafting_form_shows_the_new_fields_and_the_preview_renders_them(client, demo):
    import json

    from django.urls import reverse

    from core.models import Pegawai
    from tests.naskah.conftest import jabatan as position

    client.force_login(demo["statistisi"])
    html = client.get(reverse("naskah:new", args=["notula"])).content.decode()
    for name in ("f_pencatat", "f_waktu_panggilan", "f_dibuka", "f_ditutup"):
        assert f'name="{name}"' in html, name
    html = client.get(reverse("naskah:new", args=["instruksi"])).content.decode()
    assert 'name="f_kepada"' in html and 'name="f_diktum"' in html
    html = client.get(reverse("naskah:new", args=["berita_acara"])).content.decode()
    assert 'name="f_mengetahui_jabatan_0"' in html
    pencatat = Pegawai.objects.get(username="statistisi")
    data = {
        "penandatangan": position("Kepala Bidang Persandian dan Statistik").pk,
        "mandat": "",
        "hal": "Notula Rapat Evaluasi",
        "urgensi": "biasa",
        "klasifikasi_keamanan": "biasa",
        "kode_klasifikasi": "000.1.5",
        "tempat": "",
        "body": "## Hasil Rapat\n\n1. Aplikasi dievaluasi.",
        "f_hari_tanggal": "2026-11-30",
        "f_waktu_panggilan": "08.30 WIB",
        "f_waktu": "09.00 WIB s.d. 11.00 WIB",
        "f_tempat_acara": "Ruang Rapat",
        "f_acara": "Evaluasi",
        "f_pimpinan_rapat": "Kepala Bidang Persandian dan Statistik",
        "f_pencatat": [str(pencatat.pk)],
        "f_dibuka": "pukul 09.05 WIB",
        "f_peserta": "- Staf",
        "penerima": [json.dumps({"jenis": "tujuan", "nama": "Arsip"})],
    }
    response = client.post(reverse("naskah:preview_new", args=["notula"]), data)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page_texts(response.content))
    for part in (
        "Waktu panggilan : 08.30 WIB",
        f"Sekretaris/Pencatat : {pencatat.nama_lengkap}",
        "Rapat dibuka : pukul 09.05 WIB",
        "Pimpinan Rapat",
    ):
        assert part in text, part
    assert "NOMOR" not in text


def test_signed_lembar_disposisi_has_paraf_rows_and_the_qr_but_no_signature_block():
    from naskah.rendering.samples import disposisi

    layout, context = disposisi()
    context = {
        **context,
        "fields": {
            **context["fields"],
            "paraf": [
                {
                    "oleh": "Kepala Dinas (Dr. Ir. Rahmat Hidayat, M.Si.)",
                    "waktu": "20 November 2026 09.05",
                },
                {"oleh": "Plh. Kepala Bidang Persandian (Rudi)", "waktu": "20 November 2026 13.40"},
            ],
        },
        "tte": {"qr_url": QR, "issuer": "CA X"},
    }
    text = page_texts(render_naskah(layout, context))[0]
    for part in ("Paraf oleh", "09.05", "Plh. Kepala Bidang Persandian (Rudi)", "13.40"):
        assert part in text, part
    assert "Pindai untuk verifikasi" in text and "oleh CA X." in text
    assert "NIP" not in text  # no full signature block


def test_typed_lampiran_repeat_the_letters_own_signer_not_the_other_party():
    from naskah.rendering import signature_block
    from naskah.rendering.samples import para

    def block(nama, jabatan, role):
        return signature_block(
            group="khusus",
            signer={
                "nama": nama,
                "jabatan_ttd": jabatan,
                "nip": "1",
                "jabatan_jenis": "struktural",
            },
            role_label=role,
        )

    layout, context = surat()
    layout = {**layout, "kind": "judul", "title": "SURAT KUASA"}
    context = {
        **context,
        "penandatangan": [
            block("Bayu Penerima", "PENGELOLA", "Penerima Kuasa"),
            block("Ganjar Pemberi", "KEPALA DINAS", "Pemberi Kuasa"),
        ],
        "penandatangan_utama": 1,
        "lampiran": [{"judul": "DAFTAR", "body": [para("Isi lampiran.")]}],
    }
    texts = page_texts(render_naskah(layout, context))
    assert "Bayu Penerima" in texts[0] and "Ganjar Pemberi" in texts[0]
    assert "Ganjar Pemberi" in texts[-1] and "Bayu Penerima" not in texts[-1]


def _send_queued_emails(naskah) -> None:
    """Dispatch queues each e-mail for the slow queue's task (naskah.tasks); run them."""
    from naskah.models import Distribusi
    from naskah.tasks import distribusi_email_task

    for row in Distribusi.objects.filter(naskah=naskah, saluran="email"):
        distribusi_email_task(row.pk)
