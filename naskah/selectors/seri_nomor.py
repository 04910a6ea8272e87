"""Reads of the numbering series per letter family (docs/numbering.md, "Series per
letter family"): which series numbers a letter, its format and numbering unit."""

from __future__ import annotations

import logging

from django.conf import settings

from core.models import Jabatan, UnitKerja
from naskah.models import Naskah
from naskah.models.nomor import SeriNomor

logger = logging.getLogger(__name__)


KEPALA_DAERAH_JENIS = (Jabatan.Jenis.KEPALA_DAERAH, Jabatan.Jenis.WAKIL_KEPALA_DAERAH)


def seri_nomor_for(naskah: Naskah) -> SeriNomor | None:
    """The series that numbers this letter, if its type has one that applies to its
    signer."""
    seri = SeriNomor.objects.filter(jenis_id=naskah.jenis_id, aktif=True).first()
    if seri is None:
        return None
    if seri.hanya_kepala_daerah and naskah.penandatangan.jenis not in KEPALA_DAERAH_JENIS:
        return None
    return seri


def seri_format(seri: SeriNomor) -> str:
    return seri.format or settings.NASKAH_NOMOR_FORMAT_PRODUK_HUKUM


def seri_unit(seri: SeriNomor) -> UnitKerja | None:
    if seri.unit_penomoran_id:
        return seri.unit_penomoran
    kode = settings.NASKAH_UNIT_PENOMORAN_PRODUK_HUKUM
    unit = UnitKerja.objects.filter(kode=kode).first()
    if unit is None:
        logger.warning(
            "Numbering series %s: no unit with code %r (NASKAH_UNIT_PENOMORAN_PRODUK_HUKUM); "
            "numbered by the signer's numbering unit instead.",
            seri.seri,
            kode,
        )
    return unit
