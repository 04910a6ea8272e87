import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from penomoran.formats import (
    DEFAULT_FORMAT,
    format_parts,
    format_render,
    roman_month,
    sifat_prefix_for,
    validate_kode,
)

DAY = dt.date(2026, 5, 4)


def test_default_format_matches_domain_example():
    assert (
        format_render(DEFAULT_FORMAT, nomor=15, kode="000.1.2.3", unit="DISKOMINFOTIK", tanggal=DAY)
        == "000.1.2.3/15/DISKOMINFOTIK/2026"
    )


def test_every_part_renders():
    text = format_render(
        "{sifat}-{nomor}/{unit}/{kode}/{bulan_romawi}/{tahun}",
        nomor=7,
        lebar_nomor=3,
        kode="800.1.11.1",
        unit="DINKES",
        tanggal=DAY,
        sifat="R",
    )
    assert text == "R-007/DINKES/800.1.11.1/V/2026"


@pytest.mark.parametrize(
    ("width", "nomor", "expected"),
    [(0, 7, "7"), (3, 7, "007"), (3, 1234, "1234"), (4, 15, "0015")],
)
def test_zero_padding(width, nomor, expected):
    assert format_render("{nomor}", nomor=nomor, lebar_nomor=width, tanggal=DAY) == expected


def test_roman_months_all_twelve():
    assert [roman_month(m) for m in range(1, 13)] == [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="month out of range"):
        roman_month(13)


def test_roman_month_follows_letter_date():
    text = format_render("{nomor}/{bulan_romawi}/{tahun}", nomor=1, tanggal=dt.date(2026, 12, 31))
    assert text == "1/XII/2026"


def test_literal_text_and_escaped_braces():
    assert format_render("G/{nomor}/IV.01/HK/{tahun}", nomor=155, tanggal=DAY) == (
        "G/155/IV.01/HK/2026"
    )
    assert format_render("{{{nomor}}}", nomor=2, tanggal=DAY) == "{2}"


def test_security_prefix_mapping():
    assert sifat_prefix_for("sangat_rahasia") == "SR"
    assert sifat_prefix_for("biasa") == "B"
    with pytest.raises(ValueError, match="unknown security class"):
        sifat_prefix_for("pribadi")


def test_security_prefix_mapping_is_a_setting(settings):
    settings.NASKAH_NOMOR_SIFAT_PREFIXES = {"rahasia": "RHS"}
    assert sifat_prefix_for("rahasia") == "RHS"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{kode}/{nomer}/{tahun}", "Unknown part {nomer}"),
        ("{kode}/{0}/{nomor}", "Unknown part {0}"),
        ("{kode}/{nomor.real}", "Unknown part {nomor.real}"),
        ("{kode}/{}/{nomor}", "Empty braces {}"),
        ("{kode}/{unit}/{tahun}", "must contain the running number {nomor}"),
        ("{nomor}/{nomor}", "may appear only once"),
        ("{kode}/{nomor:03d}", "without a format or conversion"),
        ("{kode}/{nomor!r}", "without a format or conversion"),
        ("{kode}/{nomor", "unmatched brace"),
        ("{kode}/nomor}", "unmatched brace"),
        ("", "empty"),
        ("   ", "empty"),
        ("{nomor}\n{tahun}", "line breaks"),
        ("{nomor}" + "x" * 100, "longer than 100"),
    ],
)
def test_invalid_templates_are_rejected_with_a_clear_message(template, message):
    with pytest.raises(ValidationError) as info:
        format_parts(template)
    assert message in " ".join(info.value.messages)


def test_unknown_part_message_lists_the_allowed_parts():
    with pytest.raises(ValidationError) as info:
        format_parts("{kode}/{nomor}/{bulan}")
    text = info.value.messages[0]
    for part in ("{kode}", "{nomor}", "{unit}", "{bulan_romawi}", "{tahun}", "{sifat}"):
        assert part in text


def test_parts_are_listed_in_order():
    assert format_parts("{sifat}-{nomor}/{kode}/{tahun}") == ["sifat", "nomor", "kode", "tahun"]


@pytest.mark.parametrize("kode", ["000", "000.1.2.3", "100.3.3.1"])
def test_valid_classification_codes(kode):
    validate_kode(kode)


@pytest.mark.parametrize("kode", ["", "000/1", "abc", "000.", ".1", "000..1", "000.1 "])
def test_invalid_classification_codes(kode):
    with pytest.raises(ValidationError):
        validate_kode(kode)
