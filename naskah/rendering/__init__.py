"""Pure PDF renderer for naskah dinas (no database, no Django models).

    from naskah.rendering import render_naskah, signature_block, LAYOUT_KINDS

See docs/rendering.md for the layout and context keys.
"""

from .errors import RenderError
from .render import LAYOUT_DEFAULTS, LAYOUT_KINDS, render_naskah, resolve_layout
from .signature import SignatureBlock, SignatureStyle, signature_block
from .text import format_tanggal

__all__ = [
    "LAYOUT_DEFAULTS",
    "LAYOUT_KINDS",
    "RenderError",
    "SignatureBlock",
    "SignatureStyle",
    "format_tanggal",
    "render_naskah",
    "resolve_layout",
    "signature_block",
]
