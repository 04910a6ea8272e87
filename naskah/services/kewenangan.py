"""Services that change signing authority: the authority matrix of a letter type, the
acting capacities a type forbids (Plt/Plh), the type's Pasal 44 / legal-bureau flags, and
delegations (pelimpahan wewenang). Each validates, writes in one transaction and records
an audit event with what was there before; the admin calls these, never `save()`."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.models import Jabatan, Pegawai
from core.services.audit import audit_record
from naskah.events import (
    NASKAH_ATURAN_TTE_UPDATE,
    NASKAH_JENIS_UPDATE,
    NASKAH_KEWENANGAN_UPDATE,
    NASKAH_PELIMPAHAN_CREATE,
    NASKAH_PELIMPAHAN_UPDATE,
)
from naskah.models import AturanTTE, JenisNaskah
from naskah.models.kewenangan import KewenanganTandaTangan, PelimpahanWewenang
from naskah.selectors.kewenangan import mandat_principal

ROW_FIELDS = ("peran", "eselon_minimal", "jabatan", "sendiri", "atas_nama", "untuk_beliau", "dasar")
# JenisNaskah columns that decide authority or the Pasal 44 name line.
JENIS_AUDITED = (
    "kelompok",
    "subkelompok",
    "lingkup",
    "nama_tanpa_gelar",
    "paraf_biro_hukum",
    "koordinasi_wajib",
    "multi_penandatangan",
    "aktif",
)
ACTING = ("plt", "plh", "pj")


def _message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def _locked_jenis(jenis: JenisNaskah) -> JenisNaskah:
    return JenisNaskah.objects.select_for_update().get(pk=jenis.pk)


@transaction.atomic
def kewenangan_set(
    *, actor: Pegawai | None, jenis: JenisNaskah, rows: list[dict]
) -> list[KewenanganTandaTangan]:
    """Replace the type's authority matrix with `rows` (dicts of ROW_FIELDS; `jabatan` a
    Jabatan or None). The signing service reads the matrix again at signature, so a
    narrowed matrix stops letters already drafted."""
    locked = _locked_jenis(jenis)
    new = []
    for row in rows:
        unknown = set(row) - set(ROW_FIELDS)
        if unknown:
            raise ApplicationError(f"Unknown matrix columns: {', '.join(sorted(unknown))}")
        item = KewenanganTandaTangan(jenis=locked, **row)
        try:
            item.full_clean(exclude=["jenis"])
        except ValidationError as exc:
            raise ApplicationError(_message(exc), code="invalid") from None
        new.append(item)
    before = [r.as_dict() for r in locked.kewenangan.order_by("pk")]
    locked.kewenangan.all().delete()
    KewenanganTandaTangan.objects.bulk_create(new)
    after = [r.as_dict() for r in new]
    getattr(jenis, "_prefetched_objects_cache", {}).pop("kewenangan", None)
    if before != after:
        audit_record(
            actor=actor,
            action=NASKAH_KEWENANGAN_UPDATE,
            obj=locked,
            details={"jenis": locked.kode, "before": before, "after": after},
        )
    return new


@transaction.atomic
def jenisnaskah_update(*, actor: Pegawai | None, jenis: JenisNaskah, **changes) -> JenisNaskah:
    """Change a letter type's columns (validated); the authority and Pasal 44 ones are
    recorded with their old values."""
    locked = _locked_jenis(jenis)
    fields = {f.name for f in JenisNaskah._meta.concrete_fields} - {"id"}
    unknown = set(changes) - fields
    if unknown:
        raise ApplicationError(f"Unknown letter type columns: {', '.join(sorted(unknown))}")
    before = {k: getattr(locked, k) for k in changes}
    for key, value in changes.items():
        setattr(locked, key, value)
    try:
        locked.full_clean()
    except ValidationError as exc:
        raise ApplicationError(_message(exc), code="invalid") from None
    locked.save()
    changed = {k: v for k, v in changes.items() if before[k] != v}
    if changed:
        audited = {k for k in changed if k in JENIS_AUDITED}
        audit_record(
            actor=actor,
            action=NASKAH_JENIS_UPDATE,
            obj=locked,
            details={
                "jenis": locked.kode,
                "fields": sorted(changed),
                "before": {k: before[k] for k in sorted(audited)},
                "after": {k: changed[k] for k in sorted(audited)},
            },
        )
    return locked


@transaction.atomic
def aturantte_set(
    *, actor: Pegawai | None, jenis: JenisNaskah, pelaksana_dilarang: list[str]
) -> AturanTTE:
    """Which acting capacities (plt, plh, pj) may not sign the type (BKN SE 2/SE/VII/2019:
    no Plt/Plh signature on staffing, organisation or budget decisions)."""
    values = list(dict.fromkeys(pelaksana_dilarang or []))
    if not set(values) <= set(ACTING):
        raise ApplicationError(
            _("Use a list of: %(kinds)s") % {"kinds": ", ".join(ACTING)}, code="invalid"
        )
    locked = _locked_jenis(jenis)
    rule, _created = AturanTTE.objects.get_or_create(jenis=locked)
    before = list(rule.pelaksana_dilarang or [])
    if before != values:
        rule.pelaksana_dilarang = values
        rule.save(update_fields=["pelaksana_dilarang"])
        audit_record(
            actor=actor,
            action=NASKAH_ATURAN_TTE_UPDATE,
            obj=locked,
            details={"jenis": locked.kode, "before": before, "after": values},
        )
    return rule


# --- Delegations ---------------------------------------------------------------------------


def pelimpahan_validate(
    *,
    jenis: str,
    dari: Jabatan,
    kepada: Jabatan,
    jenis_naskah: list[JenisNaskah],
    mulai: dt.date,
    selesai: dt.date | None,
    dasar: str,
    check_chain: bool = True,
) -> None:
    if jenis not in PelimpahanWewenang.Jenis.values:
        raise ApplicationError(_("A delegation is a.n. or u.b."), code="invalid")
    if not (dasar or "").strip():
        raise ApplicationError(_("Give the decree the delegation rests on."), code="invalid")
    if selesai is not None and selesai < mulai:
        raise ApplicationError(_("A delegation cannot end before it starts."), code="invalid")
    if not jenis_naskah:
        raise ApplicationError(_("Choose the letter types delegated."), code="invalid")
    principal = mandat_principal(kepada, jenis) if check_chain else dari
    if principal is None or principal.pk != dari.pk:
        if jenis == PelimpahanWewenang.Jenis.AN:
            message = _("a.n.: the delegating position must be the direct superior of %(k)s.")
        else:
            message = _("u.b.: the delegating position must be two levels above %(k)s.")
        raise ApplicationError(message % {"k": kepada.nama}, code="invalid")


def _snapshot(row: PelimpahanWewenang) -> dict:
    return {
        "jenis": row.jenis,
        "dari": row.dari_id,
        "kepada": row.kepada_id,
        "jenis_naskah": sorted(row.jenis_naskah.values_list("kode", flat=True)),
        "mulai": row.mulai.isoformat(),
        "selesai": row.selesai.isoformat() if row.selesai else None,
        "dasar": row.dasar,
        "aktif": row.aktif,
    }


@transaction.atomic
def pelimpahan_create(
    *,
    actor: Pegawai | None,
    jenis: str,
    dari: Jabatan,
    kepada: Jabatan,
    jenis_naskah: list[JenisNaskah],
    mulai: dt.date,
    selesai: dt.date | None = None,
    dasar: str,
    keterangan: str = "",
) -> PelimpahanWewenang:
    """Record a delegation: `kepada` signs letters of `jenis_naskah` a.n. (or u.b.) `dari`
    from `mulai` to `selesai` (inclusive), by the decree `dasar`."""
    jenis_naskah = list(jenis_naskah)
    pelimpahan_validate(
        jenis=jenis,
        dari=dari,
        kepada=kepada,
        jenis_naskah=jenis_naskah,
        mulai=mulai,
        selesai=selesai,
        dasar=dasar,
    )
    row = PelimpahanWewenang.objects.create(
        jenis=jenis,
        dari=dari,
        kepada=kepada,
        mulai=mulai,
        selesai=selesai,
        dasar=dasar.strip(),
        keterangan=keterangan,
    )
    row.jenis_naskah.set(jenis_naskah)
    audit_record(actor=actor, action=NASKAH_PELIMPAHAN_CREATE, obj=row, details=_snapshot(row))
    return row


@transaction.atomic
def pelimpahan_update(
    *, actor: Pegawai | None, pelimpahan: PelimpahanWewenang, **changes
) -> PelimpahanWewenang:
    """Change a delegation (end it early, revoke it with aktif=False, change its types or
    dates). The signing service checks delegations on the signing date."""
    allowed = {"jenis", "dari", "kepada", "jenis_naskah", "mulai", "selesai", "dasar"}
    allowed |= {"aktif", "keterangan"}
    unknown = set(changes) - allowed
    if unknown:
        raise ApplicationError(f"Unknown delegation columns: {', '.join(sorted(unknown))}")
    row = PelimpahanWewenang.objects.select_for_update().get(pk=pelimpahan.pk)
    before = _snapshot(row)
    types = list(changes.pop("jenis_naskah", row.jenis_naskah.all()))
    # Ending or revoking a delegation stays possible after the organisation changed.
    check_chain = bool({"jenis", "dari", "kepada"} & set(changes))
    for key, value in changes.items():
        setattr(row, key, value)
    pelimpahan_validate(
        jenis=row.jenis,
        dari=row.dari,
        kepada=row.kepada,
        jenis_naskah=types,
        mulai=row.mulai,
        selesai=row.selesai,
        dasar=row.dasar,
        check_chain=check_chain,
    )
    row.save()
    row.jenis_naskah.set(types)
    after = _snapshot(row)
    if after != before:
        audit_record(
            actor=actor,
            action=NASKAH_PELIMPAHAN_UPDATE,
            obj=row,
            details={"before": before, "after": after},
        )
    return row
