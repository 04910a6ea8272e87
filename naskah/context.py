"""Turn a revision (and the organisation data it points at) into the renderer's plain
layout and context dicts (see the renderer contract). No PDF work happens here."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.models import Jabatan, Pegawai, UnitKerja
from core.selectors.organisasi import jabatan_holder_on, pegawai_assignments_on
from naskah.formatting import diktum_label, hari_tanggal, jumlah_berkas, tanggal_panjang
from naskah.markup import paragraph
from naskah.models import JenisNaskah, Lampiran, NaskahRevisi, TataNaskahDefault

SIFAT_LABEL = {"amat_segera": "Amat Segera", "segera": "Segera", "biasa": "Biasa"}
KLASIFIKASI_LABEL = {
    "biasa": "Biasa",
    "terbatas": "Terbatas",
    "rahasia": "Rahasia",
    "sangat_rahasia": "Sangat Rahasia",
}
VACANT_NAME = "...................."
_UNKNOWN = object()


def _region(key: str, default: str) -> str:
    return getattr(settings, "NASKAH", {}).get(key, default)


# --- Layout -------------------------------------------------------------------------------------


def naskah_layout(jenis: JenisNaskah, *, signer: Jabatan | None = None) -> dict:
    defaults = TataNaskahDefault.objects.filter(pk=1).first() or TataNaskahDefault()
    layout = defaults.as_layout()
    layout.update(
        {
            "kind": jenis.layout_kind,
            "title": _title(jenis.layout_title, signer),
            "group": jenis.kelompok,
            "subgroup": jenis.subkelompok,
            "place_date_label": None,
        }
    )
    for key, value in (jenis.layout or {}).items():
        if key == "margins_mm" and isinstance(value, dict):
            layout["margins_mm"] = {**layout["margins_mm"], **value}
        else:
            layout[key] = value
    return layout


def _title(template: str, signer: Jabatan | None) -> str:
    title = template.replace("{kepala_daerah}", _region("JABATAN_KEPALA_DAERAH", ""))
    if signer is not None:
        title = title.replace("{jabatan}", signer.nama_ttd_tampil)
    return title.replace("{jabatan}", "").strip()


# --- Kop ----------------------------------------------------------------------------------------


def _ancestors_up(unit: UnitKerja) -> list[UnitKerja]:
    chain, seen, node = [], set(), unit
    while node is not None and node.pk not in seen:
        chain.append(node)
        seen.add(node.pk)
        node = node.induk
    return chain


def kop_unit(unit: UnitKerja, *, kepala_daerah: bool) -> UnitKerja:
    """The unit whose letterhead a letter from `unit` carries: the nearest unit up the tree
    whose letterhead is not "use the parent's"; for head-of-region types, the unit with the
    head-of-region letterhead."""
    chain = _ancestors_up(unit)
    if kepala_daerah:
        for node in chain:
            if node.jenis_kop == UnitKerja.JenisKop.KEPALA_DAERAH:
                return node
        found = UnitKerja.objects.filter(jenis_kop=UnitKerja.JenisKop.KEPALA_DAERAH).first()
        if found is not None:
            return found
    for node in chain:
        if node.jenis_kop != UnitKerja.JenisKop.INDUK:
            return node
    return chain[-1]


def with_artwork(kop: dict, unit: UnitKerja) -> dict:
    """The letterhead with the uploaded official emblem (PNG or SVG bytes) of its kind, when
    there is one; without, the renderer draws its stand-in (demo only: `check --deploy`
    fails while a letterhead in use has no artwork, naskah.E013)."""
    from core.services.lambang import unitkerja_lambang_gambar

    found = unitkerja_lambang_gambar(unit, kop["emblem"])
    if found is not None:
        kop["emblem_image"] = found[0]
    return kop


def kop_context(unit: UnitKerja, *, kepala_daerah: bool, signer: Jabatan | None) -> dict:
    source = kop_unit(unit, kepala_daerah=kepala_daerah)
    variant = source.jenis_kop if source.jenis_kop != UnitKerja.JenisKop.INDUK else "pemda"
    if kepala_daerah:
        variant = UnitKerja.JenisKop.KEPALA_DAERAH
    pemerintah = _region("NAMA_PEMERINTAH", "")
    if variant == UnitKerja.JenisKop.KEPALA_DAERAH:
        if signer is not None and signer.jenis in {"kepala_daerah", "wakil_kepala_daerah"}:
            line = signer.nama_ttd_tampil
        else:
            line = _region("JABATAN_KEPALA_DAERAH", source.nama_kop_tampil)
        return with_artwork(
            {"variant": variant, "emblem": "garuda", "lines": [line], "address_lines": []},
            source,
        )
    lines = [pemerintah]
    if variant == UnitKerja.JenisKop.UPTD:
        parent = next(
            (
                n
                for n in _ancestors_up(source)[1:]
                if n.jenis_kop == UnitKerja.JenisKop.PERANGKAT_DAERAH
            ),
            None,
        )
        if parent is not None:
            lines.append(parent.nama_kop_tampil)
    if source.nama_kop_tampil.strip().upper() != pemerintah.strip().upper():
        lines.append(source.nama_kop_tampil)
    first = ", ".join(p for p in (source.alamat, source.kota) if p)
    if source.telepon:
        first += f" Telepon {source.telepon}"
    if source.faksimile:
        first += f" Faksimile {source.faksimile}"
    second = []
    if source.website:
        second.append(f"Laman {source.website}")
    if source.email:
        second.append(f"Pos-el {source.email}")
    if source.kode_pos:
        second.append(f"Kode Pos {source.kode_pos}")
    return with_artwork(
        {
            "variant": variant,
            "emblem": source.lambang,
            "lines": [line for line in lines if line],
            "address_lines": [line for line in (first.strip(), " ".join(second)) if line],
        },
        source,
    )


# --- Signers ------------------------------------------------------------------------------------


def signer_dict(jabatan: Jabatan, on: dt.date, *, preview: bool = True, holder=_UNKNOWN) -> dict:
    """The signer as the renderer wants it: whoever acts for the position on the date
    (Plh/Plt/Pj recorded in Penugasan). A vacant position is a placeholder in previews
    and an error otherwise. `holder`: that Pemangku (or None), when the caller found it."""
    if holder is _UNKNOWN:
        holder = jabatan_holder_on(jabatan, on)
    if holder is None and not preview:
        raise ApplicationError(
            _("Nobody holds the position %(jabatan)s on %(date)s.")
            % {"jabatan": jabatan.nama, "date": on.isoformat()},
            code="signer_vacant",
        )
    person: Pegawai | None = holder.pegawai if holder else None
    return {
        "nama": person.nama if person else VACANT_NAME,
        "gelar_depan": person.gelar_depan if person else "",
        "gelar_belakang": person.gelar_belakang if person else "",
        "nip": (person.nip or None) if person else None,
        "pangkat_golongan": person.pangkat_golongan if person else "",
        "jabatan_ttd": jabatan.nama_ttd_tampil,
        "jabatan_jenis": jabatan.jenis,
        "acting": holder.jenis if holder and holder.is_acting else "",
    }


def mandate_dict(jabatan: Jabatan, kind: str) -> dict:
    if kind == "an" and jabatan.atasan is not None:
        return {
            "kind": "an",
            "for_jabatan_ttd": jabatan.atasan.nama_ttd_tampil,
            "via_jabatan_ttd": "",
        }
    if kind == "ub" and jabatan.atasan is not None and jabatan.atasan.atasan is not None:
        return {
            "kind": "ub",
            "for_jabatan_ttd": jabatan.atasan.atasan.nama_ttd_tampil,
            "via_jabatan_ttd": jabatan.atasan.nama_ttd_tampil,
        }
    return {"kind": "", "for_jabatan_ttd": "", "via_jabatan_ttd": ""}


# --- Typed fields -------------------------------------------------------------------------------


def _date_text(spec: dict, value: str) -> str:
    day = dt.date.fromisoformat(value)
    return hari_tanggal(day) if spec.get("format") == "hari" else tanggal_panjang(day)


def _people_groups(ids: list[int], on: dt.date) -> list[list[list[str]]]:
    """One [label, value] table per person: Nama, Pangkat/Gol., NIP, Jabatan."""
    people = {p.pk: p for p in Pegawai.objects.filter(pk__in=ids)}
    groups: list[list[list[str]]] = []
    for pk in ids:
        person = people.get(pk)
        if person is None:
            continue
        assignments = pegawai_assignments_on(person, on)
        jabatan = assignments[0].jabatan.nama if assignments else ""
        groups.append(
            [
                ["Nama", person.nama_lengkap],
                ["Pangkat/Gol.", person.pangkat_golongan or "-"],
                ["NIP", person.nip or "-"],
                ["Jabatan", jabatan or "-"],
            ]
        )
    return groups


def fields_context(jenis: JenisNaskah, values: dict, on: dt.date) -> tuple[dict, list, list]:
    """The `fields` dict for the renderer, plus blocks to put into the body: label:value
    rows (after the first paragraph) and titled sections (after the body)."""
    out: dict = {}
    rows: list[list[str]] = []
    row_blocks: list[dict] = []
    sections: list[dict] = []
    for spec in jenis.fields_schema:
        name, kind = spec["name"], spec["type"]
        value = values.get(name)
        if value in (None, "", []):
            continue
        placement = spec.get("placement", "")
        if kind == "date":
            text = _date_text(spec, value)
            out[name] = text
            if placement == "rows":
                rows.append([spec["label"], text])
        elif kind in {"text", "textarea"}:
            out[name] = value
            if placement == "rows":
                rows.append([spec["label"], value])
            elif placement == "section":
                sections += [{"type": "heading", "text": spec["label"]}, paragraph(value)]
        elif kind == "blocks":
            out[name] = value
            if placement == "section":
                sections += [{"type": "heading", "text": spec["label"]}, *value]
        elif kind == "people":
            groups = _people_groups(value, on)
            out[name] = groups[0] if len(groups) == 1 else groups
            if placement == "rows":
                numbered = len(groups) > 1
                flat = [
                    [f"{i}. {label}" if numbered and k == 0 else label, text]
                    for i, group in enumerate(groups, start=1)
                    for k, (label, text) in enumerate(group)
                ]
                row_blocks.append({"type": "fields", "rows": flat})
        elif kind == "diktum":
            out[name] = [
                {"label": diktum_label(i), "body": part} for i, part in enumerate(value, start=1)
            ]
        elif kind == "lines":
            out[name] = list(value)
    if rows:
        row_blocks.insert(0, {"type": "fields", "rows": rows})
    return out, row_blocks, sections


# --- The whole context --------------------------------------------------------------------------


def naskah_render_context(
    revisi: NaskahRevisi, *, preview: bool = True, signer_holder=None
) -> tuple[dict, dict]:
    """(layout, context) for the renderer from one revision. `revisi` may be unsaved (a
    live preview of a form); it is read, never written.

    `signer_holder`: a caller that has just found who acts for the signing position on the
    letter's date (signing, under its lock) passes that Pemangku, so neither the position
    nor its holder is read again. It is used only when it is for the revision's signer."""
    from naskah.rendering import signature_block

    naskah = revisi.naskah
    jenis = naskah.jenis
    header = revisi.header
    on = naskah.tanggal or timezone.localdate()
    known = signer_holder is not None and signer_holder.jabatan.pk == header["penandatangan_id"]
    if known:
        signer = signer_holder.jabatan  # its superiors load on demand (a.n./u.b. only)
    else:
        signer = Jabatan.objects.select_related("unit", "atasan__atasan").get(
            pk=header["penandatangan_id"]
        )
    layout = naskah_layout(jenis, signer=signer)
    for spec in jenis.fields_schema:
        value = revisi.fields.get(spec["name"])
        if spec["type"] == "text":
            layout["title"] = layout["title"].replace(
                "{" + spec["name"] + "}", str(value or "").upper()
            )
    layout["title"] = " ".join(layout["title"].split())
    kop = kop_context(signer.unit, kepala_daerah=jenis.kop_kepala_daerah, signer=signer)
    fields, row_blocks, sections = fields_context(jenis, revisi.fields, on)

    body = list(revisi.body)
    if row_blocks:
        # After the first paragraph that ends with a colon ("... pada:"), else at the top.
        cut = next(
            (
                i + 1
                for i, block in enumerate(body)
                if block.get("type") == "paragraph"
                and "".join(r.get("text", "") for r in block.get("runs", [])).rstrip().endswith(":")
            ),
            0,
        )
        body = body[:cut] + row_blocks + body[cut:]
    body += sections

    main = dict(
        signature_block(
            group=jenis.kelompok,
            subgroup=jenis.subkelompok,
            signer=signer_dict(
                signer, on, preview=preview, holder=signer_holder if known else _UNKNOWN
            ),
            mandate=mandate_dict(signer, header.get("mandat", "")),
        )
    )
    penandatangan: dict | list = main
    extra = [
        row
        for spec in jenis.fields_schema
        if spec["type"] == "signers"
        for row in revisi.fields.get(spec["name"], [])
    ]
    if jenis.multi_penandatangan and extra:
        main["role_label"] = revisi.fields.get("peran_penandatangan", "") or "Pihak Kesatu"
        others = {j.pk: j for j in Jabatan.objects.filter(pk__in=[r["jabatan_id"] for r in extra])}
        blocks = [main]
        for row in extra:
            jabatan = others.get(row["jabatan_id"])
            if jabatan is None:
                continue
            blocks.append(
                signature_block(
                    group=jenis.kelompok,
                    subgroup=jenis.subkelompok,
                    signer=signer_dict(jabatan, on, preview=preview),
                    mandate=mandate_dict(jabatan, ""),
                    role_label=row.get("peran", ""),
                )
            )
        penandatangan = blocks

    tujuan = [r for r in revisi.penerima if r["jenis"] == "tujuan"]
    tembusan = [
        r["label"] + (f" ({r['keterangan']})" if r.get("keterangan") else "")
        for r in revisi.penerima
        if r["jenis"] == "tembusan"
    ]
    with_address = next((r for r in tujuan if r.get("alamat")), None)
    lampiran_rows = (
        {
            lamp.pk: lamp
            for lamp in Lampiran.objects.filter(pk__in=revisi.lampiran, naskah=naskah.pk)
        }
        if naskah.pk
        else {}
    )
    ordered = [lampiran_rows[pk] for pk in revisi.lampiran if pk in lampiran_rows]
    typed = [
        {"judul": lamp.judul, "body": lamp.body}
        for lamp in ordered
        if lamp.jenis == Lampiran.Jenis.HALAMAN
    ]
    pdfs = []
    for lamp in ordered:
        if lamp.jenis == Lampiran.Jenis.BERKAS and lamp.berkas:
            with default_storage.open(lamp.berkas.name, "rb") as handle:
                pdfs.append(handle.read())

    if jenis.layout_kind == "disposisi":
        fields.setdefault("hal", header.get("hal", ""))
        fields.setdefault("sifat", SIFAT_LABEL.get(header.get("urgensi"), ""))
        for key in ("diteruskan_kepada", "instruksi"):
            fields.setdefault(key, [])
        for key in ("surat_dari", "nomor_surat", "tanggal_surat", "diterima_tanggal"):
            fields.setdefault(key, "")
        fields.setdefault("nomor_agenda", "")
        fields.setdefault("catatan", "")

    context = {
        "kop": kop,
        "nomor": None if preview else naskah.nomor,
        "tanggal": None if preview else naskah.tanggal,
        "tempat": header.get("tempat") or signer.unit.kota or _region("KOTA", ""),
        "sifat": SIFAT_LABEL.get(header.get("urgensi"), "Biasa"),
        "klasifikasi_keamanan": KLASIFIKASI_LABEL.get(header.get("klasifikasi_keamanan"), "Biasa"),
        "lampiran_label": jumlah_berkas(len(ordered)),
        "hal": header.get("hal", ""),
        "tujuan": [r["label"] for r in tujuan],
        "tujuan_tempat": f"di {with_address['alamat']}"
        if with_address
        else ("di Tempat" if tujuan else ""),
        "dari": signer.nama,
        "body": body,
        "fields": fields,
        "penandatangan": penandatangan,
        "tembusan": tembusan,
        "lampiran": typed,
        "lampiran_pdfs": pdfs,
        "watermark": "KONSEP" if preview else None,
        "tte": None,
    }
    return layout, context


def naskah_render_pdf(revisi: NaskahRevisi, *, preview: bool = True) -> bytes:
    from naskah.rendering import render_naskah

    layout, context = naskah_render_context(revisi, preview=preview)
    return render_naskah(layout, context)
