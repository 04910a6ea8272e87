"""The search service: `arsip_search` and the holders of each found letter."""

from __future__ import annotations

import html

from django.db import connection
from django.db.models import Q
from django.utils.safestring import mark_safe

from arsip.models import ArsipIndeks, ArsipRecord
from arsip.permissions import arsip_visibility_q
from arsip.search.query.filters import _filter_q
from arsip.search.query.pages import _search_plain
from arsip.search.query.parse import (
    SORT_NEWEST,
    SORT_RELEVANCE,
    SORTS,
    ArsipHit,
    ArsipHolder,
    ArsipSearchParams,
    ArsipSearchResult,
    ParsedQuery,
    _resolve_units,
    candidate_cap,
    parse_query,
)
from arsip.search.query.postgres import _search_pg
from arsip.search.query.snippets import _highlight, _page_records, _snippet_in
from arsip.search.query.sqlite import _search_sqlite
from arsip.search.query.suggest import arsip_suggestions
from core.models import Pegawai
from core.observability import SEARCH_LATENCY


def _letters_q(keys: set[str]) -> Q:
    """The records of the letters `keys`. On SQLite their ids, read first from the
    letter-key index: the planner's statistics average the key over every row, and
    where most rows have none (records made in bulk) they put thousands of rows behind
    each key, so it read every record of the reader's units instead of the key index
    (a page holding a seed letter: 250 ms for a head of four units at 100,000 rows)."""
    if connection.vendor != "sqlite":
        return Q(surat_kunci__in=sorted(keys))
    letters = ArsipRecord.objects.filter(surat_kunci__in=sorted(keys)).order_by()
    ids = letters.values_list("pk", flat=True)
    return Q(pk__in=list(ids))


def _holders(user: Pegawai, hits: list[ArsipHit], parsed: ParsedQuery) -> None:
    """Fill each hit's holders: the records of the same letter the user may read, with
    their unit's name. One statement for the page (two on SQLite: `_letters_q`), however
    many copies there are; and when a hit shows a recipient copy while the user may read
    the issuer's record, the hit shows the issuer's record instead (one more statement
    for the page)."""
    keys = {hit.record.surat_kunci for hit in hits if hit.record.surat_kunci}
    if not keys:
        return
    found: dict[str, list[ArsipHolder]] = {}
    rows = (
        ArsipRecord.objects.filter(arsip_visibility_q(user), _letters_q(keys))
        .order_by("unit__nama", "pk")
        .values_list("pk", "surat_kunci", "unit__nama", "source_type")
    )
    for pk, key, unit, source_type in rows:
        found.setdefault(key, []).append(ArsipHolder(pk, unit, source_type == "naskah.naskah"))
    swaps: dict[int, int] = {}
    for i, hit in enumerate(hits):
        holders = sorted(found.get(hit.record.surat_kunci, []), key=lambda h: not h.issuer)
        hit.holders = holders
        if holders and holders[0].issuer and holders[0].record_id != hit.record.pk:
            swaps[i] = holders[0].record_id
    if not swaps:
        return
    issuers = (
        ArsipRecord.objects.select_related("unit", "kode_klasifikasi")
        .defer("ocr_teks", "lampiran_teks")
        .in_bulk(sorted(set(swaps.values())))
    )
    for i, pk in swaps.items():
        record = issuers.get(pk)
        if record is None:
            continue
        hit = hits[i]
        hit.record = record
        if parsed.has_text:
            hit.hal_html = mark_safe(_highlight(record.hal, parsed.exact_words, parsed.stems))  # noqa: S308
            found_in_body = _snippet_in(record.isi_teks, parsed.exact_words, parsed.stems)
            if found_in_body is not None:
                hit.snippet_html = mark_safe(found_in_body)  # noqa: S308 - escaped
        else:
            hit.hal_html = mark_safe(html.escape(record.hal))  # noqa: S308


@SEARCH_LATENCY.time()  # naskah_search_duration_seconds (docs/operations.md)
def arsip_search(*, user: Pegawai, params: ArsipSearchParams) -> ArsipSearchResult:
    parsed = _resolve_units(parse_query(params.q))
    cap = candidate_cap()
    per_page = max(1, min(params.per_page, 100))
    page = max(1, min(params.page, cap // per_page))
    offset = (page - 1) * per_page
    sort = params.sort if params.sort in SORTS else SORT_RELEVANCE
    if not parsed.has_text and sort == SORT_RELEVANCE:
        sort = SORT_NEWEST

    filters = _filter_q(params, parsed)
    visible = arsip_visibility_q(user, id_field="record_id")
    qs = ArsipIndeks.objects.filter(visible).filter(filters)
    if not parsed.has_text:
        result = _search_plain(qs, sort, offset, per_page, cap)
    elif connection.vendor == "postgresql":
        base = ArsipIndeks.objects.filter(filters)  # the same filters, without visibility
        result = _search_pg(base, visible, parsed, sort, offset, per_page, cap, params.unit_id)
    else:
        result = _search_sqlite(qs, parsed, sort, offset, per_page, cap)

    hits = []
    for record, snippet in _page_records(result.ids, parsed):
        hal_html = (
            mark_safe(_highlight(record.hal, parsed.exact_words, parsed.stems))  # noqa: S308
            if parsed.has_text
            else mark_safe(html.escape(record.hal))  # noqa: S308
        )
        snippet_html = mark_safe(snippet)  # noqa: S308 - escaped in _highlight/_snippet_head
        hits.append(ArsipHit(record, result.scores.get(record.pk), hal_html, snippet_html))
    _holders(user, hits, parsed)
    suggestions = []
    if not hits and page == 1 and parsed.words:
        suggestions = arsip_suggestions(qs, parsed, params.q)
    return ArsipSearchResult(
        hits=hits,
        total=result.total,
        total_capped=result.capped,
        page=page,
        per_page=per_page,
        has_next=result.has_next,
        sort_applied=result.sort,
        parsed=parsed,
        total_estimated=result.estimated,
        suggestions=suggestions,
    )
