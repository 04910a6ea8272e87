"""Number formats: a template of named parts, validated once and rendered per number.

A template is plain text with placeholders in braces, e.g. ``{kode}/{nomor}/{unit}/{tahun}``
(domain.md 3.2). Rendering is a pure function of plain values so it is cheap to run while
the counter row is locked and easy to test.
"""

from __future__ import annotations

import datetime as dt
import re
import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.indonesian import roman_month
from core.vocabulary import SIFAT_PREFIXES

DEFAULT_FORMAT = "{kode}/{nomor}/{unit}/{tahun}"
MAX_FORMAT_LENGTH = 100

# Every part a template may use, with what it stands for (shown in the admin help text).
PARTS: dict[str, str] = {
    "kode": "archive classification code (KKA), e.g. 000.1.2.3",
    "nomor": "running number in the book and year, zero-padded to the book's width",
    "unit": "code of the issuing unit, e.g. DISKOMINFOTIK",
    "bulan_romawi": "month of the letter date in Roman numerals, I to XII",
    "tahun": "year of the letter date, e.g. 2026",
    "sifat": "security prefix, e.g. B, R or SR",
}

_KODE_RE = re.compile(r"^[0-9]+(\.[0-9]+)*$")
_formatter = string.Formatter()


def sifat_prefixes() -> dict[str, str]:
    prefixes = settings.NASKAH_NOMOR_SIFAT_PREFIXES
    return dict(SIFAT_PREFIXES if prefixes is None else prefixes)


def sifat_prefix_for(klasifikasi_keamanan: str) -> str:
    """The prefix for a security class key ("rahasia" -> "R"); ValueError if unknown."""
    prefixes = sifat_prefixes()
    if klasifikasi_keamanan not in prefixes:
        raise ValueError(f"unknown security class {klasifikasi_keamanan!r}")
    return prefixes[klasifikasi_keamanan]


def _allowed_list() -> str:
    return ", ".join("{" + name + "}" for name in PARTS)


def format_parts(template: str) -> list[str]:
    """The placeholders used by a template, in order. Raises ValidationError with a message
    an administrator can act on when the template is not usable."""
    if not template or not template.strip():
        raise ValidationError(_("The number format is empty."), code="empty")
    if len(template) > MAX_FORMAT_LENGTH:
        raise ValidationError(
            _("The number format is longer than %(max)d characters."),
            code="too_long",
            params={"max": MAX_FORMAT_LENGTH},
        )
    if any(not ch.isprintable() for ch in template):
        raise ValidationError(
            _("The number format must not contain line breaks or control characters."),
            code="control_character",
        )
    try:
        parsed = list(_formatter.parse(template))
    except ValueError:
        raise ValidationError(
            _(
                "The number format has an unmatched brace. Write parts as {nomor}; "
                "write a literal brace as {{ or }}."
            ),
            code="unbalanced",
        ) from None
    fields: list[str] = []
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field == "":
            raise ValidationError(
                _("Empty braces {} in the number format. Allowed parts: %(allowed)s."),
                code="empty_part",
                params={"allowed": _allowed_list()},
            )
        if field not in PARTS:
            raise ValidationError(
                _("Unknown part {%(part)s} in the number format. Allowed parts: %(allowed)s."),
                code="unknown_part",
                params={"part": field, "allowed": _allowed_list()},
            )
        if spec or conversion:
            raise ValidationError(
                _(
                    "The part {%(part)s} must be written without a format or conversion "
                    "(set the zero padding of {nomor} on the book instead)."
                ),
                code="part_format",
                params={"part": field},
            )
        fields.append(field)
    count = fields.count("nomor")
    if count == 0:
        raise ValidationError(
            _("The number format must contain the running number {nomor}."), code="no_nomor"
        )
    if count > 1:
        raise ValidationError(
            _("The running number {nomor} may appear only once in the number format."),
            code="nomor_twice",
        )
    return fields


def validate_format(template: str) -> None:
    """Model/form field validator."""
    format_parts(template)


def validate_kode(kode: str) -> None:
    if not _KODE_RE.match(kode or ""):
        raise ValidationError(
            _(
                "“%(kode)s” is not a classification code "
                "(digits separated by dots, e.g. 000.1.2.3)."
            ),
            code="bad_kode",
            params={"kode": kode},
        )


def format_running(nomor: int, lebar_nomor: int = 0) -> str:
    """The running number as printed: zero-padded to the book's width, never cut."""
    return str(nomor).zfill(lebar_nomor) if lebar_nomor else str(nomor)


def format_split(
    template: str, *, kode: str = "", unit: str = "", tanggal: dt.date, sifat: str = ""
) -> tuple[str, str]:
    """The text before and after {nomor} in a validated template (which holds it exactly
    once), so the number's text can be completed where the running number is taken."""
    values = {
        "kode": kode,
        "unit": unit,
        "bulan_romawi": roman_month(tanggal.month),
        "tahun": str(tanggal.year),
        "sifat": sifat,
    }
    before: list[str] = []
    after: list[str] = []
    target = before
    for literal, field, _spec, _conversion in _formatter.parse(template):
        target.append(literal)
        if field == "nomor":
            target = after
        elif field is not None:
            target.append(values[field])
    return "".join(before), "".join(after)


def format_render(
    template: str,
    *,
    nomor: int,
    lebar_nomor: int = 0,
    kode: str = "",
    unit: str = "",
    tanggal: dt.date,
    sifat: str = "",
) -> str:
    """Render a validated template. Pure: no database, no settings."""
    before, after = format_split(template, kode=kode, unit=unit, tanggal=tanggal, sifat=sifat)
    return before + format_running(nomor, lebar_nomor) + after
