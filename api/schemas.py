"""Shared response shapes."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import Field

# The largest integer the databases store (a signed 64-bit integer; SQLite refuses a larger
# one with an error). Every id or number a caller sends that reaches a query is bounded by
# it, so an out-of-range value is a 422 problem document, not a server error (found by
# Schemathesis against a running instance).
DB_INT_MAX = 2**63 - 1

DbId = Annotated[int, Field(ge=1, le=DB_INT_MAX)]


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
