"""Errors raised by the renderer."""


class RenderError(ValueError):
    """A layout or context the renderer cannot turn into a PDF.

    Raised for an unknown layout kind, paper size or font, a malformed body block, an
    unreadable or encrypted lampiran PDF, and similar bad input. Subclasses ValueError so
    callers that only know "bad value" still catch it.
    """
