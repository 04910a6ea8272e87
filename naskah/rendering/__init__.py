"""Pure PDF renderer for naskah dinas (no database, no Django models).

    from naskah.rendering import render_naskah, signature_block, LAYOUT_KINDS

See docs/rendering.md for the layout and context keys.
"""

from .errors import RenderError
from .render import (
    LAYOUT_DEFAULTS,
    LAYOUT_KINDS,
    append_pdf,
    render_naskah,
    render_paraf_page,
    resolve_layout,
)
from .signature import SignatureBlock, SignatureStyle, signature_block
from .text import format_tanggal

__all__ = [
    "LAYOUT_DEFAULTS",
    "LAYOUT_KINDS",
    "RenderError",
    "SignatureBlock",
    "SignatureStyle",
    "append_pdf",
    "format_tanggal",
    "render_naskah",
    "render_paraf_page",
    "resolve_layout",
    "signature_block",
]
