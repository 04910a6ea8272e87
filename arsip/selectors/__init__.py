"""Reads with permission checks: fetch-and-authorize in one call."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from arsip.models import ArsipRecord, Berkas, Penyusutan
from arsip.permissions import (
    arsip_visibility_q,
    can_manage_archive,
    is_panitia_penilai,
    is_pejabat_kearsipan,
)
from core.errors import PermissionDeniedError
from core.models import Pegawai


def arsip_record_get_for_user(*, user: Pegawai, pk: int) -> ArsipRecord:
    record = (
        ArsipRecord.objects.filter(arsip_visibility_q(user), pk=pk)
        .select_related("unit", "kode_klasifikasi", "berkas")
        .first()
    )
    if record is None:
        raise Http404
    return record


def _require_archivist(user: Pegawai) -> None:
    if not can_manage_archive(user):
        raise PermissionDeniedError()


def berkas_list_for_archivist(*, user: Pegawai, status: str = ""):
    _require_archivist(user)
    qs = Berkas.objects.select_related("unit", "kode_klasifikasi").order_by("-dibuka", "nomor")
    return qs.filter(status=status) if status else qs


def berkas_get_for_user(*, user: Pegawai, pk: int) -> Berkas:
    """A file for the archive pages: 403 for anyone but an archivist, 404 when missing."""
    _require_archivist(user)
    berkas = Berkas.objects.select_related("unit", "kode_klasifikasi").filter(pk=pk).first()
    if berkas is None:
        raise Http404
    return berkas


def penyusutan_list_for_user(*, user: Pegawai):
    _require_archivist_or_role(user)
    return Penyusutan.objects.select_related("diusulkan_oleh").order_by("-created_at")


def penyusutan_get_for_user(*, user: Pegawai, pk: int) -> Penyusutan:
    _require_archivist_or_role(user)
    obj = Penyusutan.objects.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _require_archivist_or_role(user: Pegawai) -> None:
    if not (can_manage_archive(user) or is_panitia_penilai(user) or is_pejabat_kearsipan(user)):
        raise PermissionDeniedError()


# --- a record's documents and its source page ----------------------------------------------


@dataclass(frozen=True)
class ArsipDokumen:
    """One document of a record that can be opened: `kind` is "pdf" (the sealed letter),
    "pindai" (the scan or the delivered PDF of an incoming letter) or "lampiran"."""

    kind: str
    label: str
    sha256: str
    url: str
    is_image: bool = False


def _content_type(name: str) -> str:
    lower = name.lower()
    if lower.endswith((".jpg", ".jpeg")):
        return "image/jpeg"
    if lower.endswith(".png"):
        return "image/png"
    return "application/pdf"


def arsip_record_file(record: ArsipRecord, kind: str) -> tuple[str, str, str]:
    """(stored name, content type, download name) of a record's document, for a record
    the caller has already checked the user may read. Unknown or missing: 404."""
    if record.status == ArsipRecord.Status.DIMUSNAHKAN:
        raise Http404
    name = {"pdf": record.berkas_pdf, "pindai": record.berkas_pindai}.get(kind, "")
    if not name:
        raise Http404
    ctype = _content_type(name)
    ext = {"image/jpeg": "jpg", "image/png": "png"}.get(ctype, "pdf")
    label = (record.nomor or f"arsip-{record.pk}").replace("/", "-")
    return name, ctype, f"{label}{'-pindai' if kind == 'pindai' else ''}.{ext}"


def _signed_lampiran(naskah_id: int):
    """The uploaded lampiran of the revision that was signed (what was sent)."""
    from naskah.models import Lampiran, NaskahRevisi, NaskahTTE

    signed = NaskahTTE.objects.filter(naskah_id=naskah_id).values_list("revisi", flat=True)
    sent = NaskahRevisi.objects.filter(naskah_id=naskah_id, nomor__in=signed).values_list(
        "lampiran", flat=True
    )
    ids = [pk for row in sent for pk in (row or []) if isinstance(pk, int)]
    return Lampiran.objects.filter(naskah_id=naskah_id, pk__in=ids, jenis="berkas").exclude(
        berkas=""
    )


def arsip_record_lampiran_get(record: ArsipRecord, lampiran_pk: int):
    """A lampiran of the letter a record keeps (only one that was sent with it)."""
    if record.source_type != "naskah.naskah" or record.status == ArsipRecord.Status.DIMUSNAHKAN:
        raise Http404
    found = _signed_lampiran(int(record.source_id)).filter(pk=lampiran_pk).first()
    if found is None:
        raise Http404
    return found


def arsip_record_documents(record: ArsipRecord) -> list[ArsipDokumen]:
    """What a reader of the record can open: the sealed PDF, the scan, the lampiran."""
    if record.status == ArsipRecord.Status.DIMUSNAHKAN:
        return []
    docs = []
    if record.berkas_pdf:
        docs.append(
            ArsipDokumen(
                "pdf",
                _("Signed letter (PDF)"),
                record.berkas_pdf_sha256,
                reverse("arsip:record_document", args=[record.pk, "pdf"]),
            )
        )
    if record.berkas_pindai:
        label = (
            _("Letter as delivered (PDF)")
            if record.surat_kunci.startswith("naskah.naskah:")
            else _("Scan")
        )
        docs.append(
            ArsipDokumen(
                "pindai",
                label,
                record.berkas_pindai_sha256,
                reverse("arsip:record_document", args=[record.pk, "pindai"]),
                _content_type(record.berkas_pindai).startswith("image/"),
            )
        )
    if record.source_type == "naskah.naskah":
        for lampiran in _signed_lampiran(int(record.source_id)).order_by("pk"):
            docs.append(
                ArsipDokumen(
                    "lampiran",
                    _("Attachment: %(title)s") % {"title": lampiran.judul},
                    lampiran.sha256,
                    reverse("arsip:record_lampiran", args=[record.pk, lampiran.pk]),
                )
            )
    return docs


def arsip_record_source_url(*, user: Pegawai, record: ArsipRecord) -> str:
    """The letter's or incoming letter's own page, when `user` may see it by that app's
    rule (else "": the archive never widens what the source shows)."""
    try:
        source_id = int(record.source_id)
    except ValueError:
        return ""
    if record.source_type == "naskah.naskah":
        from naskah.permissions import naskah_visible_to

        if naskah_visible_to(user).filter(pk=source_id).exists():
            return reverse("naskah:tte", args=[source_id])
    elif record.source_type == "masuk.suratmasuk":
        from naskah.masuk.models import SuratMasuk
        from naskah.masuk.permissions import visible_q

        if SuratMasuk.objects.filter(visible_q(user), pk=source_id).exists():
            return reverse("masuk:suratmasuk_detail", args=[source_id])
    return ""
