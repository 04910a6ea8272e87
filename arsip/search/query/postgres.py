"""The PostgreSQL text search: bounded candidates, or a walk of the date index."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from arsip.models import ArsipFrasa, ArsipIndeks
from arsip.search.query.pages import _Page, _page_from_rows, _walk_letters, date_walk
from arsip.search.query.parse import SORT_NEWEST, SORT_OLDEST, SORT_RELEVANCE
from arsip.search.query.text import _pg_queries, _pg_rank, _pg_scores, pair_query


def _search_pg(qs, base, visible, parsed, sort, offset, per_page, cap) -> _Page:
    """Runs with sequential scans switched off for its own transaction: a seq scan tests
    `tsv @@ query` row by row, and every test de-TOASTs a whole tsvector (about 8 µs a
    row, seconds at a million rows) whenever fewer than CAP permitted rows match, while
    the GIN index answers the same test from its posting lists. `qs` is `base` (the
    search rows passing the filters) narrowed by `visible` (this user's reading rule)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return _search_pg_inner(qs, base, visible, parsed, sort, offset, per_page, cap)


def _pg_estimate(qs: QuerySet, field: str = "record_id") -> int:
    """The planner's row estimate for a queryset (EXPLAIN, no execution: ~1 ms)."""
    plan = json.loads(qs.order_by().values(field).explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


# A row read walking the date order costs about half as much as a candidate from the
# text index tested for the phrase (measured at 1M rows: ~2.6 vs ~5-10 µs).
WALK_ROW_COST = 0.5


def _pg_sampled_count(query: SearchQuery, percent: int = 1) -> int:
    """Rows matching `query`, estimated from a repeatable `percent`% block sample."""
    sql, params = ArsipIndeks.objects.filter(tsv=query).values("pk").query.sql_with_params()
    table = connection.ops.quote_name(ArsipIndeks._meta.db_table)
    head = f"FROM {table} "
    if head not in sql:
        raise RuntimeError("unexpected SQL for the sampled count")
    sampled = sql.replace(head, f"{head}TABLESAMPLE SYSTEM ({int(percent)}) REPEATABLE (0) ", 1)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sampled}) s", params)  # noqa: S608
        return int(cursor.fetchone()[0]) * 100 // percent


def _common_rows() -> int:
    return int(settings.ARSIP_SEARCH_PG_COMMON_ROWS)


def _share_sample() -> int:
    return int(settings.ARSIP_SEARCH_PG_SHARE_SAMPLE)


def _pg_visible_share(base: QuerySet, visible: Q) -> tuple[int, int]:
    """(the newest `share sample` search rows that pass the filters, how many of them this
    user may read): one statement that walks the date index with LIMIT and reads no text
    vector, so its cost does not depend on the words; kept in the cache for
    `ARSIP_SEARCH_PG_SHARE_CACHE_SECONDS` (the same reader and filters give the same
    share for every word: it only scales an estimate shown as "about")."""
    newest = (
        base.order_by("-tanggal", "-record_id")
        .annotate(
            _v=Case(When(visible, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        .values("_v")[: _share_sample()]
    )
    sql, params = newest.query.sql_with_params()
    key = "arsip:share:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), coalesce(sum(s._v), 0) FROM ({sql}) s", params)  # noqa: S608 - compiled by the ORM
        sampled, readable = cursor.fetchone()
    share = (int(sampled), int(readable))
    seconds = int(settings.ARSIP_SEARCH_PG_SHARE_CACHE_SECONDS)
    if seconds > 0:
        cache.set(key, share, seconds)
    return share


def _pg_pair_rows(pairs: Q) -> int:
    """The planner's estimate of the records holding a phrase's word pairs (EXPLAIN on
    the pair table, whose GIN statistics know the common pairs: ~1 ms)."""
    return max(_pg_estimate(ArsipFrasa.objects.filter(pairs), "record_id"), 1)


def _search_pg_inner(qs, base, visible, parsed, sort, offset, per_page, cap) -> _Page:
    stem_q, _ = _pg_queries(parsed)
    matches = qs.filter(tsv=stem_q)
    text_estimate = _pg_estimate(ArsipIndeks.objects.filter(tsv=stem_q))
    pairs = pair_query(parsed)
    phrase_rows = None
    if pairs is not None:
        # A phrase: the records holding its word pairs (the pair table's GIN index) are
        # few next to those holding its words ("terunduh saudara": 24,000 letters hold
        # both words at a million records, 315 the pair), so they are the candidates,
        # each tested for the whole phrase on its search row, unless the pairs are
        # themselves common; then the walk below finds a page of them soon.
        phrase_rows = _pg_pair_rows(pairs)
        if phrase_rows <= _common_rows():
            # The pair table carries the reader's visibility columns: a one-unit reader's
            # candidates are narrowed there, before any (wide) search row is read.
            in_pairs = ArsipFrasa.objects.filter(visible).filter(pairs).values("record_id")
            return _pg_candidates(
                matches.filter(record_id__in=in_pairs),
                parsed,
                sort,
                offset,
                per_page,
                cap,
                min(phrase_rows, text_estimate),
            )
        phrase_rows = max(_pg_sampled_count(stem_q), 1)
    common = text_estimate > _common_rows()
    if common and phrase_rows is not None:
        # The planner counts a phrase as if its words only had to occur anywhere in the
        # letter. Words that are each common but seldom stand together would send the
        # walk below through most of the table. A 1% block sample gives the phrase's
        # real frequency; the walk is taken only when the rows it is expected to read
        # (a page of matches among the rows this user may see, in date order) cost less
        # than testing every candidate the text index offers.
        total_rows = max(_pg_estimate(ArsipIndeks.objects.all()), 1)
        visible_rows = max(_pg_estimate(qs), 1)
        walk_rows = (offset + per_page + 1) * total_rows * total_rows / phrase_rows / visible_rows
        common = walk_rows * WALK_ROW_COST < text_estimate
    if common:
        # Very common words: even collecting CAP candidates means a GIN bitmap over
        # hundreds of thousands of postings (~300 ms at 1M rows for "dan"), whatever the
        # other filters. Walk the date index (or the unit/date index) instead, which finds
        # a page of matches in a few milliseconds. The total is estimated as the matches
        # of the text and filters (the planner's estimate, good for them; for a phrase,
        # scaled by its sampled frequency) times the share of the newest filtered rows
        # this user may read. The planner's estimate with the visibility condition is not
        # used: at 20,000 records it was 18 times the real count for a one-unit reader.
        estimate = _pg_estimate(base.filter(tsv=stem_q))
        if phrase_rows is not None:
            # The planner's estimate is for the phrase's words ANDed; the sample counted
            # the phrase itself, so scale the estimate by the phrase's share of them.
            estimate = min(estimate, estimate * phrase_rows // max(text_estimate, 1))
        sampled, readable = _pg_visible_share(base, visible)
        estimate = estimate * readable // max(sampled, 1)
        if estimate >= cap:
            # Many permitted matches: the walk of the date order (or of the unit/date
            # index under a unit filter) ends after about rows × page / estimate rows.
            # The planner does not know it: it multiplies the selectivity of the
            # reader's units by that of the unit filter (the same column twice) and so
            # expects a few hundred matches, and takes a bitmap of every matching row
            # and a sort instead (a one-unit reader's `bencana` in their own unit:
            # 6,600 rows read and sorted, 450 ms at 300,000 rows; the walk reads ~50).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_bitmapscan = off")
        return _pg_newest(matches, sort, offset, per_page, estimate, estimated=True)
    return _pg_candidates(matches, parsed, sort, offset, per_page, cap, text_estimate)


def _pg_candidates(matches, parsed, sort, offset, per_page, cap, expected) -> _Page:
    """At most CAP + 1 matching rows, unordered. Under the cap: every one ranked (or
    sorted by date) and an exact total. Over it: the newest from the date index.

    When the planner expects the matches to fit under the cap (`expected`), the ranks
    are computed in the same statement, on the rows it reads anyway, instead of reading
    every candidate again by id."""
    fields = ("record_id", "tanggal", "surat_kunci")
    if sort == SORT_RELEVANCE and expected <= cap:
        ranked = list(
            matches.order_by()
            .annotate(score=_pg_rank(parsed))
            .values_list(*fields, "score")[: cap + 1]
        )
        if len(ranked) <= cap:
            scores = {row[0]: float(row[3]) for row in ranked}
            return _page_from_rows([row[:3] for row in ranked], sort, scores, offset, per_page)
        return _pg_newest(matches, sort, offset, per_page, cap, estimated=False)
    rows = list(matches.order_by().values_list(*fields)[: cap + 1])
    if len(rows) <= cap:
        scores = _pg_scores([row[0] for row in rows], parsed) if sort == SORT_RELEVANCE else {}
        return _page_from_rows(rows, sort, scores, offset, per_page)
    # Too many matches to rank: newest first straight from the date index, with LIMIT.
    return _pg_newest(matches, sort, offset, per_page, cap, estimated=False)


def _pg_newest(matches, sort, offset, per_page, total, *, estimated) -> _Page:
    sort = SORT_OLDEST if sort == SORT_OLDEST else SORT_NEWEST
    ids, has_next = _walk_letters(
        date_walk(matches, sort),
        offset,
        per_page,
        (offset + per_page + 1) * 20,
    )
    # An estimate never shows fewer results than the pages already seen.
    total = max(total, offset + len(ids) + int(has_next))
    return _Page(ids, total, True, has_next, sort, estimated=estimated)
