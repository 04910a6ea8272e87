"""Indonesian wording particular to letters (diktum ordinals, the attachment count), built on
core.indonesian (dates, Roman numerals, numbers in words). The language of the letter itself,
not UI text, so not translated."""

from __future__ import annotations

from core.indonesian import terbilang


def diktum_label(index: int) -> str:
    """1 -> KESATU, 2 -> KEDUA, ... (diktum of a keputusan)."""
    if index == 1:
        return "KESATU"
    return "KE" + terbilang(index).upper()


def jumlah_berkas(n: int) -> str:
    """1 -> "1 (satu) berkas"; 0 -> "-"."""
    return f"{n} ({terbilang(n)}) berkas" if n else "-"
