"""Typed fields of a letter type (JenisNaskah.fields_schema): schema checks, value checks
and the conversion between what a form posts and what a revision stores.

A field spec: {"name": "hari_tanggal", "label": "Hari/tanggal", "type": "date",
"required": true, "max_length": 200, "help": "...", "placement": "rows" | "section"}.
`placement` puts the value into the letter body: "rows" as a label : value table after the
first paragraph (undangan), "section" as a heading plus text after the body (telaahan)."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from naskah.markup import blocks_from_markup, markup_from_blocks, validate_blocks

FIELD_TYPES = {"text", "textarea", "date", "blocks", "people", "diktum", "signers", "lines"}
PLACEMENTS = {"", "rows", "section"}
DIKTUM_SEPARATOR = "---"
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def body_max_chars() -> int:
    return int(settings.NASKAH_BODY_MAX_CHARS)


def validate_schema(schema) -> None:
    if not isinstance(schema, list):
        raise ValidationError(_("The typed fields must be a list."))
    seen = set()
    for spec in schema:
        if not isinstance(spec, dict):
            raise ValidationError(_("Each typed field must be an object."))
        name = spec.get("name", "")
        if not isinstance(name, str) or not _NAME.match(name) or name in seen:
            raise ValidationError(
                _("Field name %(name)r must be unique, lower case, letters/digits/_.")
                % {"name": name}
            )
        seen.add(name)
        if spec.get("type") not in FIELD_TYPES:
            raise ValidationError(
                _("Field %(name)s: type must be one of %(types)s.")
                % {"name": name, "types": ", ".join(sorted(FIELD_TYPES))}
            )
        if not spec.get("label"):
            raise ValidationError(_("Field %(name)s needs a label.") % {"name": name})
        if spec.get("format", "") not in {"", "hari"}:
            raise ValidationError(_("Field %(name)s: unknown format.") % {"name": name})
        if spec.get("placement", "") not in PLACEMENTS:
            raise ValidationError(_("Field %(name)s: unknown placement.") % {"name": name})
        if "max_length" in spec and not (
            isinstance(spec["max_length"], int) and spec["max_length"] > 0
        ):
            raise ValidationError(
                _("Field %(name)s: max_length must be positive.") % {"name": name}
            )


def _is_empty(value) -> bool:
    return value in (None, "", [], {})


def _clean_text(spec: dict, value):
    if not isinstance(value, str):
        raise ValidationError(_("Must be text."))
    value = value.strip()
    kind = spec["type"]
    limit = spec.get("max_length", 500 if kind == "text" else 5000)
    if len(value) > limit:
        raise ValidationError(_("At most %(n)d characters.") % {"n": limit})
    if kind == "text" and "\n" in value:
        raise ValidationError(_("Must be a single line."))
    return value


def _clean_date(spec: dict, value):
    if isinstance(value, dt.date):
        value = value.isoformat()
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Enter a valid date.")) from None
    return value


def _clean_blocks(spec: dict, value):
    value = validate_blocks(value, max_chars=body_max_chars())
    if not value:
        raise ValidationError(_("Must not be empty."))
    return value


def _clean_diktum(spec: dict, value):
    if not isinstance(value, list):
        raise ValidationError(_("Must be a list of parts."))
    value = [validate_blocks(part, max_chars=body_max_chars()) for part in value]
    return [part for part in value if part]


def _clean_lines(spec: dict, value):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Must be a list of lines."))
    return [v.strip() for v in value if v.strip()]


def _clean_people(spec: dict, value):
    from core.models import Pegawai

    if not isinstance(value, list) or not all(isinstance(v, int) for v in value):
        raise ValidationError(_("Must be a list of employees."))
    found = set(Pegawai.objects.filter(pk__in=value, is_active=True).values_list("pk", flat=True))
    if set(value) - found:
        raise ValidationError(_("Unknown employee."))
    return list(dict.fromkeys(value))


def _clean_signers(spec: dict, value):
    from core.models import Jabatan

    if not isinstance(value, list):
        raise ValidationError(_("Must be a list of signers."))
    rows = []
    for row in value:
        if not isinstance(row, dict) or not isinstance(row.get("jabatan_id"), int):
            raise ValidationError(_("Each signer needs a position."))
        rows.append({"jabatan_id": row["jabatan_id"], "peran": str(row.get("peran", ""))[:120]})
    ids = {r["jabatan_id"] for r in rows}
    if len(ids) != len(rows):
        raise ValidationError(_("A position is listed twice."))
    if Jabatan.objects.filter(pk__in=ids, aktif=True).count() != len(ids):
        raise ValidationError(_("Unknown position."))
    return rows


# Each field type's check: (spec, value) -> the normalised value, or ValidationError. A
# type without an entry is stored as given.
_CLEANERS = {
    "text": _clean_text,
    "textarea": _clean_text,
    "date": _clean_date,
    "blocks": _clean_blocks,
    "diktum": _clean_diktum,
    "lines": _clean_lines,
    "people": _clean_people,
    "signers": _clean_signers,
}


def clean_values(schema: list[dict], values: dict, *, require: bool = True) -> dict:
    """Validate structured values against the schema; return the normalised dict that a
    revision stores. Raises ValidationError with a message per field name.
    `require=False`: a required field may still be empty (a draft being written)."""
    if not isinstance(values, dict):
        raise ValidationError(_("Typed fields must be an object."))
    unknown = set(values) - {s["name"] for s in schema}
    if unknown:
        raise ValidationError(
            _("Unknown fields for this letter type: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    for spec in schema:
        name = spec["name"]
        value = values.get(name)
        if not _is_empty(value) and (cleaner := _CLEANERS.get(spec["type"])) is not None:
            try:
                value = cleaner(spec, value)
            except ValidationError as exc:
                errors[name] = exc.messages
                continue
        if _is_empty(value):
            if require and spec.get("required"):
                errors[name] = [_("%(label)s is required.") % {"label": spec["label"]}]
            continue
        cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- Form <-> stored values ------------------------------------------------------------------


def from_form_text(kind: str, raw: str):
    """What a text input posts -> the structured value for clean_values."""
    raw = raw or ""
    if kind == "blocks":
        return blocks_from_markup(raw)
    if kind == "diktum":
        parts = re.split(rf"^\s*{DIKTUM_SEPARATOR}\s*$", raw, flags=re.MULTILINE)
        return [blocks_from_markup(p) for p in parts if p.strip()]
    if kind == "lines":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    return raw


def to_form_text(kind: str, value) -> str:
    if value in (None, ""):
        return ""
    if kind == "blocks":
        return markup_from_blocks(value)
    if kind == "diktum":
        return f"\n\n{DIKTUM_SEPARATOR}\n\n".join(markup_from_blocks(p) for p in value)
    if kind == "lines":
        return "\n".join(value)
    return value
