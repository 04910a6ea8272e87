"""System checks of the renderer's configuration."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from naskah.rendering.errors import RenderError
from naskah.rendering.fonts import configure_fonts


def configure_from_settings() -> str:
    """Hand NASKAH_FONTS to the renderer; "" when accepted, else the reason (the fonts
    then stay the shipped ones and the system check reports it)."""
    try:
        configure_fonts(settings.NASKAH_FONTS or {})
    except RenderError as exc:
        configure_fonts({})
        return str(exc)
    return ""


@register()
def check_fonts(app_configs, **kwargs):
    problem = configure_from_settings()
    if not problem:
        return []
    return [
        Error(
            f"NASKAH_FONT_* settings: {problem}",
            hint="Point NASKAH_FONT_<ARIAL|BOOKMAN>_<REGULAR|BOLD|ITALIC|BOLDITALIC> at "
            "installed TrueType files (regular and bold at least), or unset them to keep the "
            "shipped Liberation Sans / URW Bookman.",
            id="naskah.E040",
        )
    ]
