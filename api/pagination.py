"""Cursor pagination: the cursor is opaque (signed), so clients cannot craft one and the
server can change what it holds. Lists run one query per page (keyset on the primary key,
or an offset for ranked results such as archive search)."""

from __future__ import annotations

from django.core import signing
from django.utils.translation import gettext_lazy as _

from api.errors import ApiProblem

_SALT = "naskah.api.cursor"
MAX_LIMIT = 100


def encode_cursor(data: dict) -> str:
    return signing.dumps(data, salt=_SALT, compress=True)


def decode_cursor(cursor: str | None, kind: str) -> dict | None:
    if not cursor:
        return None
    try:
        data = signing.loads(cursor, salt=_SALT)
    except signing.BadSignature:
        data = None
    if not isinstance(data, dict) or data.get("k") != kind:
        raise ApiProblem(422, _("The cursor is not valid for this list."), code="invalid_cursor")
    return data


def keyset_page(qs, *, cursor: str | None, limit: int, kind: str, descending: bool = True):
    """(rows, next_cursor) for a queryset ordered by primary key."""
    limit = max(1, min(limit, MAX_LIMIT))
    state = decode_cursor(cursor, kind)
    if state is not None:
        after = state.get("pk")
        qs = qs.filter(pk__lt=after) if descending else qs.filter(pk__gt=after)
    rows = list(qs.order_by("-pk" if descending else "pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    following = encode_cursor({"k": kind, "pk": rows[-1].pk}) if more else None
    return rows, following


def offset_page(items_for, *, cursor: str | None, limit: int, kind: str, extra: dict | None = None):
    """(rows, next_cursor) for ranked results: `items_for(offset, count)` returns a list."""
    limit = max(1, min(limit, MAX_LIMIT))
    state = decode_cursor(cursor, kind) or {}
    if extra and state and state.get("x") != extra:
        raise ApiProblem(422, _("The cursor is not valid for this list."), code="invalid_cursor")
    offset = int(state.get("o", 0))
    rows = list(items_for(offset, limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    following = encode_cursor({"k": kind, "o": offset + limit, "x": extra}) if more else None
    return rows, following
