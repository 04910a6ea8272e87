"""Vector emblems for the kop: a gold Garuda silhouette and a regional-logo roundel.

These are simplified, clearly stylised drawings, used when the deployment has not
configured the official artwork (demo only: `check --deploy` fails while a letterhead in
use has none, naskah.E013). Real artwork goes in ``kop["emblem_image"]`` (a file path,
PNG/JPEG bytes, or SVG bytes validated by core.lambang) and then replaces the drawing.
Shapes are defined once at import on a 100 x 110 grid and scaled at draw time.
"""

from __future__ import annotations

import io
import logging
import math
from functools import lru_cache

from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from .errors import RenderError

GOLD = HexColor("#C9A227")
GOLD_DARK = HexColor("#7A5C0A")
GREEN = HexColor("#1F6E3A")
RED = HexColor("#B71C1C")
INK = HexColor("#222222")

GRID_W = 100.0
GRID_H = 110.0


def _mirror(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(GRID_W - x, y) for x, y in points]


_LEFT_WING = [
    (40, 70),
    (31, 79),
    (20, 88),
    (7, 97),
    (3, 91),
    (9, 86),
    (1, 82),
    (6, 75),
    (0, 70),
    (6, 63),
    (2, 57),
    (10, 52),
    (8, 46),
    (18, 45),
    (28, 47),
    (38, 54),
]
_LEFT_FEATHERS = [
    ((36, 62), (5, 89)),
    ((35, 58), (3, 76)),
    ((35, 54), (4, 63)),
    ((36, 51), (9, 49)),
]
_TAIL = [
    (42, 38),
    (58, 38),
    (70, 20),
    (62, 22),
    (57, 14),
    (50, 20),
    (43, 14),
    (38, 22),
    (30, 20),
]
_CREST = [(43, 93), (44, 102), (47.5, 96), (50, 104), (52.5, 96), (56, 102), (57, 93)]
_BEAK = [(55, 90), (66, 86), (55, 83)]
_SHIELD = [(37, 73), (63, 73), (63, 52), (50, 40), (37, 52)]
_RIBBON = [
    (14, 16),
    (28, 10),
    (50, 8),
    (72, 10),
    (86, 16),
    (84, 7),
    (72, 2),
    (50, 0),
    (28, 2),
    (16, 7),
]
_SIGER = [
    (20, 44),
    (22, 58),
    (28, 52),
    (31, 64),
    (37, 56),
    (41, 70),
    (46, 60),
    (50, 76),
    (54, 60),
    (59, 70),
    (63, 56),
    (69, 64),
    (72, 52),
    (78, 58),
    (80, 44),
    (65, 40),
    (50, 38),
    (35, 40),
]


def _arc_points(start: float, end: float, count: int, radius: float):
    step = (end - start) / (count - 1)
    return [
        (
            50 + radius * math.cos(math.radians(start + i * step)),
            50 + radius * math.sin(math.radians(start + i * step)),
        )
        for i in range(count)
    ]


_RICE = _arc_points(195, 250, 8, 31)
_COTTON = _arc_points(290, 345, 6, 31)


def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.4
        angle = math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


_STAR = _star(50, 63, 5.5)


def _poly(canvas, points, *, fill: Color | None, stroke: Color | None) -> None:
    path = canvas.beginPath()
    path.moveTo(*points[0])
    for point in points[1:]:
        path.lineTo(*point)
    path.close()
    if fill is not None:
        canvas.setFillColor(fill)
    if stroke is not None:
        canvas.setStrokeColor(stroke)
    canvas.drawPath(path, fill=fill is not None, stroke=stroke is not None)


def draw_garuda(canvas, x: float, y: float, width: float, height: float) -> None:
    """A gold Garuda silhouette with the shield on its chest, in the box (x, y, w, h)."""
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(width / GRID_W, height / GRID_H)
    canvas.setLineWidth(0.9)
    canvas.setLineJoin(1)
    _poly(canvas, _LEFT_WING, fill=GOLD, stroke=GOLD_DARK)
    _poly(canvas, _mirror(_LEFT_WING), fill=GOLD, stroke=GOLD_DARK)
    canvas.setStrokeColor(GOLD_DARK)
    for start, end in _LEFT_FEATHERS:
        canvas.line(*start, *end)
        canvas.line(GRID_W - start[0], start[1], GRID_W - end[0], end[1])
    _poly(canvas, _TAIL, fill=GOLD, stroke=GOLD_DARK)
    canvas.setFillColor(GOLD)
    canvas.ellipse(35, 36, 65, 82, stroke=1, fill=1)
    _poly(canvas, _CREST, fill=GOLD, stroke=GOLD_DARK)
    canvas.setFillColor(GOLD)
    canvas.circle(50, 88, 7, stroke=1, fill=1)
    _poly(canvas, _BEAK, fill=GOLD, stroke=GOLD_DARK)
    canvas.setFillColor(INK)
    canvas.circle(52.5, 89.5, 1.1, stroke=0, fill=1)
    _poly(canvas, _SHIELD, fill=white, stroke=INK)
    canvas.setLineWidth(1.6)
    canvas.setStrokeColor(INK)
    canvas.line(37, 57, 63, 57)
    canvas.line(50, 40, 50, 57)
    canvas.setLineWidth(0.9)
    _poly(canvas, _STAR, fill=GOLD, stroke=GOLD_DARK)
    canvas.setFillColor(RED)
    canvas.rect(40, 49, 7, 5, stroke=0, fill=1)
    canvas.setFillColor(GREEN)
    canvas.rect(53, 49, 7, 5, stroke=0, fill=1)
    _poly(canvas, _RIBBON, fill=white, stroke=INK)
    canvas.restoreState()


def draw_daerah(canvas, x: float, y: float, width: float, height: float) -> None:
    """A regional-logo roundel: green disc, gold ring and a siger crown, in (x, y, w, h)."""
    size = min(width, height)
    canvas.saveState()
    canvas.translate(x + (width - size) / 2, y + (height - size) / 2)
    canvas.scale(size / GRID_W, size / GRID_W)
    canvas.setLineJoin(1)
    canvas.setLineWidth(1.2)
    canvas.setFillColor(GREEN)
    canvas.setStrokeColor(GOLD_DARK)
    canvas.circle(50, 50, 49, stroke=1, fill=1)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(2.4)
    canvas.circle(50, 50, 44, stroke=1, fill=0)
    canvas.setFillColor(white)
    canvas.setLineWidth(0.8)
    canvas.circle(50, 50, 38, stroke=0, fill=1)
    # rice (left) and cotton (right) stalks along the lower rim
    canvas.setFillColor(GOLD)
    canvas.setStrokeColor(GOLD_DARK)
    canvas.setLineWidth(0.6)
    for gx, gy in _RICE:
        canvas.ellipse(gx - 2.2, gy - 2.2, gx + 2.2, gy + 2.2, stroke=1, fill=1)
    canvas.setFillColor(white)
    canvas.setStrokeColor(GREEN)
    for cx, cy in _COTTON:
        canvas.circle(cx, cy, 2.4, stroke=1, fill=1)
    canvas.translate(0, 6)
    canvas.setLineWidth(1.0)
    _poly(canvas, _SIGER, fill=GOLD, stroke=GOLD_DARK)
    canvas.setStrokeColor(GOLD_DARK)
    canvas.line(26, 44, 74, 44)
    canvas.translate(0, -6)
    canvas.setFillColor(RED)
    canvas.rect(40, 31, 20, 5, stroke=0, fill=1)
    canvas.setFillColor(white)
    canvas.rect(40, 26, 20, 5, stroke=0, fill=1)
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.5)
    canvas.rect(40, 26, 20, 10, stroke=1, fill=0)
    canvas.restoreState()


@lru_cache(maxsize=4)
def _emblem_operators(kind: str) -> str:
    """The PDF drawing operators of a vector emblem on the 100 x 110 grid, computed once.

    The emblems use no fonts, images or graphics-state resources, so the operator text
    can be replayed verbatim into any page (Canvas.addLiteral) after a translate/scale.
    """
    canvas = Canvas(io.BytesIO(), pagesize=(GRID_W, GRID_H))
    start = len(canvas._code)
    if kind == "garuda":
        draw_garuda(canvas, 0, 0, GRID_W, GRID_H)
    else:
        draw_daerah(canvas, 0, 0, GRID_W, GRID_W)
    return "\n".join(canvas._code[start:])


def _draw_vector(canvas, kind: str, x: float, y: float, width: float, height: float) -> None:
    canvas.saveState()
    if kind == "garuda":
        canvas.translate(x, y)
        canvas.scale(width / GRID_W, height / GRID_H)
    else:  # the roundel keeps its aspect ratio, centred in the box
        size = min(width, height)
        canvas.translate(x + (width - size) / 2, y + (height - size) / 2)
        canvas.scale(size / GRID_W, size / GRID_W)
    canvas.addLiteral(_emblem_operators(kind))
    canvas.restoreState()


def is_svg(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--"))


def draw_svg(canvas, data: bytes, x: float, y: float, width: float, height: float) -> None:
    """SVG artwork as vectors, scaled to fit the box and centred (svglib)."""
    from reportlab.graphics import renderPDF

    from core.lambang_svg import svg_drawing

    drawing = svg_drawing(data)
    if drawing is None:
        raise RenderError("The kop emblem SVG cannot be drawn.")
    scale = min(width / drawing.width, height / drawing.height)
    canvas.saveState()
    canvas.translate(
        x + (width - drawing.width * scale) / 2, y + (height - drawing.height * scale) / 2
    )
    canvas.scale(scale, scale)
    renderPDF.draw(drawing, canvas, 0, 0)
    canvas.restoreState()


@lru_cache(maxsize=16)
def _image_reader(source: str | bytes) -> ImageReader:
    try:
        reader = ImageReader(io.BytesIO(source) if isinstance(source, bytes) else source)
        reader.getSize()
    except Exception as exc:  # reportlab/PIL raise many kinds for a bad image
        logging.getLogger(__name__).warning("kop emblem image cannot be read: %r", exc)
        raise RenderError("The kop emblem image cannot be read.") from exc
    return reader


def draw_emblem(canvas, kind: str, image, x: float, y: float, width: float, height: float):
    """Draw the configured image (PNG/JPEG path or bytes, or SVG bytes that
    core.lambang accepted), else the vector emblem ``kind`` ("garuda"/"daerah")."""
    if image:
        if not isinstance(image, (str, bytes)):
            raise RenderError("kop['emblem_image'] must be a file path or image bytes.")
        if isinstance(image, bytes) and is_svg(image):
            draw_svg(canvas, image, x, y, width, height)
            return
        reader = _image_reader(image)
        canvas.drawImage(
            reader, x, y, width, height, preserveAspectRatio=True, anchor="c", mask="auto"
        )
    elif kind in ("garuda", "daerah"):
        _draw_vector(canvas, kind, x, y, width, height)
    else:
        raise RenderError(f"Unknown kop emblem {kind!r}; expected 'garuda' or 'daerah'.")
