"""Structured body blocks (paragraph, list, table, fields, heading) to platypus flowables."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from reportlab.lib.colors import HexColor, black
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Indenter, Paragraph, Spacer, Table, TableStyle

from .errors import RenderError
from .text import Styles, alignment, esc, format_tanggal, letter_label, runs_markup

LIST_STYLES = ("numbered", "lettered", "bullet")
BLOCK_TYPES = ("paragraph", "list", "table", "fields", "heading")
HEADER_FILL = HexColor("#E6E6E6")

_GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
)
_GRID_HEADER = TableStyle(
    [("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL)],
    parent=_GRID,
)
_PLAIN = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]
)


@lru_cache(maxsize=32)
def table_style(styles: Styles, parent: TableStyle | None = None) -> TableStyle:
    """``parent`` (borderless by default) with the family's font as the cell font, so
    reportlab never falls back to its (unembedded) Helvetica default."""
    font = [("FONT", (0, 0), (-1, -1), styles.font, styles.size, styles.leading)]
    return TableStyle(font, parent=parent or _PLAIN)


@lru_cache(maxsize=256)
def para_style(
    base: ParagraphStyle, align: str, indent: float, bullet_width: float, space_after: float
) -> ParagraphStyle:
    """A variant of ``base`` with alignment, left indent and a hanging bullet area."""
    return ParagraphStyle(
        f"{base.name}-{align}-{indent:.1f}-{bullet_width:.1f}-{space_after:.1f}",
        parent=base,
        alignment=alignment(align),
        leftIndent=indent + bullet_width,
        bulletIndent=indent,
        bulletFontName=base.fontName,
        bulletFontSize=base.fontSize,
        spaceAfter=space_after,
    )


def list_label(style: str, index: int, level: int) -> str:
    if style == "numbered":
        return f"{index + 1}." if level % 2 == 0 else f"{index + 1})"
    if style == "lettered":
        return f"{letter_label(index)}." if level % 2 == 0 else f"{letter_label(index)})"
    return "\u2022" if level % 2 == 0 else "-"


def label_width(styles: Styles, labels: list[str], width: float, cap: float = 0.4) -> float:
    widest = max((stringWidth(label, styles.font, styles.size) for label in labels), default=0)
    return min(widest + styles.size * 0.6, width * cap)


def colon_table(
    rows: list[list], styles: Styles, width: float, label_w: float | None = None
) -> Table:
    """A borderless "label : value" table; values may be strings or flowable lists."""
    labels = [row[0] for row in rows]
    label_w = label_w if label_w is not None else label_width(styles, labels, width)
    colon_w = styles.size * 0.8
    data = []
    for label, value in rows:
        cell = Paragraph(esc(value), styles.left) if isinstance(value, str) else value
        data.append([Paragraph(esc(label), styles.left), Paragraph(":", styles.left), cell])
    return Table(
        data,
        colWidths=[label_w, colon_w, width - label_w - colon_w],
        style=table_style(styles),
        hAlign="LEFT",
        splitInRow=1,
    )


def render_blocks(
    blocks: list, styles: Styles, width: float, *, indent: float = 0.0, level: int = 0
) -> list:
    """Flowables for a list of Block dicts (see the renderer contract)."""
    if blocks is None:
        return []
    if not isinstance(blocks, list):
        raise RenderError("A body must be a list of blocks.")
    out: list = []
    for block in blocks:
        out.extend(_render_block(block, styles, width, indent=indent, level=level))
    return out


def _render_block(block, styles: Styles, width: float, *, indent: float, level: int, bullet=None):
    if not isinstance(block, dict):
        raise RenderError("Each body block must be a dict with a 'type'.")
    kind = block.get("type")
    space = styles.size * 0.5
    if kind == "paragraph":
        style = para_style(
            styles.body,
            block.get("align") or "justify",
            indent,
            styles.size * 1.8 if bullet is not None else 0.0,
            space,
        )
        markup = runs_markup(block.get("runs") or [])
        if bullet is not None:
            return [Paragraph(markup, style, bulletText=bullet)]
        return [Paragraph(markup, style)]
    if kind == "heading":
        text = block.get("text")
        if not isinstance(text, str):
            raise RenderError("A heading block needs a 'text' string.")
        base = styles.title if (block.get("align") or "left") == "center" else styles.bold_left
        style = para_style(base, block.get("align") or "left", indent, 0.0, space)
        return [Paragraph(esc(text), style)]
    if kind == "list":
        return _render_list(block, styles, width, indent=indent, level=level)
    if kind == "table":
        return _wrap_indent(_render_table(block, styles, width - indent), indent, space)
    if kind == "fields":
        rows = block.get("rows")
        if not isinstance(rows, list) or not all(
            isinstance(r, (list, tuple)) and len(r) == 2 for r in rows
        ):
            raise RenderError("A fields block needs 'rows' of [label, value] pairs.")
        rows = [[str(label), _value_text(value)] for label, value in rows]
        return _wrap_indent(colon_table(rows, styles, width - indent), indent, space)
    raise RenderError(
        f"Unknown body block type {kind!r}; expected one of {', '.join(BLOCK_TYPES)}."
    )


def _value_text(value) -> str:
    """Dates as "22 November 2026"; None as "-"; anything else as str()."""
    if value is None:
        return "-"
    if isinstance(value, dt.date):
        return format_tanggal(value)
    return str(value)


def _wrap_indent(flowable, indent: float, space: float) -> list:
    if indent:
        return [Indenter(left=indent), flowable, Indenter(left=-indent), Spacer(0, space)]
    return [flowable, Spacer(0, space)]


def _render_list(block, styles: Styles, width: float, *, indent: float, level: int) -> list:
    style = block.get("style") or "numbered"
    if style not in LIST_STYLES:
        raise RenderError(
            f"Unknown list style {style!r}; expected one of {', '.join(LIST_STYLES)}."
        )
    items = block.get("items")
    if not isinstance(items, list):
        raise RenderError("A list block needs 'items': a list of block lists.")
    hang = styles.size * 1.8
    out: list = []
    for index, item in enumerate(items):
        if isinstance(item, dict):
            item = [item]
        if not isinstance(item, list) or not item:
            raise RenderError("Each list item must be a non-empty list of blocks.")
        label = list_label(style, index, level)
        first, *rest = item
        if isinstance(first, dict) and first.get("type") == "paragraph":
            out.extend(
                _render_block(first, styles, width, indent=indent, level=level, bullet=label)
            )
        else:
            empty = {"type": "paragraph", "runs": []}
            out.extend(
                _render_block(empty, styles, width, indent=indent, level=level, bullet=label)
            )
            rest = item
        for sub in rest:
            if isinstance(sub, dict) and sub.get("type") == "list":
                out.extend(_render_list(sub, styles, width, indent=indent + hang, level=level + 1))
            else:
                out.extend(_render_block(sub, styles, width, indent=indent + hang, level=level))
    return out


@lru_cache(maxsize=32)
def _grid_style(styles: Styles, header: bool) -> TableStyle:
    cell = styles.cell
    commands = [
        ("FONT", (0, 0), (-1, -1), cell.fontName, cell.fontSize, cell.leading),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        commands += [
            ("FONT", (0, 0), (-1, 0), styles.bold_font, cell.fontSize, cell.leading),
            ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ]
    return TableStyle(commands, parent=_GRID_HEADER if header else _GRID)


def _cell(text: str, style: ParagraphStyle, width: float):
    """A plain string when it fits on one line (much faster to lay out), else a Paragraph."""
    if "\n" not in text and stringWidth(text, style.fontName, style.fontSize) <= width:
        return text
    return Paragraph(esc(text), style)


def _render_table(block, styles: Styles, width: float) -> Table:
    header = block.get("header") or []
    rows = block.get("rows") or []
    if not isinstance(header, list) or not isinstance(rows, list):
        raise RenderError("A table block needs 'header' and 'rows' lists.")
    columns = len(header) or max((len(r) for r in rows), default=0)
    if not columns:
        raise RenderError("A table block needs at least one column.")
    widths = block.get("widths")
    if widths:
        if len(widths) != columns or any(not isinstance(w, (int, float)) or w <= 0 for w in widths):
            raise RenderError("Table 'widths' must give one positive fraction per column.")
        total = float(sum(widths))
        col_widths = [width * w / total for w in widths]
    else:
        col_widths = [width / columns] * columns
    inner = [w - 6 for w in col_widths]  # minus the cell paddings of _GRID
    data = []
    if header:
        data.append(
            [_cell(str(h), styles.cell_header, w) for h, w in zip(header, inner, strict=True)]
        )
    for row in rows:
        if not isinstance(row, (list, tuple)) or len(row) > columns:
            raise RenderError("Each table row must be a list no longer than the header.")
        cells = [_cell(str(c), styles.cell, w) for c, w in zip(row, inner, strict=False)]
        cells += [""] * (columns - len(cells))
        data.append(cells)
    return Table(
        data,
        colWidths=col_widths,
        repeatRows=1 if header else 0,
        style=_grid_style(styles, bool(header)),
        hAlign="LEFT",
        splitInRow=1,  # a cell taller than a page continues on the next one
    )
