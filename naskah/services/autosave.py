"""The drafting form's autosave (issue 14 item 7): what is typed is kept as a draft revision
while the drafter writes, without a revision per keystroke.

Revisions are immutable (DESIGN: every approval is bound to an exact revision), so an
autosave never rewrites one. Instead it writes at most one revision per interval
(`NASKAH_AUTOSAVE_INTERVAL_SECONDS`, 60 s): while the latest revision is an autosave of
the same drafter younger than the interval, the call stores nothing and says when to come
back (`retry_after`); the form keeps its changes and tries again then. An autosave that
changes nothing stores nothing. Each stored autosave is audited as the normal save is
(`naskah.create` / `naskah.update`, with `"otomatis": true`).

An autosave keeps the draft even before its subject (hal) is written, from the first field
typed; a save by hand, submission and signing still require the subject.

A letter not saved yet is created by its first autosave. The form sends a key it made when
the page was opened, so a repeated first autosave (a retry after a lost answer) returns
the draft already made instead of a second one."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError, ConflictError
from core.models import Pegawai
from core.services.audit import audit_record
from naskah.events import NASKAH_UPDATE
from naskah.models import JenisNaskah, Naskah, NaskahRevisi
from naskah.selectors.drafting import draft_check
from naskah.services.drafting import (
    AUTOSAVE_CATATAN,
    _lock_for_change,
    _save_revision,
    naskah_create,
)

_KEY = re.compile(r"^[0-9a-f]{32}$")
_CACHE_PREFIX = "naskah:autosave:"
_KEY_TTL = 24 * 3600


def autosave_interval() -> int:
    return int(settings.NASKAH_AUTOSAVE_INTERVAL_SECONDS)


@dataclass(frozen=True)
class AutosaveResult:
    naskah: Naskah
    revisi: NaskahRevisi
    saved: bool  # a revision (or the draft itself) was written by this call
    retry_after: int = 0  # > 0: nothing written yet; try again after this many seconds


def naskah_autosave(
    *,
    actor: Pegawai,
    naskah: Naskah,
    expected_revisi: int,
    values: dict,
    immediate: bool = False,
) -> AutosaveResult:
    """Keep the form's `values` (NaskahForm.service_values) as the draft's next revision,
    unless unchanged or inside the interval after the last autosave (module docstring).
    `immediate`: the drafter acted (e.g. adds an attachment), so the interval does not
    apply. A letter changed elsewhere since `expected_revisi`: ConflictError."""
    with transaction.atomic():
        locked = _lock_for_change(actor=actor, naskah=naskah, expected_revisi=expected_revisi)
        latest = locked.revisi.get(nomor=expected_revisi)
        draft = draft_check(
            jenis=locked.jenis,
            lampiran=list(latest.lampiran),
            complete=False,
            hal_required=False,
            **values,
        )
        unchanged = (
            latest.header == draft.header
            and latest.fields == draft.fields
            and latest.body == draft.body
            and latest.penerima == draft.penerima
        )
        if unchanged:
            return AutosaveResult(naskah=locked, revisi=latest, saved=False)
        if (
            not immediate
            and latest.catatan == AUTOSAVE_CATATAN
            and latest.dibuat_oleh_id == actor.pk
        ):
            age = (timezone.now() - latest.dibuat_pada).total_seconds()
            if age < autosave_interval():
                wait = max(1, math.ceil(autosave_interval() - age))
                return AutosaveResult(naskah=locked, revisi=latest, saved=False, retry_after=wait)
        revisi = _save_revision(
            actor=actor,
            locked=locked,
            draft=draft,
            expected_revisi=expected_revisi,
            catatan=AUTOSAVE_CATATAN,
        )
        audit_record(
            actor=actor,
            action=NASKAH_UPDATE,
            obj=locked,
            details={"revisi": revisi.nomor, "otomatis": True},
        )
        locked.revisi_terakhir = revisi.nomor
        return AutosaveResult(naskah=locked, revisi=revisi, saved=True)


def naskah_autosave_new(
    *, actor: Pegawai, jenis: JenisNaskah, key: str, values: dict
) -> AutosaveResult:
    """The first autosave of a letter not saved yet: create the draft. `key` (32 hex
    characters, made by the form when the page opened) makes it idempotent."""
    if not _KEY.match(key or ""):
        raise ApplicationError(_("The form is out of date; reload the page."), code="invalid")
    cache_key = f"{_CACHE_PREFIX}{actor.pk}:{key}"
    if not cache.add(cache_key, 0, _KEY_TTL):
        made = cache.get(cache_key)
        existing = Naskah.objects.filter(pk=made, konseptor=actor).first() if made else None
        if existing is None:
            raise ConflictError(
                _("The draft is being saved; try again in a moment."), code="autosave_busy"
            )
        return AutosaveResult(
            naskah=existing,
            revisi=existing.revisi.get(nomor=existing.revisi_terakhir),
            saved=False,
        )
    try:
        naskah = naskah_create(actor=actor, jenis=jenis, otomatis=True, **values)
    except BaseException:
        cache.delete(cache_key)
        raise
    cache.set(cache_key, naskah.pk, _KEY_TTL)
    return AutosaveResult(naskah=naskah, revisi=naskah.revisi.get(nomor=1), saved=True)
