"""The archive's search (arsip/search/; docs/archive.md)."""

from __future__ import annotations

from core.settings.env import env_bool, env_int

# --- The archive's search (arsip/search/; docs/archive.md) ---------------------------------------
# Update the search index inside the caller's transaction instead of in a task (tests).
ARSIP_INDEX_SYNC = env_bool("ARSIP_INDEX_SYNC", False)
# Matches ranked (and counted exactly) at most; on PostgreSQL the text matches (planner
# estimate) above which the date index is walked, and the newest rows sampled to estimate
# the share a user may read; on SQLite the FTS5 matches ranked with bm25 at most.
ARSIP_SEARCH_CANDIDATE_CAP = env_int("ARSIP_SEARCH_CANDIDATE_CAP", 1000)
ARSIP_SEARCH_PG_COMMON_ROWS = env_int("ARSIP_SEARCH_PG_COMMON_ROWS", 20000)
ARSIP_SEARCH_PG_SHARE_SAMPLE = env_int("ARSIP_SEARCH_PG_SHARE_SAMPLE", 1000)
# How long the reader's share of the newest filtered rows (the scale of an "about N"
# total for very common words) is kept in the cache; 0: never cached.
ARSIP_SEARCH_PG_SHARE_CACHE_SECONDS = env_int("ARSIP_SEARCH_PG_SHARE_CACHE_SECONDS", 300)
ARSIP_SEARCH_SQLITE_RANK_LIMIT = env_int("ARSIP_SEARCH_SQLITE_RANK_LIMIT", 5000)
