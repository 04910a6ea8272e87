"""Indonesian stemming for the archive search: one place for both database engines.

Stems come from PySastrawi (the maintained port of Sastrawi), a dictionary-based
stemmer: it removes an affix only when what is left is a word of its dictionary (about
30,000 root words, shipped with the package), so it does not over-stem (*perangkat*
stays *perangkat*, *ujian* → *uji*, *perizinan* → *izin*, *peraturan* and *diatur* →
*atur*) and it does not have to guess the nasal of meN-/peN- (*mengirim* → *kirim*).

The same function stems the indexed text (SQLite: the stem columns of the FTS5 table;
PostgreSQL: the stem vector, built from this text with the `simple` configuration so
that PostgreSQL's own `indonesian` snowball stemmer plays no part) and the query, so a
query finds the same records on both engines. Exact words are indexed beside the stems
and rank higher.

Tokens are what `tokenize` returns on both engines: runs of letters and digits,
lower-cased. Words that hold a digit, and words of up to three letters, are kept as they
are. Stems are cached per word (`lru_cache`): the archive's vocabulary is small next to
its text, so after a warm-up almost every word is a cache hit.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from functools import cache, lru_cache

WORD_RE = re.compile(r"[0-9a-zA-Z\u00c0-\u024f]+")
_MIN = 3


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits), as both engines see them."""
    return WORD_RE.findall(text.lower()) if text else []


@cache
def _sastrawi():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=400_000)
def stem(word: str) -> str:
    """The stem of one lower-cased word; digits and short words are returned as they are."""
    if len(word) <= _MIN or not word.isalpha() or not word.isascii():
        return word
    result = _sastrawi().stem(word)
    # Sastrawi returns one lower-case root word; anything else keeps the word itself.
    return result if result and result.isalpha() else word


class _Stems(dict):
    """`stem` memoised in a plain dict: `map(_STEMS.__getitem__, tokens)` stays in C for
    the words already seen (an `lru_cache` call costs several times a dict lookup, and a
    bulk load stems some 90 tokens per record). Emptied when it reaches the size of
    `stem`'s own cache."""

    def __missing__(self, word: str) -> str:
        if len(self) >= 400_000:
            self.clear()
        value = self[word] = stem(word)
        return value


_STEMS = _Stems()


def stem_list(tokens: list[str]) -> list[str]:
    """`stem` of each token, in order."""
    return list(map(_STEMS.__getitem__, tokens))


def stem_text(text: str) -> str:
    return " ".join(stem(t) for t in tokenize(text))


def exact_text(text: str) -> str:
    """The exact-word tokens of `text`, space-separated (what the exact layer indexes)."""
    return " ".join(tokenize(text))


# Buckets of the word-pair lexemes (`ArsipFrasa`): every pair a and b is the lexeme of its
# bucket, so the GIN index holds at most this many keys. More buckets: fewer pairs share
# a bucket (fewer records to test), but a slower index build. Changing it changes the
# lexemes: bump INDEX_VERSION and reindex.
PAIR_BUCKETS = 1 << 16
_PAIR_TOKENS = [f"p{n:x}" for n in range(PAIR_BUCKETS)]


@lru_cache(maxsize=400_000)
def _stem_hash(word: str) -> int:
    return zlib.crc32(word.encode())


def pair_token(a: str, b: str) -> str:
    """The lexeme of the stem pair a b (its bucket), the same in every process."""
    return _PAIR_TOKENS[(_stem_hash(a) * 0x9E3779B1 ^ _stem_hash(b)) % PAIR_BUCKETS]


def word_pairs(fields: Iterable[list[str]]) -> set[str]:
    """The lexemes of the adjacent stem pairs of each field, never across fields: the
    value of `ArsipFrasa.pasangan`. A phrase of stems s1 … sn can only occur in a record
    holding the lexemes of every pair s1 s2 … s(n-1) sn
    (`arsip.search.query.text.pair_tsquery`)."""
    return {pair_token(a, b) for stems in fields for a, b in zip(stems, stems[1:], strict=False)}


def unit_token(unit_id: int) -> str:
    """The lexeme of a record's unit among its word pairs (`ArsipFrasa.pasangan`, whose
    lexemes are all made here), so a reader's units and a phrase's pairs are one GIN
    lookup: `(u3 | u4) & p1f2a`."""
    return f"u{int(unit_id)}"


def text_unit_token(unit_id: int) -> str:
    """The lexeme of a record's unit in its stem vector (`ArsipIndeks.tsv`): `_u` and the
    id, a lexeme `tokenize` never makes (it keeps letters and digits only), so no typed
    word can match it."""
    return f"_u{int(unit_id)}"
