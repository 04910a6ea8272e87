"""Letterhead artwork: upload (validated, audited) and lookup for the renderer."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from core.events import UNITKERJA_LAMBANG_REMOVE, UNITKERJA_LAMBANG_UPLOAD
from core.lambang import lambang_validate
from core.models import Pegawai, UnitKerja
from core.services.audit import audit_record


def unitkerja_lambang_set(*, unit: UnitKerja, data: bytes | None, actor: Pegawai | None) -> None:
    """Store the unit's official emblem artwork (PNG or SVG), or remove it (`data=None`).
    Raises ValidationError for a file core.lambang refuses; nothing is stored then."""
    kind = lambang_validate(data) if data is not None else ""
    with transaction.atomic():
        UnitKerja.objects.filter(pk=unit.pk).update(
            lambang_gambar=data,
            lambang_gambar_jenis=kind,
            lambang_gambar_diunggah=timezone.now() if data is not None else None,
        )
        audit_record(
            actor=actor,
            action=UNITKERJA_LAMBANG_UPLOAD if data is not None else UNITKERJA_LAMBANG_REMOVE,
            obj=unit,
            details=(
                {"format": kind, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                if data is not None
                else {}
            ),
        )
    unit.lambang_gambar = data
    unit.lambang_gambar_jenis = kind


def unitkerja_lambang_gambar(unit: UnitKerja, kind: str | None = None) -> tuple[bytes, str] | None:
    """The artwork a letterhead of `unit` prints for the emblem `kind` ("garuda"/"daerah";
    default the unit's own): the unit's upload, else that of the nearest ancestor with
    that emblem, else (regional logo) that of a regional-government letterhead unit with
    the regional logo, so the province's logo is uploaded once, e.g. on the Setda. None:
    the renderer's stand-in."""
    kind = kind or unit.lambang
    chain, seen = [], set()
    node: UnitKerja | None = unit
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        chain.append(node.pk)
        node = node.induk
    rows = {
        pk: (data, fmt)
        for pk, data, fmt in UnitKerja.objects.filter(
            pk__in=chain, lambang=kind, lambang_gambar__isnull=False
        ).values_list("pk", "lambang_gambar", "lambang_gambar_jenis")
        if data
    }
    for pk in chain:
        if pk in rows:
            return bytes(rows[pk][0]), rows[pk][1]
    if kind == UnitKerja.Lambang.DAERAH:
        row = (
            UnitKerja.objects.filter(
                aktif=True,
                jenis_kop=UnitKerja.JenisKop.PEMDA,
                lambang=kind,
                lambang_gambar__isnull=False,
            )
            .order_by("path")
            .values_list("lambang_gambar", "lambang_gambar_jenis")
            .first()
        )
        if row and row[0]:
            return bytes(row[0]), row[1]
    return None
