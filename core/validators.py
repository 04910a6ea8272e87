"""Validators for identifiers used in Indonesian civil service records."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_nip(value: str) -> None:
    """NIP: 18 digits = birth date (YYYYMMDD) + appointment month (YYYYMM) + sex (1/2) + 3-digit
    sequence (PP 11/2017 format)."""
    if value in (None, ""):
        return
    if len(value) != 18 or not value.isdigit():
        raise ValidationError(_("NIP must be exactly 18 digits."), code="nip_length")
    try:
        born = dt.date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise ValidationError(
            _("NIP digits 1–8 must be a valid birth date (YYYYMMDD)."), code="nip_birth"
        ) from None
    year, month = int(value[8:12]), int(value[12:14])
    if not 1 <= month <= 12 or year < born.year + 15:
        raise ValidationError(
            _("NIP digits 9–14 must be the appointment year and month (YYYYMM)."),
            code="nip_tmt",
        )
    if value[14] not in "12":
        raise ValidationError(_("NIP digit 15 must be 1 (male) or 2 (female)."), code="nip_sex")


# Characters that end a line for e-mail headers, CSV readers or str.splitlines().
_LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def has_line_break(value: str | None) -> bool:
    return bool(value) and _LINE_BREAKS.search(value or "") is not None


def validate_single_line(value: str) -> None:
    """A subject (hal) is one line: a line break in it broke e-mail headers."""
    if has_line_break(value):
        raise ValidationError(
            _("The subject must be a single line; remove the line break."), code="line_break"
        )


def single_line(value: str) -> str:
    """The text with every line break and run of whitespace turned into one space (for
    e-mail subjects built from stored text)."""
    return " ".join(_LINE_BREAKS.sub(" ", value or "").split())
