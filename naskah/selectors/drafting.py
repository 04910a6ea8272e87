"""Reads for the drafting screens."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from core.clock import office_today
from core.models import Jabatan, Pegawai, UnitKerja
from core.selectors.organisasi import jabatan_superior_chain, pegawai_assignments_on
from naskah.models import JenisNaskah, Lampiran, Naskah, NaskahRevisi
from naskah.permissions import naskah_visible_to
from naskah.selectors.kewenangan import (
    jenis_allows_signer,  # noqa: F401 (re-exported)
    signer_options,
)


def naskah_drafts_for_user(user: Pegawai) -> QuerySet[Naskah]:
    return (
        naskah_visible_to(user)
        .filter(konseptor=user, status__in=Naskah.EDITABLE_STATUSES)
        .select_related("jenis", "penandatangan")
        .order_by("-updated_at")
    )


def jenis_naskah_active() -> QuerySet[JenisNaskah]:
    return JenisNaskah.objects.filter(aktif=True).order_by("urutan", "nama")


def signer_choices(jenis: JenisNaskah, user: Pegawai, on: dt.date | None = None) -> list[Jabatan]:
    """Positions that may sign this type on the date (the authority matrix, and for a.n./
    u.b. a delegation in force); the user's own line of superiors first. Each carries
    `mandat_options`: the forms it may sign in ("" own right, "an", "ub")."""
    options = signer_options(jenis, on or office_today())
    candidates = list(
        Jabatan.objects.filter(pk__in=options, aktif=True)
        .select_related("unit", "atasan__atasan")
        .order_by("unit__path")
    )
    for jabatan in candidates:
        jabatan.mandat_options = options[jabatan.pk]
    near: list[int] = []
    for row in pegawai_assignments_on(user):
        near.append(row.jabatan_id)
        near.extend(j.pk for j in jabatan_superior_chain(row.jabatan))
    rank = {pk: i for i, pk in enumerate(dict.fromkeys(near))}
    return sorted(candidates, key=lambda j: (rank.get(j.pk, len(rank)), j.unit.path))


def signer_default(jenis: JenisNaskah, user: Pegawai, choices: list[Jabatan]) -> Jabatan | None:
    """The usual signer: the nearest unit head above (or at) the user that may sign the
    type; failing that, the first permitted position."""
    allowed = {j.pk: j for j in choices}
    for row in pegawai_assignments_on(user):
        for jabatan in [row.jabatan, *jabatan_superior_chain(row.jabatan)]:
            if jabatan.pk in allowed and jabatan.kepala_unit and jabatan.jenis == "struktural":
                return allowed[jabatan.pk]
    for row in pegawai_assignments_on(user):
        for jabatan in [row.jabatan, *jabatan_superior_chain(row.jabatan)]:
            if jabatan.pk in allowed:
                return allowed[jabatan.pk]
    return choices[0] if choices else None


def naskah_revisions(naskah: Naskah) -> QuerySet[NaskahRevisi]:
    return naskah.revisi.select_related("dibuat_oleh").order_by("-nomor")


def naskah_latest_revision(naskah: Naskah) -> NaskahRevisi:
    return naskah.revisi.get(nomor=naskah.revisi_terakhir)


def naskah_active_lampiran(naskah: Naskah) -> QuerySet[Lampiran]:
    return naskah.lampiran.filter(dihapus=False).order_by("pk")


def penerima_search(query: str, *, limit: int = 8) -> dict[str, list]:
    """Units, positions and people matching the query, for the recipient picker."""
    query = (query or "").strip()
    if len(query) < 2:
        return {"unit": [], "jabatan": [], "pegawai": []}
    units = UnitKerja.objects.filter(
        Q(nama__icontains=query) | Q(singkatan__icontains=query) | Q(kode__icontains=query),
        aktif=True,
    ).order_by("path")[:limit]
    positions = (
        Jabatan.objects.filter(nama__icontains=query, aktif=True)
        .select_related("unit")
        .order_by("unit__path")[:limit]
    )
    people = Pegawai.objects.filter(
        Q(nama__icontains=query) | Q(nip__startswith=query), is_active=True
    ).order_by("nama")[:limit]
    return {"unit": list(units), "jabatan": list(positions), "pegawai": list(people)}


def naskah_withdraw_candidates(user, naskah):
    """Signed letters the user can read that may withdraw `naskah`: issued by its unit or
    one above it, signed after it (the service checks the rest)."""
    from naskah.models import NaskahTTE

    record = NaskahTTE.objects.filter(naskah=naskah).first()
    if record is None:
        return Naskah.objects.none()
    unit = naskah.penandatangan.unit
    # The unit's own path and its ancestors' (materialised paths end in ".").
    prefixes = [unit.path[: i + 1] for i, char in enumerate(unit.path) if char == "."]
    return (
        naskah_visible_to(user)
        .filter(
            status=Naskah.Status.DITANDATANGANI,
            tte__selesai=True,
            tte__dibuat_pada__gt=record.dibuat_pada,
            penandatangan__unit__path__in=prefixes,
        )
        .exclude(pk=naskah.pk)
        .order_by("-tanggal", "-pk")
    )
