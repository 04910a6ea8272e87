import csv
import datetime as dt
import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from arsip.selectors.reports import report_as
from arsip.services.export import arsip_export_bundle, bundle_verify
from arsip.services.records import berkas_close
from core.errors import ApplicationError, PermissionDeniedError
from tests.arsip.conftest import make_record


@pytest.fixture
def filed(people, codes):
    pdf = default_storage.save("arsip/naskah/a.pdf", ContentFile(b"%PDF-1.4 signed"))
    first = make_record(
        hal="Laporan kinerja",
        isi="Isi laporan",
        kode=codes["musnah"],
        nomor="800.1.11.1/3/DISKOMINFOTIK/2020",
        berkas_pdf=pdf,
        berkas_pdf_sha256="9c1b6bd63b9a1df5b0e4fec4d8b4c3c3e1d1f1b9c1d7b6f7e0f1a2b3c4d5e6f7",
    )
    make_record(hal="Laporan rahasia", kode=codes["musnah"], klasifikasi_keamanan="rahasia")
    return first


def test_bundle_export_and_verify(people, filed, tmp_path):
    target = tmp_path / "bag"
    result = arsip_export_bundle(actor=people["arsiparis"], target=target, berkas=filed.berkas)
    assert result.records == 1  # the secret record is not exported for the archivist
    for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"):
        assert (target / name).is_file()
    meta = json.loads((target / "data" / "records" / str(filed.pk) / "metadata.json").read_text())
    assert meta["nomor"] == "800.1.11.1/3/DISKOMINFOTIK/2020"
    assert meta["berkas_pdf_sha256_cocok"] is False  # stored hash differs from the bytes
    assert (
        (target / "data" / "records" / str(filed.pk) / "naskah.pdf")
        .read_bytes()
        .startswith(b"%PDF")
    )
    audit = (target / "data" / "audit.jsonl").read_text().splitlines()
    assert any(json.loads(line)["action"] == "arsip.record.create" for line in audit)
    assert bundle_verify(target).ok
    call_command("arsip_verify_bundle", str(target))


@pytest.mark.parametrize("tamper", ["change", "remove", "add"])
def test_tampered_bundle_is_detected(people, filed, tmp_path, tamper):
    target = tmp_path / "bag"
    arsip_export_bundle(actor=people["arsiparis"], target=target, berkas=filed.berkas)
    pdf = target / "data" / "records" / str(filed.pk) / "naskah.pdf"
    if tamper == "change":
        pdf.write_bytes(b"%PDF-1.4 forged")
    elif tamper == "remove":
        pdf.unlink()
    else:
        (target / "data" / "extra.txt").write_text("x")
    result = bundle_verify(target)
    assert not result.ok
    expected = "data/extra.txt" if tamper == "add" else f"data/records/{filed.pk}/naskah.pdf"
    assert result.bad_file == expected
    with pytest.raises(CommandError, match=expected.replace(".", r"\.")):
        call_command("arsip_verify_bundle", str(target))


def test_tampered_manifest_is_detected(people, filed, tmp_path):
    target = tmp_path / "bag"
    arsip_export_bundle(actor=people["arsiparis"], target=target, berkas=filed.berkas)
    manifest = target / "manifest-sha256.txt"
    manifest.write_text(manifest.read_text().replace("a", "b", 1))
    assert bundle_verify(target).bad_file == "manifest-sha256.txt"


def test_bundle_by_date_range_and_bad_input(people, filed, tmp_path):
    result = arsip_export_bundle(
        actor=people["arsiparis"],
        target=tmp_path / "r",
        tanggal_dari=dt.date(2020, 1, 1),
        tanggal_sampai=dt.date(2020, 12, 31),
    )
    assert result.records == 1
    with pytest.raises(PermissionDeniedError):
        arsip_export_bundle(actor=people["stafaptika"], target=tmp_path / "x", berkas=filed.berkas)
    with pytest.raises(ApplicationError, match="date range"):
        arsip_export_bundle(actor=people["arsiparis"], target=tmp_path / "y")
    with pytest.raises(ApplicationError, match="not empty"):
        arsip_export_bundle(actor=people["arsiparis"], target=tmp_path / "r", berkas=filed.berkas)


def test_reports_in_three_formats(people, filed):
    berkas_close(actor=people["arsiparis"], berkas=filed.berkas, ditutup=dt.date(2020, 12, 31))
    content, ctype, name = report_as("aktif", "csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][0] == "Unit" and rows[1][2] == filed.berkas.nomor and rows[1][-1] == "2"
    content, _, _ = report_as("aktif", "xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.cell(row=2, column=3).value == filed.berkas.nomor
    content, ctype, _ = report_as("musnah", "pdf")
    assert ctype == "application/pdf"
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert filed.berkas.nomor in text
    # The printed report's title and heads follow the reader's language.
    text = " ".join(text.split())
    assert "Files due for destruction" in text and "Number of records" in text
    with translation.override("id"):
        content, _, _ = report_as("musnah", "pdf")
    text = " ".join(PdfReader(io.BytesIO(content)).pages[0].extract_text().split())
    assert "Jumlah arsip" in text and "Number of records" not in text
    with pytest.raises(ApplicationError):
        report_as("aktif", "doc")
