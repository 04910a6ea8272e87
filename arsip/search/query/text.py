"""Text matching: the FTS5 match expression and the PostgreSQL tsqueries and ranks."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value

from arsip.models import ArsipIndeks
from arsip.search.query.parse import ParsedQuery
from arsip.search.stemmer import pair_token, stem, text_unit_token, unit_token

# FTS5 column weights: exact subject, body, other text; stemmed subject, body, other.
_BM25 = "bm25(arsip_fts, 10.0, 4.0, 2.0, 5.0, 2.0, 1.0)"


# --- text matching ------------------------------------------------------------------------


def _fts5_string(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _fts5_part(exact: str, stems: str, ranked: bool) -> str:
    if not ranked and exact == stems:
        # The same tokens in both layers: one phrase over every column of `arsip_fts`
        # (it has exactly the six), which finds the same rows as the two column-filtered
        # ones while reading each doclist once instead of twice (a count of a phrase of
        # common words at 100,000 records: 15 → 4 ms). Not for bm25, which scores each
        # phrase of the query apart.
        return _fts5_string(exact)
    return (
        f"({{hal isi lain}} : {_fts5_string(exact)} OR "
        f"{{hal_s isi_s lain_s}} : {_fts5_string(stems)})"
    )


def fts5_match(parsed: ParsedQuery, *, ranked: bool = True) -> str:
    """FTS5 query: every word (and phrase) must occur, either exactly or as a stem.
    `ranked=False`: the same rows, in the cheaper form where a word or phrase stems to
    itself, for statements that do not call bm25."""
    parts = []
    for word in parsed.words:
        parts.append(_fts5_part(word, stem(word), ranked))
    for phrase in parsed.phrases:
        exact = " ".join(phrase)
        stems = " ".join(stem(w) for w in phrase)
        parts.append(_fts5_part(exact, stems, ranked))
    return " AND ".join(parts)


def _tsquery(words, phrases, convert) -> SearchQuery | None:
    """A raw `simple` tsquery over tokens made by `tokenize` (letters and digits only, so
    no tsquery syntax can get in): words ANDed, phrases as `a <-> b`."""
    parts = [convert(w) for w in words]
    parts += ["(" + " <-> ".join(convert(w) for w in phrase) + ")" for phrase in phrases]
    if not parts:
        return None
    return SearchQuery(" & ".join(parts), config="simple", search_type="raw")


def _pg_queries(parsed: ParsedQuery) -> tuple[SearchQuery, SearchQuery]:
    """(stem query for the stem vector `tsv`, exact query for `tsv_exact`): both vectors
    and both queries are made from the same Python tokens and stems."""
    return (
        _tsquery(parsed.words, parsed.phrases, stem),
        _tsquery(parsed.words, parsed.phrases, lambda w: w),
    )


class _PairsMatch(Func):
    """`pasangan @@ 'a_b & c_d'::tsquery`: a tsquery literal, not `to_tsquery`, whose
    parser would split `a_b` at the underscore into two words."""

    arg_joiner = " @@ "
    template = "%(expressions)s::tsquery"
    output_field = BooleanField()


class _TextInUnits(Func):
    """`tsv @@ (words && '_u3 | _u4'::tsquery)`: the words, in records of these units (the
    unit lexemes of the stem vector, `text_unit_token`), answered by one GIN lookup. The
    unit part is a tsquery literal: `to_tsquery` would drop the underscore."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        (field, fp), (query, qp), (units, up) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        return f"{field} @@ ({query} && {units}::tsquery)", [*fp, *qp, *up]


def text_q(stem_q: SearchQuery, units: list[int] | None) -> Q:
    """The search rows whose stem vector matches `stem_q`; with `units`, only those of
    these units, tested inside the text index."""
    if not units:
        return Q(tsv=stem_q)
    lexemes = " | ".join(text_unit_token(u) for u in units)
    return Q(_TextInUnits(F("tsv"), stem_q, Value(lexemes)))


def pair_tsquery(parsed: ParsedQuery) -> str | None:
    """The tsquery, on `ArsipFrasa.pasangan`, of the word pairs every phrase needs, ANDed
    ("a b c": the pairs a b and b c); None without phrases. It finds a superset of the
    phrase's records (pairs share buckets, and for three words or more they may stand
    apart), so the phrase itself is still tested on the search row."""
    tokens = sorted(
        {
            pair_token(stem(a), stem(b))
            for phrase in parsed.phrases
            for a, b in zip(phrase, phrase[1:], strict=False)
        }
    )
    return " & ".join(tokens) if tokens else None


def pairs_q(tsquery: str, units: list[int] | None = None) -> Q:
    """The pair rows matching a `pair_tsquery`, and when `units` are given, only those of
    these units (each pair row also holds its unit's lexeme, `unit_token`)."""
    if units:
        tsquery = "(" + " | ".join(unit_token(u) for u in units) + ") & " + tsquery
    return Q(_PairsMatch(F("pasangan"), Value(tsquery)))


def _pg_rank(parsed: ParsedQuery):
    """Relevance of a search row: the exact-word rank counts twice, plus the stem rank."""
    stem_q, exact_q = _pg_queries(parsed)
    return SearchRank(F("tsv_exact"), exact_q) * 2.0 + SearchRank(F("tsv"), stem_q)


def _pg_scores(ids: list[int], parsed: ParsedQuery) -> dict[int, float]:
    """Relevance for a bounded candidate list (read again by id)."""
    if not ids:
        return {}
    rows = (
        ArsipIndeks.objects.filter(record_id__in=ids)
        .annotate(score=_pg_rank(parsed))
        .values_list("record_id", "score")
    )
    return {pk: float(score) for pk, score in rows}


def _where(qs: QuerySet) -> tuple[str, list]:
    """The WHERE clause of a queryset over the search rows alone (filters use
    subqueries, never joins), to combine with the FTS5 scan in hand-written SQL."""
    query = qs.query
    compiler = query.get_compiler(using=qs.db)
    sql, params = compiler.compile(query.where)
    return (sql or "1 = 1"), list(params)
