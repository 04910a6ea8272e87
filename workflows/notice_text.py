"""Notice texts that read in the viewer's language.

A notice is stored with its text rendered once in the office language (settings.LANGUAGE_CODE,
Indonesian in production: the e-mail carries it) and with the English msgid and the
parameters it was rendered from. The notifications page renders `gettext(msgid) % params`
in the language of whoever looks at it; rows stored before the msgid was kept (or whose
msgid no longer formats) show their stored text."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext


class NoticeText(str):
    """A rendered notice text that remembers its msgid and parameters."""

    msgid: str = ""
    params: dict[str, str]


def _render(msgid: str, params: dict) -> str:
    text = gettext(msgid)
    if not params:
        return text
    values = {
        # A parameter that is itself a notice text ({"msgid", "params"}) is translated too.
        key: _render(value["msgid"], value.get("params") or {})
        if isinstance(value, dict)
        else value
        for key, value in params.items()
    }
    return text % values


def _kept(value):
    if isinstance(value, NoticeText) and value.msgid:
        return {"msgid": value.msgid, "params": value.params}
    return str(value)


def notice_text(msgid: str, params: dict | None = None) -> NoticeText:
    """The notice text of `msgid` (marked with gettext_noop at the caller) with `params`,
    rendered in the office language. Parameters are kept as strings (stored as JSON); a
    parameter that is a NoticeText keeps its msgid and is translated with the rest."""
    kept = {key: _kept(value) for key, value in (params or {}).items()}
    with translation.override(settings.LANGUAGE_CODE):
        text = NoticeText(_render(msgid, kept))
    text.msgid = msgid
    text.params = kept
    return text


def notice_display(msgid: str, params: dict | None, stored: str) -> str:
    """The notice in the active language; the stored text when there is no msgid or it
    does not format with the stored parameters."""
    if not msgid:
        return stored
    try:
        return _render(msgid, dict(params or {}))
    except (KeyError, ValueError, TypeError, AttributeError):
        return stored
