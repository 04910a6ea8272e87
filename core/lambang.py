"""Validation of uploaded letterhead artwork (the official emblem: Garuda Pancasila for the
kepala daerah's letterhead, the provincial or regency logo for perangkat daerah).

Accepted: PNG (decoded fully by Pillow, bounded in bytes and pixels) and SVG (parsed with
defusedxml — no DTD, entities or external references — and refused if it holds scripts,
event handlers, foreign objects, animation, or any reference outside the document other
than an embedded PNG/JPEG `data:` image). A file is refused whole; nothing is cleaned up
and kept, because the artwork prints on every official letter."""

from __future__ import annotations

import io
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
MIN_PIXELS_SIDE = 64
MAX_PIXELS_SIDE = 4096
FORBIDDEN_SVG_ELEMENTS = {
    "script",
    "foreignobject",
    "iframe",
    "embed",
    "object",
    "audio",
    "video",
    "canvas",
    "animate",
    "animatemotion",
    "animatetransform",
    "animatecolor",
    "set",
    "handler",
    "listener",
    "a",
}
DATA_IMAGE_RE = re.compile(r"^data:image/(png|jpeg);base64,", re.IGNORECASE)
URL_RE = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)


def lambang_max_bytes() -> int:
    return int(settings.NASKAH_LAMBANG_MAX_BYTES)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _validate_png(data: bytes) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != "PNG":
                raise ValidationError(_("The file is not a PNG image."), code="lambang_format")
            width, height = probe.size
            if not (
                min(width, height) >= MIN_PIXELS_SIDE and max(width, height) <= MAX_PIXELS_SIDE
            ):
                raise ValidationError(
                    _("A PNG emblem must be %(min)d to %(max)d pixels on each side.")
                    % {"min": MIN_PIXELS_SIDE, "max": MAX_PIXELS_SIDE},
                    code="lambang_size",
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except ValidationError:
        raise
    except Exception as exc:  # Pillow raises many kinds for a broken file
        raise ValidationError(
            _("The PNG image cannot be read: %(error)s") % {"error": exc}, code="lambang_broken"
        ) from None


def _svg_refusal(root) -> str | None:
    """Why the parsed SVG is refused, or None."""
    if root.tag != f"{SVG_NS}svg":
        return _("The file is not an SVG image (its root element is not <svg>).")
    for element in root.iter():
        name = _local(element.tag)
        if name in FORBIDDEN_SVG_ELEMENTS:
            return _("The SVG contains a <%(name)s> element, which is not allowed.") % {
                "name": name
            }
        for attr, value in element.attrib.items():
            attr_name = _local(attr)
            if attr_name.startswith("on"):
                return _("The SVG contains an event handler (%(attr)s).") % {"attr": attr_name}
            if attr_name == "href" or attr == XLINK_HREF:
                target = value.strip()
                if target.startswith("#"):
                    continue
                if name == "image" and DATA_IMAGE_RE.match(target):
                    continue
                return _("The SVG refers to something outside the file (%(ref)s).") % {
                    "ref": target[:60]
                }
            for ref in URL_RE.findall(value or ""):
                if not ref.startswith("#"):
                    return _("The SVG refers to something outside the file (%(ref)s).") % {
                        "ref": ref[:60]
                    }
        if name == "style":
            text = element.text or ""
            if "@import" in text.lower():
                return _("The SVG style sheet imports another file.")
            for ref in URL_RE.findall(text):
                if not ref.startswith("#"):
                    return _("The SVG refers to something outside the file (%(ref)s).") % {
                        "ref": ref[:60]
                    }
    return None


def _validate_svg(data: bytes) -> None:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ValidationError(
            _("The SVG declares a DTD or entities, which are not allowed."), code="lambang_svg"
        ) from None
    except Exception as exc:  # ParseError and friends
        raise ValidationError(
            _("The SVG cannot be read: %(error)s") % {"error": exc}, code="lambang_broken"
        ) from None
    reason = _svg_refusal(root)
    if reason:
        raise ValidationError(reason, code="lambang_svg")
    from core.lambang_svg import svg_drawing

    if svg_drawing(data) is None:
        raise ValidationError(_("The SVG cannot be drawn."), code="lambang_broken")


def lambang_validate(data: bytes) -> str:
    """Check uploaded artwork; return its kind ("png" or "svg") or raise ValidationError."""
    if not data:
        raise ValidationError(_("The file is empty."), code="lambang_empty")
    if len(data) > lambang_max_bytes():
        raise ValidationError(
            _("The file is larger than %(max)d KB.") % {"max": lambang_max_bytes() // 1024},
            code="lambang_too_big",
        )
    if data.startswith(PNG_SIGNATURE):
        _validate_png(data)
        return "png"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--"):
        _validate_svg(data)
        return "svg"
    raise ValidationError(_("Upload a PNG or SVG file."), code="lambang_format")
