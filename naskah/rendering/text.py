"""Text helpers: checked Indonesian dates, run markup, paragraph styles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from core.indonesian import tanggal_panjang

from .errors import RenderError
from .fonts import font_family

NBSP = "\u00a0"


def format_tanggal(value: dt.date) -> str:
    """ "22 November 2026" (core.indonesian), a RenderError for anything but a date."""
    if not isinstance(value, dt.date):
        raise RenderError(f"Expected a date, got {type(value).__name__}.")
    return tanggal_panjang(value)


def letter_label(index: int) -> str:
    """0 -> "a", 25 -> "z", 26 -> "aa"."""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("a") + rest) + label
    return label


def esc(text: object) -> str:
    """Escape plain text for reportlab paragraph markup."""
    return escape(str(text))


def runs_markup(runs: list[dict]) -> str:
    """Turn [{"text", "bold", "italic", "underline"}] into escaped paragraph markup."""
    if not isinstance(runs, list):
        raise RenderError("A paragraph's 'runs' must be a list.")
    out = []
    for run in runs:
        if not isinstance(run, dict) or not isinstance(run.get("text"), str):
            raise RenderError("Each run must be a dict with a 'text' string.")
        piece = esc(run["text"]).replace("\n", "<br/>")
        if run.get("underline"):
            piece = f"<u>{piece}</u>"
        if run.get("italic"):
            piece = f"<i>{piece}</i>"
        if run.get("bold"):
            piece = f"<b>{piece}</b>"
        out.append(piece)
    return "".join(out)


@dataclass(frozen=True)
class Styles:
    font: str
    bold_font: str
    size: float
    leading: float
    body: ParagraphStyle
    left: ParagraphStyle
    center: ParagraphStyle
    right: ParagraphStyle
    title: ParagraphStyle
    bold_left: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_header: ParagraphStyle
    small: ParagraphStyle


_ALIGN = {"justify": TA_JUSTIFY, "left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


def alignment(name: str) -> int:
    try:
        return _ALIGN[name]
    except KeyError:
        raise RenderError(f"Unknown paragraph alignment {name!r}.") from None


@lru_cache(maxsize=32)
def styles_for(font_key: str, size: float) -> Styles:
    """Paragraph styles for one font family and body size (cached)."""
    family = font_family(font_key)
    leading = round(size * 1.2, 2)
    table_size = max(size - 1, 8)

    def style(name: str, **kw) -> ParagraphStyle:
        base = {
            "fontName": family.regular,
            "fontSize": size,
            "leading": leading,
            "alignment": TA_LEFT,
            "spaceBefore": 0,
            "spaceAfter": 0,
        }
        base.update(kw)
        return ParagraphStyle(f"{font_key}-{size}-{name}", **base)

    return Styles(
        font=family.regular,
        bold_font=family.bold,
        size=size,
        leading=leading,
        body=style("body", alignment=TA_JUSTIFY, spaceAfter=size * 0.5),
        left=style("left"),
        center=style("center", alignment=TA_CENTER),
        right=style("right", alignment=TA_RIGHT),
        title=style("title", alignment=TA_CENTER, fontName=family.bold),
        bold_left=style("bold_left", fontName=family.bold),
        cell=style("cell", fontSize=table_size, leading=round(table_size * 1.2, 2)),
        cell_center=style(
            "cell_center",
            fontSize=table_size,
            leading=round(table_size * 1.2, 2),
            alignment=TA_CENTER,
        ),
        cell_header=style(
            "cell_header",
            fontSize=table_size,
            leading=round(table_size * 1.2, 2),
            alignment=TA_CENTER,
            fontName=family.bold,
        ),
        small=style("small", fontSize=size * 0.75, leading=size * 0.9),
    )
