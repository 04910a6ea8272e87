"""The PostgreSQL search vectors' text form, made in Python for bulk loads.

`arsip.search.index` has PostgreSQL build each vector with SQL (`_vector`): the three
fields' token text through `to_tsvector('simple', ...)`, weighted A, B and C, joined by
`||` with a one-position gap between fields. For a bulk load (`arsip_synth`) that
re-parses text Python has just tokenized; `tsvector_text` writes the same vector as a
tsvector literal instead (`word:1A,5B other:2A`), which PostgreSQL only reads (COPY):

* positions count the tokens from 1; the next field starts one position after the last
  token of the one before plus the gap (`||` offsets the right vector by the left one's
  last position; the gap lexeme `_` takes one position and is deleted), also when a
  field is empty;
* a lexeme's positions, in order, each with its field's weight (A, B or C).

That is all `to_tsvector('simple')` does with this text, on the condition that its
parser sees the same tokens as `tokenize` and that no limit of the tsvector type cuts
anything. So a literal is only made when every token is a run of ASCII letters or a run of
digits (the parser splits some letter-and-digit runs, e.g. `1e5abc` into `1e5` and
`abc`, and has its own rules for other letters), no token is longer than 255 characters,
no lexeme has more than 255 positions (`to_tsvector` keeps 255 per field, `||` 256)
and the last position is below 16,383 (positions above it are clamped). Otherwise
`tsvector_text` returns None and the caller has PostgreSQL build that record's vectors
with the SQL (`arsip.search.index.PG_UPSERT`). `tests/arsip/test_synth_vectors.py`
compares the two on PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Not a literal: a character other than a-z, 0-9 and the space, a letter next to a
# digit, or a token of 256 characters or more.
_UNSAFE = re.compile(r"[^a-z0-9 ]|[a-z][0-9]|[0-9][a-z]|[a-z0-9]{256}")
_MAX_POSITION = 16383  # MAXENTRYPOS - 1: larger positions are clamped by PostgreSQL
_MAX_POSITIONS = 255  # positions per lexeme that to_tsvector keeps in one field
# "1A", "2A", ... per weight, indexed by position (no string formatting per token).
_LABELS = {w: [f"{i}{w}" for i in range(_MAX_POSITION + 1)] for w in "ABC"}
_LA, _LB, _LC = _LABELS["A"], _LABELS["B"], _LABELS["C"]


def _plain(words: dict[str, list[str]]) -> bool:
    """Whether every lexeme is a run of lower-case ASCII letters or digits, shorter than
    256 characters (the common case, all letters, is checked without the regex)."""
    letters = "".join(words)
    if letters.isascii() and letters.isalpha() and letters.islower():
        return max(map(len, words)) < 256
    return _UNSAFE.search(" ".join(words)) is None


def tsvector_text(hal: Sequence[str], isi: Sequence[str], lain: Sequence[str]) -> str | None:
    """The text form of `ts_delete(setweight(to_tsvector('simple', hal), 'A') || gap ||
    setweight(..., isi, 'B') || gap || setweight(..., lain, 'C'), '_')` for these token
    lists, or None if PostgreSQL must build it (see the module's conditions)."""
    na, nb = len(hal), len(isi)
    start_c = na + nb + 3
    end = start_c + len(lain)
    if end - 1 > _MAX_POSITION:
        return None
    labels = _LA[1 : na + 1] + _LB[na + 2 : start_c - 1] + _LC[start_c:end]
    positions: dict[str, list[str]] = {}
    get = positions.get
    for token, label in zip([*hal, *isi, *lain], labels, strict=True):
        found = get(token)
        if found is None:
            positions[token] = [label]
        else:
            found.append(label)
    if positions and (max(map(len, positions.values())) > _MAX_POSITIONS or not _plain(positions)):
        return None
    return " ".join([f"{word}:{','.join(labels)}" for word, labels in positions.items()])
