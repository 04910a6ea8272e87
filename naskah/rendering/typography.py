"""Story passes that apply the typographic rules every layout shares.

* :func:`keep_closing_with_signature`: a signature block never stands alone on a page; the
  paragraph before it (the closing line, "Demikian ...") and the spacing in between move
  with it (one KeepTogether).
* :func:`limit_justification`: a justified paragraph whose line would need inter-word gaps
  wider than ``max_gap_em`` (the normal space plus the stretch, in ems of the line's font
  size) sets that line flush left instead. Narrow columns (table cells, indented lists)
  are where this happens: reportlab justifies every line but the last, and a line holding
  two long words would otherwise print with a gap of several ems. The test is per line at
  wrap time, so the same paragraph stays justified where it is laid out wide.
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.lib.enums import TA_JUSTIFY
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Indenter, KeepTogether, Paragraph, Spacer, Table
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.flowables import Flowable

from .flowables import SignatureGrid


def keep_closing_with_signature(story: list) -> list:
    """Group every top-level SignatureGrid with the paragraph just before it."""
    out: list = []
    for flowable in story:
        if not isinstance(flowable, SignatureGrid):
            out.append(flowable)
            continue
        # Walk back over spacing to the closing paragraph.
        start = len(out)
        while start > 0 and isinstance(out[start - 1], (Spacer, Indenter, ActionFlowable)):
            start -= 1
        if start > 0 and isinstance(out[start - 1], Paragraph):
            start -= 1
            group = out[start:] + [flowable]
            del out[start:]
            out.append(KeepTogether(group))
        else:
            out.append(flowable)
    return out


def _gap_limited(paragraph: Paragraph, max_gap_em: float) -> None:
    blpara = getattr(paragraph, "blPara", None)
    lines = getattr(blpara, "lines", None)
    if not lines or len(lines) < 2:
        return
    style = paragraph.style
    for i, line in enumerate(lines[:-1]):
        if isinstance(line, tuple):
            extra, words = line
            font, size = style.fontName, style.fontSize
            spaces = len(words) - 1
        else:
            extra = line.extraSpace
            size = getattr(line, "fontSize", style.fontSize)
            font = style.fontName
            spaces = line.wordCount - 1
        if spaces <= 0 or extra <= 1e-8:
            continue
        gap = extra / spaces + stringWidth(" ", font, size)
        if gap <= max_gap_em * size:
            continue
        if isinstance(line, tuple):
            lines[i] = (0, words)
        else:
            line.extraSpace = 0


@lru_cache(maxsize=8)
def _limited_class(max_gap_em: float) -> type:
    class GapLimitedParagraph(Paragraph):
        """A justified paragraph that sets over-stretched lines flush left."""

        def wrap(self, avail_width, avail_height):
            result = super().wrap(avail_width, avail_height)
            _gap_limited(self, max_gap_em)
            return result

    GapLimitedParagraph.max_gap_em = max_gap_em
    return GapLimitedParagraph


def limit_justification(story: list, max_gap_em: float) -> list:
    """Give every justified Paragraph (also inside tables and KeepTogether) the gap limit."""
    cls = _limited_class(float(max_gap_em))
    seen: set[int] = set()

    def visit(item) -> None:
        if id(item) in seen:
            return
        seen.add(id(item))
        if isinstance(item, (list, tuple)):
            for sub in item:
                visit(sub)
        elif isinstance(item, Paragraph):
            if item.style.alignment == TA_JUSTIFY and type(item) is Paragraph:
                item.__class__ = cls
        elif isinstance(item, Table):
            for row in item._cellvalues:
                visit(row)
        elif isinstance(item, Flowable):
            content = getattr(item, "_content", None)
            if content is not None:
                visit(content)

    visit(story)
    return story
