"""The search's filters on the narrow search rows, and letter-number fragments."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from arsip.models import ArsipRecord
from arsip.search.query.parse import ArsipSearchParams, ParsedQuery
from core.models import KodeKlasifikasi

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
        if connection.vendor == "sqlite" and _TRIGRAM_FRAGMENT.match(fragment):
            match = [_fts5_phrase(fragment)]  # a parameter; the statement is a constant
            return Q(record_id__in=RawSQL(_SQLITE_NOMOR_TRGM, match))  # noqa: S611
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

# SQLite: the records whose number holds a fragment, from the trigram index of the
# numbers (migration 0014) instead of LIKE over every number. A quoted fragment is a
# substring match there, case-folded; only fragments of three or more printable ASCII
# characters (trigrams; ASCII so that the folding is LIKE's), others take LIKE.
_SQLITE_NOMOR_TRGM = "SELECT rowid FROM arsip_nomor_trgm WHERE arsip_nomor_trgm MATCH %s"
_TRIGRAM_FRAGMENT = re.compile(r"^[\x21-\x7e]{3,}$")


def _fts5_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
