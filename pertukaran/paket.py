"""The letter package (issue 17 item 6): a zip holding `surat.json` (metadata valid against
docs/api/paket-surat.schema.json, field names following the national archive's description
of a record), `surat.pdf` (the sealed PDF) and `lampiran/<name>` (attachment files).

The same package is POSTed to a peer (`/api/v1/pertukaran/surat`), downloaded from the
letter page and the API, and imported into an incoming register. Reading a package is
strict: a bounded zip without folders other than lampiran/, no member outside the listed
ones, a schema-valid surat.json and every file matching its listed SHA-256 and size."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jsonschema
from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import ApplicationError

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "api" / "paket-surat.schema.json"
META_NAME = "surat.json"
PDF_NAME = "surat.pdf"
MAX_MEMBERS = 60


@lru_cache(maxsize=1)
def paket_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Paket:
    meta: dict
    pdf: bytes
    lampiran: list[tuple[str, bytes]]

    @property
    def sha256(self) -> str:
        return self.meta["berkas"]["sha256"]


def _entry(nama: str, data: bytes) -> dict:
    return {"nama": nama, "sha256": hashlib.sha256(data).hexdigest(), "ukuran": len(data)}


def safe_name(name: str, fallback: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")[:120]
    return cleaned or fallback


def _retensi(kode) -> dict:
    return {
        "aktif_tahun": kode.retensi_aktif,
        "inaktif_tahun": kode.retensi_inaktif,
        "nasib_akhir": kode.nasib_akhir or "",
    }


def naskah_uid(naskah) -> str:
    """The letter's id across instances: this instance's agency code and the letter's id."""
    return f"{settings.NASKAH_INSTANSI_KODE}:naskah:{naskah.pk}"


def paket_meta(naskah, *, pdf: bytes, lampiran: list[tuple[str, bytes]]) -> dict:
    from pertukaran.models import InstansiMitra

    peers = {m.alamat_surel.lower(): m.kode for m in InstansiMitra.objects.exclude(alamat_surel="")}
    names = {m.nama.strip().lower(): m.kode for m in InstansiMitra.objects.all()}
    penerima = []
    for p in naskah.penerima.order_by("jenis", "urutan"):
        item = {"jenis": p.jenis, "label": p.label or p.nama}
        kode = peers.get((p.email or "").lower()) or names.get((p.nama or "").strip().lower())
        if kode:
            item["kode_instansi"] = kode
        penerima.append(item)
    penandatangan = naskah.penandatangan
    meta = {
        "versi": "1",
        "uid": naskah_uid(naskah),
        "nomor": naskah.nomor,
        "tanggal": naskah.tanggal.isoformat(),
        "hal": naskah.hal,
        "urgensi": naskah.urgensi,
        "jenis": {"kode": naskah.jenis.kode, "nama": naskah.jenis.nama},
        "kode_klasifikasi": {
            "kode": naskah.kode_klasifikasi.kode,
            "nama": naskah.kode_klasifikasi.nama,
        },
        "klasifikasi_keamanan": naskah.klasifikasi_keamanan,
        "pengirim": {
            "kode_instansi": settings.NASKAH_INSTANSI_KODE,
            "instansi": settings.NASKAH_NAMA_PEMERINTAH,
            "unit": naskah.unit.nama,
            "jabatan": penandatangan.nama if penandatangan else "",
        },
        "penerima": penerima,
        "retensi": _retensi(naskah.kode_klasifikasi),
        "berkas": _entry(PDF_NAME, pdf),
        "lampiran": [_entry(nama, data) for nama, data in lampiran],
    }
    return meta


def naskah_files(naskah) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The sealed PDF and the attachment files of a signed letter."""
    from core.services.storage import storage_read
    from naskah.models import NaskahTTE
    from naskah.services.signing import sealed_bytes

    record = NaskahTTE.objects.filter(naskah=naskah, selesai=True).first()
    if record is None or record.dokumen_terakhir() is None:
        raise ApplicationError(_("Only a signed letter has a package."), code="not_signed")
    pdf = sealed_bytes(record.dokumen_terakhir())
    lampiran = []
    used = set()
    for i, item in enumerate(naskah.lampiran.exclude(berkas="").order_by("pk"), start=1):
        nama = safe_name(item.nama_berkas or f"lampiran-{i}.pdf", f"lampiran-{i}.pdf")
        if nama in used or nama == PDF_NAME:
            nama = f"{i}-{nama}"[:120]
        used.add(nama)
        lampiran.append((nama, storage_read(item.berkas.name)))
    return pdf, lampiran


def paket_build(naskah) -> bytes:
    """The zip package of a signed letter."""
    pdf, lampiran = naskah_files(naskah)
    meta = paket_meta(naskah, pdf=pdf, lampiran=lampiran)
    jsonschema.validate(meta, paket_schema())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(META_NAME, json.dumps(meta, ensure_ascii=False, indent=2))
        zf.writestr(PDF_NAME, pdf)
        for nama, data in lampiran:
            zf.writestr(f"lampiran/{nama}", data)
    return buffer.getvalue()


def _invalid(message: str, errors: list | None = None) -> ApplicationError:
    return ApplicationError(message, code="invalid_package", extra={"errors": errors or []})


def paket_read(data: bytes) -> Paket:
    """Open and check a package (module docstring). Raises ApplicationError with code
    invalid_package and the schema errors in `extra["errors"]`."""
    limit = settings.NASKAH_PERTUKARAN_MAX_BYTES
    if len(data) > limit:
        raise _invalid(_("The package is too large."))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _invalid(_("The package is not a zip file.")) from exc
    if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > limit:
        raise _invalid(_("The package is too large."))
    names = {i.filename for i in infos if not i.is_dir()}
    if META_NAME not in names or PDF_NAME not in names:
        raise _invalid(_("The package must hold surat.json and surat.pdf."))
    try:
        meta = json.loads(zf.read(META_NAME).decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise _invalid(_("surat.json is not valid JSON.")) from exc
    validator = jsonschema.Draft202012Validator(
        paket_schema(), format_checker=jsonschema.FormatChecker()
    )
    errors = [
        {"loc": [str(x) for x in e.absolute_path], "msg": e.message, "type": "schema"}
        for e in sorted(validator.iter_errors(meta), key=lambda e: list(e.absolute_path))
    ]
    if errors:
        raise _invalid(_("surat.json does not follow the package schema."), errors[:20])
    expected = {PDF_NAME, META_NAME} | {f"lampiran/{x['nama']}" for x in meta["lampiran"]}
    if names != expected:
        raise _invalid(_("The package's files do not match the files listed in surat.json."))

    def checked(name: str, entry: dict) -> bytes:
        content = zf.read(name)
        if (
            hashlib.sha256(content).hexdigest() != entry["sha256"]
            or len(content) != entry["ukuran"]
        ):
            raise _invalid(
                _("The file %(name)s does not match its SHA-256 in surat.json.") % {"name": name}
            )
        return content

    pdf = checked(PDF_NAME, meta["berkas"])
    lampiran = [(x["nama"], checked(f"lampiran/{x['nama']}", x)) for x in meta["lampiran"]]
    return Paket(meta=meta, pdf=pdf, lampiran=lampiran)
