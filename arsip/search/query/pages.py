"""Pages of letters: one result per letter (`surat_kunci`), ordering and walking."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F, QuerySet

from arsip.search.query.parse import SORT_NEWEST, SORT_OLDEST, SORT_RELEVANCE

# --- the search ---------------------------------------------------------------------------


@dataclass
class _Page:
    ids: list[int]
    total: int
    capped: bool
    has_next: bool
    sort: str
    scores: dict[int, float] = field(default_factory=dict)
    estimated: bool = False


def _group_key(pk: int, kunci: str) -> str:
    """The letter a search row belongs to: its letter key (shared by the issuer's record
    and the recipient copies), or the record itself when it has none (bulk-made rows)."""
    return kunci or f"#{pk}"


def _first_per_letter(rows):
    """Rows (record id, ..., letter key) in their order, the first of each letter only."""
    seen, out = set(), []
    for row in rows:
        key = _group_key(row[0], row[-1])
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


# Rows asked for per later step when walking an ordered list for whole letters, at least.
_WALK_MIN = 20


def _walk_letters(fetch, offset: int, per_page: int, max_rows: int) -> tuple[list[int], bool]:
    """Walk an ordered list of (record id, letter key) rows, read `fetch(start, n)` rows at
    a time, until the page's letters and one more are found (or `max_rows` were read):
    (record ids of the page's letters, whether there is a next page).

    The first step asks for just the letters still wanted (most rows are a letter of
    their own: copies of one letter share its date and lie together), later steps for
    twice the letters still missing. A walk of the date order under a filter reads about
    (rows asked for) / (share of rows that match) rows, so asking for 200 rows where 21
    letters were wanted cost up to ten times the work: phrases of common words took
    1.6 s for a one-unit reader at 300,000 rows (the issue-16 regression at 1M)."""
    wanted = offset + per_page + 1
    seen: set[str] = set()
    firsts: list[int] = []
    start = 0
    while len(firsts) < wanted and start < max_rows:
        missing = wanted - len(firsts)
        n = min(missing if start == 0 else max(missing * 2, _WALK_MIN), max_rows - start)
        chunk = fetch(start, n)
        for pk, kunci in chunk:
            key = _group_key(pk, kunci)
            if key not in seen:
                seen.add(key)
                firsts.append(pk)
        start += len(chunk)
        if len(chunk) < n:
            break
    page = firsts[offset : offset + per_page]
    return page, len(firsts) > offset + per_page


def date_walk(qs: QuerySet | list[QuerySet], sort: str):
    """`fetch(start, n)` for `_walk_letters` over the search rows `qs` in date order
    (newest first unless `sort` is oldest first). Each step continues after the last row
    read (a keyset on the date index's (tanggal, record_id)) instead of reading again,
    with OFFSET, every row the earlier steps read. Given several querysets (PostgreSQL:
    a reader's units walked one by one), each walks its own order and a step takes the
    first `n` of their next rows (UNION ALL)."""
    parts = qs if isinstance(qs, list) else [qs]
    newest = sort != SORT_OLDEST
    order = ("-tanggal", "-record_id") if newest else ("tanggal", "record_id")
    fields = ("record_id", "tanggal", "surat_kunci")
    last: tuple | None = None

    def after_last(part: QuerySet) -> QuerySet:
        if last is None:
            return part
        day, pk = last
        if newest:
            return part.filter(tanggal__lte=day).exclude(tanggal=day, record_id__gte=pk)
        return part.filter(tanggal__gte=day).exclude(tanggal=day, record_id__lte=pk)

    def fetch(start: int, n: int) -> list[tuple[int, str]]:
        nonlocal last
        selects = [after_last(part).order_by(*order).values_list(*fields)[:n] for part in parts]
        if len(selects) == 1:
            rows = list(selects[0])
        else:
            rows = list(selects[0].union(*selects[1:], all=True).order_by(*order)[:n])
        if rows:
            last = (rows[-1][1], rows[-1][0])
        return [(pk, kunci) for pk, _, kunci in rows]

    return fetch


def _sort_rows(rows: list[tuple], sort: str, scores: dict[int, float]) -> None:
    if sort == SORT_RELEVANCE:
        rows.sort(key=lambda row: (scores.get(row[0], 0.0), row[1], row[0]), reverse=True)
    elif sort == SORT_NEWEST:
        rows.sort(key=lambda row: (row[1], row[0]), reverse=True)
    else:
        rows.sort(key=lambda row: (row[1], row[0]))


def _page_from_rows(rows, sort, scores, offset, per_page) -> _Page:
    """Rows (record id, date, letter key): ranked or sorted, then one per letter (its
    best-placed copy), so the total counts letters, not copies."""
    _sort_rows(rows, sort, scores)
    rows = _first_per_letter(rows)
    ids = [row[0] for row in rows[offset : offset + per_page]]
    return _Page(ids, len(rows), False, offset + per_page < len(rows), sort, scores)


# No words typed: the matching rows fetched unordered, at most this many times the
# candidate cap, are sorted and grouped in Python when they all come.
PLAIN_ROWS_PER_CAP = 4


def _search_plain(qs: QuerySet, sort: str, offset: int, per_page: int, cap: int) -> _Page:
    """No words typed: filters only.

    The matching rows (record id, date, letter key) are read first without ordering, at
    most `PLAIN_ROWS_PER_CAP` × cap + 1 of them (the filters' own indexes: a bitmap of
    the reader's units and named records ANDed with, e.g., the number's unit part).
    When they all come, they are sorted and grouped by letter here: one statement, an
    exact total. Only when more match is the date index walked with LIMIT, and then the
    matches are dense enough for the walk to end soon. (Before, a count of the distinct
    letters was followed by that walk whatever the count: the planner, taking the
    reader's units and the number's unit as independent, expected thousands of matches
    and walked the date order, so the 78 letters a one-unit reader may see with
    `DISKOMINFOTIK` in their number cost a walk through every row: 1.8 s at 300,000
    rows.) PostgreSQL runs it with sequential scans off, as the text search does: a
    LIMIT over an overestimated filter would otherwise be a sequential scan that reads
    the whole table when few rows match."""
    limit = cap * PLAIN_ROWS_PER_CAP
    unordered = qs.order_by().values_list("record_id", "tanggal", "surat_kunci")
    with _no_seqscan():
        rows, whole = _plain_rows(unordered, cap, limit)
        if whole:
            page = _page_from_rows(rows, sort, {}, offset, per_page)
            if page.total > cap:
                page.total, page.capped = cap, True
            return page
        letters = {_group_key(row[0], row[2]) for row in rows}
        if len(letters) > cap:
            total = cap + 1
        else:  # more than `limit` rows for at most `cap` letters: count the letters
            distinct = qs.order_by().values_list(_letter_expression(), flat=True).distinct()
            total = len(distinct[: cap + 1])
        ids, has_next = _walk_letters(date_walk(qs, sort), offset, per_page, cap * 4)
    return _Page(ids, min(total, cap), total > cap, has_next, sort)


def _plain_rows(unordered: QuerySet, cap: int, limit: int) -> tuple[list[tuple], bool]:
    """(at most `limit` + 1 of the matching rows, whether they are all of them).

    On SQLite `cap` + 1 rows are read first: when those are all there is, or already
    hold more than `cap` letters (the total is "more than `cap`" and the page comes from
    the date walk either way), the other rows are not needed, and reading them cost
    more than the walk (4,001 rows for a unit code at 100,000 records). Otherwise, and
    on PostgreSQL, `limit` + 1 rows at once."""
    if connection.vendor == "sqlite":
        first = list(unordered[: cap + 1])
        if len(first) <= cap:
            return first, True
        if len({_group_key(row[0], row[2]) for row in first}) > cap:
            return first, False
    rows = list(unordered[: limit + 1])
    return rows, len(rows) <= limit


@contextlib.contextmanager
def _no_seqscan():
    """On PostgreSQL, a transaction with sequential scans switched off (see
    `postgres._search_pg`); elsewhere nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        yield


def _letter_expression():
    """The letter key as SQL (the record id for rows without one), for counting letters."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Coalesce, Concat, NullIf

    return Coalesce(
        NullIf(F("surat_kunci"), Value("")),
        Concat(Value("#"), Cast("record_id", CharField())),
        output_field=CharField(),
    )
