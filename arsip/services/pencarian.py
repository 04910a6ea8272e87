"""Saved searches: a name and the search page's query string, per person."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext as _

from arsip.models import ArsipPencarian
from core.errors import ApplicationError
from core.models import Pegawai

MAX_PER_PERSON = 50
# The search form's fields: nothing else is kept (no page number, no token).
FIELDS = (
    "q",
    "tanggal_dari",
    "tanggal_sampai",
    "tahun",
    "jenis_kode",
    "unit",
    "kode_klasifikasi",
    "urgensi",
    "klasifikasi_keamanan",
    "status",
    "pihak",
    "nomor",
    "sort",
)


def _clean_query(query: str) -> str:
    given = QueryDict(query)
    kept = QueryDict(mutable=True)
    for name in FIELDS:
        value = given.get(name, "").strip()
        if value:
            kept[name] = value[:500]
    return kept.urlencode()


def arsip_pencarian_save(*, pegawai: Pegawai, nama: str, query: str) -> ArsipPencarian:
    """Save (or replace, by name) one of `pegawai`'s searches."""
    nama = (nama or "").strip()[:100]
    if not nama:
        raise ApplicationError(_("Give the search a name."), code="nama")
    cleaned = _clean_query(query)
    if not cleaned:
        raise ApplicationError(_("There is nothing to save: search first."), code="query")
    existing = ArsipPencarian.objects.filter(pegawai=pegawai, nama=nama).first()
    if existing is not None:
        existing.query = cleaned
        existing.save(update_fields=["query"])
        return existing
    if ArsipPencarian.objects.filter(pegawai=pegawai).count() >= MAX_PER_PERSON:
        raise ApplicationError(
            _("You have %(n)s saved searches: delete one first.") % {"n": MAX_PER_PERSON},
            code="limit",
        )
    return ArsipPencarian.objects.create(pegawai=pegawai, nama=nama, query=cleaned)


def arsip_pencarian_delete(*, pegawai: Pegawai, pk: int) -> bool:
    """Delete one of `pegawai`'s saved searches (someone else's is not found)."""
    deleted, _rows = ArsipPencarian.objects.filter(pegawai=pegawai, pk=pk).delete()
    return bool(deleted)
