"""The PostgreSQL text search: bounded candidates, or a walk of the date index."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Subquery, Value, When

from arsip.models import ArsipFrasa, ArsipIndeks
from arsip.permissions import AnyOf
from arsip.search.query.pages import _Page, _page_from_rows, _walk_letters, date_walk
from arsip.search.query.parse import SORT_NEWEST, SORT_OLDEST, SORT_RELEVANCE
from arsip.search.query.text import (
    _pg_queries,
    _pg_rank,
    _pg_scores,
    pair_tsquery,
    pairs_q,
    text_q,
)


def _search_pg(base, visible, parsed, sort, offset, per_page, cap, unit_id=None) -> _Page:
    """Runs with sequential scans switched off for its own transaction: a seq scan tests
    `tsv @@ query` row by row, and every test de-TOASTs a whole tsvector (about 8 µs a
    row, seconds at a million rows) whenever fewer than CAP permitted rows match, while
    the GIN index answers the same test from its posting lists. `base`: the search rows
    passing the filters; `visible`: this user's reading rule."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return _search_pg_inner(base, visible, parsed, sort, offset, per_page, cap, unit_id)


def _pg_estimate(qs: QuerySet, field: str = "record_id") -> int:
    """The planner's row estimate for a queryset (EXPLAIN, no execution: ~1 ms)."""
    plan = json.loads(qs.order_by().values(field).explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


# A row read walking the date order costs about half as much as a candidate from the
# text index tested for the phrase (measured at 1M rows: ~2.6 vs ~5-10 µs).
WALK_ROW_COST = 0.5


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


def _pg_pair_rows(tsquery: str) -> int:
    """The planner's estimate of the records holding a phrase's word pairs (EXPLAIN on
    the pair table, whose GIN statistics know the common pairs: ~1 ms)."""
    return max(_pg_estimate(ArsipFrasa.objects.filter(pairs_q(tsquery)), "record_id"), 1)


def _arm_units(arm) -> list[int] | None:
    """The units an arm of the reading rule is limited to (its `unit_id__in`), if any."""
    if isinstance(arm, tuple):
        return list(arm[1]) if arm[0] == "unit_id__in" else None
    if isinstance(arm, Q) and arm.connector == Q.AND and not arm.negated:
        for child in arm.children:
            units = _arm_units(child)
            if units is not None:
                return units
    return None


def _arms(visible: Q) -> list:
    """The arms of the reading rule's top-level OR (the rule itself if it has none)."""
    arms = list(visible.children) if visible.connector == Q.OR and not visible.negated else []
    return arms if len(arms) >= 2 else [visible]


def _text_matches(base: QuerySet, visible: Q, stem_q) -> QuerySet:
    """The search rows passing the filters, readable by this user, matching the words:
    the words are tested in each arm of the reading rule, and in an arm limited to some
    units together with those units' lexemes (`text_q`), so the text index hands a head
    of four units the matches in their units (2,900 rows for `air penaikan` at 1M) instead
    of a bitmap of every row of those units (250,000, lossy at the default work_mem)
    ANDed with every match (15,000)."""
    q = Q()
    for arm in _arms(visible):
        q |= Q(arm) & text_q(stem_q, _arm_units(arm))
    return base.filter(q)


# An arm of the reading rule over at most this many units is walked one unit at a time
# (for a head of four units the union of five walks cost more than it saved: p95 49 → 60
# ms at 1M).
_SPLIT_UNITS = 1


def _text_parts(base: QuerySet, visible: Q, stem_q) -> list[QuerySet] | None:
    """`_text_matches` as parts to walk in date order side by side: one per unit of an
    arm limited to a few units (each walks the `(unit_id, tanggal)` index of its unit),
    one per other arm; None when no arm is split. A one-unit reader's newest page of
    `memasyarakatkan` (4,000 matches in their unit at 1M) read and sorted every match
    (43 ms) or walked the date order of every unit (6,000 rows); its unit's own walk
    reads about 400."""
    parts, split = [], False
    for arm in _arms(visible):
        units = _arm_units(arm)
        if units and len(units) <= _SPLIT_UNITS:
            parts += [base.filter(Q(arm), Q(unit_id=u), text_q(stem_q, [u])) for u in units]
            split = True
        else:
            parts.append(base.filter(Q(arm), text_q(stem_q, units)))
    return parts if split else None  # None: one walk of `_text_matches` does as well


def _pair_ids(visible: Q, tsquery: str) -> QuerySet:
    """The ids of the pair rows holding the pairs of `tsquery` that `visible` lets this
    reader see: one SELECT per arm of the reading rule's top-level OR, joined by UNION
    ALL (an id may come twice; it is only tested for membership). An arm limited to some
    units asks the GIN index for their units' lexemes with the pairs, so a one-unit
    reader's `"terhari dan"` reads the 730 pair rows of their unit at 1M, not the 11,751
    holding the pair (as one OR, the planner tested the unit on every one of them)."""
    selects = [
        ArsipFrasa.objects.filter(Q(arm), pairs_q(tsquery, _arm_units(arm))).values("record_id")
        for arm in _arms(visible)
    ]
    return selects[0].union(*selects[1:], all=True) if len(selects) > 1 else selects[0]


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


def _reader_share(visible: Q, unit_id: int | None) -> float:
    """The share of the search rows this reader may read, for choosing a path (not for a
    total): the share of the newest rows, whatever the filters (one statement per reader,
    cached); under a unit filter for one of the reader's own units, all of it (the rows
    of that unit they may not read are the few secret ones)."""
    if unit_id is not None and any(unit_id in (_arm_units(arm) or ()) for arm in _arms(visible)):
        return 1.0
    sampled, readable = _pg_visible_share(ArsipIndeks.objects.all(), visible)
    return readable / max(sampled, 1)


def _search_pg_inner(base, visible, parsed, sort, offset, per_page, cap, unit_id) -> _Page:
    stem_q, _ = _pg_queries(parsed)
    matches = _text_matches(base, visible, stem_q)
    page_rows = offset + per_page + 1
    # The matches of the text and the filters (the planner's estimate, good for them),
    # and the share of the rows this reader may read: the planner's own estimate with
    # the visibility condition is not used, it multiplies the reader's units by a unit
    # filter (the same column twice) and was 18 times off for a one-unit reader at
    # 20,000 records.
    filtered = _pg_estimate(base.filter(tsv=stem_q))
    pairs = pair_tsquery(parsed)
    if pairs is not None:
        # A phrase. The text index offers every record holding its words, and each must
        # be read to test that they stand together ("terunduh saudara": 24,000 letters
        # at a million records hold both words, 315 the phrase); the pair table offers
        # the records holding its word pairs' buckets, with the reader's units.
        candidates = _pg_pair_rows(pairs)
        phrase_rows = None
        if candidates > cap:
            share = _reader_share(visible, unit_id)
            candidates *= share
        if candidates > cap:
            # Many pair rows: the phrase is common, or it shares its bucket with a common
            # pair. Only a count of the phrase itself tells (a repeatable 1% block sample,
            # a few ms); walking for a rare phrase that looked common read 255,000 rows
            # to find 21 (`"terkinerja mendesa"`, the archivist at 1M: 430 ms).
            phrase_rows = max(_pg_sampled_count(stem_q), 1)
            walk_rows = page_rows * _total_rows() / max(phrase_rows * share, 1)
        if phrase_rows is None or candidates <= walk_rows * WALK_ROW_COST:
            # The ids found in the pair table (an array made once, an InitPlan) drive the
            # search rows' primary key. As a plain subquery the planner read the rows
            # holding the words first and looked each up in the pair table (155 ms for a
            # one-unit reader's `"terhari dan"` at 1M).
            in_pairs = _pair_ids(visible, pairs)
            return _pg_candidates(
                matches.filter(AnyOf(F("record_id"), Subquery(in_pairs))),
                parsed,
                sort,
                offset,
                per_page,
                cap,
                candidates,
            )
        # The walk: the words' estimate scaled by the phrase's sampled share of it.
        estimate = min(
            filtered,
            filtered * phrase_rows // max(_pg_estimate(ArsipIndeks.objects.filter(tsv=stem_q)), 1),
        )
        return _pg_walk(matches, base, visible, sort, offset, per_page, cap, estimate)
    # Words. Their matches in the reader's units come straight from the text index
    # (`_text_matches`); a walk of the date order reads page × N / (readable matches)
    # rows of every unit. A one-unit reader's `berpelabuhan` (21,000 matches, 1,340 in
    # their unit at 1M) walked 15,000 rows (142 ms) where the index had the 1,340 in a few
    # milliseconds; the archivist's `dan` is the other way round: even collecting CAP
    # candidates means a GIN bitmap over hundreds of thousands of postings (~300 ms).
    # Up to the cap the matches are read and ranked whatever the reader may see; above
    # it the reader's share (one cached statement) tells how many they may read.
    parts = _text_parts(base, visible, stem_q)
    if filtered <= cap:
        return _pg_candidates(matches, parsed, sort, offset, per_page, cap, filtered, parts)
    # Walked one unit at a time (`_text_parts`), it reads about page × (rows they may
    # read) / (their matches); walked in the date order of every unit, page × N / that.
    share = _reader_share(visible, unit_id)
    estimate = filtered * share
    walked = _total_rows() * (share if parts is not None else 1)
    walk_rows = page_rows * walked / max(estimate, 1)
    common = filtered > _common_rows() or estimate > cap
    if common and walk_rows * WALK_ROW_COST < estimate:
        return _pg_walk(matches, base, visible, sort, offset, per_page, cap, filtered, parts)
    return _pg_candidates(matches, parsed, sort, offset, per_page, cap, estimate, parts)


def _total_rows() -> int:
    return max(_pg_estimate(ArsipIndeks.objects.all()), 1)


def _pg_walk(
    matches, base, visible, sort, offset, per_page, cap, filtered: int, parts=None
) -> _Page:
    """A page newest (or oldest) first, walking the date index (or the unit/date index
    under a unit filter), with an estimated total ("about N"): the matches of the text
    and filters (`filtered`) times the share of the newest filtered rows this reader may
    read (cached per reader and filters)."""
    sampled, readable = _pg_visible_share(base, visible)
    estimate = filtered * readable // max(sampled, 1)
    if estimate >= cap:
        # Many permitted matches: the walk of the date order (or of the unit/date index
        # under a unit filter) ends after about rows × page / estimate rows. The planner
        # does not know it: it multiplies the selectivity of the reader's units by that
        # of the unit filter (the same column twice) and so expects a few hundred
        # matches, and takes a bitmap of every matching row and a sort instead (a
        # one-unit reader's `bencana` in their own unit: 6,600 rows read and sorted,
        # 450 ms at 300,000 rows; the walk reads ~50).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_bitmapscan = off")
    return _pg_newest(matches, sort, offset, per_page, estimate, estimated=True, parts=parts)


def _pg_candidates(matches, parsed, sort, offset, per_page, cap, expected, parts=None) -> _Page:
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
        return _pg_newest(matches, sort, offset, per_page, cap, estimated=False, parts=parts)
    by_date = SORT_OLDEST if sort == SORT_OLDEST else SORT_NEWEST
    if parts is None and cap < expected <= cap * 4:
        # Somewhat more matches expected than can be ranked: the newest CAP + 1 at once
        # (one bitmap of the matches and a top-N sort), rather than CAP + 1 unordered
        # and then the same matches again for the newest (two statements of the same
        # cost). Many more: the walk (`_search_pg_inner`) or the two statements, each of
        # which stops early, cost less than sorting them all.
        order = ("tanggal", "record_id") if by_date == SORT_OLDEST else ("-tanggal", "-record_id")
        rows = list(matches.order_by(*order).values_list(*fields)[: cap + 1])
        if len(rows) > cap:
            page = _page_from_rows(rows, by_date, {}, offset, per_page)
            if page.has_next:  # the page and one more letter are among them
                page.total, page.capped = cap, True
                return page
            return _pg_newest(matches, sort, offset, per_page, cap, estimated=False, parts=parts)
    else:
        rows = list(matches.order_by().values_list(*fields)[: cap + 1])
    if len(rows) <= cap:
        scores = _pg_scores([row[0] for row in rows], parsed) if sort == SORT_RELEVANCE else {}
        return _page_from_rows(rows, sort, scores, offset, per_page)
    # Too many matches to rank: newest first straight from the date index, with LIMIT.
    return _pg_newest(matches, sort, offset, per_page, cap, estimated=False, parts=parts)


def _pg_newest(matches, sort, offset, per_page, total, *, estimated, parts=None) -> _Page:
    sort = SORT_OLDEST if sort == SORT_OLDEST else SORT_NEWEST
    ids, has_next = _walk_letters(
        date_walk(parts or matches, sort),
        offset,
        per_page,
        (offset + per_page + 1) * 20,
    )
    # An estimate never shows fewer results than the pages already seen.
    total = max(total, offset + len(ids) + int(has_next))
    return _Page(ids, total, True, has_next, sort, estimated=estimated)
