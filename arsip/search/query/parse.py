"""Parsing what was typed, the search's parameters and its results."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils.safestring import SafeString

from arsip.models import ArsipRecord
from arsip.search.stemmer import stem, tokenize
from core.models import UnitKerja

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
