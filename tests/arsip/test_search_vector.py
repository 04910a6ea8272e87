"""PostgreSQL's one search vector (issue 16 item 5): exact words and marked stems at each
token's position, weighted by field, with a gap between fields; made in Python."""

from __future__ import annotations

import pytest
from django.db import connection

from arsip.search.index import STEM_MARK, tsvector_text
from arsip.search.stemmer import stem, tokenize


def _lexemes(text: str) -> dict[str, str]:
    out = {}
    for part in text.split(" "):
        lexeme, positions = part.rsplit(":", 1)
        out[lexeme.strip("'")] = positions
    return out


def test_vector_holds_each_token_as_itself_and_as_its_marked_stem():
    vector = _lexemes(
        tsvector_text([tokenize("Mengirim laporan"), tokenize("kirim laporan"), ["dan"]])
    )
    assert stem("mengirim") == "kirim"
    # Subject at 1-2 (A), a gap at 3, body at 4-5 (B), a gap at 6, other text at 7 (C).
    assert vector["mengirim"] == "1A"
    assert vector["kirim"] == "4B"
    assert vector[STEM_MARK + "kirim"] == "1A,4B"
    assert vector["laporan"] == "2A,5B"
    assert vector["dan"] == "7C"
    assert vector[STEM_MARK + stem("dan")] == "7C"


@pytest.mark.postgres
def test_vector_text_is_what_postgresql_reads_and_phrases_stay_in_one_field(db):
    text = tsvector_text([tokenize("Mengirim"), tokenize("laporan dinas"), []])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT %s::tsvector @@ %s::tsquery, %s::tsvector @@ %s::tsquery, "
            "%s::tsvector @@ %s::tsquery",
            [
                text,
                f"'{STEM_MARK}kirim' & '{STEM_MARK}lapor'",
                text,
                f"'{STEM_MARK}kirim' <-> '{STEM_MARK}lapor'",  # across the field gap
                text,
                "'laporan' <-> 'dinas'",
            ],
        )
        assert cursor.fetchone() == (True, False, True)
