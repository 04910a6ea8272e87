"""The page machinery: templates, page numbers, continuation words, watermark, TTE footer.

Continuation words ("kata penyambung") need the first word of the *next* page while the
current page is being finished. Each page draws a form XObject named ``cont<n>`` in its
bottom-right corner; the form is defined as soon as the first word of page n+1 is laid
out (or left empty on the last page of a part), so a single layout pass suffices. The
TTE footer of a signed render is one form XObject (``tte``) drawn at the bottom of every
page; merged lampiran PDFs get the same sentence stamped on in merge.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import HexColor, black
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table
from reportlab.platypus.doctemplate import BaseDocTemplate, PageTemplate
from reportlab.platypus.flowables import Flowable
from reportlab.platypus.frames import Frame

from .text import Styles

RED = HexColor("#C62828")
WATERMARK_GREY = HexColor("#D9D9D9")  # drawn under the text, so no transparency


@dataclass(frozen=True)
class Decor:
    styles: Styles
    page_numbers: bool
    continuation_words: bool
    continuation_suffix: str
    watermark: str
    security_label: str
    security_red: bool
    tte_footer: str
    page_number_format: str
    copy_label: str = ""


class PartStart(Flowable):
    """Zero-size marker: a new part (a lampiran) starts on this page; no continuation word
    links the previous page to it. ``header`` is repeated at the top of the part's later
    pages (the "lampiran" page template)."""

    def __init__(self, header: Flowable | None = None):
        super().__init__()
        self.header = header

    def wrap(self, avail_width, avail_height):
        return 0, 0

    def draw(self):
        return None


def first_word(flowable: Flowable) -> str:
    """The first word a flowable prints, or "" when it prints none (spacers, rules)."""
    getter = getattr(flowable, "naskah_first_word", None)
    if getter is not None:
        return getter()
    if isinstance(flowable, Paragraph):
        return _paragraph_first_word(flowable)
    if isinstance(flowable, Table):
        # Skip a repeated header: the continuation word should be real content.
        rows = flowable._cellvalues
        skip = flowable.repeatRows if isinstance(flowable.repeatRows, int) else 0
        for row in rows[skip:] or rows:
            for cell in row:
                word = _cell_first_word(cell)
                if word:
                    return word
    return ""


def _paragraph_first_word(para: Paragraph) -> str:
    # The tail of a split paragraph keeps its text only in the laid-out lines (blPara),
    # so read those first; getPlainText() is the fallback for unwrapped paragraphs.
    lines = getattr(getattr(para, "blPara", None), "lines", None) or []
    for line in lines:
        if isinstance(line, tuple):
            text = " ".join(str(word) for word in line[1])
        else:
            text = "".join(getattr(frag, "text", "") for frag in getattr(line, "words", []))
        words = text.split()
        if words:
            return words[0]
    words = para.getPlainText().split()
    return words[0] if words else ""


def _cell_first_word(cell) -> str:
    if isinstance(cell, str):
        words = cell.split()
        return words[0] if words else ""
    if isinstance(cell, Flowable):
        return first_word(cell)
    if isinstance(cell, (list, tuple)):
        for item in cell:
            word = _cell_first_word(item)
            if word:
                return word
    return ""


def draw_tte_footer(canvas, text: str, styles: Styles, width: float, left: float, right: float):
    """The TTE footer sentence (Paragraph markup) in small type at the bottom of a page,
    under a thin rule, between ``left`` and ``right`` margins."""
    para = Paragraph(text, styles.small)
    _, h = para.wrap(width - left - right, 40 * mm)
    y = 6 * mm
    canvas.saveState()
    canvas.setStrokeColor(black)
    canvas.setLineWidth(0.4)
    canvas.line(left, y + h + 1.5 * mm, width - right, y + h + 1.5 * mm)
    para.drawOn(canvas, left, y)
    canvas.restoreState()


class NaskahDoc(BaseDocTemplate):
    def __init__(
        self, buffer, *, pagesize, margins: dict, first_top: float, decor: Decor, title: str = ""
    ):
        width, height = pagesize
        super().__init__(
            buffer,
            pagesize=pagesize,
            leftMargin=margins["left"],
            rightMargin=margins["right"],
            topMargin=margins["top"],
            bottomMargin=margins["bottom"],
            title=title,
            author="",
            creator="Naskah",
            invariant=1,
            # otherwise reportlab names Helvetica (never embedded) in every page's resources
            initialFontName=decor.styles.font,
            initialFontSize=decor.styles.size,
            initialLeading=decor.styles.leading,
        )
        # build() must not save yet: finish() still defines the pending forms.
        self._doSave = 0
        self.decor = decor
        self.margins = margins
        frame_width = width - margins["left"] - margins["right"]
        first = Frame(
            margins["left"],
            margins["bottom"],
            frame_width,
            height - first_top - margins["bottom"],
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="first",
        )
        later = Frame(
            margins["left"],
            margins["bottom"],
            frame_width,
            height - margins["top"] - margins["bottom"],
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="later",
        )
        self.addPageTemplates(
            [
                PageTemplate("first", [first], onPage=self._on_page, onPageEnd=self._on_page_end),
                PageTemplate("later", [later], onPage=self._on_page, onPageEnd=self._on_page_end),
            ]
        )
        self.content_width = frame_width
        self._part_starts = {1}
        self._need_word = False
        self._defined: set[str] = set()
        self.signed_pages: list[int] = []
        self._part_header: Flowable | None = None
        self.page_count = 0

    def add_lampiran_template(self, reserve: float) -> None:
        """Pages after the first of a typed lampiran: the lampiran header repeated at the
        top right, the frame lowered by ``reserve`` points to make room for it."""
        width, height = self.pagesize
        margins = self.margins
        frame = Frame(
            margins["left"],
            margins["bottom"],
            self.content_width,
            height - margins["top"] - reserve - margins["bottom"],
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="lampiran",
        )
        self.addPageTemplates(
            [
                PageTemplate(
                    "lampiran",
                    [frame],
                    onPage=self._on_lampiran_page,
                    onPageEnd=self._on_page_end,
                )
            ]
        )

    def _on_lampiran_page(self, canvas, doc):
        self._on_page(canvas, doc)
        header = self._part_header
        if header is None:
            return
        width, height = self.pagesize
        w, h = header.wrap(self.content_width, height)
        header.drawOn(canvas, width - self.margins["right"] - w, height - self.margins["top"] - h)

    # page decorations -------------------------------------------------------------
    def _on_page(self, canvas, doc):
        decor = self.decor
        page = canvas.getPageNumber()
        self.page_count = page
        self._need_word = page > 1
        width, height = self.pagesize
        if decor.watermark:
            if page == 1:
                self._define_watermark(canvas)
            canvas.doForm("wm")
        if decor.tte_footer:
            if page == 1:
                self._define_tte_footer(canvas, "tte")
            canvas.doForm("tte")
        styles = decor.styles
        if decor.security_label:
            canvas.saveState()
            canvas.setFillColor(RED if decor.security_red else black)
            canvas.setFont(styles.bold_font, styles.size)
            canvas.drawString(self.margins["left"], height - 8 * mm, decor.security_label)
            if decor.copy_label:
                canvas.setFillColor(black)
                canvas.setFont(styles.font, styles.size * 0.75)
                canvas.drawString(
                    self.margins["left"], height - 8 * mm - styles.leading, decor.copy_label
                )
            canvas.restoreState()
        if decor.page_numbers and page > 1:
            canvas.saveState()
            canvas.setFont(styles.font, styles.size)
            canvas.drawCentredString(
                self.margins["left"] + self.content_width / 2,
                height - self.margins["top"] / 2 - styles.size / 3,
                decor.page_number_format.format(page),
            )
            canvas.restoreState()

    def _on_page_end(self, canvas, doc):
        page = canvas.getPageNumber()
        if self.decor.continuation_words:
            canvas.doForm(f"cont{page}")

    def _define_watermark(self, canvas):
        decor = self.decor
        width, height = self.pagesize
        canvas.beginForm("wm")
        canvas.saveState()
        canvas.setFillColor(WATERMARK_GREY)
        canvas.translate(width / 2, height / 2)
        canvas.rotate(45)
        size = min(width, height) / max(len(decor.watermark), 4) * 1.35
        canvas.setFont(decor.styles.bold_font, size)
        canvas.drawCentredString(0, -size / 3, decor.watermark)
        canvas.restoreState()
        canvas.endForm()

    def _define_text_form(self, canvas, name: str, text: str):
        canvas.beginForm(name)
        if text:
            styles = self.decor.styles
            width, _ = self.pagesize
            canvas.setFont(styles.font, styles.size)
            canvas.drawRightString(
                width - self.margins["right"],
                self.margins["bottom"] - styles.leading * 1.2,
                text,
            )
        canvas.endForm()
        self._defined.add(name)

    def _define_tte_footer(self, canvas, name: str):
        canvas.beginForm(name)
        draw_tte_footer(
            canvas,
            self.decor.tte_footer,
            self.decor.styles,
            self.pagesize[0],
            self.margins["left"],
            self.margins["right"],
        )
        canvas.endForm()
        self._defined.add(name)

    # flowable tracking ---------------------------------------------------------------
    def afterFlowable(self, flowable):
        page = self.canv.getPageNumber()
        if isinstance(flowable, PartStart):
            self._part_starts.add(page)
            self._part_header = flowable.header
            return
        if not self._need_word or not self.decor.continuation_words:
            return
        word = first_word(flowable)
        if not word:
            return
        self._need_word = False
        text = "" if page in self._part_starts else word + self.decor.continuation_suffix
        self._define_text_form(self.canv, f"cont{page - 1}", text)

    def mark_signed(self, page: int):
        if not self.signed_pages or self.signed_pages[-1] != page:
            self.signed_pages.append(page)

    def finish(self):
        """Define the forms still pending (last pages of parts, unsigned pages) and save."""
        canvas = self.canv
        if self.decor.continuation_words:
            for page in range(1, self.page_count + 1):
                if f"cont{page}" not in self._defined:
                    self._define_text_form(canvas, f"cont{page}", "")
        canvas.save()
