"""Previews of unsaved drafts: an in-memory revision (nothing written) rendered to PDF,
and a short-lived cache entry so the browser can load it by an unguessable token.

A draft being written is previewed as far as it goes: the letterhead and every part
already filled, and a readable placeholder ("[Tempat belum diisi]") for each part still
missing, never a field's key."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from core.errors import PermissionDeniedError
from core.models import Pegawai
from core.selectors.organisasi import pegawai_primary_unit
from naskah.context import naskah_render_context, naskah_render_pdf
from naskah.models import JenisNaskah, Naskah, NaskahRevisi
from naskah.selectors.drafting import Draft, draft_check

# Layouts that print an addressee block ("Yth." / "Kepada").
_ADDRESSED = (JenisNaskah.LayoutKind.SURAT, JenisNaskah.LayoutKind.NOTA_DINAS)
# Optional fields a layout cannot be drawn without (a daftar hadir needs rows).
_LAYOUT_NEEDS = {JenisNaskah.LayoutKind.DAFTAR_HADIR: ("peserta",)}

_PREFIX = "naskah:preview:"


def preview_ttl() -> int:
    return int(settings.NASKAH_PREVIEW_TTL_SECONDS)


def unsaved_revision(
    *, actor: Pegawai, jenis: JenisNaskah, draft: Draft, naskah: Naskah | None = None
) -> NaskahRevisi:
    """A revision object that is never saved, for previews of a form being edited."""
    if naskah is None:
        unit = pegawai_primary_unit(actor)
        if unit is None:
            raise PermissionDeniedError(_("You hold no position, so you cannot draft letters."))
        naskah = Naskah(jenis=jenis, unit=unit, konseptor=actor)
    return NaskahRevisi(
        naskah=naskah,
        nomor=naskah.revisi_terakhir + 1,
        dibuat_oleh=actor,
        header=draft.header,
        fields=draft.fields,
        body=draft.body,
        penerima=draft.penerima,
        lampiran=draft.lampiran,
    )


def placeholder_text(label) -> str:
    return _("[%(label)s not filled in]") % {"label": label}


def preview_placeholders(jenis: JenisNaskah, values: dict) -> dict[str, str]:
    """{field name: placeholder} for the type's required fields (and those its layout needs)
    that `values` leaves empty."""
    needed = set(_LAYOUT_NEEDS.get(jenis.layout_kind, ()))
    return {
        spec["name"]: placeholder_text(spec["label"])
        for spec in jenis.fields_schema
        if (spec.get("required") or spec["name"] in needed)
        and spec["type"] != "signers"
        and values.get(spec["name"]) in (None, "", [], {})
    }


def preview_draft(*, jenis: JenisNaskah, values: dict, lampiran: list[int]) -> Draft:
    """The draft a preview shows: `values` as the form has them (NaskahForm.service_values),
    checked like a save (an incomplete draft is fine), with the subject's placeholder."""
    values = dict(values)
    if not (values.get("hal") or "").strip():
        values["hal"] = placeholder_text(_("Subject (hal)"))
    return draft_check(jenis=jenis, lampiran=lampiran, complete=False, **values)


def preview_render(revisi: NaskahRevisi, *, placeholders: bool = True) -> bytes:
    """The preview PDF (KONSEP watermark). `placeholders`: missing parts are shown as
    placeholders (a draft being written) rather than left out."""
    if not placeholders:
        return naskah_render_pdf(revisi, preview=True)
    from naskah.rendering import render_naskah

    jenis = revisi.naskah.jenis
    layout, context = naskah_render_context(
        revisi, preview=True, placeholders=preview_placeholders(jenis, revisi.fields)
    )
    if jenis.layout_kind in _ADDRESSED and not context["tujuan"]:
        context["tujuan"] = [placeholder_text(_("Addressee"))]
        context["tujuan_tempat"] = "di Tempat"
    content_fields = any(
        spec.get("required") and spec["type"] in {"blocks", "diktum", "lines"}
        for spec in jenis.fields_schema
    )
    if not revisi.body and not content_fields:
        from naskah.markup import paragraph

        context["body"] = [paragraph(placeholder_text(_("Body"))), *context["body"]]
    return render_naskah(layout, context)


def preview_store(*, user: Pegawai, pdf: bytes) -> str:
    token = secrets.token_urlsafe(24)
    cache.set(_PREFIX + token, (user.pk, pdf), preview_ttl())
    return token


def preview_fetch(*, user: Pegawai, token: str) -> bytes | None:
    """The cached PDF, only for the user who made it."""
    entry = cache.get(_PREFIX + token)
    if entry is None or entry[0] != user.pk:
        return None
    return entry[1]
