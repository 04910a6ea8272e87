"""Indonesian wording used inside letters (dates, numbers in words, diktum ordinals).

These are the language of the letter itself, not UI text, so they are not translated."""

from __future__ import annotations

import datetime as dt

BULAN = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
HARI = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
_SATUAN = [
    "",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
]


def tanggal_panjang(value: dt.date) -> str:
    """22 November 2026"""
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def hari_tanggal(value: dt.date) -> str:
    """Senin, 23 November 2026"""
    return f"{HARI[value.weekday()]}, {tanggal_panjang(value)}"


def terbilang(n: int) -> str:
    """Number in Indonesian words: 21 -> "dua puluh satu"."""
    if n < 0:
        return "minus " + terbilang(-n)
    if n < 12:
        return _SATUAN[n] if n else "nol"
    if n < 20:
        return f"{_SATUAN[n - 10]} belas"
    if n < 100:
        rest = n % 10
        return f"{_SATUAN[n // 10]} puluh" + (f" {_SATUAN[rest]}" if rest else "")
    if n < 200:
        return "seratus" + (f" {terbilang(n - 100)}" if n > 100 else "")
    if n < 1000:
        rest = n % 100
        return f"{_SATUAN[n // 100]} ratus" + (f" {terbilang(rest)}" if rest else "")
    if n < 2000:
        return "seribu" + (f" {terbilang(n - 1000)}" if n > 1000 else "")
    if n < 1_000_000:
        rest = n % 1000
        return f"{terbilang(n // 1000)} ribu" + (f" {terbilang(rest)}" if rest else "")
    return str(n)


def diktum_label(index: int) -> str:
    """1 -> KESATU, 2 -> KEDUA, ... (diktum of a keputusan)."""
    if index == 1:
        return "KESATU"
    return "KE" + terbilang(index).upper()


def jumlah_berkas(n: int) -> str:
    """1 -> "1 (satu) berkas"; 0 -> "-"."""
    return f"{n} ({terbilang(n)}) berkas" if n else "-"
