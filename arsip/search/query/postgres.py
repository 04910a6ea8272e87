"""The PostgreSQL text search: bounded candidates, or a walk of the date index."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.db import connection, transaction
from django.db.models import QuerySet

from arsip.models import ArsipIndeks
from arsip.search.query.pages import _Page, _page_from_rows, _walk_letters, date_walk
from arsip.search.query.parse import SORT_NEWEST, SORT_OLDEST, SORT_RELEVANCE
from arsip.search.query.text import _pg_queries, _pg_scores


def _search_pg(qs, base, parsed, sort, offset, per_page, cap) -> _Page:
    """Runs with sequential scans switched off for its own transaction: a seq scan tests
    `tsv @@ query` row by row, and every test de-TOASTs a whole tsvector (about 8 µs a
    row, seconds at a million rows) whenever fewer than CAP permitted rows match, while
    the GIN index answers the same test from its posting lists."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return _search_pg_inner(qs, base, parsed, sort, offset, per_page, cap)


def _pg_estimate(qs: QuerySet) -> int:
    """The planner's row estimate for a queryset (EXPLAIN, no execution: ~1 ms)."""
    plan = json.loads(qs.order_by().values("record_id").explain(format="json"))
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


def _pg_visible_share(base: QuerySet, qs: QuerySet) -> tuple[int, int]:
    """(the newest `share sample` search rows that pass the filters, how many of them this
    user may read): two statements; the first walks the date index with LIMIT and reads
    no text vector, so its cost does not depend on the words."""
    newest = list(
        base.order_by("-tanggal", "-record_id").values_list("record_id", flat=True)[
            : _share_sample()
        ]
    )
    if not newest:
        return 0, 0
    return len(newest), qs.filter(record_id__in=newest).count()


def _search_pg_inner(qs, base, parsed, sort, offset, per_page, cap) -> _Page:
    stem_q, _ = _pg_queries(parsed)
    matches = qs.filter(tsv=stem_q)
    text_estimate = _pg_estimate(ArsipIndeks.objects.filter(tsv=stem_q))
    common = text_estimate > _common_rows()
    phrase_rows = None
    if common and parsed.phrases:
        # The planner counts a phrase as if its words only had to occur anywhere in the
        # letter. Words that are each common but seldom stand together ("terunduh
        # saudara": 24,000 letters hold both words, 315 hold the phrase) would send the
        # walk below through most of the table. A 1% block sample gives the phrase's
        # real frequency; the walk is taken only when the rows it is expected to read
        # (a page of matches among the rows this user may see, in date order) cost less
        # than testing every candidate the text index offers.
        phrase_rows = max(_pg_sampled_count(stem_q), 1)
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
        sampled, readable = _pg_visible_share(base, qs)
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
    rows = list(matches.order_by().values_list("record_id", "tanggal", "surat_kunci")[: cap + 1])
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
