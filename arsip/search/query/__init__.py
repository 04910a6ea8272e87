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

Modules: `parse` (what was typed, parameters, results), `filters`, `text` (FTS5 match and
tsqueries), `pages` (one result per letter), `postgres`, `sqlite`, `snippets`, `suggest`,
`service` (`arsip_search`). The public names are imported here.
"""

from arsip.search.query.parse import (
    SORT_NEWEST,
    SORT_OLDEST,
    SORT_RELEVANCE,
    SORTS,
    ArsipHit,
    ArsipHolder,
    ArsipSearchParams,
    ArsipSearchResult,
    ParsedQuery,
    candidate_cap,
    parse_query,
)
from arsip.search.query.service import arsip_search
from arsip.search.query.snippets import make_snippet, word_matches
from arsip.search.query.suggest import arsip_suggestions, trigram_similarity
from arsip.search.query.text import fts5_match

__all__ = [
    "SORTS",
    "SORT_NEWEST",
    "SORT_OLDEST",
    "SORT_RELEVANCE",
    "ArsipHit",
    "ArsipHolder",
    "ArsipSearchParams",
    "ArsipSearchResult",
    "ParsedQuery",
    "arsip_search",
    "arsip_suggestions",
    "candidate_cap",
    "fts5_match",
    "make_snippet",
    "parse_query",
    "trigram_similarity",
    "word_matches",
]
