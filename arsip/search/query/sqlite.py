"""The SQLite text search over the FTS5 table."""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from arsip.search.query.pages import _group_key, _Page, _walk_letters
from arsip.search.query.parse import SORT_NEWEST, SORT_RELEVANCE
from arsip.search.query.text import _BM25, _where, fts5_match


def _sqlite_rank_limit() -> int:
    return int(settings.ARSIP_SEARCH_SQLITE_RANK_LIMIT)


# FTS5 first (CROSS JOIN keeps that order), newest-archived first: FTS5 walks its rowids
# backwards lazily, so LIMIT stops the scan early; the search row supplies the filters.
# The search row is read from its covering index `arsip_sq_rekaman` (migration 0013).
_FTS_NEWEST = (
    "SELECT arsip_arsipindeks.record_id, arsip_arsipindeks.tanggal, "
    "arsip_arsipindeks.surat_kunci{score} FROM arsip_fts "
    "CROSS JOIN arsip_arsipindeks ON arsip_arsipindeks.record_id = arsip_fts.rowid "
    "WHERE arsip_fts MATCH %s AND {where} ORDER BY arsip_fts.rowid DESC"
)
# Under the rank limit: every permitted match, sorted here as `pages._sort_rows` sorts
# (by score, date and record id; ISO dates sort as dates), by SQLite in C rather than in
# Python, whose sort and date parsing of a few thousand rows cost more than the statement.
_FTS_SORTED = (
    "SELECT arsip_arsipindeks.record_id, arsip_arsipindeks.tanggal, "
    "arsip_arsipindeks.surat_kunci{score} FROM arsip_fts "
    "CROSS JOIN arsip_arsipindeks ON arsip_arsipindeks.record_id = arsip_fts.rowid "
    "WHERE arsip_fts MATCH %s AND {where} ORDER BY {order}"
)
_ORDER = {SORT_RELEVANCE: "4 DESC, 2 DESC, 1 DESC", SORT_NEWEST: "2 DESC, 1 DESC"}
_ORDER_OLDEST = "2, 1"
# The permitted hits among the newest `limit` matches, the lowest record id among those
# matches, and the id range of the whole index (both ends from the primary key).
_FTS_NEWEST_COUNT = (
    "SELECT count(arsip_arsipindeks.record_id), min(f.rid), "
    "(SELECT min(record_id) FROM arsip_arsipindeks), "
    "(SELECT max(record_id) FROM arsip_arsipindeks) "
    "FROM (SELECT rowid AS rid FROM arsip_fts WHERE arsip_fts MATCH %s "
    "ORDER BY rowid DESC LIMIT %s) f "
    "LEFT JOIN arsip_arsipindeks ON arsip_arsipindeks.record_id = f.rid AND {where}"
)


def _search_sqlite(qs, parsed, sort, offset, per_page, cap) -> _Page:
    """FTS5 matches are read newest-archived first (rowid order, which FTS5 walks
    lazily), joined to the search row for the filters. Up to the rank limit every match
    is ranked with bm25; above it the page is read in archive order with LIMIT and the
    total is estimated, shown as "about": the user's hits among the newest `rank limit`
    matches, scaled by how much of the index's id range those matches span (matches are
    assumed as dense in older records as in the newest; nothing more is counted)."""
    match = fts5_match(parsed)
    # The same matches in the form that reads each doclist once, where bm25 is not
    # called (`fts5_match`).
    rows_match = fts5_match(parsed, ranked=False)
    where, params = _where(qs)
    limit = _sqlite_rank_limit()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT rowid FROM arsip_fts WHERE arsip_fts MATCH %s LIMIT %s)",
            [rows_match, limit + 1],
        )
        n_match = cursor.fetchone()[0]
        if n_match <= limit:
            # Ranked in the same statement: bm25 is computed only for the permitted rows
            # (the select list), in the one pass over the matches. It was a second
            # statement scoring every match, a second pass over the FTS5 index (for a
            # phrase of common words as long as the first, 13 ms at 100,000 records).
            ranked = sort == SORT_RELEVANCE
            sql = _FTS_SORTED.format(
                where=where,
                score=f", -{_BM25}" if ranked else "",
                order=_ORDER.get(sort, _ORDER_OLDEST),
            )
            cursor.execute(sql, [match if ranked else rows_match, *params])
            return _page_from_sorted(cursor.fetchall(), sort, offset, per_page, ranked)
        cursor.execute(
            _FTS_NEWEST_COUNT.format(where=where),
            [rows_match, limit, *params],
        )
        seen, lowest, first_id, last_id = cursor.fetchone()

        def fetch(start: int, n: int) -> list[tuple[int, str]]:
            cursor.execute(
                _FTS_NEWEST.format(where=where, score="") + " LIMIT %s OFFSET %s",
                [rows_match, *params, n, start],
            )
            return [(pk, key) for pk, _, key in cursor.fetchall()]

        ids, has_next = _walk_letters(fetch, offset, per_page, (offset + per_page + 1) * 20)
    span = max(1, (last_id or 0) - (lowest or 0) + 1)
    whole = max(span, (last_id or 0) - (first_id or 0) + 1)
    total = max(seen * whole // span, offset + len(ids) + int(has_next))
    return _Page(ids, total, True, has_next, SORT_NEWEST, estimated=True)


def _page_from_sorted(rows, sort: str, offset: int, per_page: int, ranked: bool) -> _Page:
    """`pages._page_from_rows` for rows (record id, date, letter key[, score]) that come
    sorted: the first row of each letter, the page of them, and the number of letters
    (the scores of the page's records only: the hits are all that show them)."""
    seen: set[str] = set()
    ids: list[int] = []
    scores: dict[int, float] = {}
    for pk, _day, key, *score in rows:
        letter = _group_key(pk, key)
        if letter in seen:
            continue
        if offset <= len(seen) < offset + per_page:
            ids.append(pk)
            if ranked:
                scores[pk] = float(score[0])
        seen.add(letter)
    return _Page(ids, len(seen), False, offset + per_page < len(seen), sort, scores)
