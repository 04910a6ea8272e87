"""Shared response shapes."""

from __future__ import annotations

from ninja import Schema


class FieldError(Schema):
    loc: list[str]
    msg: str
    type: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    title_id: str
    title_en: str
    errors: list[FieldError] | None = None


ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}
