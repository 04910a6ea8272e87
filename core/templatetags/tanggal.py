"""Dates on pages, one style per purpose (core/formats/<lang>/formats.py): templates use
only the named formats (`|date:"DATE_FORMAT"` for a document's date, `"SHORT_DATE_FORMAT"`
and `"SHORT_DATETIME_FORMAT"` in lists, `"DATETIME_FORMAT"` for a moment on a document's
page) and the tags here; tests/core/test_date_styles.py refuses a literal format."""

from __future__ import annotations

from django import template
from django.utils import formats

from core.clock import office_today

register = template.Library()


@register.simple_tag
def hari_ini() -> str:
    """Today in the office's zone, with its weekday: "Senin, 7 Desember 2026" (Indonesian),
    "Monday, 7 December 2026" (English)."""
    today = office_today()
    return f"{formats.date_format(today, 'l')}, {formats.date_format(today, 'DATE_FORMAT')}"
