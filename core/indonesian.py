"""Indonesian wording inside documents: long dates, Roman numerals and numbers in words.

This is the language of the letter, the minutes or the register itself, not interface
text, so nothing here is translated; pages in the reader's language use the named formats
of core/formats and the `tanggal` template tags instead. Pure functions of plain values
(the renderer uses them too)."""

from __future__ import annotations

import datetime as dt

BULAN = (
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
)
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

# Month words as read from scanned letters: the names above in lower case and the old
# spellings still found on letterheads and stamps.
BULAN_DIBACA = {name.lower(): number for number, name in enumerate(BULAN, start=1)} | {
    "pebruari": 2,
    "nopember": 11,
}

_SATUAN = (
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
)
_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def tanggal_panjang(value: dt.date) -> str:
    """ "22 November 2026" (a datetime gives its own date: convert it to the office zone
    first, see core.clock)."""
    if not isinstance(value, dt.date):
        raise TypeError(f"Expected a date, got {type(value).__name__}.")
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def hari_tanggal(value: dt.date) -> str:
    """ "Senin, 23 November 2026"."""
    return f"{HARI[value.weekday()]}, {tanggal_panjang(value)}"


def tanggal_jam(local: dt.datetime) -> str:
    """ "7 Desember 2026 09.30": the date and the time as HH.MM, of a datetime that is
    already in the zone to be printed (core.clock.office_time)."""
    return f"{tanggal_panjang(local.date())} {local:%H.%M}"


def roman(number: int) -> str:
    """1 -> "I", 4 -> "IV", 12 -> "XII", 2026 -> "MMXXVI"."""
    if number < 1:
        raise ValueError("Roman numerals start at 1.")
    parts = []
    for value, symbol in _ROMAN:
        count, number = divmod(number, value)
        parts.append(symbol * count)
    return "".join(parts)


def roman_month(month: int) -> str:
    """The month as the {bulan_romawi} part of a letter number: 1 -> "I", 12 -> "XII"."""
    if not 1 <= month <= 12:
        raise ValueError(f"month out of range: {month}")
    return roman(month)


def terbilang(n: int) -> str:
    """A number in Indonesian words: 21 -> "dua puluh satu", 1100 -> "seribu seratus".
    From a million up the digits are returned (no letter counts that far)."""
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
