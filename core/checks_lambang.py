"""Deploy check: every letterhead in use prints the official emblem artwork, not the
stand-in drawing the demo uses (issue 13, item 8)."""

from __future__ import annotations

from django.core.checks import Error, register
from django.db import DatabaseError


@register("naskah", deploy=True)
def check_letterhead_artwork(app_configs, **kwargs):
    from core.models import UnitKerja
    from core.services.lambang import unitkerja_lambang_gambar

    try:
        units = list(
            UnitKerja.objects.filter(aktif=True)
            .exclude(jenis_kop=UnitKerja.JenisKop.INDUK)
            .only("pk", "nama", "kode", "lambang", "jenis_kop", "induk_id")
            .order_by("path")
        )
        missing = []
        for unit in units:
            kind = (
                UnitKerja.Lambang.GARUDA
                if unit.jenis_kop == UnitKerja.JenisKop.KEPALA_DAERAH
                else unit.lambang
            )
            if unitkerja_lambang_gambar(unit, kind) is None:
                missing.append(f"{unit.nama} ({unit.kode})")
    except DatabaseError:  # not migrated yet: nothing to check
        return []
    if not missing:
        return []
    return [
        Error(
            "Letterheads in use have no uploaded emblem artwork, so letters would carry the "
            f"demo's stand-in drawing: {', '.join(missing)}.",
            hint=(
                "Upload the official Garuda Pancasila / regional logo (PNG or SVG) in the "
                "admin: Work units → Letterhead (docs/rendering.md, 'Official artwork')."
            ),
            id="naskah.E013",
        )
    ]
