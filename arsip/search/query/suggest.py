""" "Did you mean": suggestions from the index's own vocabulary."""

from __future__ import annotations

import dataclasses
import re

from django.db import connection
from django.db.models import QuerySet

from arsip.models import ArsipKata
from arsip.search.index import trigrams
from arsip.search.query.parse import ParsedQuery
from arsip.search.query.sqlite import _FTS_NEWEST
from arsip.search.query.text import _pg_queries, _where, fts5_match

# --- "did you mean" -----------------------------------------------------------------------

SUGGEST_SIMILARITY = 0.3  # pg_trgm's default similarity threshold
_SUGGEST_CANDIDATES = 2  # per unknown word
_SUGGEST_MAX = 3


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm's `similarity` for single lower-case words: shared trigrams / all."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


# SQLite: the vocabulary words sharing trigrams with the typed word, by pg_trgm's
# similarity (shared / (theirs + ours - shared)) over the trigram table, as `%` and
# `similarity` do on PostgreSQL.
_SQLITE_NEAR = (
    "SELECT kata FROM (SELECT kata, count(*) * 1.0 / (n + %s - count(*)) AS sim "
    "FROM arsip_kata_trgm WHERE trigram IN ({marks}) GROUP BY kata, n) "
    "WHERE sim >= %s ORDER BY sim DESC, kata LIMIT 20"
)


def _vocabulary_near(word: str) -> list[str]:
    """The words of the search vocabulary most like `word`, best first: the 20 most
    similar by trigrams (PostgreSQL: pg_trgm's `%` and `similarity` over the trigram
    index; SQLite: the same measure over the trigram table), then ranked in Python."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT kata FROM arsip_arsipkata WHERE kata %% %s "
                "ORDER BY similarity(kata, %s) DESC, kata LIMIT 20",
                [word, word],
            )
        else:
            grams = sorted(trigrams(word))
            marks = ", ".join(["%s"] * len(grams))
            cursor.execute(
                _SQLITE_NEAR.format(marks=marks), [len(grams), *grams, SUGGEST_SIMILARITY]
            )
        candidates = [row[0] for row in cursor.fetchall()]
    ranked = sorted(
        ((trigram_similarity(word, c), c) for c in candidates if c != word),
        key=lambda item: (-item[0], item[1]),
    )
    return [c for sim, c in ranked if sim >= SUGGEST_SIMILARITY][:_SUGGEST_CANDIDATES]


def _finds_any(qs: QuerySet, parsed: ParsedQuery) -> bool:
    """Whether `parsed` finds at least one record of `qs` (the user's visible, filtered
    search rows): one statement."""
    if connection.vendor == "postgresql":
        stem_q, _ = _pg_queries(parsed)
        return qs.filter(tsv=stem_q).exists()
    where, params = _where(qs)
    with connection.cursor() as cursor:
        cursor.execute(
            _FTS_NEWEST.format(where=where, score="") + " LIMIT 1",
            [fts5_match(parsed, ranked=False), *params],
        )
        return cursor.fetchone() is not None


def arsip_suggestions(qs: QuerySet, parsed: ParsedQuery, text: str) -> list[str]:
    """ "Did you mean": for a query that found nothing, the typed text with its unknown
    words (not in the search vocabulary) replaced by similar vocabulary words: first every
    unknown word by its closest word (when two or more were unknown), then one word at a
    time; each suggestion is offered only if it finds a record this user may open
    (checked, so a suggestion never reveals a word of a record the user cannot read)."""
    candidates = [w for w in parsed.words if w.isalpha() and 4 <= len(w) <= 40]
    if not candidates:
        return []
    known = set(ArsipKata.objects.filter(kata__in=candidates).values_list("kata", flat=True))
    near = {w: _vocabulary_near(w) for w in candidates if w not in known}
    near = {w: others for w, others in near.items() if others}
    tries: list[dict[str, str]] = []
    if len(near) > 1:
        tries.append({w: others[0] for w, others in near.items()})
    tries += [{w: other} for w, others in near.items() for other in others]
    out: list[str] = []
    for replace in tries:
        words = tuple(replace.get(w, w) for w in parsed.words)
        if not _finds_any(qs, dataclasses.replace(parsed, words=words)):
            continue
        suggestion = text.strip()
        for word, other in replace.items():
            pattern = re.compile(rf"(?<![0-9A-Za-z]){re.escape(word)}(?![0-9A-Za-z])", re.I)
            suggestion = pattern.sub(other, suggestion, count=1)
        if suggestion not in out:
            out.append(suggestion)
        if len(out) >= _SUGGEST_MAX:
            break
    return out
