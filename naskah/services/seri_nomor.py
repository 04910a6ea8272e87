"""Numbering series per letter family (issue 13, item 6): the kepala daerah's legal
products (Keputusan, Peraturan, Instruksi, Surat Edaran) are numbered by the legal
bureau's book in their own series, in a format from data or a setting (UNVERIFIED for
Lampung: the historical Keputusan Gubernur format is `G/<urut>/<kode unit>/HK/<tahun>`,
domain.md 3.2). See docs/numbering.md, "Series per letter family"."""

from __future__ import annotations

import logging

from django.db import IntegrityError

from core.errors import ApplicationError
from core.models import Pegawai, UnitKerja
from naskah.models import Naskah
from naskah.models.nomor import SeriNomor
from naskah.selectors.seri_nomor import seri_format, seri_nomor_for

logger = logging.getLogger(__name__)


def seri_buku(*, seri: SeriNomor, unit: UnitKerja, actor: Pegawai | None):
    """The series' book in the numbering unit, created on demand; its format is brought in
    line with the series' format (an audited book update), so a changed setting or row
    applies to the next number and issued numbers keep their text. Runs outside the
    signing transaction, like `buku_for`."""
    from penomoran.models import BukuNomor
    from penomoran.services import bukunomor_create, bukunomor_update

    fmt = seri_format(seri)
    buku = BukuNomor.objects.filter(unit=unit, jenis=seri.seri).first()
    if buku is None:
        try:
            return bukunomor_create(
                unit=unit,
                jenis=seri.seri,
                nama=f"{unit.nama} — {seri.jenis.nama}",
                actor=actor,
                format=fmt,
            )
        except (IntegrityError, ApplicationError):
            buku = BukuNomor.objects.filter(unit=unit, jenis=seri.seri).first()
            if buku is None:
                raise
    if buku.format != fmt:
        buku = bukunomor_update(buku=buku, actor=actor, format=fmt)
    return buku


def seri_kode_unit(naskah: Naskah, buku) -> str:
    """What {unit} prints for this letter in `buku`: the drafting unit's official code when
    the book is the letter's series book and the series says so; "" (the book's own unit
    code) otherwise."""
    seri = seri_nomor_for(naskah)
    if seri is None or not seri.kode_unit_pengolah or buku.jenis != seri.seri:
        return ""
    return naskah.unit.kode_nomor
