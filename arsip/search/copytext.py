"""Rows in PostgreSQL's COPY text format, made without a connection (so a worker
process can make them and the process holding the connection only sends the bytes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_value(value: object) -> str:
    """One column's text: NULL as \\N, booleans as t/f, dates and times in ISO 8601,
    text with backslash, tab, newline and carriage return escaped."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_ESCAPES)
        return value
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.date):  # datetime too: isoformat keeps the offset
        return value.isoformat()
    return str(value)


def _line(row: tuple) -> str:
    if None not in row:
        # Most rows: str() of each value is its COPY text (PostgreSQL reads True/False
        # and dates and times with a space as well), unless a value holds a character
        # COPY gives a meaning to; then the escaping path.
        line = "\t".join(map(str, row))
        if (
            line.count("\t") == len(row) - 1
            and "\\" not in line
            and "\n" not in line
            and "\r" not in line
        ):
            return line
    return "\t".join(map(copy_value, row))


def copy_lines(rows: Iterable[tuple]) -> bytes:
    """The COPY text of these rows (one line each, columns separated by tabs)."""
    return "".join([_line(row) + "\n" for row in rows]).encode()
