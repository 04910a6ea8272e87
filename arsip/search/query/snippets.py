"""Highlighting and snippets of the shown page, and loading its records."""

from __future__ import annotations

import html
import re

from arsip.models import ArsipRecord
from arsip.search.query.parse import ParsedQuery
from arsip.search.stemmer import stem, tokenize

# --- snippets -----------------------------------------------------------------------------

_WORDS_AROUND = 14
_NOT_WORD = re.compile(r"[^0-9A-Za-z\u00c0-\u024f]")


def word_matches(word: str, exact: set[str], stems: set[str]) -> bool:
    """Whether a lower-case word of a shown text matches the query: exactly, or by stem.
    The stemmer only strips affixes and recodes a root's first letter (*mengirim* →
    *kirim*), so a word can only stem to `s` if it holds `s` without its first letter:
    words that hold none of them are not stemmed at all (a cold PySastrawi call costs
    about a millisecond, and a page shows hundreds of words)."""
    if word in exact:
        return True
    return any(s[1:] in word for s in stems) and stem(word) in stems


def _highlight(text: str, exact: set[str], stems: set[str]) -> str:
    out, pos = [], 0
    for match in re.finditer(r"[0-9A-Za-z\u00c0-\u024f]+", text):
        word = match.group(0).lower()
        if word_matches(word, exact, stems):
            out.append(html.escape(text[pos : match.start()]))
            out.append(f"<mark>{html.escape(match.group(0))}</mark>")
            pos = match.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _may_match(text: str, exact: set[str], stems: set[str]) -> bool:
    """False when no word of `text` can match (`word_matches`): a matching word is one
    of `exact`, or holds a stem without its first letter, so the text with everything
    but letters and digits taken out holds it too. One pass over the text instead of a
    test per word: most records of a page hold no query word in their body or other
    texts (a match in the subject), and testing each of their words took 2-3 ms a page."""
    squashed = _NOT_WORD.sub("", text).lower()
    return any(w in squashed for w in exact) or any(s[1:] in squashed for s in stems)


def _snippet_in(text: str, exact: set[str], stems: set[str]) -> str | None:
    if not text or not _may_match(text, exact, stems):
        return None
    words = text.split()
    for i, word in enumerate(words):
        token = _NOT_WORD.sub("", word).lower()
        if token and word_matches(token, exact, stems):
            start = max(0, i - _WORDS_AROUND // 2)
            piece = " ".join(words[start : start + _WORDS_AROUND])
            prefix = "… " if start else ""
            suffix = " …" if start + _WORDS_AROUND < len(words) else ""
            return prefix + _highlight(piece, exact, stems) + suffix
    return None


def _snippet_head(record: ArsipRecord) -> str:
    body = (record.isi_teks or "").split()
    piece = " ".join(body[:_WORDS_AROUND])
    return html.escape(piece) + (" …" if len(body) > _WORDS_AROUND else "")


def make_snippet(record: ArsipRecord, parsed: ParsedQuery, other: tuple = ()) -> str:
    """A highlighted piece of the body, or else of `other` texts (OCR and attachment
    text, passed in: the page does not load them with the records)."""
    exact, stems = parsed.exact_words, parsed.stems
    for text in (record.isi_teks, *other):
        found = _snippet_in(text, exact, stems) if text else None
        if found is not None:
            return found
    return _snippet_head(record)


def _page_records(ids: list[int], parsed: ParsedQuery) -> list[tuple[ArsipRecord, str]]:
    """The page's records with unit and classification code (one statement), their long
    OCR and attachment text deferred; those are read (one more statement) only for the
    records whose subject and body hold no matching word."""
    records = (
        ArsipRecord.objects.select_related("unit", "kode_klasifikasi")
        .defer("ocr_teks", "lampiran_teks")
        .in_bulk(ids)
    )
    ordered = [records[pk] for pk in ids if pk in records]
    snippets: dict[int, str | None] = {}
    for record in ordered:
        found = None
        if parsed.has_text and record.isi_teks:
            found = _snippet_in(record.isi_teks, parsed.exact_words, parsed.stems)
        snippets[record.pk] = found
    # OCR and attachment text only for records whose subject and body hold no match
    # (a match in the subject is highlighted there; the body's start is the snippet).
    missing = [
        r.pk
        for r in ordered
        if snippets[r.pk] is None
        and not any(word_matches(t, parsed.exact_words, parsed.stems) for t in tokenize(r.hal))
    ]
    if parsed.has_text and missing:
        others = ArsipRecord.objects.filter(pk__in=missing).values_list(
            "pk", "ocr_teks", "lampiran_teks"
        )
        for pk, ocr, lampiran in others:
            for text in (ocr, lampiran):
                found = _snippet_in(text, parsed.exact_words, parsed.stems) if text else None
                if found is not None:
                    snippets[pk] = found
                    break
    return [(r, snippets[r.pk] or _snippet_head(r)) for r in ordered]
