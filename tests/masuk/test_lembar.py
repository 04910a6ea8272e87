"""The Lembar Disposisi PDF: the official form from the head's disposition and the whole
tree on the attachment page, with the acting capacity shown."""

from __future__ import annotations

import io

from django.utils import timezone
from pypdf import PdfReader

from core.models import Jabatan, UnitKerja
from naskah.masuk.lembar import lembar_disposisi_pdf
from naskah.masuk.models import InstruksiDisposisi
from naskah.masuk.services import (
    DataSurat,
    Tujuan,
    disposisi_create,
    suratmasuk_register,
)

from .conftest import make_pdf


def text_of(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())  # table cells wrap lines


def test_sheet_has_form_and_tree_with_acting_official(org, kka):
    instr = {i.kode: i for i in InstruksiDisposisi.objects.all()}
    surat = suratmasuk_register(
        actor=org["agendakominfo"],
        unit=UnitKerja.objects.get(kode="DISKOMINFOTIK"),
        data=DataSurat(
            pengirim="Badan Pusat Statistik Provinsi Lampung",
            hal="Permintaan data statistik sektoral",
            tanggal_diterima=timezone.localdate(),
            urgensi="amat_segera",
            klasifikasi_keamanan="biasa",
            kode_klasifikasi=kka,
            jabatan_tujuan=Jabatan.objects.get(nama="Kepala Bidang Persandian dan Statistik"),
            nomor_surat="B-55/BPS/2026",
        ),
        files=[("bps.pdf", make_pdf())],
    )
    blank = text_of(lembar_disposisi_pdf(surat))
    assert "LEMBAR DISPOSISI" in blank and "B-55/BPS/2026" in blank
    assert "RIWAYAT DISPOSISI" not in blank
    disposisi_create(
        surat=surat,
        actor=org["kabidaptika"],  # Plh Kepala Bidang Persandian
        targets=[Tujuan(pegawai=org["statistisi"])],
        instruksi=[instr["ditindaklanjuti"], instr["siapkan-jawaban"]],
        catatan="Kirim data paling lambat besok.",
    )
    text = text_of(lembar_disposisi_pdf(surat))
    for expected in (
        "Badan Pusat Statistik Provinsi Lampung",
        surat.nomor_agenda,
        "Amat Segera",
        "Putri Ayu Wulandari",
        "Untuk ditindaklanjuti",
        "Siapkan jawaban",
        "Kirim data paling lambat besok.",
        "Paraf oleh",
        "Plh. Kepala Bidang Persandian dan Statistik",
        "RIWAYAT DISPOSISI",
        "Belum dibaca",
    ):
        assert expected in text, expected
    # paraf and date/time of the disposition instead of a full signature block; time as
    # HH.MM (Indonesian style); no "[utama]" tags
    import re

    assert re.search(r"\d{1,2} \w+ 20\d\d \d\d\.\d\d", text), text
    assert not re.search(r"\d\d:\d\d", text)
    assert "[utama]" not in text
    assert "NIP" not in text.split("RIWAYAT DISPOSISI")[0]
