"""An incoming letter's file and its combined searchable PDF on an S3-compatible store
(moto's server on loopback): the upload goes to the bucket, the OCR task reads it through
the storage API (OCRmyPDF, when a page needs it, works on a temporary copy: bytes in, bytes
out), writes its result back into the bucket, and the permission-checked view serves it.
A PDF with a text layer keeps the test fast; tests/masuk/test_ocr.py runs the OCR itself."""

from __future__ import annotations

import hashlib

from django.urls import reverse

from naskah.masuk.models import SuratMasuk
from naskah.masuk.services import suratmasuk_ocr_run

from .conftest import make_pdf


def test_upload_and_searchable_pdf_live_in_the_bucket(s3_storage, register, org, client):
    surat = register(files=[("surat.pdf", make_pdf("Undangan Sosialisasi Sertifikat"))])
    scan = surat.berkas.get()
    client_s3 = s3_storage.client()

    def stored() -> dict[str, bytes]:
        listed = client_s3.list_objects_v2(Bucket=s3_storage.bucket).get("Contents", ())
        return {
            item["Key"]: client_s3.get_object(Bucket=s3_storage.bucket, Key=item["Key"])[
                "Body"
            ].read()
            for item in listed
        }

    assert scan.berkas.name in stored()
    assert suratmasuk_ocr_run(surat_id=surat.pk) == SuratMasuk.StatusOCR.SELESAI
    surat.refresh_from_db()
    assert "Sosialisasi" in surat.ocr_teks
    objects = stored()
    searchable = objects[surat.berkas_pdf.name]  # written back into the bucket
    assert searchable.startswith(b"%PDF")
    assert not [key for key in objects if key.startswith("pending/")]

    client.force_login(org["agendaris"])
    response = client.get(reverse("masuk:suratmasuk_pdf", args=[surat.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == hashlib.sha256(searchable).hexdigest()
