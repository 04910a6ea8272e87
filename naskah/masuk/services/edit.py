"""Correcting a registered incoming letter's metadata (a misread number, a wrong date):
by the registering unit's agendaris, audited with the values before and after; the
change reaches the archive record and its search index (core.hooks.RECORD_CHANGED), the
register's search (live columns) and the disposition sheet (drawn from the letter on
every request)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from core import hooks
from core.errors import ApplicationError, PermissionDeniedError
from core.models import Pegawai
from core.services.audit import audit_record
from naskah.masuk import permissions as perms
from naskah.masuk.events import MASUK_SURATMASUK_UPDATE
from naskah.masuk.models import SuratMasuk
from naskah.masuk.selectors import _norm, _norm_nomor, suratmasuk_find_duplicates
from naskah.masuk.services.register import DataSurat, _duplicate_error, _validate

EDITABLE = (
    "pengirim",
    "nomor_surat",
    "tanggal_surat",
    "tanggal_diterima",
    "hal",
    "urgensi",
    "klasifikasi_keamanan",
    "kode_klasifikasi",
    "jumlah_lampiran",
    "jabatan_tujuan",
)


def _shown(value) -> str:
    """A value as the audit trail keeps it (codes and positions by their text)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    kode = getattr(value, "kode", None)
    if kode is not None and hasattr(value, "skema_id"):
        return kode
    return str(value)


def suratmasuk_update(
    *,
    surat: SuratMasuk,
    actor: Pegawai,
    data: DataSurat,
    konfirmasi_duplikat: bool = False,
) -> tuple[SuratMasuk, list[str]]:
    """Correct the letter's metadata. Returns the letter and the names of the fields that
    changed (none: nothing written, no event). The addressed position cannot change once
    the letter is disposed (the disposition tree starts from it)."""
    if not perms.can_edit_register_entry(actor, surat):
        raise PermissionDeniedError(_("Only the register's agendaris may correct its data."))
    _validate(surat.unit, data)
    with transaction.atomic():
        locked = (
            SuratMasuk.objects.select_for_update()
            .select_related("kode_klasifikasi", "jabatan_tujuan__unit", "unit")
            .get(pk=surat.pk)
        )
        before = {f: _shown(getattr(locked, f)) for f in EDITABLE}
        values = {
            "pengirim": data.pengirim.strip(),
            "nomor_surat": data.nomor_surat.strip(),
            "tanggal_surat": data.tanggal_surat,
            "tanggal_diterima": data.tanggal_diterima,
            "hal": data.hal.strip(),
            "urgensi": data.urgensi,
            "klasifikasi_keamanan": data.klasifikasi_keamanan,
            "kode_klasifikasi": data.kode_klasifikasi,
            "jumlah_lampiran": data.jumlah_lampiran,
            "jabatan_tujuan": data.jabatan_tujuan,
        }
        after = {f: _shown(v) for f, v in values.items()}
        changed = [f for f in EDITABLE if before[f] != after[f]]
        if not changed:
            return locked, []
        if "jabatan_tujuan" in changed and locked.status != SuratMasuk.Status.TERDAFTAR:
            raise ApplicationError(
                _("The letter is already disposed; its addressee can no longer change."),
                code="disposed",
            )
        if {"pengirim", "nomor_surat"} & set(changed):
            duplicates = suratmasuk_find_duplicates(
                unit=locked.unit,
                pengirim=values["pengirim"],
                nomor_surat=values["nomor_surat"],
                exclude_pk=locked.pk,
            )
            if duplicates and not konfirmasi_duplikat:
                raise _duplicate_error(duplicates)
        for name in changed:
            setattr(locked, name, values[name])
        locked.pengirim_norm = _norm(locked.pengirim)
        locked.nomor_surat_norm = _norm_nomor(locked.nomor_surat)
        # A suggestion for a field the agendaris has just set is no longer news.
        locked.ocr_saran = {k: v for k, v in locked.ocr_saran.items() if k not in changed}
        locked.save()
        audit_record(
            actor=actor,
            action=MASUK_SURATMASUK_UPDATE,
            obj=locked,
            details={
                "before": {f: before[f] for f in changed},
                "after": {f: after[f] for f in changed},
            },
        )
        hooks.notify(hooks.RECORD_CHANGED, locked)
        if "klasifikasi_keamanan" in changed:
            hooks.notify(hooks.READERS_CHANGED, locked)
    return locked, changed
