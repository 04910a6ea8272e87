"""SVG artwork as a reportlab Drawing (svglib), for validation and the letterhead renderer.
Only ever called with SVG that core.lambang has accepted (no DTD, no external references),
so svglib's parser never needs to fetch anything."""

from __future__ import annotations

import io
import logging
from functools import lru_cache

logger = logging.getLogger(__name__)


@lru_cache(maxsize=16)
def svg_drawing(data: bytes):
    """The reportlab Drawing of the SVG bytes, or None if svglib cannot draw it or it has
    no size."""
    from svglib.svglib import svg2rlg

    try:
        drawing = svg2rlg(io.BytesIO(data))
    except Exception:  # svglib/lxml raise many kinds for a broken document
        logger.info("SVG artwork cannot be drawn", exc_info=True)
        return None
    if drawing is None or not drawing.width or not drawing.height:
        return None
    return drawing
