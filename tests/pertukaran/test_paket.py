"""The package format on its own (no database): the committed JSON Schema is a valid
2020-12 schema, and reading a package refuses what is not a well-formed package."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import jsonschema
import pytest

from core.errors import ApplicationError
from pertukaran.paket import paket_read, paket_schema

PDF = b"%PDF-1.7\n% not a real letter, the reader does not open it\n%%EOF\n"


def _meta(**changes) -> dict:
    meta = {
        "versi": "1",
        "uid": "lampungprov:naskah:1",
        "nomor": "000.1.2.3/1/V.25/2026",
        "tanggal": "2026-12-07",
        "hal": "Undangan",
        "urgensi": "biasa",
        "jenis": {"kode": "surat_dinas", "nama": "Surat Dinas"},
        "kode_klasifikasi": {"kode": "000.1.2.3", "nama": "Undangan"},
        "klasifikasi_keamanan": "biasa",
        "pengirim": {"kode_instansi": "lampungprov", "instansi": "Pemprov", "unit": "Diskominfo"},
        "penerima": [{"jenis": "tujuan", "label": "Wali Kota Metro", "kode_instansi": "metro"}],
        "retensi": {"aktif_tahun": 2, "inaktif_tahun": 3, "nasib_akhir": "musnah"},
        "berkas": {
            "nama": "surat.pdf",
            "sha256": hashlib.sha256(PDF).hexdigest(),
            "ukuran": len(PDF),
        },
        "lampiran": [],
    }
    meta.update(changes)
    return meta


def _zip(members: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data if isinstance(data, bytes) else json.dumps(data))
    return out.getvalue()


def _refused(data: bytes) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        paket_read(data)
    assert caught.value.code == "invalid_package"
    return caught.value


def test_the_schema_is_a_valid_json_schema_and_accepts_a_package():
    jsonschema.Draft202012Validator.check_schema(paket_schema())
    paket = paket_read(_zip({"surat.json": _meta(), "surat.pdf": PDF}))
    assert paket.pdf == PDF and paket.lampiran == []


def test_an_attachment_is_listed_and_checked():
    lampiran = b"%PDF-1.7\nlampiran\n%%EOF\n"
    entry = {"nama": "data.pdf", "sha256": hashlib.sha256(lampiran).hexdigest(), "ukuran": 9}
    error = _refused(
        _zip(
            {"surat.json": _meta(lampiran=[entry]), "surat.pdf": PDF, "lampiran/data.pdf": lampiran}
        )
    )
    assert "data.pdf" in error.message  # listed size is wrong
    entry["ukuran"] = len(lampiran)
    paket = paket_read(
        _zip(
            {"surat.json": _meta(lampiran=[entry]), "surat.pdf": PDF, "lampiran/data.pdf": lampiran}
        )
    )
    assert paket.lampiran == [("data.pdf", lampiran)]


def test_what_is_not_a_package_is_refused():
    _refused(b"not a zip")
    _refused(_zip({"surat.pdf": PDF}))  # no surat.json
    _refused(_zip({"surat.json": b"{not json", "surat.pdf": PDF}))
    _refused(_zip({"surat.json": _meta(), "surat.pdf": PDF, "extra.exe": b"MZ"}))
    _refused(_zip({"surat.json": _meta(), "surat.pdf": PDF + b" "}))  # hash mismatch
    error = _refused(_zip({"surat.json": _meta(tanggal="kemarin", penerima=[]), "surat.pdf": PDF}))
    locs = {tuple(e["loc"]) for e in error.extra["errors"]}
    assert ("tanggal",) in locs and ("penerima",) in locs
    error = _refused(
        _zip(
            {
                "surat.json": _meta(berkas={"nama": "../x", "sha256": "0", "ukuran": 0}),
                "surat.pdf": PDF,
            }
        )
    )
    assert error.extra["errors"]
