"""Embedded font families, registered once per process.

Two families ship inside the package (see fonts/LICENSE-*.txt):

* ``arial``: Liberation Sans 2 (SIL OFL 1.1), metric-compatible with Arial; TrueType,
  subset-embedded by reportlab.
* ``bookman``: URW Bookman (URW base35, AGPL-3.0 with the font exception), metric-compatible
  with Bookman Old Style; Type 1, embedded whole (reportlab cannot read the CFF-outline
  OpenType release, and the Type 1 release embeds faster than a subset TrueType).

Nothing here reads system fonts.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .errors import RenderError

FONT_DIR = Path(__file__).resolve().parent / "fonts"

_TTF_FILES = {
    "arial": {
        "regular": "LiberationSans-Regular.ttf",
        "bold": "LiberationSans-Bold.ttf",
        "italic": "LiberationSans-Italic.ttf",
        "bold_italic": "LiberationSans-BoldItalic.ttf",
    },
}
_TYPE1_FILES = {
    "bookman": {
        "regular": "URWBookman-Light",
        "bold": "URWBookman-Demi",
        "italic": "URWBookman-LightItalic",
        "bold_italic": "URWBookman-DemiItalic",
    },
}
FONT_KEYS = tuple(sorted({*_TTF_FILES, *_TYPE1_FILES}))


@dataclass(frozen=True)
class FontFamily:
    regular: str
    bold: str
    italic: str
    bold_italic: str


_lock = threading.Lock()
_registered: dict[str, FontFamily] = {}


def font_family(key: str) -> FontFamily:
    """Return the registered family for ``key`` ("arial" or "bookman"), registering it once."""
    family = _registered.get(key)
    if family is not None:
        return family
    with _lock:
        family = _registered.get(key)
        if family is None:
            family = _register(key)
            _registered[key] = family
    return family


def _register(key: str) -> FontFamily:
    base = f"Naskah{key.capitalize()}"
    names = {
        "regular": base,
        "bold": f"{base}-Bold",
        "italic": f"{base}-Italic",
        "bold_italic": f"{base}-BoldItalic",
    }
    if key in _TTF_FILES:
        for style, filename in _TTF_FILES[key].items():
            pdfmetrics.registerFont(TTFont(names[style], str(FONT_DIR / filename)))
    elif key in _TYPE1_FILES:
        for style, stem in _TYPE1_FILES[key].items():
            face = pdfmetrics.EmbeddedType1Face(
                str(FONT_DIR / f"{stem}.afm"), str(FONT_DIR / f"{stem}.pfb")
            )
            pdfmetrics.registerTypeFace(face)
            pdfmetrics.registerFont(pdfmetrics.Font(names[style], face.name, "WinAnsiEncoding"))
    else:
        raise RenderError(f"Unknown font {key!r}; expected one of {', '.join(FONT_KEYS)}.")
    for bold, italic, style in (
        (0, 0, "regular"),
        (1, 0, "bold"),
        (0, 1, "italic"),
        (1, 1, "bold_italic"),
    ):
        addMapping(base, bold, italic, names[style])
    return FontFamily(**names)
