"""A stored error shown to users is a translated sentence. Rows written before that rule
(or by a library that leaked its exception, e.g. "DigitalSignatureError: ...") are shown
as a plain sentence instead of the exception's name."""

from __future__ import annotations

import re

from django import template
from django.utils.translation import gettext as _

register = template.Library()

_EXCEPTION = re.compile(r"^\s*(?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception)\b")


@register.filter
def pesan_pengguna(text: str) -> str:
    if text and _EXCEPTION.match(text):
        return _("Reading the scans failed; retry, or fill in the data by hand.")
    return text
