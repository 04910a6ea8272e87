"""Compare two revisions: header and typed fields one by one, the body as a side-by-side
line diff."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.vocabulary import KlasifikasiKeamanan, Urgensi
from naskah.fields import to_form_text
from naskah.markup import plain_text
from naskah.models import Lampiran, Mandat, NaskahRevisi


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


@dataclass(frozen=True)
class DiffLine:
    tag: str  # "equal", "replace", "delete", "insert"
    old: str
    new: str


@dataclass(frozen=True)
class RevisionDiff:
    old: NaskahRevisi
    new: NaskahRevisi
    fields: list[FieldChange]
    body: list[DiffLine]

    @property
    def changed_fields(self) -> list[FieldChange]:
        return [f for f in self.fields if f.changed]


def _choice(choices, value) -> str:
    return str(dict(choices.choices).get(value, value or "-"))


def _penerima(rows: list[dict], jenis: str) -> str:
    return "\n".join(
        r["label"] + (f" ({r['keterangan']})" if r.get("keterangan") else "")
        for r in rows
        if r["jenis"] == jenis
    )


def _field_text(spec: dict, value) -> str:
    if value in (None, "", []):
        return ""
    kind = spec["type"]
    if kind in {"blocks", "diktum", "lines"}:
        return to_form_text(kind, value)
    if kind == "people":
        from core.models import Pegawai

        names = dict(Pegawai.objects.filter(pk__in=value).values_list("pk", "nama"))
        return "\n".join(names.get(pk, str(pk)) for pk in value)
    if kind == "signers":
        from core.models import Jabatan

        names = dict(
            Jabatan.objects.filter(pk__in=[r["jabatan_id"] for r in value]).values_list(
                "pk", "nama"
            )
        )
        return "\n".join(
            f"{names.get(r['jabatan_id'], r['jabatan_id'])} ({r.get('peran', '')})" for r in value
        )
    return str(value)


def _rows(revisi: NaskahRevisi) -> list[tuple[str, str]]:
    h = revisi.header
    titles = dict(Lampiran.objects.filter(pk__in=revisi.lampiran).values_list("pk", "judul"))
    rows = [
        (_("Subject (hal)"), h.get("hal", "")),
        (_("Signer"), h.get("penandatangan", "")),
        (_("Mandate"), _choice(Mandat, h.get("mandat", ""))),
        (_("Urgency"), _choice(Urgensi, h.get("urgensi"))),
        (_("Security classification"), _choice(KlasifikasiKeamanan, h.get("klasifikasi_keamanan"))),
        (_("Classification code"), h.get("kode_klasifikasi", "")),
        (_("Place"), h.get("tempat", "")),
        (_("Addressees"), _penerima(revisi.penerima, "tujuan")),
        (_("Copies (tembusan)"), _penerima(revisi.penerima, "tembusan")),
        (_("Attachments"), "\n".join(titles.get(pk, str(pk)) for pk in revisi.lampiran)),
    ]
    for spec in revisi.naskah.jenis.fields_schema:
        rows.append((spec["label"], _field_text(spec, revisi.fields.get(spec["name"]))))
    return rows


def revision_diff(old: NaskahRevisi, new: NaskahRevisi) -> RevisionDiff:
    if old.naskah_id != new.naskah_id:
        raise ValueError("revisions of different letters")
    old_rows, new_rows = dict(_rows(old)), _rows(new)
    fields = [FieldChange(label, old_rows.get(label, ""), value) for label, value in new_rows]
    a, b = plain_text(old.body), plain_text(new.body)
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            lines.extend(DiffLine("equal", x, x) for x in a[i1:i2])
        elif tag == "replace":
            left, right = a[i1:i2], b[j1:j2]
            for k in range(max(len(left), len(right))):
                lines.append(
                    DiffLine(
                        "replace",
                        left[k] if k < len(left) else "",
                        right[k] if k < len(right) else "",
                    )
                )
        elif tag == "delete":
            lines.extend(DiffLine("delete", x, "") for x in a[i1:i2])
        else:
            lines.extend(DiffLine("insert", "", x) for x in b[j1:j2])
    return RevisionDiff(old=old, new=new, fields=fields, body=lines)
