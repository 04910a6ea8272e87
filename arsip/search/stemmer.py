"""A small, rule-based Indonesian affix stripper (no dictionary).

It follows the order of Indonesian morphology: particles (-lah, -kah, -pun), then
possessive pronouns (-ku, -mu, -nya), then derivational suffixes (-i, -kan, -an), then
up to two derivational prefixes (di-, ke-, se-, ter-, ber-, per-, meN-, peN-; the second
only per-, ber- or peN-, as in di-per-baiki, ke-pe-mimpin-an), recoding
the nasal of meN-/peN- (menyurat → surat, memakai → pakai, menulis → tulis, mengatur →
atur). Every step keeps a stem of at least three letters.

Honest limits: without a dictionary it over-stems like PostgreSQL's `indonesian`
snowball configuration does (perangkat → angkat, pemerintah → perintah), and it guesses
the nasal recoding (mengirim → irim: index and query make the same guess, so such
words still match each other). Search therefore indexes the exact words beside the
stems and ranks exact matches higher. The stemmer only has to be *consistent*: the same
function stems the indexed text and the query.
"""

from __future__ import annotations

import re
from functools import lru_cache

WORD_RE = re.compile(r"[0-9a-zA-Z\u00c0-\u024f]+")

_PARTICLES = ("lah", "kah", "pun")
_POSSESSIVES = ("nya", "ku", "mu")
_MIN = 3
VOWELS = set("aeiou")


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits), as both engines see them."""
    return [t.lower() for t in WORD_RE.findall(text or "")]


def _strip_inflection(word: str) -> str:
    for group in (_PARTICLES, _POSSESSIVES):
        for suffix in group:
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN + 1:
                word = word[: -len(suffix)]
                break
    return word


def _strip_derivation(word: str) -> str:
    # Confixes pe-...-an, per-...-an and ke-...-an form nouns: strip "-an", not "-kan"
    # (pendidikan → pendidik, kebijakan → kebijak; dilaksanakan → dilaksana).
    noun = word.startswith(("pe", "ke"))
    if not noun and word.endswith("kan") and len(word) - 3 >= _MIN + 1:
        return word[:-3]
    if word.endswith("an") and len(word) - 2 >= _MIN + 1:
        return word[:-2]
    verbal = word.startswith(("me", "di", "ber", "ter"))
    if verbal and word.endswith("i") and word[-2:] not in ("ai", "ui", "si") and len(word) > 5:
        return word[:-1]
    return word


def _strip_prefix(word: str, *, second: bool = False) -> tuple[str, bool] | None:
    """One prefix off as (rest, recoded), or None when none applies. `recoded` is True
    when a nasal was turned back into the stem's first letter (no further prefix then)."""
    if word.startswith(("meny", "peny")) and len(word) > 5 and word[4] in VOWELS:
        return "s" + word[4:], True
    if word.startswith(("meng", "peng")) and len(word) > 5:
        return word[4:], True
    if word.startswith(("mem", "pem")) and len(word) > 4:
        rest = word[3:]
        if rest[0] in VOWELS:
            return "p" + rest, True
        return (rest, not rest.startswith("per")) if rest[0] in "bfpv" else None
    if word.startswith(("men", "pen")) and len(word) > 4:
        rest = word[3:]
        if rest[0] in VOWELS:
            return "t" + rest, True
        return (rest, True) if rest[0] in "cdjtz" else None
    for prefix in ("per", "ber") if second else ("per", "ber", "ter"):
        if word.startswith(prefix) and len(word) - 3 >= _MIN:
            return word[3:], False
    if word.startswith(("me", "pe")) and len(word) > 4 and word[2] in "lrwy":
        return word[2:], True
    for prefix in () if second else ("di", "ke", "se"):
        if word.startswith(prefix) and len(word) - 2 >= _MIN + 1:
            return word[2:], False
    return None


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one lower-cased word; digits and short words are returned as they are."""
    if len(word) <= _MIN + 1 or not word.isalpha():
        return word
    base = _strip_derivation(_strip_inflection(word))
    for attempt in range(2):
        result = _strip_prefix(base, second=attempt > 0)
        if result is None or len(result[0]) < _MIN:
            break
        base, recoded = result
        if recoded:
            break
    return base


def stem_text(text: str) -> str:
    return " ".join(stem(t) for t in tokenize(text))
