"""The drafting editor's minimal markup and the structured body (Block JSON) it becomes.

The body is stored only as Blocks (the renderer contract); never as HTML. The markup:

    A paragraph; lines of one paragraph are joined; a blank line starts the next.
    **bold**, _italic_ inside any text.
    1. numbered item          a. lettered item          - bullet item
    | Header | Header |        (a table: first row is the header, then rows)
    ## Heading
    >> centred paragraph
    Nama :: Budi Santoso      (label rows: consecutive "label :: value" lines form one
    NIP :: 19800101...         aligned "label : value" block, e.g. identity rows)
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
_LETTERED = re.compile(r"^\s*[a-z][.)]\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_LABEL_ROW = re.compile(r"^\s*(?P<label>[^|:\s][^|:]{0,79}?)\s*::(?:\s+(?P<value>.*))?$")
_INLINE = re.compile(r"(\*\*(?P<bold>.+?)\*\*|(?<![\w])_(?P<italic>[^_]+?)_(?![\w]))")

BLOCK_TYPES = {"paragraph", "list", "table", "fields", "heading"}
LIST_STYLES = {"numbered", "lettered", "bullet"}
ALIGNS = {"justify", "left", "center"}


def runs_from_text(text: str) -> list[dict]:
    """Split **bold** and _italic_ markers into runs."""
    runs: list[dict] = []
    pos = 0
    for match in _INLINE.finditer(text):
        if match.start() > pos:
            runs.append(_run(text[pos : match.start()]))
        if match.group("bold") is not None:
            runs.append(_run(match.group("bold"), bold=True))
        else:
            runs.append(_run(match.group("italic"), italic=True))
        pos = match.end()
    if pos < len(text):
        runs.append(_run(text[pos:]))
    return runs or [_run("")]


def _run(text: str, *, bold: bool = False, italic: bool = False) -> dict:
    return {"text": text, "bold": bold, "italic": italic, "underline": False}


def paragraph(text: str, *, align: str = "justify") -> dict:
    return {"type": "paragraph", "runs": runs_from_text(text), "align": align}


def _list_kind(line: str) -> tuple[str, str] | None:
    for style, pattern in (("numbered", _NUMBERED), ("lettered", _LETTERED), ("bullet", _BULLET)):
        match = pattern.match(line)
        if match:
            return style, match.group(1)
    return None


def blocks_from_markup(text: str) -> list[dict]:  # noqa: C901 - a line parser whose states read best together
    """Parse the editor markup into Blocks."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[dict] = []
    para: list[str] = []
    current_list: dict | None = None
    table: dict | None = None
    rows: dict | None = None

    def flush_para():
        nonlocal para
        if para:
            joined = " ".join(s.strip() for s in para)
            if joined.startswith(">>"):
                blocks.append(paragraph(joined[2:].strip(), align="center"))
            else:
                blocks.append(paragraph(joined))
            para = []

    def flush_all():
        nonlocal current_list, table, rows
        flush_para()
        current_list = None
        table = None
        rows = None

    for raw in lines:
        line = raw.rstrip()
        if not line.strip():
            # A blank line ends a paragraph, table or label rows; a list may continue.
            flush_para()
            table = None
            rows = None
            continue
        label_row = _LABEL_ROW.match(line)
        if label_row is not None:
            flush_para()
            current_list = None
            table = None
            if rows is None:
                rows = {"type": "fields", "rows": []}
                blocks.append(rows)
            rows["rows"].append(
                [label_row.group("label"), (label_row.group("value") or "").strip()]
            )
            continue
        rows = None
        stripped = line.strip()
        if stripped.startswith("|"):
            flush_para()
            current_list = None
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue
            if table is None:
                table = {"type": "table", "header": cells, "rows": [], "widths": None}
                blocks.append(table)
            else:
                table["rows"].append(cells)
            continue
        table = None
        if stripped.startswith("## "):
            flush_para()
            current_list = None
            blocks.append({"type": "heading", "text": stripped[3:].strip()})
            continue
        kind = _list_kind(line)
        if kind is not None:
            flush_para()
            style, item_text = kind
            if current_list is None or current_list["style"] != style:
                current_list = {"type": "list", "style": style, "items": []}
                blocks.append(current_list)
            current_list["items"].append([paragraph(item_text.strip())])
            continue
        if current_list is not None and raw[:1] in {" ", "\t"}:
            # An indented line continues the last list item.
            item = current_list["items"][-1][0]
            item["runs"].extend(runs_from_text(" " + stripped))
            continue
        current_list = None
        para.append(stripped)
    flush_all()
    for block in blocks:
        if block["type"] == "table":
            block["widths"] = table_widths(block)
    return blocks


def table_widths(block: dict) -> list[float] | None:
    """Column widths as fractions, by the longest text in each column (a "No." column
    stays narrow); None when the table has a single column."""
    rows = [block.get("header", [])] + block.get("rows", [])
    columns = max((len(r) for r in rows), default=0)
    if columns < 2:
        return None
    longest = [
        min(40, max(4, *(len(r[i]) if i < len(r) else 0 for r in rows))) for i in range(columns)
    ]
    total = sum(longest)
    widths = [round(n / total, 3) for n in longest]
    widths[-1] = round(1 - sum(widths[:-1]), 3)
    return widths


def _text_from_runs(runs: list[dict]) -> str:
    out = []
    for run in runs:
        text = run.get("text", "")
        if run.get("bold"):
            text = f"**{text}**"
        elif run.get("italic"):
            text = f"_{text}_"
        out.append(text)
    return "".join(out)


def markup_from_blocks(blocks: list[dict]) -> str:
    """The inverse of blocks_from_markup, for editing a saved body."""
    parts: list[str] = []
    for block in blocks or []:
        kind = block.get("type")
        if kind == "paragraph":
            text = _text_from_runs(block.get("runs", []))
            parts.append((">> " + text) if block.get("align") == "center" else text)
        elif kind == "heading":
            parts.append("## " + block.get("text", ""))
        elif kind == "list":
            lines = []
            for index, item in enumerate(block.get("items", []), start=1):
                text = " ".join(
                    _text_from_runs(b.get("runs", [])) if b.get("type") == "paragraph" else ""
                    for b in item
                ).strip()
                if block.get("style") == "numbered":
                    marker = f"{index}."
                elif block.get("style") == "lettered":
                    marker = f"{chr(ord('a') + (index - 1) % 26)}."
                else:
                    marker = "-"
                lines.append(f"{marker} {text}")
            parts.append("\n".join(lines))
        elif kind == "table":
            rows = [block.get("header", [])] + block.get("rows", [])
            parts.append("\n".join("| " + " | ".join(r) + " |" for r in rows))
        elif kind == "fields":
            parts.append("\n".join(f"{k} :: {v}".rstrip() for k, v in block.get("rows", [])))
    return "\n\n".join(parts)


def plain_text(blocks: list[dict]) -> list[str]:
    """One line of plain text per paragraph, list item or table row (for diffs)."""
    lines: list[str] = []
    for block in blocks or []:
        kind = block.get("type")
        if kind == "paragraph":
            lines.append("".join(r.get("text", "") for r in block.get("runs", [])))
        elif kind == "heading":
            lines.append(block.get("text", ""))
        elif kind == "list":
            for index, item in enumerate(block.get("items", []), start=1):
                for line in plain_text(item):
                    lines.append(f"{index}. {line}")
        elif kind == "table":
            for row in [block.get("header", [])] + block.get("rows", []):
                lines.append(" | ".join(row))
        elif kind == "fields":
            for label, value in block.get("rows", []):
                lines.append(f"{label}: {value}")
    return lines


def validate_blocks(blocks, *, max_chars: int) -> list[dict]:  # noqa: C901 - the Block contract, one branch per block type
    """Check a Block list has the contract's shape and plain-string text only."""
    if not isinstance(blocks, list):
        raise ValidationError(_("The body must be a list of blocks."))
    total = 0

    def text(value) -> str:
        nonlocal total
        if not isinstance(value, str):
            raise ValidationError(_("Block text must be plain text."))
        total += len(value)
        return value

    def check(block, depth=0):  # noqa: C901 - the Block contract, one branch per block type
        if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
            raise ValidationError(_("Unknown block type."))
        kind = block["type"]
        if kind == "paragraph":
            runs = block.get("runs")
            if not isinstance(runs, list):
                raise ValidationError(_("A paragraph needs runs."))
            for run in runs:
                if not isinstance(run, dict):
                    raise ValidationError(_("A run must be an object."))
                text(run.get("text", ""))
            if block.get("align", "justify") not in ALIGNS:
                raise ValidationError(_("Unknown paragraph alignment."))
        elif kind == "list":
            if block.get("style") not in LIST_STYLES or depth > 3:
                raise ValidationError(_("Unknown list style."))
            for item in block.get("items", []):
                if not isinstance(item, list):
                    raise ValidationError(_("A list item must be a list of blocks."))
                for sub in item:
                    check(sub, depth + 1)
        elif kind == "table":
            for cell in block.get("header", []):
                text(cell)
            for row in block.get("rows", []):
                for cell in row:
                    text(cell)
        elif kind == "fields":
            for row in block.get("rows", []):
                if not isinstance(row, list | tuple) or len(row) != 2:
                    raise ValidationError(_("A field row needs a label and a value."))
                text(row[0])
                text(row[1])
        elif kind == "heading":
            text(block.get("text", ""))

    for block in blocks:
        check(block)
    if total > max_chars:
        raise ValidationError(
            _("The text is too long (%(n)d characters; at most %(max)d).")
            % {"n": total, "max": max_chars}
        )
    return blocks
