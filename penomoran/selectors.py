"""Reads for numbering: books a user may see, a book's register, the ledger check."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min, QuerySet
from django.http import Http404

from penomoran import permissions
from penomoran.models import BlokDarurat, BukuNomor, BukuNomorTahun, Nomor, SuratManual


def bukunomor_find(*, unit, jenis: str) -> BukuNomor | None:
    """The book of a unit for a letter family, or None when none has been opened."""
    return BukuNomor.objects.select_related("unit").filter(unit=unit, jenis=jenis).first()


def bukunomor_list_for_user(user) -> QuerySet[BukuNomor]:
    return (
        BukuNomor.objects.filter(permissions.register_scope(user))
        .select_related("unit")
        .order_by("unit__path", "jenis")
    )


def bukunomor_get_for_user(*, user, pk: int) -> BukuNomor:
    """Fetch a book and check the register rule in one call: 403 without the permission,
    404 for a book outside the user's units (or one that does not exist)."""
    if not permissions.can_use_registers(user):
        raise PermissionDenied
    buku = bukunomor_list_for_user(user).filter(pk=pk).first()
    if buku is None:
        raise Http404
    return buku


def nomor_get_for_user(*, user, pk: int) -> Nomor:
    """A number whose book's register the user may see: 403 without the register
    permission, 404 otherwise."""
    if not permissions.can_use_registers(user):
        raise PermissionDenied
    nomor = (
        Nomor.objects.select_related("buku", "buku__unit")
        .filter(pk=pk, buku__in=bukunomor_list_for_user(user))
        .first()
    )
    if nomor is None:
        raise Http404
    return nomor


def blokdarurat_get_for_user(*, user, pk: int) -> BlokDarurat:
    """An emergency number block of a book whose register the user may see: 404 for a
    block that does not exist, then 403/404 as `bukunomor_get_for_user` for its book."""
    blok = BlokDarurat.objects.select_related("buku__unit", "dibuat_oleh").filter(pk=pk).first()
    if blok is None:
        raise Http404
    bukunomor_get_for_user(user=user, pk=blok.buku_id)
    return blok


def suratmanual_get_for_user(*, user, pk: int) -> SuratManual:
    """A letter registered by hand under an emergency block the user may see."""
    surat = SuratManual.objects.select_related("blok", "nomor").filter(pk=pk).first()
    if surat is None:
        raise Http404
    blokdarurat_get_for_user(user=user, pk=surat.blok_id)
    return surat


def bukunomor_years(buku: BukuNomor) -> list[int]:
    return list(
        BukuNomorTahun.objects.filter(buku=buku).order_by("-tahun").values_list("tahun", flat=True)
    )


def nomor_register(
    *, buku: BukuNomor, tahun: int | None = None, status: str | None = None
) -> QuerySet[Nomor]:
    rows = Nomor.objects.filter(buku=buku).select_related("dibuat_oleh", "dibatalkan_oleh")
    if tahun:
        rows = rows.filter(tahun=tahun)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-tahun", "urut")


@dataclass(frozen=True)
class LedgerCheck:
    """What the ledger of one book-year says: every running number 1..max present once."""

    tahun: int
    count: int
    distinct: int
    highest: int
    lowest: int
    counter: int

    @property
    def duplicates(self) -> int:
        return self.count - self.distinct

    @property
    def gaps(self) -> int:
        """Running numbers missing from 1..highest (running numbers start at 1)."""
        return self.highest - self.distinct

    @property
    def ok(self) -> bool:
        return self.duplicates == 0 and self.gaps == 0 and self.counter == self.highest


def nomor_ledger_check(*, buku: BukuNomor, tahun: int) -> LedgerCheck:
    agg = Nomor.objects.filter(buku=buku, tahun=tahun).aggregate(
        count=Count("pk"), distinct=Count("urut", distinct=True), hi=Max("urut"), lo=Min("urut")
    )
    counter = (
        BukuNomorTahun.objects.filter(buku=buku, tahun=tahun)
        .values_list("terakhir", flat=True)
        .first()
    )
    return LedgerCheck(
        tahun=tahun,
        count=agg["count"],
        distinct=agg["distinct"],
        highest=agg["hi"] or 0,
        lowest=agg["lo"] or 0,
        counter=counter or 0,
    )
