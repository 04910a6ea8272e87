"""The archive search used by the search page, the reports and `bench_search`.

How a query runs (same shape on both engines):
1. Parse what was typed: words, "quoted phrases", and letter-number fragments (anything
   with a "/" or a dotted code such as 800.1.2), which go to the number column, never to
   the text index.
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
     the date index with LIMIT and the total shows as "more than CAP".
   - SQLite: the FTS5 match list is counted up to a rank limit. Under it, every match
     is joined to its record for the filters and ranked with bm25 (exact-word columns
     weigh more than stem columns). Over it, matches are read newest-archived first
     (FTS5 walks rowids lazily) with LIMIT, and the total is the number of permitted
     hits among the newest rank-limit matches, shown as "more than".
4. Only the shown page is loaded, and its snippets are highlighted in Python.
"""

from __future__ import annotations

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

from arsip.models import ArsipIndeks, ArsipRecord
from arsip.permissions import arsip_visibility_q
from arsip.search.stemmer import stem, tokenize
from core.models import KodeKlasifikasi, Pegawai
from core.observability import SEARCH_LATENCY

SORT_RELEVANCE = "relevansi"
SORT_NEWEST = "terbaru"
SORT_OLDEST = "terlama"
SORTS = (SORT_RELEVANCE, SORT_NEWEST, SORT_OLDEST)

_NUMBER_FRAGMENT = re.compile(r"^(?=.*\d)[0-9A-Za-z.\-]*[/.][0-9A-Za-z./\-]*$")
_PHRASE = re.compile(r'"([^"]+)"')
# FTS5 column weights: exact subject, body, other text; stemmed subject, body, other.
_BM25 = "bm25(arsip_fts, 10.0, 4.0, 2.0, 5.0, 2.0, 1.0)"


def candidate_cap() -> int:
    return int(getattr(settings, "ARSIP_SEARCH_CANDIDATE_CAP", 1000))


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    number_fragments: tuple[str, ...] = ()

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
    words, numbers = [], []
    for chunk in rest.split():
        if _NUMBER_FRAGMENT.match(chunk):
            numbers.append(chunk.upper())
            continue
        for token in tokenize(chunk):
            if token not in words:
                words.append(token)
    return ParsedQuery(tuple(words[:12]), tuple(phrases[:4]), tuple(numbers[:3]))


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


@dataclass
class ArsipHit:
    record: ArsipRecord
    score: float | None
    hal_html: SafeString
    snippet_html: SafeString


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

    @property
    def last_page(self) -> int:
        return max(1, -(-self.total // self.per_page))


# --- filters ------------------------------------------------------------------------------


def _filter_q(params: ArsipSearchParams, parsed: ParsedQuery) -> Q:
    q = Q()
    if params.tanggal_dari:
        q &= Q(tanggal__gte=params.tanggal_dari)
    if params.tanggal_sampai:
        q &= Q(tanggal__lte=params.tanggal_sampai)
    if params.tahun:
        q &= Q(tanggal__gte=dt.date(params.tahun, 1, 1), tanggal__lte=dt.date(params.tahun, 12, 31))
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
    return q


def _number_q(fragment: str) -> Q:
    """A number pattern: `*` is a wildcard; otherwise a fragment anywhere in the number.
    Runs on the record table (PostgreSQL: trigram GIN on UPPER(nomor); SQLite: the
    covering index on nomor) and hands the ids to the search rows."""
    if "*" in fragment:
        regex = "^" + ".*".join(re.escape(part) for part in fragment.split("*")) + "$"
        lookup = Q(nomor__iregex=regex)
    else:
        lookup = Q(nomor__icontains=fragment)
    return Q(record_id__in=ArsipRecord.objects.filter(lookup).values("pk"))


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


def _pg_queries(parsed: ParsedQuery) -> tuple[SearchQuery, SearchQuery]:
    stem_q = exact_q = None
    if parsed.words:
        words = " ".join(parsed.words)
        stem_q = SearchQuery(words, config="indonesian", search_type="plain")
        exact_q = SearchQuery(words, config="simple", search_type="plain")
    for phrase in parsed.phrases:
        text = " ".join(phrase)
        s = SearchQuery(text, config="indonesian", search_type="phrase")
        e = SearchQuery(text, config="simple", search_type="phrase")
        stem_q = s if stem_q is None else stem_q & s
        exact_q = e if exact_q is None else exact_q & e
    return stem_q, exact_q


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


def _highlight(text: str, exact: set[str], stems: set[str]) -> str:
    out, pos = [], 0
    for match in re.finditer(r"[0-9A-Za-z\u00c0-\u024f]+", text):
        word = match.group(0).lower()
        if word in exact or stem(word) in stems:
            out.append(html.escape(text[pos : match.start()]))
            out.append(f"<mark>{html.escape(match.group(0))}</mark>")
            pos = match.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def make_snippet(record: ArsipRecord, parsed: ParsedQuery) -> str:
    exact, stems = parsed.exact_words, parsed.stems
    for text in (record.isi_teks, record.ocr_teks, record.lampiran_teks):
        if not text:
            continue
        words = text.split()
        for i, word in enumerate(words):
            token = re.sub(r"[^0-9A-Za-z\u00c0-\u024f]", "", word).lower()
            if token and (token in exact or stem(token) in stems):
                start = max(0, i - _WORDS_AROUND // 2)
                piece = " ".join(words[start : start + _WORDS_AROUND])
                prefix = "… " if start else ""
                suffix = " …" if start + _WORDS_AROUND < len(words) else ""
                return prefix + _highlight(piece, exact, stems) + suffix
    body = (record.isi_teks or "").split()
    piece = " ".join(body[:_WORDS_AROUND])
    return html.escape(piece) + (" …" if len(body) > _WORDS_AROUND else "")


# --- the search ---------------------------------------------------------------------------


def _sqlite_rank_limit() -> int:
    return int(getattr(settings, "ARSIP_SEARCH_SQLITE_RANK_LIMIT", 5000))


@dataclass
class _Page:
    ids: list[int]
    total: int
    capped: bool
    has_next: bool
    sort: str
    scores: dict[int, float] = field(default_factory=dict)
    estimated: bool = False


def _sort_rows(rows: list[tuple[int, dt.date]], sort: str, scores: dict[int, float]) -> None:
    if sort == SORT_RELEVANCE:
        rows.sort(key=lambda row: (scores.get(row[0], 0.0), row[1], row[0]), reverse=True)
    elif sort == SORT_NEWEST:
        rows.sort(key=lambda row: (row[1], row[0]), reverse=True)
    else:
        rows.sort(key=lambda row: (row[1], row[0]))


def _page_from_rows(rows, sort, scores, offset, per_page) -> _Page:
    _sort_rows(rows, sort, scores)
    ids = [pk for pk, _ in rows[offset : offset + per_page]]
    return _Page(ids, len(rows), False, offset + per_page < len(rows), sort, scores)


def _search_plain(qs: QuerySet, sort: str, offset: int, per_page: int, cap: int) -> _Page:
    """No words typed: filters only, newest (or oldest) first over the date index."""
    order = ("tanggal", "record_id") if sort == SORT_OLDEST else ("-tanggal", "-record_id")
    total = len(qs.order_by().values_list("record_id", flat=True)[: cap + 1])
    ordered = qs.order_by(*order).values_list("record_id", flat=True)
    rows = list(ordered[offset : offset + per_page + 1])
    return _Page(rows[:per_page], min(total, cap), total > cap, len(rows) > per_page, sort)


def _search_pg(qs, parsed, sort, offset, per_page, cap) -> _Page:
    """Runs with sequential scans switched off for its own transaction: a seq scan tests
    `tsv @@ query` row by row, and every test de-TOASTs a whole tsvector (about 8 µs a
    row, seconds at a million rows) whenever fewer than CAP permitted rows match, while
    the GIN index answers the same test from its posting lists."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return _search_pg_inner(qs, parsed, sort, offset, per_page, cap)


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
    return int(getattr(settings, "ARSIP_SEARCH_PG_COMMON_ROWS", 20000))


def _search_pg_inner(qs, parsed, sort, offset, per_page, cap) -> _Page:
    stem_q, _ = _pg_queries(parsed)
    matches = qs.filter(tsv=stem_q)
    text_estimate = _pg_estimate(ArsipIndeks.objects.filter(tsv=stem_q))
    common = text_estimate > _common_rows()
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
        # a page of matches in a few milliseconds, and show the planner's estimate of the
        # filtered result as the count.
        estimate = max(_pg_estimate(matches), cap)
        return _pg_newest(matches, sort, offset, per_page, estimate, estimated=True)
    rows = list(matches.order_by().values_list("record_id", "tanggal")[: cap + 1])
    if len(rows) <= cap:
        scores = _pg_scores([pk for pk, _ in rows], parsed) if sort == SORT_RELEVANCE else {}
        return _page_from_rows(rows, sort, scores, offset, per_page)
    # Too many matches to rank: newest first straight from the date index, with LIMIT.
    return _pg_newest(matches, sort, offset, per_page, cap, estimated=False)


def _pg_newest(matches, sort, offset, per_page, total, *, estimated) -> _Page:
    sort = SORT_OLDEST if sort == SORT_OLDEST else SORT_NEWEST
    order = ("tanggal", "record_id") if sort == SORT_OLDEST else ("-tanggal", "-record_id")
    ordered = matches.order_by(*order).values_list("record_id", flat=True)
    ids = list(ordered[offset : offset + per_page + 1])
    return _Page(ids[:per_page], total, True, len(ids) > per_page, sort, estimated=estimated)


# FTS5 first (CROSS JOIN keeps that order), newest-archived first: FTS5 walks its rowids
# backwards lazily, so LIMIT stops the scan early; the search row supplies the filters.
_FTS_NEWEST = (
    "SELECT arsip_arsipindeks.record_id, arsip_arsipindeks.tanggal FROM arsip_fts "
    "CROSS JOIN arsip_arsipindeks ON arsip_arsipindeks.record_id = arsip_fts.rowid "
    "WHERE arsip_fts MATCH %s AND {where} ORDER BY arsip_fts.rowid DESC"
)
_FTS_NEWEST_COUNT = (
    "SELECT count(*) FROM (SELECT rowid AS rid FROM arsip_fts WHERE arsip_fts MATCH %s "
    "ORDER BY rowid DESC LIMIT %s) f "
    "CROSS JOIN arsip_arsipindeks ON arsip_arsipindeks.record_id = f.rid WHERE {where}"
)


def _search_sqlite(qs, parsed, sort, offset, per_page, cap) -> _Page:
    """FTS5 matches are read newest-archived first (rowid order, which FTS5 walks
    lazily), joined to the record row for the filters. Up to the rank limit every match
    is ranked with bm25; above it the page is read in archive order with LIMIT and the
    count is the number of hits among the newest `rank limit` matches ("more than")."""
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
                wanted = {pk for pk, _ in rows}
                cursor.execute(
                    f"SELECT rowid, -{_BM25} FROM arsip_fts WHERE arsip_fts MATCH %s",  # noqa: S608
                    [match],
                )
                scores = {pk: float(v) for pk, v in cursor.fetchall() if pk in wanted}
            rows = [(pk, dt.date.fromisoformat(str(day))) for pk, day in rows]
            return _page_from_rows(rows, sort, scores, offset, per_page)
        cursor.execute(
            _FTS_NEWEST_COUNT.format(where=where),
            [match, limit, *params],
        )
        seen = cursor.fetchone()[0]
        cursor.execute(
            _FTS_NEWEST.format(where=where) + " LIMIT %s OFFSET %s",
            [match, *params, per_page + 1, offset],
        )
        ids = [pk for pk, _ in cursor.fetchall()]
    total = max(seen, offset + len(ids[:per_page]))
    return _Page(ids[:per_page], min(total, cap), True, len(ids) > per_page, SORT_NEWEST)


@SEARCH_LATENCY.time()  # naskah_search_duration_seconds (docs/operations.md)
def arsip_search(*, user: Pegawai, params: ArsipSearchParams) -> ArsipSearchResult:
    parsed = parse_query(params.q)
    cap = candidate_cap()
    per_page = max(1, min(params.per_page, 100))
    page = max(1, min(params.page, cap // per_page))
    offset = (page - 1) * per_page
    sort = params.sort if params.sort in SORTS else SORT_RELEVANCE
    if not parsed.has_text and sort == SORT_RELEVANCE:
        sort = SORT_NEWEST

    qs = ArsipIndeks.objects.filter(arsip_visibility_q(user, id_field="record_id")).filter(
        _filter_q(params, parsed)
    )
    if not parsed.has_text:
        result = _search_plain(qs, sort, offset, per_page, cap)
    elif connection.vendor == "postgresql":
        result = _search_pg(qs, parsed, sort, offset, per_page, cap)
    else:
        result = _search_sqlite(qs, parsed, sort, offset, per_page, cap)

    records = ArsipRecord.objects.in_bulk(result.ids)
    hits = []
    for pk in result.ids:
        record = records.get(pk)
        if record is None:
            continue
        hal_html = (
            mark_safe(_highlight(record.hal, parsed.exact_words, parsed.stems))  # noqa: S308
            if parsed.has_text
            else mark_safe(html.escape(record.hal))  # noqa: S308
        )
        snippet = mark_safe(make_snippet(record, parsed))  # noqa: S308 - escaped above
        hits.append(ArsipHit(record, result.scores.get(pk), hal_html, snippet))
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
    )
