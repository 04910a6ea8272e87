"""Archive search: one public face for both database engines.

- `arsip.search.index`: keeps the full-text index current (PostgreSQL tsvector columns;
  SQLite FTS5 table) — called by the background task and `arsip_reindex`.
- `arsip.search.query`: parses what the user typed and runs the search through the
  visibility filter (`arsip.permissions.arsip_visibility_q`).
"""
