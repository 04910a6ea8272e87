"""SKKAAD reads: the access levels a person holds, the default class proposed for a code,
and the codes a set of levels may not read."""

from __future__ import annotations

from django.db.models import F, QuerySet

from core.models import Jabatan, KodeKlasifikasi, Pegawai, TingkatAkses, tingkat_akses_mask
from core.selectors.organisasi import pegawai_jabatan_acting_on
from core.vocabulary import KLASIFIKASI_RANK

_ESELON_LEVEL: dict[str, str] = {
    "I": TingkatAkses.ESELON_I,
    "II": TingkatAkses.ESELON_II,
    "III": TingkatAkses.ESELON_III,
    "IV": TingkatAkses.ESELON_IV,
}
_JENIS_LEVEL: dict[str, str] = {
    Jabatan.Jenis.KEPALA_DAERAH: TingkatAkses.KEPALA_DAERAH,
    Jabatan.Jenis.WAKIL_KEPALA_DAERAH: TingkatAkses.WAKIL_KEPALA_DAERAH,
    Jabatan.Jenis.SEKDA: TingkatAkses.SEKDA,
    Jabatan.Jenis.FUNGSIONAL: TingkatAkses.FUNGSIONAL,
    Jabatan.Jenis.PELAKSANA: TingkatAkses.PELAKSANA,
}


def jabatan_tingkat_akses(jabatan: Jabatan) -> str | None:
    """The SKKAAD level of a position: its kind, or for a structural position its echelon
    (I.a → eselon_i ...). A structural position without an echelon has no level, so it
    reads no series that SKKAAD restricts."""
    if jabatan.jenis == Jabatan.Jenis.STRUKTURAL:
        return _ESELON_LEVEL.get((jabatan.eselon or "").split(".")[0])
    return _JENIS_LEVEL.get(jabatan.jenis)


def pegawai_tingkat_akses(pegawai: Pegawai) -> set[str]:
    """Levels of the positions the person acts for today."""
    if not pegawai.is_authenticated:
        return set()
    levels = {jabatan_tingkat_akses(p.jabatan) for p in pegawai_jabatan_acting_on(pegawai)}
    return {level for level in levels if level}


def skkaad_denied_codes(levels: set[str]) -> QuerySet[KodeKlasifikasi]:
    """Codes whose SKKAAD restricts access to levels none of which is in `levels`. Used as
    a subquery: the archive filter becomes `kode_klasifikasi NOT IN (...)`."""
    qs = KodeKlasifikasi.objects.filter(akses_mask__gt=0)
    mask = tingkat_akses_mask(levels)
    if mask:
        qs = qs.alias(_bersama=F("akses_mask").bitand(mask)).filter(_bersama=0)
    return qs


def skkaad_any_restriction() -> bool:
    return KodeKlasifikasi.objects.filter(akses_mask__gt=0).exists()


def kode_kelas_keamanan_usulan(kode: KodeKlasifikasi | None) -> str:
    """The default security class SKKAAD proposes for a code ("" when none is set)."""
    return kode.kelas_keamanan_efektif if kode is not None else ""


def kelas_lebih_rendah(kelas: str, usulan: str) -> bool:
    """True when `kelas` is a lower security class than the proposed one."""
    if not usulan or kelas not in KLASIFIKASI_RANK:
        return False
    return KLASIFIKASI_RANK[kelas] < KLASIFIKASI_RANK.get(usulan, 0)
