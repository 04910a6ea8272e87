"""Import of archive classification codes (KodeKlasifikasi) with their JRA retention.

CSV format (UTF-8, header row required; documented in docs/klasifikasi.md):

    kode,nama,retensi_aktif,retensi_inaktif,nasib_akhir,keterangan,perlu_diperiksa

Only `kode` and `nama` are required. A column left out of the file leaves that field of an
existing code unchanged (an empty cell in a column that is present clears it); with
`replace=True` the fields of left-out columns are cleared too. The parent of a code is the
code without its last segment (`000.1.2` → `000.1`) and must be in the file or already in
the scheme. A file with any error is rejected whole: every error is reported with its line
number and nothing is written.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from core.errors import ApplicationError
from core.events import KLASIFIKASI_IMPORT

CODE_RE = re.compile(r"^\d{3}(\.\d{1,3})*$")
REQUIRED_COLUMNS = ("kode", "nama")
KNOWN_COLUMNS = (
    "kode",
    "nama",
    "retensi_aktif",
    "retensi_inaktif",
    "nasib_akhir",
    "keterangan",
    "perlu_diperiksa",
)
NASIB_VALUES = {"musnah", "permanen", "dinilai_kembali", "dinilai kembali", ""}
YES_NO = {"ya": True, "y": True, "true": True, "1": True, "tidak": False, "": False, "0": False}
MAX_RETENTION_YEARS = 100
DEFAULT_DATA_FILE = (
    Path(__file__).resolve().parent.parent / "data" / "klasifikasi_permendagri_83_2022.csv"
)


class KlasifikasiImportError(ApplicationError):
    def __init__(self, errors: list[str]):
        super().__init__(
            "The file was not imported; nothing was changed:\n" + "\n".join(errors),
            code="klasifikasi_invalid",
            extra={"errors": errors},
        )
        self.errors = errors


@dataclass
class KodeRow:
    line: int
    kode: str
    nama: str
    retensi_aktif: int | None = None
    retensi_inaktif: int | None = None
    nasib_akhir: str = ""
    keterangan: str = ""
    perlu_diperiksa: bool = False
    # The columns the file has: a field whose column is absent is not touched on update.
    columns: frozenset[str] = frozenset(KNOWN_COLUMNS)

    @property
    def level(self) -> int:
        return self.kode.count(".") + 1

    @property
    def induk(self) -> str:
        return self.kode.rsplit(".", 1)[0] if "." in self.kode else ""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    codes: list[str] = field(default_factory=list)


def _years(value: str, column: str, line: int, errors: list[str]) -> int | None:
    value = value.strip()
    if value == "":
        return None
    if not value.isdigit() or int(value) > MAX_RETENTION_YEARS:
        errors.append(
            f"line {line}: {column} must be a whole number of years from 0 to "
            f"{MAX_RETENTION_YEARS}, not {value!r}"
        )
        return None
    return int(value)


def klasifikasi_parse_csv(  # noqa: C901 - row checks in column order, every error reported
    text: str, *, existing_codes: set[str] | frozenset = frozenset()
) -> list[KodeRow]:
    """Parse and validate the whole file. Raises KlasifikasiImportError listing every error."""
    if text.startswith("\ufeff"):
        text = text[1:]
    errors: list[str] = []
    nul_lines = [n for n, line in enumerate(text.split("\n"), start=1) if "\x00" in line]
    if nul_lines:
        raise KlasifikasiImportError([f"line {n}: contains a NUL byte" for n in nul_lines])
    # strict: a quote that is never closed is an error, not a value that swallows the file
    reader = csv.DictReader(io.StringIO(text), strict=True)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise KlasifikasiImportError(
            [f"line 1: the header must contain the columns {', '.join(missing)}"]
        )
    unknown = [c for c in header if c not in KNOWN_COLUMNS]
    if unknown:
        raise KlasifikasiImportError([f"line 1: unknown column(s): {', '.join(unknown)}"])
    reader.fieldnames = header
    columns = frozenset(header)
    rows: list[KodeRow] = []
    seen: dict[str, int] = {}
    last_line = reader.line_num
    try:
        for record in reader:
            # a quoted value may span lines: report the line the record starts on
            spread = sum((v or "").count("\n") for v in record.values() if isinstance(v, str))
            line = reader.line_num - spread
            last_line = reader.line_num
            if spread:
                errors.append(
                    f"line {line}: a value runs over {spread + 1} lines "
                    "(a quote that is not closed?)"
                )
                continue
            if None in record:
                errors.append(f"line {line}: more values than columns")
                continue
            values = {k: (v or "").strip() for k, v in record.items()}
            if not any(values.values()):
                continue
            kode, nama = values.get("kode", ""), values.get("nama", "")
            if not CODE_RE.match(kode):
                errors.append(f"line {line}: {kode!r} is not a classification code like 000.1.2.3")
                continue
            if not nama:
                errors.append(f"line {line}: code {kode} has no name")
            if len(nama) > 500:
                errors.append(f"line {line}: the name of {kode} is longer than 500 characters")
            if kode in seen:
                errors.append(f"line {line}: code {kode} already appears on line {seen[kode]}")
                continue
            seen[kode] = line
            nasib = values.get("nasib_akhir", "").lower()
            if nasib not in NASIB_VALUES:
                errors.append(
                    f"line {line}: nasib_akhir must be musnah, permanen or dinilai_kembali, "
                    f"not {values.get('nasib_akhir')!r}"
                )
            flag = values.get("perlu_diperiksa", "").lower()
            if flag not in YES_NO:
                errors.append(f"line {line}: perlu_diperiksa must be ya or tidak, not {flag!r}")
            rows.append(
                KodeRow(
                    line=line,
                    kode=kode,
                    nama=nama,
                    retensi_aktif=_years(
                        values.get("retensi_aktif", ""), "retensi_aktif", line, errors
                    ),
                    retensi_inaktif=_years(
                        values.get("retensi_inaktif", ""), "retensi_inaktif", line, errors
                    ),
                    nasib_akhir=nasib.replace(" ", "_"),
                    keterangan=values.get("keterangan", ""),
                    perlu_diperiksa=YES_NO.get(flag, False),
                    columns=columns,
                )
            )
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            errors.append(f"line {last_line + 1}: a quote is opened and never closed")
        else:
            errors.append(f"line {last_line + 1}: the CSV cannot be read ({exc})")
    if not rows and not errors:
        errors.append("the file contains no codes")
    known = set(seen) | set(existing_codes)
    for row in rows:
        if row.induk and row.induk not in known:
            errors.append(f"line {row.line}: the parent code {row.induk} of {row.kode} is missing")
    if errors:
        raise KlasifikasiImportError(errors)
    return rows


def klasifikasi_load_rows(
    *, rows: list[KodeRow], skema, kode_model, replace: bool = False
) -> ImportResult:
    """Create or update codes of one scheme, parents before children. Works with historical
    models too (data migrations pass `apps.get_model(...)`).

    An existing code keeps the fields whose column the file does not have (a `kode,nama`
    file must not erase the JRA retention); `replace=True` clears them to their defaults."""
    result = ImportResult()
    existing = {k.kode: k for k in kode_model.objects.filter(skema=skema)}
    fields = (
        "nama",
        "retensi_aktif",
        "retensi_inaktif",
        "nasib_akhir",
        "keterangan",
        "perlu_diperiksa",
    )
    for row in sorted(rows, key=lambda r: (r.level, r.kode)):
        parent = existing.get(row.induk) if row.induk else None
        current = existing.get(row.kode)
        if current is None:
            current = kode_model.objects.create(
                skema=skema,
                kode=row.kode,
                level=row.level,
                induk=parent,
                **{name: getattr(row, name) for name in fields},
            )
            existing[row.kode] = current
            result.created += 1
        else:
            updating = fields if replace else [n for n in fields if n in row.columns]
            changed = [n for n in updating if getattr(current, n) != getattr(row, n)]
            if current.induk_id != (parent.pk if parent else None):
                current.induk = parent
                changed.append("induk")
            if changed:
                for name in updating:
                    setattr(current, name, getattr(row, name))
                current.save(update_fields=changed)
                result.updated += 1
            else:
                result.unchanged += 1
        result.codes.append(row.kode)
    return result


def klasifikasi_import(
    *, text: str, skema_kode: str | None = None, actor=None, replace: bool = False
) -> ImportResult:
    """Validate the whole file, then load it in one transaction with an audit event.

    Without `replace`, fields whose column is absent from the file stay as they are."""
    from core.models import KodeKlasifikasi, SkemaKlasifikasi
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
    existing = set(KodeKlasifikasi.objects.filter(skema=skema).values_list("kode", flat=True))
    rows = klasifikasi_parse_csv(text, existing_codes=existing)
    with transaction.atomic():
        result = klasifikasi_load_rows(
            rows=rows, skema=skema, kode_model=KodeKlasifikasi, replace=replace
        )
        audit_record(
            actor=actor,
            action=KLASIFIKASI_IMPORT,
            obj=skema,
            details={
                "created": result.created,
                "updated": result.updated,
                "rows": len(rows),
                "columns": sorted(rows[0].columns) if rows else [],
                "replace": replace,
            },
        )
    return result
