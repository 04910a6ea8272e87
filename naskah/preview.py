"""Previews of unsaved drafts: an in-memory revision (nothing written) rendered to PDF,
and a short-lived cache entry so the browser can load it by an unguessable token."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from core.errors import PermissionDeniedError
from core.models import Pegawai
from core.selectors.organisasi import pegawai_primary_unit
from naskah.context import naskah_render_pdf
from naskah.models import JenisNaskah, Naskah, NaskahRevisi
from naskah.services.drafting import Draft

_PREFIX = "naskah:preview:"


def preview_ttl() -> int:
    return int(getattr(settings, "NASKAH_PREVIEW_TTL_SECONDS", 600))


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


def preview_render(revisi: NaskahRevisi) -> bytes:
    return naskah_render_pdf(revisi, preview=True)


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
