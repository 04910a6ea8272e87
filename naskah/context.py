"""Turn a revision (and the organisation data it points at) into the renderer's plain
layout and context dicts (see the renderer contract). No PDF work happens here."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from core.clock import office_today
from core.errors import ApplicationError
from core.indonesian import hari_tanggal, tanggal_panjang
from core.models import Jabatan, Pegawai, UnitKerja
from core.selectors.organisasi import jabatan_holder_on, pegawai_assignments_on
from core.vocabulary import CONFIDENTIAL, KLASIFIKASI_CETAK, URGENSI_CETAK
from naskah.formatting import diktum_label, jumlah_berkas
from naskah.markup import paragraph
from naskah.models import JenisNaskah, Lampiran, NaskahRevisi, TataNaskahDefault
from naskah.selectors.kewenangan import mandat_principal

VACANT_NAME = "...................."
_UNKNOWN = object()


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
    title = template.replace("{kepala_daerah}", settings.NASKAH_JABATAN_KEPALA_DAERAH)
    title = title.replace("{nama_daerah}", settings.NASKAH_NAMA_DAERAH.upper())
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
    pemerintah = settings.NASKAH_NAMA_PEMERINTAH
    if variant == UnitKerja.JenisKop.KEPALA_DAERAH:
        if signer is not None and signer.jenis in {"kepala_daerah", "wakil_kepala_daerah"}:
            line = signer.nama_ttd_tampil
        else:
            line = settings.NASKAH_JABATAN_KEPALA_DAERAH
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


def _section_heading(jenis: JenisNaskah, label: str, number: int) -> str:
    """A section title; numbered "A. Persoalan" when the type's layout asks for it
    (`section_numbers: true`, Telaahan Staf)."""
    if (jenis.layout or {}).get("section_numbers"):
        return f"{chr(ord('A') + (number - 1) % 26)}. {label}"
    return label


def _placeholder_value(kind: str, text: str):
    """A readable stand-in for a missing typed field, in the shape its kind renders."""
    if kind in {"blocks"}:
        return [paragraph(text)]
    if kind == "diktum":
        return [[paragraph(text)]]
    if kind == "lines":
        return [text]
    return text


def fields_context(  # noqa: C901 - one branch per field type, as the renderer reads them
    jenis: JenisNaskah, values: dict, on: dt.date, placeholders: dict | None = None
) -> tuple[dict, list, list]:
    """The `fields` dict for the renderer, plus blocks to put into the body: label:value
    rows (after the first paragraph) and titled sections (after the body).

    `placeholders` ({name: text}, previews only): a missing field is shown as its text
    ("[Tempat belum diisi]") where the value would be."""
    out: dict = {}
    rows: list[list[str]] = []
    row_blocks: list[dict] = []
    sections: list[dict] = []
    section_count = 0
    placeholders = placeholders or {}
    for spec in jenis.fields_schema:
        name, kind = spec["name"], spec["type"]
        value = values.get(name)
        missing = None
        if value in (None, "", []):
            missing = placeholders.get(name)
            if missing is None or kind == "signers":
                continue
            value = _placeholder_value(kind, missing)
        placement = spec.get("placement", "")
        if kind == "people" and missing is not None:
            group = [["Nama", missing], ["Pangkat/Gol.", "-"], ["NIP", "-"], ["Jabatan", "-"]]
            out[name] = group
            if placement == "rows" and spec.get("row_format") == "name":
                rows.append([spec["label"], missing])
            elif placement == "rows":
                row_blocks.append({"type": "fields", "rows": group})
            continue
        if kind == "date":
            text = missing if missing is not None else _date_text(spec, value)
            out[name] = text
            if placement == "rows":
                rows.append([spec["label"], text])
        elif kind in {"text", "textarea"}:
            out[name] = value
            if placement == "rows":
                rows.append([spec["label"], value])
            elif placement == "section":
                section_count += 1
                title = _section_heading(jenis, spec["label"], section_count)
                sections += [{"type": "heading", "text": title}, paragraph(value)]
        elif kind == "blocks":
            out[name] = value
            if placement == "section":
                section_count += 1
                title = _section_heading(jenis, spec["label"], section_count)
                sections += [{"type": "heading", "text": title}, *value]
        elif kind == "people":
            groups = _people_groups(value, on)
            out[name] = groups[0] if len(groups) == 1 else groups
            if placement == "rows" and spec.get("row_format") == "name":
                # One "label : name, name" row (Notula: Sekretaris/Pencatat)
                rows.append([spec["label"], ", ".join(g[0][1] for g in groups)])
            elif placement == "rows":
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


# --- Parties and the other signature blocks (Surat Kuasa, Berita Acara, Notula) ---------------


def _person_rows(person: Pegawai | None, jabatan_nama: str) -> list[list[str]]:
    if person is None:
        return [
            ["Nama", VACANT_NAME],
            ["NIP", "-"],
            ["Pangkat/Gol.", "-"],
            ["Jabatan", jabatan_nama],
        ]
    return [
        ["Nama", person.nama_lengkap],
        ["NIP", person.nip or "-"],
        ["Pangkat/Gol.", person.pangkat_golongan or "-"],
        ["Jabatan", jabatan_nama or "-"],
    ]


def _holder_rows(jabatan: Jabatan, on: dt.date) -> list[list[str]]:
    """The identity rows of whoever acts for `jabatan` on the date ("Plt. Kepala ..." for
    an acting holder)."""
    holder = jabatan_holder_on(jabatan, on)
    if holder is None:
        return _person_rows(None, jabatan.nama)
    acting = f"{holder.jenis.capitalize()}. " if holder.is_acting else ""
    return _person_rows(holder.pegawai, f"{acting}{jabatan.nama}")


def party_blocks(jenis: JenisNaskah, parties: list, values: dict, signer: Jabatan, on) -> list:
    """Body blocks identifying each party ("Nama : ... / NIP : ... / Pangkat/Gol. : ... /
    Jabatan : ...", then "selanjutnya disebut PEMBERI KUASA."), from the type's layout key
    ``parties``: [{"source": "signer" | <people or signers field>, "label": ..., "intro":
    ...}]. A signers row's own role ("peran") names its party when given."""
    out: list[dict] = []
    for party in parties or []:
        source, label = party.get("source", ""), party.get("label", "")
        people: list[tuple[list[list[str]], str]] = []
        if source == "signer":
            own = values.get(party.get("label_field", "")) or label
            people.append((_holder_rows(signer, on), own))
        else:
            spec = next((f for f in jenis.fields_schema if f["name"] == source), None)
            value = values.get(source) or []
            if spec is None or not value:
                continue
            if spec["type"] == "people":
                persons = {p.pk: p for p in Pegawai.objects.filter(pk__in=value)}
                for pk in value:
                    person = persons.get(pk)
                    if person is None:
                        continue
                    found = pegawai_assignments_on(person, on)
                    jabatan_nama = found[0].jabatan.nama if found else ""
                    people.append((_person_rows(person, jabatan_nama), label))
            elif spec["type"] == "signers":
                found = {
                    j.pk: j for j in Jabatan.objects.filter(pk__in=[r["jabatan_id"] for r in value])
                }
                for row in value:
                    jabatan = found.get(row["jabatan_id"])
                    if jabatan is None:
                        continue
                    people.append((_holder_rows(jabatan, on), row.get("peran") or label))
        if not people:
            continue
        if party.get("intro"):
            out.append(paragraph(party["intro"], align="left"))
        for rows, name in people:
            out.append({"type": "fields", "rows": rows})
            out.append(paragraph(f"selanjutnya disebut **{name.upper()}**.", align="left"))
    return out


def people_signature_blocks(jenis: JenisNaskah, values: dict, on: dt.date) -> tuple[list, list]:
    """Signature blocks of the people named in ``people`` fields with a ``signature_role``
    (Penerima Kuasa, Sekretaris/Pencatat): (blocks left of the signer's, blocks after)."""
    from naskah.rendering import signature_block

    left: list = []
    right: list = []
    for spec in jenis.fields_schema:
        role = spec.get("signature_role")
        ids = values.get(spec["name"]) or []
        if spec["type"] != "people" or not role or not ids:
            continue
        persons = {p.pk: p for p in Pegawai.objects.filter(pk__in=ids)}
        for pk in ids:
            person = persons.get(pk)
            if person is None:
                continue
            found = pegawai_assignments_on(person, on)
            jabatan = found[0].jabatan if found else None
            block = signature_block(
                group=jenis.kelompok,
                subgroup=jenis.subkelompok,
                signer={
                    "nama": person.nama,
                    "gelar_depan": person.gelar_depan,
                    "gelar_belakang": person.gelar_belakang,
                    "nip": person.nip or None,
                    "pangkat_golongan": person.pangkat_golongan,
                    "jabatan_ttd": jabatan.nama_ttd_tampil if jabatan else role,
                    "jabatan_jenis": jabatan.jenis if jabatan else "pelaksana",
                    "acting": "",
                },
                role_label=role,
            )
            (left if spec.get("signature_side", "left") == "left" else right).append(block)
    return left, right


# --- The whole context --------------------------------------------------------------------------


def _title_filled(title: str, jenis: JenisNaskah, values: dict, placeholders) -> str:
    """The layout's title with each "{field}" of a text field replaced by its value in
    capitals (or a preview's stand-in), on one line."""
    for spec in jenis.fields_schema:
        value = values.get(spec["name"])
        if spec["type"] == "text":
            value = value or (placeholders or {}).get(spec["name"], "")
            title = title.replace("{" + spec["name"] + "}", str(value).upper())
    return " ".join(title.split())


def _body_with_rows(body: list, row_blocks: list) -> list:
    """The body with the typed fields' rows inserted after the first paragraph that ends
    with a colon ("... pada:"), else at the top."""
    if not row_blocks:
        return body
    cut = next(
        (
            i + 1
            for i, block in enumerate(body)
            if block.get("type") == "paragraph"
            and "".join(r.get("text", "") for r in block.get("runs", [])).rstrip().endswith(":")
        ),
        0,
    )
    return body[:cut] + row_blocks + body[cut:]


def naskah_render_context(
    revisi: NaskahRevisi, *, preview: bool = True, signer_holder=None, placeholders=None
) -> tuple[dict, dict]:
    """(layout, context) for the renderer from one revision. `revisi` may be unsaved (a
    live preview of a form); it is read, never written.

    `signer_holder`: a caller that has just found who acts for the signing position on the
    letter's date (signing, under its lock) passes that Pemangku, so neither the position
    nor its holder is read again. It is used only when it is for the revision's signer.

    `placeholders` ({field name: text}): a live preview's stand-ins for typed fields not
    filled in yet (naskah.preview)."""
    from naskah.rendering import resolve_layout, signature_block

    naskah = revisi.naskah
    jenis = naskah.jenis
    header = revisi.header
    on = naskah.tanggal or office_today()
    known = signer_holder is not None and signer_holder.jabatan.pk == header["penandatangan_id"]
    if known:
        signer = signer_holder.jabatan  # its superiors load on demand (a.n./u.b. only)
    else:
        signer = Jabatan.objects.select_related("unit", "atasan__atasan").get(
            pk=header["penandatangan_id"]
        )
    mandat = header.get("mandat", "")
    # a.n./u.b.: the title ("KEPUTUSAN {jabatan}") and a decree's opening line name the
    # delegating official, as the signature block's "a.n." line does.
    principal = mandat_principal(signer, mandat) if mandat else None
    layout = naskah_layout(jenis, signer=principal or signer)
    layout["title"] = _title_filled(layout["title"], jenis, revisi.fields, placeholders)
    parties = layout.pop("parties", None)
    layout.pop("section_numbers", None)
    kop = kop_context(signer.unit, kepala_daerah=jenis.kop_kepala_daerah, signer=signer)
    fields, row_blocks, sections = fields_context(jenis, revisi.fields, on, placeholders)

    body = _body_with_rows(list(revisi.body), row_blocks)
    if parties:
        body = party_blocks(jenis, parties, revisi.fields, signer, on) + body
    body += sections

    # Pasal 44(2): piagam, sertifikat (and STTPP) print the name without titles.
    # Pasal 44(2): the per-type flag or the layout option (Piagam, Sertifikat).
    titles_exempt = jenis.nama_tanpa_gelar or bool(resolve_layout(layout)["titles_exempt"])
    main = dict(
        signature_block(
            group=jenis.kelompok,
            subgroup=jenis.subkelompok,
            signer=signer_dict(
                signer, on, preview=preview, holder=signer_holder if known else _UNKNOWN
            ),
            mandate=mandate_dict(signer, mandat),
            titles_exempt=titles_exempt,
        )
    )
    if principal is not None and jenis.layout_kind == "keputusan":
        fields.setdefault(
            "pembukaan",
            [
                "DENGAN RAHMAT TUHAN YANG MAHA ESA",
                principal.nama_ttd_tampil.upper().rstrip(",") + ",",
            ],
        )
    penandatangan: dict | list = main
    extra = [
        {**row, "peran": row.get("peran") or spec.get("role_label", "")}
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
                    titles_exempt=titles_exempt,
                )
            )
        penandatangan = blocks

    main_index = 0
    left, right = people_signature_blocks(jenis, revisi.fields, on)
    if left or right:
        own = penandatangan if isinstance(penandatangan, list) else [penandatangan]
        main_index = len(left)
        penandatangan = [*left, *own, *right]

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

    _new_kind_defaults(jenis, layout, fields)
    if jenis.layout_kind == "disposisi":
        fields.setdefault("hal", header.get("hal", ""))
        fields.setdefault("sifat", URGENSI_CETAK.get(header.get("urgensi"), ""))
        for key in ("diteruskan_kepada", "instruksi"):
            fields.setdefault(key, [])
        for key in ("surat_dari", "nomor_surat", "tanggal_surat", "diterima_tanggal"):
            fields.setdefault(key, "")
        fields.setdefault("nomor_agenda", "")
        fields.setdefault("catatan", "")

    klasifikasi = KLASIFIKASI_CETAK.get(header.get("klasifikasi_keamanan"), "Biasa")
    distribusi: list[str] = []
    if header.get("klasifikasi_keamanan") in CONFIDENTIAL:
        # Numbered copies with a distribution list (domain.md 4.1): copy n goes to the n-th
        # addressee or copy holder; the last is the file copy (pertinggal).
        distribusi = [r["label"] for r in tujuan] + [
            r["label"] for r in revisi.penerima if r["jenis"] == "tembusan"
        ]
        distribusi.append("Pertinggal")

    context = {
        "kop": kop,
        "nomor": None if preview else naskah.nomor,
        "tanggal": None if preview else naskah.tanggal,
        "tempat": header.get("tempat") or signer.unit.kota or settings.NASKAH_KOTA,
        "sifat": URGENSI_CETAK.get(header.get("urgensi"), "Biasa"),
        "klasifikasi_keamanan": klasifikasi,
        "distribusi": distribusi,
        "salinan": {"ke": None, "dari": len(distribusi)} if distribusi else None,
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
        "penandatangan_utama": main_index,
        "tembusan": tembusan,
        "lampiran": typed,
        "lampiran_pdfs": pdfs,
        "watermark": "KONSEP" if preview else None,
        "tte": None,
    }
    return layout, context


def _new_kind_defaults(jenis: JenisNaskah, layout: dict, fields: dict) -> None:
    """Region names and labels the issue-13 layout kinds print (settings.NASKAH_NAMA_*)."""
    if layout.get("perintah_label"):
        fields.setdefault("perintah_label", layout["perintah_label"])
    daerah = settings.NASKAH_NAMA_DAERAH.upper()
    if jenis.layout_kind == "peraturan":
        fields.setdefault("pengundang_jabatan", f"SEKRETARIS DAERAH {daerah}".strip())
        fields.setdefault("berita_daerah_label", f"BERITA DAERAH {daerah}".strip())
    elif jenis.layout_kind == "perjanjian":
        fields.setdefault("pihak_kesatu_instansi", settings.NASKAH_NAMA_PEMERINTAH)


def naskah_render_pdf(revisi: NaskahRevisi, *, preview: bool = True) -> bytes:
    from naskah.rendering import render_naskah

    layout, context = naskah_render_context(revisi, preview=preview)
    return render_naskah(layout, context)
