"""The archive search used by the search page, the reports and `bench_search`.

How a query runs (same shape on both engines):
1. Parse what was typed: words, "quoted phrases", letter-number fragments (a "/" or a
   dot and a digit, such as 3470/BAPPEDA or 800.1.2), which go to the number column,
   never to the text index; unit-code fragments (`/DISKOMINFOTIK/`, or a unit's code
   typed in capitals), which go to the number's unit part; years typed as words, which
   filter by the letter's year. Words and stems come from `arsip.search.stemmer`, the
   same on both engines.
2. Filters first, on the narrow search rows (`ArsipIndeks`), never on the wide record
   rows: visibility for this user (`arsip_visibility_q`), date range, year, letter
   type, unit, classification code, urgency, security class, status; sender/recipient
   and number pattern run on the record table as id subqueries.
3. Candidates, bounded so that no query ranks or counts an unbounded set:
   - PostgreSQL: at most `CANDIDATE_CAP` + 1 matching ids are fetched without
     ordering. If they fit under the cap, every candidate is ranked (ts_rank on the
     exact-word vector counts twice, plus the stemmed one) or sorted by date, and the
     total is exact. If not (very common words), ranking every match would cost
     hundreds of milliseconds at a million records, so the newest matches are read from
     the date index with LIMIT and the total shows as "more than CAP". Words so common
     that even collecting CAP candidates is slow go straight to that walk, and the total
     is estimated ("about"): the text's matches times the user's share of the newest
     filtered rows.
   - SQLite: the FTS5 match list is counted up to a rank limit. Under it, every match
     is joined to its record for the filters and ranked with bm25 (exact-word columns
     weigh more than stem columns). Over it, matches are read newest-archived first
     (FTS5 walks rowids lazily) with LIMIT, and the total is estimated from the
     permitted hits among the newest rank-limit matches ("about").
4. Only the shown page is loaded (with unit and code, long texts deferred), and its
   snippets are highlighted in Python. A query that finds nothing offers "did you mean"
   suggestions, each checked to find a record the user may open.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils.safestring import SafeString, mark_safe

from arsip.models import ArsipIndeks, ArsipKata, ArsipRecord
from arsip.permissions import arsip_visibility_q
from arsip.search.index import trigrams
from arsip.search.stemmer import stem, tokenize
from core.models import KodeKlasifikasi, Pegawai, UnitKerja
from core.observability import SEARCH_LATENCY

SORT_RELEVANCE = "relevansi"
SORT_NEWEST = "terbaru"
SORT_OLDEST = "terlama"
SORTS = (SORT_RELEVANCE, SORT_NEWEST, SORT_OLDEST)

# A letter-number fragment: a "/" or a dot with a digit somewhere (`3470/BAPPEDA`,
# `800.1.2`). They search the number, never the text index.
_NUMBER_FRAGMENT = re.compile(r"^(?=.*\d)[0-9A-Za-z.\-]*[/.][0-9A-Za-z./\-]*$")
# A unit-code fragment: a code with a slash before or after it (`/DISKOMINFOTIK/`,
# `/DISKOMINFOTIK`). Letters on both sides of a slash (`dan/atau`) stay words.
_UNIT_FRAGMENT = re.compile(
    r"^(?:/([A-Za-z][A-Za-z\-]*[A-Za-z])/?|([A-Za-z][A-Za-z\-]*[A-Za-z])/)$"
)
# A unit code typed on its own in capitals (`DISKOMINFOTIK`): searched in the number's
# unit part when it is the code of a unit.
_UNIT_WORD = re.compile(r"^[A-Z][A-Z0-9\-]{1,39}$")
# A year typed as a word filters by the letter's year.
_YEAR = re.compile(r"^(19|20)\d\d$")
_PHRASE = re.compile(r'"([^"]+)"')
# FTS5 column weights: exact subject, body, other text; stemmed subject, body, other.
_BM25 = "bm25(arsip_fts, 10.0, 4.0, 2.0, 5.0, 2.0, 1.0)"


def candidate_cap() -> int:
    return int(settings.ARSIP_SEARCH_CANDIDATE_CAP)


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    number_fragments: tuple[str, ...] = ()
    # Unit parts of the number: each entry is the set of codes one fragment stands for.
    units: tuple[tuple[str, ...], ...] = ()
    years: tuple[int, ...] = ()
    # Words typed in capitals that may be unit codes (resolved by `_resolve_units`).
    unit_words: tuple[str, ...] = ()

    @property
    def has_text(self) -> bool:
        return bool(self.words or self.phrases)

    @property
    def exact_words(self) -> set[str]:
        return set(self.words) | {w for p in self.phrases for w in p}

    @property
    def stems(self) -> set[str]:
        return {stem(w) for w in self.exact_words}


def parse_query(text: str) -> ParsedQuery:
    text = (text or "").strip()[:500]
    phrases = []
    for raw in _PHRASE.findall(text):
        tokens = tuple(tokenize(raw))
        if len(tokens) == 1:
            text += f" {tokens[0]}"
        elif tokens:
            phrases.append(tokens)
    rest = _PHRASE.sub(" ", text)
    words, numbers, units, years, unit_words = [], [], [], [], []
    for chunk in rest.split():
        unit = _UNIT_FRAGMENT.match(chunk)
        if unit:
            units.append(((unit.group(1) or unit.group(2)).upper(),))
            continue
        if _NUMBER_FRAGMENT.match(chunk):
            numbers.append(chunk.upper())
            continue
        if _YEAR.match(chunk):
            if int(chunk) not in years:
                years.append(int(chunk))
            continue
        if _UNIT_WORD.match(chunk) and len(chunk) >= 3 and chunk not in unit_words:
            unit_words.append(chunk)
        for token in tokenize(chunk):
            if token not in words:
                words.append(token)
    return ParsedQuery(
        tuple(words[:12]),
        tuple(phrases[:4]),
        tuple(numbers[:3]),
        units=tuple(units[:3]),
        years=tuple(years[:4]),
        unit_words=tuple(unit_words[:3]),
    )


def _resolve_units(parsed: ParsedQuery) -> ParsedQuery:
    """Unit-code fragments stand for the unit and the units below it whose codes extend
    it (`DISKOMINFOTIK` also means `DISKOMINFOTIK-APTIKA`); a word typed in capitals
    that is a unit's code becomes such a fragment instead of a text word. One statement
    over the units, only when the query has a unit fragment or a word in capitals."""
    wanted = {codes[0] for codes in parsed.units} | set(parsed.unit_words)
    if not wanted:
        return parsed
    q = Q(kode__in=wanted)
    for code in wanted:
        q |= Q(kode__startswith=code + "-")
    known = set(UnitKerja.objects.filter(q).values_list("kode", flat=True))

    def family(code: str) -> tuple[str, ...]:
        return tuple(sorted({code} | {k for k in known if k.startswith(code + "-")}))

    units = [family(codes[0]) for codes in parsed.units]
    words = list(parsed.words)
    for word in parsed.unit_words:
        if word in known:
            units.append(family(word))
            for token in tokenize(word):
                if token in words:
                    words.remove(token)
    return dataclasses.replace(parsed, words=tuple(words), units=tuple(units[:3]))


@dataclass
class ArsipSearchParams:
    q: str = ""
    tanggal_dari: dt.date | None = None
    tanggal_sampai: dt.date | None = None
    tahun: int | None = None
    jenis_kode: str = ""
    unit_id: int | None = None
    kode_klasifikasi: str = ""
    urgensi: str = ""
    klasifikasi_keamanan: str = ""
    status: str = ""
    pihak: str = ""
    nomor: str = ""
    berkas_id: int | None = None
    sort: str = SORT_RELEVANCE
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class ArsipHolder:
    """One unit that holds a copy of a found letter (a record this user may read)."""

    record_id: int
    unit: str
    issuer: bool


@dataclass
class ArsipHit:
    record: ArsipRecord
    score: float | None
    hal_html: SafeString
    snippet_html: SafeString
    # Every copy of the letter this user may read, the issuer's first (one statement for
    # the page: `_holders`).
    holders: list[ArsipHolder] = field(default_factory=list)


@dataclass
class ArsipSearchResult:
    hits: list[ArsipHit]
    total: int
    total_capped: bool
    page: int
    per_page: int
    has_next: bool
    sort_applied: str
    parsed: ParsedQuery = field(default_factory=ParsedQuery)
    total_estimated: bool = False
    # "Did you mean": whole queries with one word replaced, each finding a record.
    suggestions: list[str] = field(default_factory=list)

    @property
    def last_page(self) -> int:
        return max(1, -(-self.total // self.per_page))


# --- filters ------------------------------------------------------------------------------


def _filter_q(params: ArsipSearchParams, parsed: ParsedQuery) -> Q:  # noqa: C901 - one independent `if` per search filter
    q = Q()
    if params.tanggal_dari:
        q &= Q(tanggal__gte=params.tanggal_dari)
    if params.tanggal_sampai:
        q &= Q(tanggal__lte=params.tanggal_sampai)
    if params.tahun:
        q &= Q(tanggal__gte=dt.date(params.tahun, 1, 1), tanggal__lte=dt.date(params.tahun, 12, 31))
    if parsed.years:
        # A year typed as a word: the letter's year (any of those typed).
        years = Q()
        for year in parsed.years:
            years |= Q(tanggal__gte=dt.date(year, 1, 1), tanggal__lte=dt.date(year, 12, 31))
        q &= years
    if params.jenis_kode:
        q &= Q(jenis_kode=params.jenis_kode)
    if params.unit_id:
        q &= Q(unit_id=params.unit_id)
    if params.kode_klasifikasi:
        kode = params.kode_klasifikasi.strip()
        codes = KodeKlasifikasi.objects.filter(Q(kode=kode) | Q(kode__startswith=kode + "."))
        q &= Q(kode_klasifikasi_id__in=codes.values("pk"))
    if params.urgensi:
        q &= Q(urgensi=params.urgensi)
    if params.klasifikasi_keamanan:
        q &= Q(klasifikasi_keamanan=params.klasifikasi_keamanan)
    if params.status:
        q &= Q(status=params.status)
    if params.berkas_id:
        q &= Q(record_id__in=ArsipRecord.objects.filter(berkas_id=params.berkas_id).values("pk"))
    if params.pihak.strip():
        pihak = params.pihak.strip()
        parties = ArsipRecord.objects.filter(
            Q(pengirim__icontains=pihak) | Q(penerima__icontains=pihak)
        )
        q &= Q(record_id__in=parties.values("pk"))
    fragments = list(parsed.number_fragments)
    if params.nomor.strip():
        fragments.append(params.nomor.strip().upper())
    for fragment in fragments:
        q &= _number_q(fragment)
    for codes in parsed.units:
        # The number's structured unit part on the search row (btree
        # `arsip_idx_nomor_unit`), not a trigram scan of the whole number.
        q &= Q(nomor_unit__in=codes)
    return q


# The head of a number's classification part: digits and dots with at least one dot,
# optionally closed by the slash that ends the part (`000.1`, `800.1.2.`, `000.1.2/`).
_CODE_HEAD = re.compile(r"^([0-9][0-9.]*\.[0-9.]*)(/?)$")


def _prefix_q(field: str, prefix: str) -> Q:
    """`field` starts with `prefix`, as a btree range: LIKE 'x%' on PostgreSQL (the
    varchar_pattern_ops indexes; a plain `>=`/`<` range would follow the database's
    collation, which need not order by bytes), a binary range on SQLite (whose LIKE is
    case-insensitive and so cannot use an ordinary index)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": prefix})
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})


def _number_q(fragment: str) -> Q:
    """A number pattern: `*` is a wildcard; otherwise a fragment anywhere in the number.

    A fragment that is the head of a classification part (`000.1`, `000.1.2/`) is
    searched in the search row's `nomor_kode`: a prefix range (the part itself when the
    slash closes it; btree `arsip_idx_nomor_kode`), so `0.1` is no longer found inside
    `000.1`. Numbers without structured parts (other organisations' numbers) are still
    searched anywhere in the number, as every other fragment is: on the record table
    (PostgreSQL: trigram GIN on UPPER(nomor), partial for the unstructured numbers;
    SQLite: the covering index on nomor), ids handed to the search rows."""
    if "*" in fragment:
        regex = "^" + ".*".join(re.escape(part) for part in fragment.split("*")) + "$"
        return Q(record_id__in=ArsipRecord.objects.filter(nomor__iregex=regex).values("pk"))
    head = _CODE_HEAD.match(fragment)
    if head is None:
        lookup = Q(nomor__icontains=fragment)
        return Q(record_id__in=ArsipRecord.objects.filter(lookup).values("pk"))
    code, closed = head.groups()
    structured = Q(nomor_kode=code) if closed else _prefix_q("nomor_kode", code)
    # The unstructured numbers holding the fragment, fetched first (one statement over a
    # partial trigram index on PostgreSQL): as a list of ids the condition stays an
    # index condition (a BitmapOr of the code range and the primary key), where a
    # subquery would be tested row by row. Very many of them: left a subquery.
    free = ArsipRecord.objects.filter(nomor_kode="", nomor__icontains=fragment)
    ids = list(free.values_list("pk", flat=True)[: _FREE_IDS + 1])
    if len(ids) > _FREE_IDS:
        return structured | Q(record_id__in=free.values("pk"))
    return structured | Q(record_id__in=ids) if ids else structured


_FREE_IDS = 500


# --- text matching ------------------------------------------------------------------------


def _fts5_string(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts5_match(parsed: ParsedQuery) -> str:
    """FTS5 query: every word (and phrase) must occur, either exactly or as a stem."""
    parts = []
    for word in parsed.words:
        parts.append(
            f"({{hal isi lain}} : {_fts5_string(word)} OR "
            f"{{hal_s isi_s lain_s}} : {_fts5_string(stem(word))})"
        )
    for phrase in parsed.phrases:
        exact = " ".join(phrase)
        stems = " ".join(stem(w) for w in phrase)
        parts.append(
            f"({{hal isi lain}} : {_fts5_string(exact)} OR "
            f"{{hal_s isi_s lain_s}} : {_fts5_string(stems)})"
        )
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


def _pg_scores(ids: list[int], parsed: ParsedQuery) -> dict[int, float]:
    """Relevance for a bounded candidate list: exact-word rank counts twice."""
    if not ids:
        return {}
    stem_q, exact_q = _pg_queries(parsed)
    rank = SearchRank(F("tsv_exact"), exact_q) * 2.0 + SearchRank(F("tsv"), stem_q)
    rows = (
        ArsipIndeks.objects.filter(record_id__in=ids)
        .annotate(score=rank)
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


# --- snippets -----------------------------------------------------------------------------

_WORDS_AROUND = 14
_NOT_WORD = re.compile(r"[^0-9A-Za-z\u00c0-\u024f]")


def word_matches(word: str, exact: set[str], stems: set[str]) -> bool:
    """Whether a lower-case word of a shown text matches the query: exactly, or by stem.
    The stemmer only strips affixes and recodes a root's first letter (*mengirim* →
    *kirim*), so a word can only stem to `s` if it holds `s` without its first letter:
    words that hold none of them are not stemmed at all (a cold PySastrawi call costs
    about a millisecond, and a page shows hundreds of words)."""
    if word in exact:
        return True
    return any(s[1:] in word for s in stems) and stem(word) in stems


def _highlight(text: str, exact: set[str], stems: set[str]) -> str:
    out, pos = [], 0
    for match in re.finditer(r"[0-9A-Za-z\u00c0-\u024f]+", text):
        word = match.group(0).lower()
        if word_matches(word, exact, stems):
            out.append(html.escape(text[pos : match.start()]))
            out.append(f"<mark>{html.escape(match.group(0))}</mark>")
            pos = match.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _snippet_in(text: str, exact: set[str], stems: set[str]) -> str | None:
    words = (text or "").split()
    for i, word in enumerate(words):
        token = _NOT_WORD.sub("", word).lower()
        if token and word_matches(token, exact, stems):
            start = max(0, i - _WORDS_AROUND // 2)
            piece = " ".join(words[start : start + _WORDS_AROUND])
            prefix = "… " if start else ""
            suffix = " …" if start + _WORDS_AROUND < len(words) else ""
            return prefix + _highlight(piece, exact, stems) + suffix
    return None


def _snippet_head(record: ArsipRecord) -> str:
    body = (record.isi_teks or "").split()
    piece = " ".join(body[:_WORDS_AROUND])
    return html.escape(piece) + (" …" if len(body) > _WORDS_AROUND else "")


def make_snippet(record: ArsipRecord, parsed: ParsedQuery, other: tuple = ()) -> str:
    """A highlighted piece of the body, or else of `other` texts (OCR and attachment
    text, passed in: the page does not load them with the records)."""
    exact, stems = parsed.exact_words, parsed.stems
    for text in (record.isi_teks, *other):
        found = _snippet_in(text, exact, stems) if text else None
        if found is not None:
            return found
    return _snippet_head(record)


def _page_records(ids: list[int], parsed: ParsedQuery) -> list[tuple[ArsipRecord, str]]:
    """The page's records with unit and classification code (one statement), their long
    OCR and attachment text deferred; those are read (one more statement) only for the
    records whose subject and body hold no matching word."""
    records = (
        ArsipRecord.objects.select_related("unit", "kode_klasifikasi")
        .defer("ocr_teks", "lampiran_teks")
        .in_bulk(ids)
    )
    ordered = [records[pk] for pk in ids if pk in records]
    snippets: dict[int, str | None] = {}
    for record in ordered:
        found = None
        if parsed.has_text and record.isi_teks:
            found = _snippet_in(record.isi_teks, parsed.exact_words, parsed.stems)
        snippets[record.pk] = found
    # OCR and attachment text only for records whose subject and body hold no match
    # (a match in the subject is highlighted there; the body's start is the snippet).
    missing = [
        r.pk
        for r in ordered
        if snippets[r.pk] is None
        and not any(word_matches(t, parsed.exact_words, parsed.stems) for t in tokenize(r.hal))
    ]
    if parsed.has_text and missing:
        others = ArsipRecord.objects.filter(pk__in=missing).values_list(
            "pk", "ocr_teks", "lampiran_teks"
        )
        for pk, ocr, lampiran in others:
            for text in (ocr, lampiran):
                found = _snippet_in(text, parsed.exact_words, parsed.stems) if text else None
                if found is not None:
                    snippets[pk] = found
                    break
    return [(r, snippets[r.pk] or _snippet_head(r)) for r in ordered]


# --- the search ---------------------------------------------------------------------------


def _sqlite_rank_limit() -> int:
    return int(settings.ARSIP_SEARCH_SQLITE_RANK_LIMIT)


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
        return _pg_newest(matches, sort, offset, per_page, estimate, estimated=True)
    rows = list(matches.order_by().values_list("record_id", "tanggal", "surat_kunci")[: cap + 1])
    if len(rows) <= cap:
        scores = _pg_scores([row[0] for row in rows], parsed) if sort == SORT_RELEVANCE else {}
        return _page_from_rows(rows, sort, scores, offset, per_page)
    # Too many matches to rank: newest first straight from the date index, with LIMIT.
    return _pg_newest(matches, sort, offset, per_page, cap, estimated=False)


def _pg_newest(matches, sort, offset, per_page, total, *, estimated) -> _Page:
    sort = SORT_OLDEST if sort == SORT_OLDEST else SORT_NEWEST
    order = ("tanggal", "record_id") if sort == SORT_OLDEST else ("-tanggal", "-record_id")
    ordered = matches.order_by(*order).values_list("record_id", "surat_kunci")
    ids, has_next = _walk_letters(
        lambda start, n: list(ordered[start : start + n]),
        offset,
        per_page,
        (offset + per_page + 1) * 20,
    )
    # An estimate never shows fewer results than the pages already seen.
    total = max(total, offset + len(ids) + int(has_next))
    return _Page(ids, total, True, has_next, sort, estimated=estimated)


# FTS5 first (CROSS JOIN keeps that order), newest-archived first: FTS5 walks its rowids
# backwards lazily, so LIMIT stops the scan early; the search row supplies the filters.
_FTS_NEWEST = (
    "SELECT arsip_arsipindeks.record_id, arsip_arsipindeks.tanggal, "
    "arsip_arsipindeks.surat_kunci FROM arsip_fts "
    "CROSS JOIN arsip_arsipindeks ON arsip_arsipindeks.record_id = arsip_fts.rowid "
    "WHERE arsip_fts MATCH %s AND {where} ORDER BY arsip_fts.rowid DESC"
)
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
    where, params = _where(qs)
    limit = _sqlite_rank_limit()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT rowid FROM arsip_fts WHERE arsip_fts MATCH %s LIMIT %s)",
            [match, limit + 1],
        )
        n_match = cursor.fetchone()[0]
        if n_match <= limit:
            cursor.execute(_FTS_NEWEST.format(where=where), [match, *params])
            rows = cursor.fetchall()
            scores = {}
            if sort == SORT_RELEVANCE and rows:
                wanted = {row[0] for row in rows}
                cursor.execute(
                    f"SELECT rowid, -{_BM25} FROM arsip_fts WHERE arsip_fts MATCH %s",  # noqa: S608
                    [match],
                )
                scores = {pk: float(v) for pk, v in cursor.fetchall() if pk in wanted}
            rows = [(pk, dt.date.fromisoformat(str(day)), key) for pk, day, key in rows]
            return _page_from_rows(rows, sort, scores, offset, per_page)
        cursor.execute(
            _FTS_NEWEST_COUNT.format(where=where),
            [match, limit, *params],
        )
        seen, lowest, first_id, last_id = cursor.fetchone()

        def fetch(start: int, n: int) -> list[tuple[int, str]]:
            cursor.execute(
                _FTS_NEWEST.format(where=where) + " LIMIT %s OFFSET %s",
                [match, *params, n, start],
            )
            return [(pk, key) for pk, _, key in cursor.fetchall()]

        ids, has_next = _walk_letters(fetch, offset, per_page, (offset + per_page + 1) * 20)
    span = max(1, (last_id or 0) - (lowest or 0) + 1)
    whole = max(span, (last_id or 0) - (first_id or 0) + 1)
    total = max(seen * whole // span, offset + len(ids) + int(has_next))
    return _Page(ids, total, True, has_next, SORT_NEWEST, estimated=True)


# --- "did you mean" -----------------------------------------------------------------------

SUGGEST_SIMILARITY = 0.3  # pg_trgm's default similarity threshold
_SUGGEST_CANDIDATES = 2  # per unknown word
_SUGGEST_MAX = 3


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm's `similarity` for single lower-case words: shared trigrams / all."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


# SQLite: the vocabulary words sharing trigrams with the typed word, by pg_trgm's
# similarity (shared / (theirs + ours - shared)) over the trigram table, as `%` and
# `similarity` do on PostgreSQL.
_SQLITE_NEAR = (
    "SELECT kata FROM (SELECT kata, count(*) * 1.0 / (n + %s - count(*)) AS sim "
    "FROM arsip_kata_trgm WHERE trigram IN ({marks}) GROUP BY kata, n) "
    "WHERE sim >= %s ORDER BY sim DESC, kata LIMIT 20"
)


def _vocabulary_near(word: str) -> list[str]:
    """The words of the search vocabulary most like `word`, best first: the 20 most
    similar by trigrams (PostgreSQL: pg_trgm's `%` and `similarity` over the trigram
    index; SQLite: the same measure over the trigram table), then ranked in Python."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT kata FROM arsip_arsipkata WHERE kata %% %s "
                "ORDER BY similarity(kata, %s) DESC, kata LIMIT 20",
                [word, word],
            )
        else:
            grams = sorted(trigrams(word))
            marks = ", ".join(["%s"] * len(grams))
            cursor.execute(
                _SQLITE_NEAR.format(marks=marks), [len(grams), *grams, SUGGEST_SIMILARITY]
            )
        candidates = [row[0] for row in cursor.fetchall()]
    ranked = sorted(
        ((trigram_similarity(word, c), c) for c in candidates if c != word),
        key=lambda item: (-item[0], item[1]),
    )
    return [c for sim, c in ranked if sim >= SUGGEST_SIMILARITY][:_SUGGEST_CANDIDATES]


def _finds_any(qs: QuerySet, parsed: ParsedQuery) -> bool:
    """Whether `parsed` finds at least one record of `qs` (the user's visible, filtered
    search rows): one statement."""
    if connection.vendor == "postgresql":
        stem_q, _ = _pg_queries(parsed)
        return qs.filter(tsv=stem_q).exists()
    where, params = _where(qs)
    with connection.cursor() as cursor:
        cursor.execute(_FTS_NEWEST.format(where=where) + " LIMIT 1", [fts5_match(parsed), *params])
        return cursor.fetchone() is not None


def arsip_suggestions(qs: QuerySet, parsed: ParsedQuery, text: str) -> list[str]:
    """ "Did you mean": for a query that found nothing, the typed text with its unknown
    words (not in the search vocabulary) replaced by similar vocabulary words: first every
    unknown word by its closest word (when two or more were unknown), then one word at a
    time; each suggestion is offered only if it finds a record this user may open
    (checked, so a suggestion never reveals a word of a record the user cannot read)."""
    candidates = [w for w in parsed.words if w.isalpha() and 4 <= len(w) <= 40]
    if not candidates:
        return []
    known = set(ArsipKata.objects.filter(kata__in=candidates).values_list("kata", flat=True))
    near = {w: _vocabulary_near(w) for w in candidates if w not in known}
    near = {w: others for w, others in near.items() if others}
    tries: list[dict[str, str]] = []
    if len(near) > 1:
        tries.append({w: others[0] for w, others in near.items()})
    tries += [{w: other} for w, others in near.items() for other in others]
    out: list[str] = []
    for replace in tries:
        words = tuple(replace.get(w, w) for w in parsed.words)
        if not _finds_any(qs, dataclasses.replace(parsed, words=words)):
            continue
        suggestion = text.strip()
        for word, other in replace.items():
            pattern = re.compile(rf"(?<![0-9A-Za-z]){re.escape(word)}(?![0-9A-Za-z])", re.I)
            suggestion = pattern.sub(other, suggestion, count=1)
        if suggestion not in out:
            out.append(suggestion)
        if len(out) >= _SUGGEST_MAX:
            break
    return out


def _holders(user: Pegawai, hits: list[ArsipHit], parsed: ParsedQuery) -> None:
    """Fill each hit's holders: the records of the same letter the user may read, with
    their unit's name. One statement for the page, however many copies there are; and
    when a hit shows a recipient copy while the user may read the issuer's record, the
    hit shows the issuer's record instead (one more statement for the page)."""
    keys = {hit.record.surat_kunci for hit in hits if hit.record.surat_kunci}
    if not keys:
        return
    found: dict[str, list[ArsipHolder]] = {}
    rows = (
        ArsipRecord.objects.filter(arsip_visibility_q(user), surat_kunci__in=sorted(keys))
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
    qs = ArsipIndeks.objects.filter(arsip_visibility_q(user, id_field="record_id")).filter(filters)
    if not parsed.has_text:
        result = _search_plain(qs, sort, offset, per_page, cap)
    elif connection.vendor == "postgresql":
        base = ArsipIndeks.objects.filter(filters)  # the same filters, without visibility
        result = _search_pg(qs, base, parsed, sort, offset, per_page, cap)
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
