"""Custom flowables: the kop (letterhead) and the signature block grid."""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph
from reportlab.platypus.flowables import Flowable

from .emblems import draw_emblem
from .errors import RenderError
from .signature import SignatureBlock
from .text import Styles, esc

KOP_VARIANTS = ("kepala_daerah", "pemda", "perangkat_daerah", "uptd")


@lru_cache(maxsize=64)
def _kop_style(font: str, size: float, align: int = TA_CENTER) -> ParagraphStyle:
    return ParagraphStyle(
        f"kop-{font}-{size}-{align}",
        fontName=font,
        fontSize=size,
        leading=size * 1.15,
        alignment=align,
    )


# The letterhead fits its text by shrinking a line down to this share of its size before
# breaking it; address lines break only between their parts (see _address_parts).
KOP_MIN_SCALE = 0.8
KOP_MIN_SCALE_ADDRESS = 0.9
KOP_EMBLEM_GAP = 2 * mm
_ADDRESS_BREAK = re.compile(
    r"(?<=,)\s+|\s+(?=(?:Telp\.?|Telepon|Faks(?:imile)?\.?|Fax|Kode\s+Pos|Laman|Website|"
    r"Pos-el|E-?mail|Surel)\b)",
    re.IGNORECASE,
)


def _address_parts(text: str) -> list[str]:
    """An address line cut at its separators (after a comma, before "Telp.", "Kode Pos",
    "Laman", "Pos-el" ...); each part keeps its label with its number."""
    return [part for part in _ADDRESS_BREAK.split(text.strip()) if part]


def _balanced(parts: list[str], fits, joiner: str = " ") -> list[str]:
    """The fewest lines that fit, split as evenly as possible, so that no short last line
    holds a lone postcode or phone number. A part wider than a line stays whole (the
    caller breaks it between words)."""
    n = len(parts)
    if n <= 1:
        return list(parts)
    if n > 14:  # many words: greedy filling is good enough and stays cheap
        lines: list[str] = []
        for part in parts:
            if lines and fits(f"{lines[-1]}{joiner}{part}"):
                lines[-1] = f"{lines[-1]}{joiner}{part}"
            else:
                lines.append(part)
        return lines
    for count in range(1, n + 1):
        best = None
        for cuts in itertools.combinations(range(1, n), count - 1):
            bounds = (0, *cuts, n)
            lines = [joiner.join(parts[a:b]) for a, b in itertools.pairwise(bounds)]
            if not all(fits(line) for line in lines):
                continue
            widths = [fits.width(line) for line in lines]
            score = max(widths) - min(widths)
            if best is None or score < best[0]:
                best = (score, lines)
        if best is not None:
            return best[1]
    return list(parts)


class _Fits:
    def __init__(self, font: str, size: float, width: float):
        self.font, self.size, self.limit = font, size, width

    def width(self, text: str) -> float:
        return stringWidth(text, self.font, self.size)

    def __call__(self, text: str) -> bool:
        return self.width(text) <= self.limit + 0.01


class Kop(Flowable):
    """The letterhead, drawn on the first page only (it is the first flowable).

    The text is centred on the page when every line fits clear of the emblem on both
    sides, shrunk within limits (names down to KOP_MIN_SCALE of their size, address lines
    down to KOP_MIN_SCALE_ADDRESS). Otherwise it is centred in the space beside the
    emblem, each line shrunk within the same limits or else broken: address lines evenly
    between their parts (a postcode or phone number stays with its label and never ends up
    alone on a short last line), other lines between words.
    """

    def __init__(self, kop: dict, styles: Styles, sizes: dict, emblem_mm: float):
        super().__init__()
        variant = kop.get("variant") or "perangkat_daerah"
        if variant not in KOP_VARIANTS:
            raise RenderError(
                f"Unknown kop variant {variant!r}; expected one of {', '.join(KOP_VARIANTS)}."
            )
        lines = kop.get("lines") or []
        if not isinstance(lines, list) or not lines or not all(isinstance(x, str) for x in lines):
            raise RenderError("kop['lines'] must be a non-empty list of strings.")
        address = kop.get("address_lines") or []
        if not isinstance(address, list) or not all(isinstance(x, str) for x in address):
            raise RenderError("kop['address_lines'] must be a list of strings.")
        self.variant = variant
        self.emblem = kop.get("emblem") or ("garuda" if variant == "kepala_daerah" else "daerah")
        self.image = kop.get("emblem_image")
        self.emblem_size = emblem_mm * mm
        bold = styles.bold_font
        regular = styles.font
        # (text, font, size, is_address)
        specs = []
        if variant == "kepala_daerah":
            specs = [(line, bold, sizes["unit"], False) for line in lines]
        else:
            last = len(lines) - 1
            for i, line in enumerate(lines):
                if i == last:
                    size, font = sizes["unit"], bold
                elif i == 0:
                    size, font = sizes["pemda"], regular if last > 0 else bold
                else:
                    size, font = (sizes["pemda"] + sizes["unit"]) / 2, bold
                specs.append((line, font, size, False))
            specs += [(line, regular, sizes["address"], True) for line in address]
        self.specs = specs
        self.rule = variant != "kepala_daerah"

    def naskah_first_word(self) -> str:
        words = self.specs[0][0].split()
        return words[0] if words else ""

    # fitting ---------------------------------------------------------------------------
    def _shrunk(self, text: str, font: str, size: float, address: bool, limit: float):
        """(text, font, size) shrunk within limits to fit ``limit``, or None."""
        least = KOP_MIN_SCALE_ADDRESS if address else KOP_MIN_SCALE
        scale = 1.0
        while scale >= least - 1e-9:
            if _Fits(font, size * scale, limit)(text):
                return (text, font, size * scale)
            scale -= 0.025
        return None

    def _broken(self, text: str, font: str, size: float, address: bool, limit: float):
        """Lines of ``text`` at ``size`` fitting ``limit``: address lines broken evenly
        between their parts, other lines between words."""
        fits = _Fits(font, size, limit)
        parts = _address_parts(text) if address else text.split(" ")
        out = []
        for piece in _balanced(parts, fits):
            if fits(piece):
                out.append((piece, font, size))
            else:  # one part wider than the line: break it between words
                out += [(w, font, size) for w in _balanced(piece.split(" "), fits)]
        return out

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        e = self.emblem_size
        specs = [(" ".join(t.split()), f, s, a) for t, f, s, a in self.specs]
        if self.variant == "kepala_daerah":
            self._left, column = 0.0, avail_width
            page = [self._shrunk(*spec, avail_width) for spec in specs]
        else:
            self._left = e + KOP_EMBLEM_GAP
            column = avail_width - self._left
            page = [self._shrunk(*spec, avail_width - 2 * self._left) for spec in specs]
        if all(page):
            # Every line fits clear of the emblem on both sides: centred on the page.
            self._centre, laid = avail_width / 2, page
        else:
            # Centred in the space beside the emblem, shrunk or broken to fit it.
            self._centre, laid = self._left + column / 2, []
            for spec in specs:
                fitted = self._shrunk(*spec, column)
                laid += [fitted] if fitted else self._broken(*spec, column)
        self._laid = laid
        text_h = sum(size * 1.15 for _t, _f, size in laid)
        self._text_h = text_h
        if self.variant == "kepala_daerah":
            self.height = e * 1.1 + 2 * mm + text_h
        else:
            self.height = max(e, text_h) + 2.5 * mm + 4
        return self.width, self.height

    def line_boxes(self) -> list[tuple[str, float, float, str, float]]:
        """(text, x, width, font, size) of each drawn text line (after wrap), for checks."""
        out = []
        for text, font, size in self._laid:
            w = stringWidth(text, font, size)
            out.append((text, max(self._centre - w / 2, self._left), w, font, size))
        return out

    def draw(self):
        canvas = self.canv
        e = self.emblem_size
        boxes = self.line_boxes()
        if self.variant == "kepala_daerah":
            top = self.height
            draw_emblem(
                canvas, self.emblem, self.image, (self.width - e) / 2, top - e * 1.1, e, e * 1.1
            )
            y = top - e * 1.1 - 2 * mm
        else:
            rule_space = 2.5 * mm + 4
            body_h = self.height - rule_space
            draw_emblem(canvas, self.emblem, self.image, 0, rule_space + (body_h - e), e, e)
            y = rule_space + body_h - (body_h - self._text_h) / 2
        for text, x, _w, font, size in boxes:
            leading = size * 1.15
            y -= leading
            canvas.setFont(font, size)
            canvas.drawString(x, y + leading - size * 0.95, text)
        if self.rule:
            canvas.setLineWidth(2.2)
            canvas.line(0, 4, self.width, 4)
            canvas.setLineWidth(0.7)
            canvas.line(0, 1, self.width, 1)


QR_BORDER = 4  # quiet zone in modules, as QrCodeWidget draws it


@lru_cache(maxsize=256)
def qr_runs(url: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The QR matrix of `url` (error correction M) as (module count, dark runs per row:
    (row, first column, length)). Encoded once per URL: choosing the mask pattern is the
    expensive part, and QrCodeWidget encodes twice (bounds, then drawing)."""
    qr = QRCode(None, QRErrorCorrectLevel.M)
    qr.addData(url)
    qr.make()
    runs = []
    for r, row in enumerate(qr.modules):
        c = 0
        for dark, group in itertools.groupby(bool(v) for v in row):
            count = sum(1 for _ in group)
            if dark:
                runs.append((r, c, count))
            c += count
    return qr.getModuleCount(), tuple(runs)


def draw_qr(canvas, url: str, x: float, y: float, size: float) -> None:
    """Draw the QR code of `url` as one filled path in a size x size square at (x, y)."""
    count, runs = qr_runs(url)
    box = size / (count + 2 * QR_BORDER)
    path = canvas.beginPath()
    for r, c, length in runs:
        path.rect(
            x + (c + QR_BORDER) * box, y + size - (r + QR_BORDER + 1) * box, length * box, box
        )
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


class SignatureGrid(Flowable):
    """One or more signature blocks, kept together on one page.

    A single block sits on the right, starting at ``x_frac`` of the text width. Several
    blocks (Berita Acara parties) sit two per row; an odd last block is centred.
    ``lines_before`` (place and date, or "Ditetapkan di ...") go above the first row in
    the right-hand column. With ``qr_url`` a vector QR code is drawn beside the empty
    handwritten-signature space and the page is marked as signed (TTE footer).
    """

    def __init__(
        self,
        blocks: list[SignatureBlock],
        styles: Styles,
        *,
        x_frac: float,
        space: float,
        align: str,
        name_bold: bool,
        name_underline: bool,
        lines_before: list[str] | None = None,
        qr_url: str = "",
        qr_size: float = 22 * mm,
        qr_caption: str = "",
    ):
        super().__init__()
        self.blocks = blocks
        self.styles = styles
        self.x_frac = x_frac
        self.space = space
        self.line_style = styles.center if align == "center" else styles.left
        self.name_bold = name_bold
        self.name_underline = name_underline
        self.lines_before = lines_before or []
        self.qr_url = qr_url
        self.qr_size = qr_size
        self.qr_caption = qr_caption

    def naskah_first_word(self) -> str:
        above, _name, _below = self._lines(self.blocks[0])
        for text in [*self.lines_before, *above, self.blocks[0]["name"]]:
            words = text.split()
            if words:
                return words[0]
        return ""

    def _lines(self, block: SignatureBlock):
        above = []
        if block.get("role_label"):
            above.append(block["role_label"])
        above.extend(block["lines_above"])
        name = esc(block["name"])
        if self.name_underline:
            name = f"<u>{name}</u>"
        if self.name_bold:
            name = f"<b>{name}</b>"
        return above, name, block["lines_below"]

    def _column(self, block, width):
        above, name, below = self._lines(block)
        top = [Paragraph(esc(t), self.line_style) for t in above]
        bottom = [Paragraph(name, self.line_style)]
        bottom += [Paragraph(esc(t), self.line_style) for t in below]
        top_h = sum(p.wrap(width, 1e6)[1] for p in top)
        bottom_h = sum(p.wrap(width, 1e6)[1] for p in bottom)
        return top, bottom, top_h, bottom_h

    def _layout(self, avail_width):
        n = len(self.blocks)
        cells = []  # (x, width, block)
        if n == 1:
            x = avail_width * self.x_frac
            cells.append([(x, avail_width - x, self.blocks[0])])
        else:
            col = avail_width / 2
            for i in range(0, n, 2):
                pair = self.blocks[i : i + 2]
                if len(pair) == 2:
                    cells.append(
                        [(0, col - 3 * mm, pair[0]), (col + 3 * mm, col - 3 * mm, pair[1])]
                    )
                else:
                    cells.append([((avail_width - col) / 2, col, pair[0])])
        return cells

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        before_x = avail_width * self.x_frac
        self._before = [Paragraph(esc(t), self.styles.left) for t in self.lines_before]
        before_h = sum(p.wrap(avail_width - before_x, 1e6)[1] for p in self._before)
        rows = []
        total = before_h + (self.styles.leading * 0.5 if self._before else 0)
        for row in self._layout(avail_width):
            laid = [(x, w, *self._column(block, w)) for x, w, block in row]
            top_h = max(item[4] for item in laid)
            bottom_h = max(item[5] for item in laid)
            rows.append((laid, top_h, bottom_h))
            total += top_h + self.space + bottom_h + self.styles.leading
        self._rows = rows
        self._before_x = before_x
        self.height = total - self.styles.leading
        return self.width, self.height

    def split(self, avail_width, avail_height):
        return []

    def draw(self):
        canvas = self.canv
        y = self.height
        for para in self._before:
            y -= para.height
            para.drawOn(canvas, self._before_x, y)
        if self._before:
            y -= self.styles.leading * 0.5
        qr_drawn = False
        for laid, top_h, bottom_h in self._rows:
            for x, _w, top, bottom, _th, _bh in laid:
                yy = y
                for para in top:
                    yy -= para.height
                    para.drawOn(canvas, x, yy)
                yy = y - top_h - self.space
                for para in bottom:
                    yy -= para.height
                    para.drawOn(canvas, x, yy)
            if self.qr_url and not qr_drawn:
                self._draw_qr(laid[-1], y - top_h)
                qr_drawn = True
            y -= top_h + self.space + bottom_h + self.styles.leading
        doc = getattr(canvas, "_doctemplate", None)
        if self.qr_url and doc is not None:
            doc.mark_signed(canvas.getPageNumber())

    def _draw_qr(self, cell, space_top):
        """The QR code beside the signature space (left of the block when there is room,
        else inside the space), with its short caption under it."""
        x = cell[0]
        small = self.styles.small
        caption_h = small.leading if self.qr_caption else 0
        size = min(self.qr_size, self.space + self.styles.leading * 2)
        gap = 3 * mm
        if x >= size + gap:
            qx = x - size - gap
            qy = space_top - self.space + (self.space - size) / 2
        else:  # inside the space: keep the caption above the name line
            size = min(size, self.space - caption_h)
            qx = x
            qy = space_top - self.space + caption_h
        draw_qr(self.canv, self.qr_url, qx, qy, size)
        if self.qr_caption:
            canvas = self.canv
            canvas.saveState()
            canvas.setFont(small.fontName, small.fontSize)
            canvas.drawCentredString(qx + size / 2, qy - small.fontSize * 0.9, self.qr_caption)
            canvas.restoreState()


class QrMark(Flowable):
    """The TTE QR code with its caption on its own (a form without a signature block: the
    Lembar Disposisi); marks its page as signed like a signature block does."""

    def __init__(self, url: str, styles: Styles, caption: str, size: float = 22 * mm):
        super().__init__()
        self.url = url
        self.styles = styles
        self.caption = caption
        self.size = size

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = self.size + (self.styles.small.leading if self.caption else 0)
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        small = self.styles.small
        x = self.width - self.size
        draw_qr(canvas, self.url, x, self.height - self.size, self.size)
        if self.caption:
            canvas.saveState()
            canvas.setFont(small.fontName, small.fontSize)
            canvas.drawCentredString(x + self.size / 2, small.fontSize * 0.2, self.caption)
            canvas.restoreState()
        doc = getattr(canvas, "_doctemplate", None)
        if doc is not None:
            doc.mark_signed(canvas.getPageNumber())
