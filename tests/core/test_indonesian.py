"""core.indonesian: the one place that writes Indonesian dates, Roman numerals and numbers
in words inside documents, and the AST check that no module spells the month names again."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from core.indonesian import (
    BULAN,
    BULAN_DIBACA,
    hari_tanggal,
    roman,
    roman_month,
    tanggal_jam,
    tanggal_panjang,
    terbilang,
)

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "tests", "migrations", "node_modules", "static", ".git"}


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2026, 1, 5), "5 Januari 2026"),
        (dt.date(2026, 2, 28), "28 Februari 2026"),
        (dt.date(2026, 8, 17), "17 Agustus 2026"),
        (dt.date(2026, 12, 31), "31 Desember 2026"),
    ],
)
def test_long_date(day, text):
    assert tanggal_panjang(day) == text


def test_long_date_with_the_weekday():
    assert hari_tanggal(dt.date(2026, 11, 23)) == "Senin, 23 November 2026"
    assert hari_tanggal(dt.date(2026, 11, 22)) == "Minggu, 22 November 2026"
    assert hari_tanggal(dt.date(2026, 8, 14)) == "Jumat, 14 Agustus 2026"


def test_long_date_refuses_what_is_not_a_date():
    with pytest.raises(TypeError):
        tanggal_panjang("2026-11-22")


def test_date_and_time_as_printed():
    moment = dt.datetime(2026, 12, 7, 9, 5)  # noqa: DTZ001 - a wall-clock time, printed as is
    assert tanggal_jam(moment) == "7 Desember 2026 09.05"


@pytest.mark.parametrize(
    ("number", "text"),
    [(1, "I"), (4, "IV"), (9, "IX"), (12, "XII"), (14, "XIV"), (40, "XL"), (2026, "MMXXVI")],
)
def test_roman(number, text):
    assert roman(number) == text


def test_roman_months_and_their_range():
    assert [roman_month(m) for m in range(1, 13)] == [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"
    ]  # fmt: skip
    for bad in (0, 13):
        with pytest.raises(ValueError, match="month out of range"):
            roman_month(bad)
    with pytest.raises(ValueError, match="start at 1"):
        roman(0)


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "nol"),
        (1, "satu"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (21, "dua puluh satu"),
        (100, "seratus"),
        (115, "seratus lima belas"),
        (999, "sembilan ratus sembilan puluh sembilan"),
        (1000, "seribu"),
        (1100, "seribu seratus"),
        (2026, "dua ribu dua puluh enam"),
        (11000, "sebelas ribu"),
        (-3, "minus tiga"),
    ],
)
def test_numbers_in_words(number, words):
    assert terbilang(number) == words


def test_month_words_read_from_scans_include_the_old_spellings():
    assert BULAN_DIBACA["januari"] == 1
    assert BULAN_DIBACA["pebruari"] == BULAN_DIBACA["februari"] == 2
    assert BULAN_DIBACA["nopember"] == BULAN_DIBACA["november"] == 11
    assert len({BULAN_DIBACA[name.lower()] for name in BULAN}) == 12


def test_no_other_module_spells_the_month_names():
    copies = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIP_DIRS.intersection(relative.parts[:-1]) or relative == Path("core/indonesian.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict):
                elements = node.keys if isinstance(node, ast.Dict) else node.elts
                words = {
                    e.value.lower()
                    for e in elements
                    if isinstance(e, ast.Constant) and isinstance(e.value, str)
                }
                if {"januari", "desember"} <= words or {"senin", "minggu"} <= words:
                    copies.append(f"{relative}:{node.lineno}")
    assert copies == [], "use core.indonesian: " + ", ".join(copies)
