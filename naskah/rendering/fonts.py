"""Embedded font families, registered once per process.

Two families ship inside the package (see fonts/LICENSE-*.txt):

* ``arial``: Liberation Sans 2 (SIL OFL 1.1), metric-compatible with Arial; TrueType,
  subset-embedded by reportlab.
* ``bookman``: URW Bookman (URW base35, AGPL-3.0 with the font exception), metric-compatible
  with Bookman Old Style; Type 1, embedded whole (reportlab cannot read the CFF-outline
  OpenType release, and the Type 1 release embeds faster than a subset TrueType).

An administrator may point a family at installed TrueType files instead (Pasal 32 names
Arial; produk hukum use Bookman Old Style): :func:`configure_fonts`, called once at start-up
from the ``NASKAH_FONT_<FAMILY>_<STYLE>`` settings. Those files are subset-embedded like
Liberation Sans. Nothing here reads system fonts on its own.

Glyph fallback (a character the chosen font lacks):

* Type 1 (URW Bookman): reportlab writes a Type 1 font through one 256-code encoding
  (WinAnsi), so "≥", "→", "ā", "ş", "Ł" used to print as ZapfDingbats boxes although the
  face draws them. Each face is registered a second (third ...) time under extra encodings
  that hold its remaining glyphs, and those fonts are the base font's
  ``substitutionFonts``: reportlab switches fonts per run, in measuring and in drawing.
* TrueType (Liberation Sans, admin fonts): :class:`FallbackTTFont` switches per run to the
  first fallback TrueType font whose cmap has the character (an admin font falls back to
  the shipped Liberation Sans of the same style).

A character no font has is still drawn as the font's .notdef glyph.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, rl_codecs
from reportlab.pdfbase.ttfonts import TTFont

from .errors import RenderError

FONT_DIR = Path(__file__).resolve().parent / "fonts"
STYLES = ("regular", "bold", "italic", "bold_italic")

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
# Codes 33..255 of an extra Type 1 encoding carry the glyphs WinAnsi leaves out.
_EXTRA_CODES = range(33, 256)


@dataclass(frozen=True)
class FontFamily:
    regular: str
    bold: str
    italic: str
    bold_italic: str


_lock = threading.Lock()
_registered: dict[str, FontFamily] = {}
_configured: dict[str, dict[str, str]] = {}  # family key -> style -> TrueType path


class FallbackTTFont(TTFont):
    """A TrueType font that draws the characters its cmap lacks with a fallback font.

    Runs are split by coverage; a fallback run is written with the fallback font's own
    subset (``getSubsetInternalName`` receives ``(fallback index, subset)``), and widths
    come from the font that draws the character.
    """

    def __init__(self, name: str, filename: str, fallbacks: list[TTFont]):
        super().__init__(name, filename)
        self.fallbacks = list(fallbacks)

    def _font_for(self, char: str):
        code = ord(char)
        if code in (0x20, 0xA0) or code < 0x20 or code in self.face.charToGlyph:
            return self
        for font in self.fallbacks:
            if code in font.face.charToGlyph:
                return font
        return self

    def runs(self, text: str) -> list[tuple[TTFont, str]]:
        out: list[tuple[TTFont, str]] = []
        for char in text:
            font = self._font_for(char)
            if out and out[-1][0] is font:
                out[-1] = (font, out[-1][1] + char)
            else:
                out.append((font, char))
        return out

    def stringWidth(self, text, size, encoding="utf8"):  # noqa: N802 (reportlab's name)
        if isinstance(text, bytes):
            text = text.decode(encoding or "utf8")
        if not self.fallbacks:
            return TTFont.stringWidth(self, text, size, encoding)
        return sum(
            TTFont.stringWidth(font, chunk, size) if font is self else font.stringWidth(chunk, size)
            for font, chunk in self.runs(text)
        )

    def splitString(self, text, doc, encoding="utf-8"):  # noqa: N802
        if isinstance(text, bytes):
            text = text.decode(encoding or "utf-8")
        if not self.fallbacks:
            return TTFont.splitString(self, text, doc, encoding)
        out = []
        for font, chunk in self.runs(text):
            if font is self:
                out += TTFont.splitString(self, chunk, doc, encoding)
            else:
                index = self.fallbacks.index(font)
                out += [((index, sub), data) for sub, data in font.splitString(chunk, doc)]
        return out

    def getSubsetInternalName(self, subset, doc):  # noqa: N802
        if isinstance(subset, tuple):
            index, sub = subset
            return self.fallbacks[index].getSubsetInternalName(sub, doc)
        return TTFont.getSubsetInternalName(self, subset, doc)


def check_font_file(path: str) -> str:
    """ "" when ``path`` is a TrueType file reportlab can embed, else the reason it is not."""
    file = Path(path)
    if not file.is_file():
        return f"{path}: no such file"
    try:
        TTFont(f"NaskahCheck-{abs(hash(str(file)))}", str(file))
    except Exception as exc:  # reportlab raises TTFError and struct/OS errors
        return f"{path}: not an embeddable TrueType font ({exc})"
    return ""


def configure_fonts(paths: dict[str, dict[str, str]]) -> None:
    """Use administrator-installed TrueType files for a family (before the first render).

    ``paths`` maps a family key ("arial", "bookman") to {style: path}; "regular" and "bold"
    are required, italic styles default to their upright counterparts. Raises RenderError
    for an unknown family or style, a missing required style or a file that cannot be
    embedded. A family whose files change is registered again (same font names) at its
    next use.
    """
    cleaned: dict[str, dict[str, str]] = {}
    for key, styles in paths.items():
        styles = {style: path for style, path in (styles or {}).items() if path}
        if not styles:
            continue
        if key not in FONT_KEYS:
            raise RenderError(f"Unknown font {key!r}; expected one of {', '.join(FONT_KEYS)}.")
        unknown = set(styles) - set(STYLES)
        if unknown:
            raise RenderError(f"Unknown font style(s) {', '.join(sorted(unknown))} for {key}.")
        for style in ("regular", "bold"):
            if style not in styles:
                raise RenderError(f"Font {key}: the {style} TrueType file is required.")
        styles.setdefault("italic", styles["regular"])
        styles.setdefault("bold_italic", styles["bold"])
        for path in styles.values():
            problem = check_font_file(path)
            if problem:
                raise RenderError(problem)
        cleaned[key] = styles
    with _lock:
        for key in set(_configured) | set(cleaned):
            if _configured.get(key) != cleaned.get(key):
                # Registered again, under the same names, at the next use.
                _registered.pop(key, None)
        _configured.clear()
        _configured.update(cleaned)


def configured_fonts() -> dict[str, dict[str, str]]:
    return {key: dict(styles) for key, styles in _configured.items()}


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


def _register_ttf(font: TTFont) -> None:
    """registerFont, but always this object under this name: reportlab otherwise hands
    out the first font registered for the same PostScript face (the shipped Liberation
    Sans and its use as a fallback, or an installed file of the same face)."""
    pdfmetrics.registerFont(font)
    pdfmetrics._fonts[font.fontName] = font


def _liberation(style: str) -> TTFont:
    name = f"NaskahFallback-{style}"
    try:
        return pdfmetrics.getFont(name)
    except KeyError:
        font = TTFont(name, str(FONT_DIR / _TTF_FILES["arial"][style]))
        _register_ttf(font)
        return font


def _register(key: str) -> FontFamily:
    base = f"Naskah{key.capitalize()}"
    names = {
        "regular": base,
        "bold": f"{base}-Bold",
        "italic": f"{base}-Italic",
        "bold_italic": f"{base}-BoldItalic",
    }
    if key in _configured:
        for style, path in _configured[key].items():
            _register_ttf(FallbackTTFont(names[style], path, [_liberation(style)]))
    elif key in _TTF_FILES:
        for style, filename in _TTF_FILES[key].items():
            _register_ttf(FallbackTTFont(names[style], str(FONT_DIR / filename), []))
    elif key in _TYPE1_FILES:
        for style, stem in _TYPE1_FILES[key].items():
            _register_type1(names[style], stem)
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


def _glyph_unicode(name: str) -> str | None:
    from reportlab.pdfbase._glyphlist import _glyphname2unicode

    code = _glyphname2unicode.get(name)
    if code is None and name.startswith("uni") and len(name) == 7:
        try:
            code = int(name[3:], 16)
        except ValueError:
            return None
    return chr(code) if code is not None else None


def _register_type1(name: str, stem: str) -> None:
    """The face under WinAnsi, plus extra encodings for the glyphs WinAnsi cannot reach."""
    face = pdfmetrics.EmbeddedType1Face(
        str(FONT_DIR / f"{stem}.afm"), str(FONT_DIR / f"{stem}.pfb")
    )
    pdfmetrics.registerTypeFace(face)
    font = pdfmetrics.Font(name, face.name, "WinAnsiEncoding")
    extra: dict[str, str] = {}
    for glyph in face.glyphNames:
        char = _glyph_unicode(glyph)
        if char is None or char in extra or char.isspace():
            continue
        try:
            char.encode("cp1252")
            continue  # WinAnsi already reaches it
        except UnicodeEncodeError:
            extra[char] = glyph
    chars = sorted(extra)
    substitutes = []
    size = len(_EXTRA_CODES)
    for part, start in enumerate(range(0, len(chars), size)):
        chunk = chars[start : start + size]
        enc_name = f"rl_dynamic_naskah_{stem.lower().replace('-', '_')}_x{part}"
        vector: list[str | None] = [None] * 256
        encode_map, decode_map = {}, {}
        for code, char in zip(_EXTRA_CODES, chunk, strict=False):
            vector[code] = extra[char]
            encode_map[ord(char)] = code
            decode_map[code] = ord(char)
        rl_codecs.RL_Codecs.add_dynamic_codec(enc_name, encode_map, decode_map)
        pdfmetrics.registerEncoding(pdfmetrics.Encoding(enc_name, vector))
        sub = pdfmetrics.Font(f"{name}-X{part}", face.name, enc_name)
        pdfmetrics.registerFont(sub)
        substitutes.append(sub)
    font.substitutionFonts = substitutes
    pdfmetrics.registerFont(font)
