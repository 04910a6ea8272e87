"""Pages of letters: one result per letter (`surat_kunci`), ordering and walking."""

from __future__ import annotations

from dataclasses import dataclass, field

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


# Rows read per step when walking an ordered list for whole letters (copies of a letter
# share its date, so they lie together in date order).
_WALK_CHUNK = 200


def _walk_letters(fetch, offset: int, per_page: int, max_rows: int) -> tuple[list[int], bool]:
    """Walk an ordered list of (record id, letter key) rows, read `fetch(start, n)` rows at
    a time, until the page's letters and one more are found (or `max_rows` were read):
    (record ids of the page's letters, whether there is a next page)."""
    wanted = offset + per_page + 1
    seen: set[str] = set()
    firsts: list[int] = []
    start = 0
    while len(firsts) < wanted and start < max_rows:
        n = min(max(_WALK_CHUNK, (wanted - len(firsts)) * 2), max_rows - start)
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


def _search_plain(qs: QuerySet, sort: str, offset: int, per_page: int, cap: int) -> _Page:
    """No words typed: filters only, newest (or oldest) first over the date index."""
    order = ("tanggal", "record_id") if sort == SORT_OLDEST else ("-tanggal", "-record_id")
    letters = qs.order_by().values_list(_letter_expression(), flat=True).distinct()
    total = len(letters[: cap + 1])
    ordered = qs.order_by(*order).values_list("record_id", "surat_kunci")
    ids, has_next = _walk_letters(
        lambda start, n: list(ordered[start : start + n]), offset, per_page, cap * 4
    )
    return _Page(ids, min(total, cap), total > cap, has_next, sort)


def _letter_expression():
    """The letter key as SQL (the record id for rows without one), for counting letters."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Coalesce, Concat, NullIf

    return Coalesce(
        NullIf(F("surat_kunci"), Value("")),
        Concat(Value("#"), Cast("record_id", CharField())),
        output_field=CharField(),
    )
