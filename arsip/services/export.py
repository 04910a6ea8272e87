"""Reports (CSV, XLSX, PDF) and the archive export bundle (BagIt 1.0) with its check.

A bundle for a berkas or a date range is a directory:

    bagit.txt  bag-info.txt  manifest-sha256.txt  tagmanifest-sha256.txt
    data/records/<id>/metadata.json   one per record (metadata, hashes, flags)
    data/records/<id>/naskah.pdf      the stored (signed) PDF, when there is one
    data/records/<id>/pindai.pdf      the stored scan, when there is one
    data/audit.jsonl                  the audit events of those records and files

`bundle_verify` recomputes every checksum and reports the first file that is missing,
unlisted or changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from arsip.events import ARSIP_EXPORT_BUNDLE
from arsip.models import ArsipRecord, Berkas
from arsip.permissions import arsip_visibility_q, can_manage_archive
from core.clock import office_today
from core.errors import ApplicationError, PermissionDeniedError
from core.models import AuditEvent, Pegawai
from core.services.audit import audit_record
from core.services.storage import storage_located, storage_open

# --- reports ------------------------------------------------------------------------------


# --- export bundle ------------------------------------------------------------------------

_CHUNK = 1024 * 1024


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_stored(name: str, target: Path) -> str:
    """Copy a stored file into the bag in chunks; returns its SHA-256."""
    digest = hashlib.sha256()
    with storage_open(name) as src, target.open("wb") as dst:
        for block in iter(lambda: src.read(_CHUNK), b""):
            digest.update(block)
            dst.write(block)
    return digest.hexdigest()


def _record_metadata(record: ArsipRecord) -> dict:
    return {
        "id": record.pk,
        "source": {"type": record.source_type, "id": record.source_id},
        "nomor": record.nomor,
        "nomor_bagian": {
            "kode": record.nomor_kode,
            "urut": record.nomor_urut,
            "unit": record.nomor_unit,
            "tahun": record.nomor_tahun,
        },
        "hal": record.hal,
        "jenis": record.jenis_kode,
        "tanggal": record.tanggal,
        "unit": {"kode": record.unit.kode, "nama": record.unit.nama},
        "kode_klasifikasi": record.kode_klasifikasi.kode,
        "berkas": record.berkas.nomor if record.berkas_id else None,
        "urgensi": record.urgensi,
        "klasifikasi_keamanan": record.klasifikasi_keamanan,
        "pengirim": record.pengirim,
        "penerima": record.penerima,
        "status": record.status,
        "vital": record.vital,
        "legal_hold": record.legal_hold,
        "isi_teks": record.isi_teks,
        "ocr_teks": record.ocr_teks,
        "lampiran_teks": record.lampiran_teks,
        "berkas_pdf_sha256": record.berkas_pdf_sha256,
        "berkas_pindai_sha256": record.berkas_pindai_sha256,
        "diarsipkan": record.created_at,
    }


@dataclass
class BundleResult:
    path: Path
    records: int
    files: int
    bytes: int


def _bundle_records(actor: Pegawai, berkas: Berkas | None, dari, sampai):
    qs = ArsipRecord.objects.filter(arsip_visibility_q(actor))
    if berkas is not None:
        qs = qs.filter(berkas=berkas)
    if dari:
        qs = qs.filter(tanggal__gte=dari)
    if sampai:
        qs = qs.filter(tanggal__lte=sampai)
    return qs.select_related("unit", "kode_klasifikasi", "berkas").order_by("pk")


def arsip_export_bundle(
    *,
    actor: Pegawai,
    target: Path,
    berkas: Berkas | None = None,
    tanggal_dari: dt.date | None = None,
    tanggal_sampai: dt.date | None = None,
) -> BundleResult:
    """Write a BagIt bundle of the records the actor may read, for one berkas or a date
    range, into the empty or new directory `target`. Streams records and files."""
    if not can_manage_archive(actor):
        raise PermissionDeniedError(_("Only archivists may export the archive."))
    if berkas is None and not (tanggal_dari and tanggal_sampai):
        raise ApplicationError(_("Choose a file or a complete date range."))
    if tanggal_dari and tanggal_sampai and tanggal_dari > tanggal_sampai:
        raise ApplicationError(_("The start date is after the end date."))
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise ApplicationError(_("The target folder is not empty."))
    records_dir = target / "data" / "records"
    records_dir.mkdir(parents=True, exist_ok=True)
    manifest: list[tuple[str, str]] = []
    total_bytes = 0
    ids: list[int] = []
    objects: set[tuple[str, str]] = set()

    def add(rel: str, digest: str) -> None:
        nonlocal total_bytes
        manifest.append((digest, rel))
        total_bytes += (target / rel).stat().st_size

    for record in _bundle_records(actor, berkas, tanggal_dari, tanggal_sampai).iterator(
        chunk_size=500
    ):
        ids.append(record.pk)
        objects.add(("arsip.arsiprecord", str(record.pk)))
        objects.add((record.source_type, record.source_id))
        if record.berkas_id:
            objects.add(("arsip.berkas", str(record.berkas_id)))
        folder = records_dir / str(record.pk)
        folder.mkdir()
        meta = _record_metadata(record)
        for field, stored, name in (
            ("berkas_pdf_sha256", record.berkas_pdf, "naskah.pdf"),
            ("berkas_pindai_sha256", record.berkas_pindai, "pindai.pdf"),
        ):
            if stored and storage_located(stored):
                digest = _copy_stored(stored, folder / name)
                meta[f"{field}_cocok"] = (not getattr(record, field)) or digest == getattr(
                    record, field
                )
                add(f"data/records/{record.pk}/{name}", digest)
        body = json.dumps(meta, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
        (folder / "metadata.json").write_bytes(body)
        add(f"data/records/{record.pk}/metadata.json", hashlib.sha256(body).hexdigest())
    if not ids:
        raise ApplicationError(_("No records you may read match this selection."))
    audit_path = target / "data" / "audit.jsonl"
    from core.services.audit import audit_seal_pending

    audit_seal_pending()  # the bundle carries sealed events with their chain hashes
    with audit_path.open("w", encoding="utf-8") as fh:
        condition = Q()
        for object_type, object_id in sorted(objects):
            condition |= Q(object_type=object_type, object_id=object_id)
        for event in AuditEvent.objects.filter(condition).order_by("seq").iterator(2000):
            row = {
                "seq": event.seq,
                "created_at": event.created_at,
                "actor": event.actor_label,
                "action": event.action,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "details": event.details,
                "prev_hash": event.prev_hash,
                "hash": event.hash,
            }
            fh.write(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False) + "\n")
    add("data/audit.jsonl", _sha256_file(audit_path))

    (target / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    (target / "manifest-sha256.txt").write_text(
        "".join(f"{digest}  {rel}\n" for digest, rel in sorted(manifest, key=lambda m: m[1]))
    )
    scope = f"berkas {berkas.nomor}" if berkas else f"tanggal {tanggal_dari} s.d. {tanggal_sampai}"
    info = [
        f"Source-Organization: {settings.NASKAH_NAMA_PEMERINTAH}",
        f"Bagging-Date: {office_today().isoformat()}",
        f"External-Description: Ekspor arsip Naskah, {scope}",
        f"External-Identifier: {berkas.nomor if berkas else scope}",
        f"Payload-Oxum: {total_bytes}.{len(manifest)}",
        f"Contact-Name: {actor.nama_lengkap}",
    ]
    (target / "bag-info.txt").write_text("\n".join(info) + "\n", encoding="utf-8")
    tags = ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"]
    (target / "tagmanifest-sha256.txt").write_text(
        "".join(f"{_sha256_file(target / name)}  {name}\n" for name in tags)
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=ARSIP_EXPORT_BUNDLE,
            obj=berkas,
            object_type=None if berkas else "arsip.export",
            object_id=None if berkas else scope,
            details={"records": len(ids), "files": len(manifest), "bytes": total_bytes},
        )
    return BundleResult(target, len(ids), len(manifest), total_bytes)


@dataclass(frozen=True)
class BundleCheck:
    ok: bool
    message: str
    bad_file: str = ""


def _read_manifest(path: Path) -> list[tuple[str, str]]:
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        digest, _, rel = line.partition(" ")
        entries.append((digest.strip(), rel.strip()))
    return entries


def bundle_verify(directory: Path) -> BundleCheck:
    """Check a bundle: declaration, tag manifest, payload manifest, unlisted files and
    Payload-Oxum. Returns the first problem with the file it concerns."""
    root = Path(directory)
    bagit = root / "bagit.txt"
    if not bagit.is_file():
        return BundleCheck(False, "bagit.txt is missing", "bagit.txt")
    if "BagIt-Version:" not in bagit.read_text(encoding="utf-8", errors="replace"):
        return BundleCheck(False, "bagit.txt has no BagIt-Version", "bagit.txt")
    for manifest_name in ("tagmanifest-sha256.txt", "manifest-sha256.txt"):
        manifest = root / manifest_name
        if not manifest.is_file():
            return BundleCheck(False, f"{manifest_name} is missing", manifest_name)
        for digest, rel in _read_manifest(manifest):
            path = (root / rel).resolve()
            if root.resolve() not in path.parents:
                return BundleCheck(False, f"{rel}: path leaves the bundle", rel)
            if not path.is_file():
                return BundleCheck(False, f"{rel}: listed but missing", rel)
            if _sha256_file(path) != digest:
                return BundleCheck(False, f"{rel}: checksum does not match", rel)
    listed = {rel for _, rel in _read_manifest(root / "manifest-sha256.txt")}
    payload_bytes, payload_files = 0, 0
    for dirpath, _dirs, files in os.walk(root / "data"):
        for name in sorted(files):
            rel = (Path(dirpath) / name).relative_to(root).as_posix()
            if rel not in listed:
                return BundleCheck(False, f"{rel}: not listed in the manifest", rel)
            payload_bytes += (Path(dirpath) / name).stat().st_size
            payload_files += 1
    info = (root / "bag-info.txt").read_text(encoding="utf-8")
    for line in info.splitlines():
        if line.startswith("Payload-Oxum:"):
            expected = line.split(":", 1)[1].strip()
            if expected != f"{payload_bytes}.{payload_files}":
                return BundleCheck(False, "Payload-Oxum does not match the payload", "bag-info.txt")
    return BundleCheck(True, f"bundle valid: {payload_files} files, {payload_bytes} bytes")
