"""SKKAAD (Sistem Klasifikasi Keamanan dan Akses Arsip Dinamis): a region's table of the
default security class and the position levels that may read each series of records.

CSV format (UTF-8, header row required; documented in docs/klasifikasi.md):

    kode,kelas_keamanan,tingkat_akses

`kode` must already be in the scheme. `kelas_keamanan` is one of biasa, terbatas,
rahasia, sangat_rahasia (also "Sangat Rahasia", B, T, R, SR). `tingkat_akses` lists
position levels separated by `;` (see core.models.TingkatAkses). An empty cell means
"inherit from the parent code". Codes not in the file are left as they are. A file with
any error is rejected whole: every error is reported with its line number and nothing is
written.

Each code keeps, besides its own values, the effective ones (own, else the nearest
ancestor's) in `kelas_keamanan_efektif` and `akses_mask`, so that the archive's access
rule is one indexed comparison on the code table.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db import transaction

from core.errors import ApplicationError
from core.events import SKKAAD_IMPORT
from core.models import KodeKlasifikasi, SkemaKlasifikasi, TingkatAkses, tingkat_akses_mask
from core.vocabulary import KlasifikasiKeamanan

REQUIRED_COLUMNS = ("kode", "kelas_keamanan", "tingkat_akses")
KNOWN_COLUMNS = (*REQUIRED_COLUMNS, "keterangan")
KELAS_ALIASES = {
    "b": KlasifikasiKeamanan.BIASA,
    "biasa": KlasifikasiKeamanan.BIASA,
    "biasa/terbuka": KlasifikasiKeamanan.BIASA,
    "terbuka": KlasifikasiKeamanan.BIASA,
    "t": KlasifikasiKeamanan.TERBATAS,
    "terbatas": KlasifikasiKeamanan.TERBATAS,
    "r": KlasifikasiKeamanan.RAHASIA,
    "rahasia": KlasifikasiKeamanan.RAHASIA,
    "sr": KlasifikasiKeamanan.SANGAT_RAHASIA,
    "sangat rahasia": KlasifikasiKeamanan.SANGAT_RAHASIA,
    "sangat_rahasia": KlasifikasiKeamanan.SANGAT_RAHASIA,
}


class SkkaadImportError(ApplicationError):
    def __init__(self, errors: list[str]):
        super().__init__(
            "The file was not imported; nothing was changed:\n" + "\n".join(errors),
            code="skkaad_invalid",
            extra={"errors": errors},
        )
        self.errors = errors


@dataclass
class SkkaadRow:
    line: int
    kode: str
    kelas_keamanan: str
    tingkat_akses: list[str]


@dataclass
class SkkaadResult:
    updated: int = 0
    unchanged: int = 0
    effective_changed: int = 0


def skkaad_parse_csv(text: str, *, known_codes: set[str]) -> list[SkkaadRow]:  # noqa: C901 - row checks in column order, every error reported
    """Parse and validate the whole file. Raises SkkaadImportError listing every error."""
    if text.startswith("\ufeff"):
        text = text[1:]
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if "\x00" in raw:
            errors.append(f"line {number}: contains a NUL byte")
    if errors:
        raise SkkaadImportError(errors)
    reader = csv.DictReader(io.StringIO(text), strict=True)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise SkkaadImportError([f"line 1: the CSV cannot be read ({exc})"]) from None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise SkkaadImportError(
            [f"line 1: the header must contain the columns {', '.join(missing)}"]
        )
    unknown = [c for c in header if c not in KNOWN_COLUMNS]
    if unknown:
        raise SkkaadImportError([f"line 1: unknown column(s): {', '.join(unknown)}"])
    reader.fieldnames = header
    rows: list[SkkaadRow] = []
    seen: dict[str, int] = {}
    start = 1
    try:
        for record in reader:
            line = start + 1
            start = reader.line_num
            if None in record:
                errors.append(f"line {line}: more values than columns")
                continue
            values = {k: (v or "").strip() for k, v in record.items()}
            if not any(values.values()):
                continue
            kode = values["kode"]
            if kode not in known_codes:
                errors.append(f"line {line}: code {kode!r} is not in the classification scheme")
                continue
            if kode in seen:
                errors.append(f"line {line}: code {kode} already appears on line {seen[kode]}")
                continue
            seen[kode] = line
            raw_kelas = values["kelas_keamanan"]
            kelas = KELAS_ALIASES.get(" ".join(raw_kelas.lower().split()))
            if raw_kelas and kelas is None:
                errors.append(
                    f"line {line}: kelas_keamanan must be biasa, terbatas, rahasia or "
                    f"sangat_rahasia, not {raw_kelas!r}"
                )
            levels: list[str] = []
            for part in values["tingkat_akses"].split(";"):
                level = part.strip().lower()
                if not level:
                    continue
                if level not in TingkatAkses.values:
                    errors.append(
                        f"line {line}: unknown access level {part.strip()!r} "
                        f"(known: {', '.join(TingkatAkses.values)})"
                    )
                elif level not in levels:
                    levels.append(level)
            rows.append(
                SkkaadRow(line=line, kode=kode, kelas_keamanan=kelas or "", tingkat_akses=levels)
            )
    except csv.Error as exc:
        errors.append(f"line {start + 1}: the CSV cannot be read ({exc})")
    if not rows and not errors:
        errors.append("the file contains no codes")
    if errors:
        raise SkkaadImportError(errors)
    return rows


def _recompute(codes: list[KodeKlasifikasi], parents: dict[int, KodeKlasifikasi]) -> list:
    """Set the effective values of `codes` (parents first) and return the changed ones.
    `parents` maps ids to codes whose effective values are already right."""
    changed = []
    for code in codes:
        parent = parents.get(code.induk_id) if code.induk_id is not None else None
        kelas, mask = code.skkaad_from_parent(parent)
        if (kelas, mask) != (code.kelas_keamanan_efektif, code.akses_mask):
            code.kelas_keamanan_efektif, code.akses_mask = kelas, mask
            changed.append(code)
        parents[code.pk] = code
    return changed


def skkaad_refresh_scheme(skema: SkemaKlasifikasi) -> int:
    """Recompute the effective SKKAAD values of a whole scheme; returns how many changed."""
    codes = list(KodeKlasifikasi.objects.filter(skema=skema).order_by("level", "kode"))
    changed = _recompute(codes, {})
    KodeKlasifikasi.objects.bulk_update(
        changed, ["kelas_keamanan_efektif", "akses_mask"], batch_size=500
    )
    return len(changed)


def skkaad_refresh_subtree(code: KodeKlasifikasi) -> int:
    """Recompute the effective values below `code` (whose own are current)."""
    parents = {code.pk: code}
    frontier, changed = [code.pk], []
    while frontier:
        children = list(KodeKlasifikasi.objects.filter(induk_id__in=frontier).order_by("kode"))
        changed += _recompute(children, parents)
        frontier = [c.pk for c in children]
    KodeKlasifikasi.objects.bulk_update(
        changed, ["kelas_keamanan_efektif", "akses_mask"], batch_size=500
    )
    return len(changed)


def skkaad_import(*, text: str, skema_kode: str | None = None, actor=None) -> SkkaadResult:
    """Validate the whole file, then set the codes' SKKAAD values in one transaction with
    an audit event."""
    from core.services.audit import audit_record

    skema = (
        SkemaKlasifikasi.objects.filter(kode=skema_kode).first()
        if skema_kode
        else SkemaKlasifikasi.objects.filter(aktif=True).first()
    )
    if skema is None:
        raise ApplicationError(
            f"Classification scheme {skema_kode!r} does not exist."
            if skema_kode
            else "No classification scheme is active.",
            code="skema_missing",
        )
    codes = {k.kode: k for k in KodeKlasifikasi.objects.filter(skema=skema)}
    rows = skkaad_parse_csv(text, known_codes=set(codes))
    result = SkkaadResult()
    with transaction.atomic():
        changed = []
        for row in rows:
            code = codes[row.kode]
            if (code.kelas_keamanan, list(code.tingkat_akses or [])) == (
                row.kelas_keamanan,
                row.tingkat_akses,
            ):
                result.unchanged += 1
                continue
            code.kelas_keamanan, code.tingkat_akses = row.kelas_keamanan, row.tingkat_akses
            changed.append(code)
        KodeKlasifikasi.objects.bulk_update(
            changed, ["kelas_keamanan", "tingkat_akses"], batch_size=500
        )
        result.updated = len(changed)
        result.effective_changed = skkaad_refresh_scheme(skema)
        audit_record(
            actor=actor,
            action=SKKAAD_IMPORT,
            obj=skema,
            details={
                "updated": result.updated,
                "rows": len(rows),
                "effective_changed": result.effective_changed,
            },
        )
    return result


__all__ = [
    "SkkaadImportError",
    "skkaad_import",
    "skkaad_parse_csv",
    "skkaad_refresh_scheme",
    "skkaad_refresh_subtree",
    "tingkat_akses_mask",
]
