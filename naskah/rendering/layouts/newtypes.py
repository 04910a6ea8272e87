"""Story builders for the layout kinds added by issue 13 item 4.

* ``daftar_hadir``: attendance list, event rows then a numbered table with a signature
  column (numbers alternate left and right, as on paper forms);
* ``piagam``: Piagam and Sertifikat, meant for a landscape page (``orientation``), the
  emblem centred, the recipient's name large, no address letterhead;
* ``peraturan``: Peraturan Gubernur/Kepala Daerah, produk-hukum form: "NOMOR n TAHUN
  yyyy", konsiderans, "MEMUTUSKAN:", the BAB/Pasal body with centred headings, "Ditetapkan
  di", then "Diundangkan di" by the Sekretaris Daerah and the Berita Daerah line;
* ``sppd``: Surat Perintah Perjalanan Dinas, the two-sided form: the numbered order
  (items 1-10) and its signature on the front page, the departure/arrival stamps I-V,
  notes and the liability warning on the back page;
* ``perjanjian``: Nota Kesepahaman and Perjanjian Kerja Sama between two parties: both
  parties and both numbers under the title, the parties' identity, two signature columns
  (PIHAK KEDUA left, PIHAK KESATU right) and optional witnesses.

They extend :class:`layouts.Builder` (the shared pieces: kop, labelled sections,
signatures, lampiran) and are dispatched by :func:`build_new_story`.
"""

from __future__ import annotations

import datetime as dt

from reportlab.lib.colors import black
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, NextPageTemplate, Paragraph, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from core.clock import office_today

from ..blocks import colon_table, label_width, para_style, render_blocks, table_style
from ..emblems import draw_emblem
from ..errors import RenderError
from ..text import esc
from . import Builder, Parts, _fields, _str_list

NEW_KINDS = ("daftar_hadir", "piagam", "peraturan", "perjanjian", "sppd")

_GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 7),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
    ]
)


class CentredEmblem(Flowable):
    """The kop's emblem alone, centred (Piagam and Sertifikat carry no address kop)."""

    def __init__(self, kind: str, image, size: float):
        super().__init__()
        self.kind, self.image, self.size = kind, image, size

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = self.size * 1.1
        return self.width, self.height

    def draw(self):
        draw_emblem(
            self.canv,
            self.kind,
            self.image,
            (self.width - self.size) / 2,
            0,
            self.size,
            self.size * 1.1,
        )


def _centred_headings(blocks: list) -> list:
    """BAB, its name and Pasal headings are centred in produk hukum."""
    out = []
    for block in blocks or []:
        if isinstance(block, dict) and block.get("type") == "heading":
            block = {**block, "align": "center"}
        out.append(block)
    return out


def _split_entry(entry: str) -> tuple[str, str]:
    """ "Nama; Jabatan/Instansi" (or "Nama - Jabatan") -> (nama, jabatan)."""
    for sep in (";", " - ", " \u2013 "):
        if sep in entry:
            name, rest = entry.split(sep, 1)
            return name.strip(), rest.strip()
    return entry.strip(), ""


class NewTypesBuilder(Builder):
    def _year(self) -> int:
        tanggal = self.ctx.get("tanggal")
        if isinstance(tanggal, dt.date):
            return tanggal.year
        return int(self.ctx.get("tahun") or office_today().year)

    def _big(self, text: str, scale: float, *, bold: bool = True) -> Paragraph:
        size = self.s.size * scale
        style = ParagraphStyle(
            f"big-{scale}-{bold}",
            parent=self.s.title if bold else self.s.center,
            fontSize=size,
            leading=size * 1.2,
            alignment=TA_CENTER,
        )
        return Paragraph(esc(text), style)

    # Daftar Hadir ------------------------------------------------------------------------
    def daftar_hadir(self) -> list:
        fields = _fields(self.ctx)
        story = self.kop()
        story += [self.centered(self.layout["title"] or "DAFTAR HADIR", bold=True), self.gap()]
        story += self.body()
        peserta = _str_list(fields.get("peserta"), "fields['peserta']")
        extra = fields.get("baris_tambahan") or 0
        try:
            extra = max(0, min(int(extra), 200))
        except (TypeError, ValueError):
            raise RenderError("fields['baris_tambahan'] must be a whole number.") from None
        count = len(peserta) + extra
        if not count:
            raise RenderError("A daftar hadir needs participants or empty rows.")
        header = ["No.", "Nama", "Jabatan/Instansi", "Tanda Tangan"]
        widths = [0.07, 0.36, 0.33, 0.24]
        col_w = [self.w * f for f in widths]
        cell, head = self.s.cell, self.s.cell_header
        data = [[Paragraph(esc(h), head) for h in header]]
        sign_left = para_style(cell, "left", 0.0, 0.0, 0.0)
        for i in range(1, count + 1):
            name, jabatan = _split_entry(peserta[i - 1]) if i <= len(peserta) else ("", "")
            # Odd numbers at the left of the signature column, even ones at its middle.
            dots = f"{i}. ............"
            sign = Paragraph(esc(dots), sign_left)
            if i % 2 == 0:
                sign = Paragraph(esc(dots), para_style(cell, "left", col_w[3] * 0.35, 0.0, 0.0))
            data.append(
                [
                    Paragraph(f"{i}.", self.s.cell_center),
                    Paragraph(esc(name), cell),
                    Paragraph(esc(jabatan), cell),
                    sign,
                ]
            )
        style = TableStyle(
            [("BACKGROUND", (0, 0), (-1, 0), "#E6E6E6")], parent=table_style(self.s, _GRID)
        )
        story += [
            Table(data, colWidths=col_w, repeatRows=1, style=style, hAlign="LEFT"),
            self.gap(),
        ]
        story += self.signatures(lines_before=self.place_date_lines())
        return story

    # Piagam / Sertifikat -----------------------------------------------------------------
    def piagam(self) -> list:
        fields = _fields(self.ctx)
        kop = self.ctx.get("kop") or {}
        if kop and not isinstance(kop, dict):
            raise RenderError("context['kop'] must be a dict.")
        story: list = []
        if kop:
            variant = kop.get("variant") or "perangkat_daerah"
            emblem = kop.get("emblem") or ("garuda" if variant == "kepala_daerah" else "daerah")
            story += [
                CentredEmblem(emblem, kop.get("emblem_image"), self.layout["emblem_mm"] * mm),
                self.gap(0.5),
            ]
            story += [self.centered(line, bold=True) for line in kop.get("lines") or []]
            story += [self.gap()]
        title = self.layout["title"] or "PIAGAM PENGHARGAAN"
        story += [self._big(title, 2.0), self.gap(0.3)]
        story += self.nomor_lines()
        penerima = fields.get("penerima")
        if not isinstance(penerima, str) or not penerima.strip():
            raise RenderError("A piagam needs fields['penerima'] (the recipient's name).")
        label = fields.get("diberikan_label") or "diberikan kepada:"
        story += [self.gap(), self.centered(label), self.gap(0.5)]
        story += [self._big(penerima.strip(), 1.6), self.gap(0.3)]
        if fields.get("keterangan_penerima"):
            story += [self.centered(str(fields["keterangan_penerima"]))]
        story += [self.gap()]
        # The citation is centred under the name, whatever alignment the editor stored.
        body = [
            {**b, "align": "center"} if b.get("type") == "paragraph" else b
            for b in (self.ctx.get("body") or [])
            if isinstance(b, dict)
        ]
        story += render_blocks(body, self.s, self.w)
        story += [self.gap(0.5)]
        story += self.signatures(lines_before=self.place_date_lines())
        return story

    # Peraturan ---------------------------------------------------------------------------
    def peraturan(self) -> list:
        fields = _fields(self.ctx)
        title = self.layout["title"]
        if not title:
            raise RenderError("A 'peraturan' layout needs a title, e.g. 'PERATURAN GUBERNUR'.")
        tentang = fields.get("tentang") or self.ctx.get("hal") or ""
        if not tentang:
            raise RenderError("A peraturan needs fields['tentang'].")
        year = self._year()
        nomor = self.ctx.get("nomor") or "\u2026"
        if "TAHUN" not in nomor.upper():
            nomor = f"{nomor} TAHUN {year}"
        story = self.kop()
        story += [self.centered(title, bold=True), self.centered(f"NOMOR {nomor}", bold=True)]
        story += [self.gap(0.5), self.centered("TENTANG", bold=True)]
        story += [self.centered(str(tentang).upper(), bold=True), self.gap()]
        pembukaan = ["DENGAN RAHMAT TUHAN YANG MAHA ESA"]
        if self.p.signers and self.p.signers[0]["lines_above"]:
            pembukaan.append(self.p.signers[0]["lines_above"][-1])
        story += [self.centered(line, bold=True) for line in pembukaan] + [self.gap()]
        label_w = label_width(self.s, ["Menimbang", "Mengingat", "Menetapkan"], self.w)
        for label, key in (("Menimbang", "menimbang"), ("Mengingat", "mengingat")):
            if fields.get(key):
                story += self.labeled(label, fields[key], label_w)
        story += [self.gap(0.5), self.centered("MEMUTUSKAN:", bold=True), self.gap(0.5)]
        menetapkan = fields.get("menetapkan") or f"{title} TENTANG {str(tentang).upper()}."
        story += [colon_table([["Menetapkan", menetapkan]], self.s, self.w, label_w)]
        story += [self.gap(0.5)]
        story += render_blocks(_centred_headings(self.ctx.get("body") or []), self.s, self.w)
        story += [self.gap(0.5)]
        story += self.signatures(lines_before=self.place_date_lines())
        story += self._diundangkan(fields, year)
        return story

    def _diundangkan(self, fields: dict, year: int) -> list:
        tempat = self.ctx.get("tempat") or ""
        tanggal = fields.get("diundangkan_tanggal") or self.layout["date_placeholder"].format(
            year=year
        )
        jabatan = fields.get("pengundang_jabatan") or "SEKRETARIS DAERAH"
        nama = fields.get("pengundang_nama") or "...................."
        col = para_style(self.s.left, "left", 0.0, 0.0, 0.0)
        width = self.w * self.layout["signature_x"]
        rows = [
            Paragraph(esc(f"Diundangkan di {tempat}".rstrip()), col),
            Paragraph(esc(f"pada tanggal {tanggal}"), col),
            Paragraph(esc(jabatan.rstrip(",") + ","), col),
        ]
        block = Table(
            [[rows], [""], [Paragraph(f"<b>{esc(nama.upper())}</b>", col)]],
            colWidths=[width],
            rowHeights=[None, self.layout["signature_space_mm"] * mm, None],
            style=table_style(self.s),
            hAlign="LEFT",
        )
        label = fields.get("berita_daerah_label") or "BERITA DAERAH"
        nomor = fields.get("berita_daerah_nomor") or "\u2026"
        berita = Paragraph(f"<b>{esc(f'{label} TAHUN {year} NOMOR {nomor}')}</b>", self.s.left)
        return [self.gap(), KeepTogether([block, self.gap(), berita])]

    # Nota Kesepahaman / Perjanjian Kerja Sama -------------------------------------------
    def perjanjian(self) -> list:
        fields = _fields(self.ctx)
        title = self.layout["title"]
        if not title:
            raise RenderError("A 'perjanjian' layout needs a title, e.g. 'NOTA KESEPAHAMAN'.")
        kesatu = fields.get("pihak_kesatu_instansi") or ""
        kedua = fields.get("pihak_kedua_instansi") or ""
        for key, value in (
            ("pihak_kesatu_instansi", kesatu),
            ("pihak_kedua_instansi", kedua),
            ("pihak_kedua_nama", fields.get("pihak_kedua_nama")),
            ("pihak_kedua_jabatan", fields.get("pihak_kedua_jabatan")),
        ):
            if not isinstance(value, str) or not value.strip():
                raise RenderError(f"A perjanjian needs fields[{key!r}].")
        if not self.p.signers:
            raise RenderError("A perjanjian needs the first party's signature block.")
        tentang = fields.get("tentang") or self.ctx.get("hal") or ""
        story = self.kop()
        story += [self.centered(title, bold=True), self.centered("ANTARA", bold=True)]
        story += [self.centered(kesatu.upper(), bold=True), self.centered("DAN", bold=True)]
        story += [self.centered(kedua.upper(), bold=True)]
        if tentang:
            story += [self.centered("TENTANG", bold=True)]
            story += [self.centered(str(tentang).upper(), bold=True)]
        story += [self.gap(0.5)]
        story += [self.centered(f"NOMOR {self.p.nomor}")]
        story += [self.centered(f"NOMOR {fields.get('nomor_pihak_kedua') or chr(0x2026)}")]
        story += [self.gap()]
        main = self.p.signers[0]
        own = (main["lines_above"][-1] if main["lines_above"] else "").rstrip(",")
        parties = [
            f"{main['name']}, {own}, dalam hal ini bertindak untuk dan atas nama {kesatu}, "
            "selanjutnya disebut PIHAK KESATU.",
            f"{fields['pihak_kedua_nama']}, {fields['pihak_kedua_jabatan']}, dalam hal ini "
            f"bertindak untuk dan atas nama {kedua}, selanjutnya disebut PIHAK KEDUA.",
        ]
        opening = fields.get("pembuka") or (
            f"Pada hari ini, {self.p.tanggal}, yang bertanda tangan di bawah ini:"
        )
        story += [Paragraph(esc(opening), self.s.body)]
        hang = para_style(self.s.body, "justify", 0.0, self.s.size * 1.8, self.s.size * 0.5)
        story += [
            Paragraph(esc(text), hang, bulletText=f"{i}.")
            for i, text in enumerate(parties, start=1)
        ]
        story += render_blocks(_centred_headings(self.ctx.get("body") or []), self.s, self.w)
        story += [self.gap(0.5)]
        kedua_block = {
            "lines_above": [f"{fields['pihak_kedua_jabatan'].upper().rstrip(',')},"],
            "name": fields["pihak_kedua_nama"],
            "lines_below": [f"NIP {fields['pihak_kedua_nip']}"]
            if fields.get("pihak_kedua_nip")
            else [],
            "role_label": "PIHAK KEDUA,",
        }
        kesatu_block = {**main, "role_label": "PIHAK KESATU,"}
        story += self.signatures([kedua_block, kesatu_block])
        saksi = _str_list(fields.get("saksi"), "fields['saksi']")
        if saksi:
            blocks = []
            for entry in saksi:
                name, jabatan = _split_entry(entry)
                blocks.append(
                    {
                        "lines_above": [jabatan] if jabatan else [],
                        "name": name,
                        "lines_below": [],
                        "role_label": "",
                    }
                )
            grid = self.signatures(blocks)
            for flowable in grid:
                flowable.qr_url = ""  # witnesses do not sign electronically here
            story += [self.gap(), KeepTogether([self.centered("SAKSI-SAKSI:", bold=True), *grid])]
        return story


SPPD_PERHATIAN = (
    "PERHATIAN: Pejabat yang berwenang menerbitkan SPPD, pegawai yang melakukan perjalanan "
    "dinas, para pejabat yang mengesahkan tanggal berangkat/tiba, serta bendahara "
    "pengeluaran bertanggung jawab berdasarkan peraturan-peraturan keuangan negara/daerah "
    "apabila negara/daerah menderita rugi akibat kesalahan, kelalaian dan kealpaannya."
)
SPPD_DIPERIKSA = (
    "Telah diperiksa dengan keterangan bahwa perjalanan tersebut atas perintahnya dan "
    "semata-mata untuk kepentingan jabatan dalam waktu yang sesingkat-singkatnya."
)


def _person_value(person, label: str) -> str:
    """A value from a `people` field's [[label, value], ...] rows (first person)."""
    if isinstance(person, list) and person and isinstance(person[0], list):
        if person[0] and isinstance(person[0][0], list):  # several people: the first
            person = person[0]
        for row in person:
            if isinstance(row, (list, tuple)) and len(row) == 2 and row[0] == label:
                return str(row[1])
    return "-"


class SppdBuilder(NewTypesBuilder):
    """Surat Perintah Perjalanan Dinas: the order on the front page, the travel legs
    (departure and arrival stamps I-V, notes, the liability warning) on the back page."""

    def sppd(self) -> list:
        fields = _fields(self.ctx)
        person = fields.get("pegawai")
        if not person:
            raise RenderError("An SPPD needs fields['pegawai'] (the travelling employee).")
        for key in ("maksud", "tempat_tujuan", "tanggal_berangkat", "tanggal_kembali"):
            if not fields.get(key):
                raise RenderError(f"An SPPD needs fields[{key!r}].")
        story = self.kop()
        corner_w = self.w * 0.6
        corner = colon_table(
            [
                ["Lembar ke", str(fields.get("lembar_ke") or "1")],
                ["Kode No.", str(fields.get("kode_no") or "-")],
                ["Nomor", self.p.nomor],
            ],
            self.s,
            corner_w,
        )
        corner.hAlign = "RIGHT"
        story += [corner, self.gap(0.5)]
        title = self.layout["title"] or "SURAT PERINTAH PERJALANAN DINAS"
        story += [self.centered(title, bold=True)]
        story += [self.centered("(SPPD)", bold=True), self.gap(0.5)]
        cell = self.s.cell
        pemberi = ""
        if self.p.signers and self.p.signers[0]["lines_above"]:
            pemberi = self.p.signers[0]["lines_above"][-1].rstrip(",")

        def p(text: str) -> Paragraph:
            return Paragraph(esc(text), cell)

        def lines(*items: str) -> list:
            return [p(item) for item in items]

        pengikut = _str_list(fields.get("pengikut"), "fields['pengikut']")
        follow_rows = [[p("Nama"), p("Tanggal lahir"), p("Keterangan")]]
        for entry in pengikut or ["-"]:
            parts = [x.strip() for x in entry.split(";")] + ["", ""]
            follow_rows.append([p(parts[0]), p(parts[1] or "-"), p(parts[2] or "-")])
        right_w = self.w * 0.55
        follow = Table(
            follow_rows,
            colWidths=[right_w * 0.45, right_w * 0.28, right_w * 0.27 - 6],
            style=table_style(self.s, _SPPD_GRID),
        )
        rows = [
            ("1.", lines("Pejabat yang memberi perintah"), [p(pemberi or "-")]),
            (
                "2.",
                lines("Nama/NIP pegawai yang melaksanakan perjalanan dinas"),
                lines(_person_value(person, "Nama"), "NIP " + _person_value(person, "NIP")),
            ),
            (
                "3.",
                lines(
                    "a. Pangkat dan golongan",
                    "b. Jabatan/instansi",
                    "c. Tingkat biaya perjalanan dinas",
                ),
                lines(
                    "a. " + _person_value(person, "Pangkat/Gol."),
                    "b. " + _person_value(person, "Jabatan"),
                    "c. " + str(fields.get("tingkat_biaya") or "-"),
                ),
            ),
            ("4.", lines("Maksud perjalanan dinas"), [p(str(fields["maksud"]))]),
            (
                "5.",
                lines("Alat angkutan yang dipergunakan"),
                [p(str(fields.get("angkutan") or "-"))],
            ),
            (
                "6.",
                lines("a. Tempat berangkat", "b. Tempat tujuan"),
                lines(
                    "a. " + str(fields.get("tempat_berangkat") or self.ctx.get("tempat") or "-"),
                    "b. " + str(fields["tempat_tujuan"]),
                ),
            ),
            (
                "7.",
                lines(
                    "a. Lamanya perjalanan dinas",
                    "b. Tanggal berangkat",
                    "c. Tanggal harus kembali/tiba di tempat baru",
                ),
                lines(
                    "a. " + str(fields.get("lama") or "-"),
                    "b. " + str(fields["tanggal_berangkat"]),
                    "c. " + str(fields["tanggal_kembali"]),
                ),
            ),
            ("8.", lines("Pengikut"), [follow]),
            (
                "9.",
                lines("Pembebanan anggaran", "a. Instansi", "b. Akun"),
                lines(
                    "",
                    "a. " + str(fields.get("anggaran_instansi") or "-"),
                    "b. " + str(fields.get("anggaran_akun") or "-"),
                ),
            ),
            ("10.", lines("Keterangan lain-lain"), [p(str(fields.get("keterangan") or "-"))]),
        ]
        no_w = self.s.size * 2.2
        left_w = self.w - no_w - right_w
        data = [[p(no), left, right] for no, left, right in rows]
        story += [
            Table(
                data,
                colWidths=[no_w, left_w, right_w],
                style=table_style(self.s, _SPPD_GRID),
                hAlign="LEFT",
            ),
            self.gap(),
        ]
        story += self.signatures(lines_before=self.place_date_lines())
        story += self._sppd_back(fields, pemberi)
        return story

    def _sppd_back(self, fields: dict, pemberi: str) -> list:
        """The back page: departure/arrival stamps I-V, notes, the warning."""
        from ..document import PartStart

        cell = self.s.cell
        berangkat = str(fields.get("tempat_berangkat") or self.ctx.get("tempat") or "")
        tujuan = str(fields["tempat_tujuan"])
        half = self.w / 2

        def stamp(*items: str, space: bool = True) -> list:
            flow = [Paragraph(esc(item), cell) for item in items]
            if space:
                flow.append(Paragraph("&nbsp;", cell))
                flow.append(Paragraph("(..............................................)", cell))
                flow.append(Paragraph("NIP", cell))
            return flow

        data = [
            [
                "",
                stamp(
                    f"I. Berangkat dari: {berangkat}",
                    "(tempat kedudukan)",
                    f"Ke: {tujuan}",
                    f"Pada tanggal: {fields['tanggal_berangkat']}",
                    pemberi or "",
                ),
            ]
        ]
        for roman_no in ("II", "III", "IV"):
            data.append(
                [
                    stamp(f"{roman_no}. Tiba di:", "Pada tanggal:", "Kepala:"),
                    stamp("Berangkat dari:", "Ke:", "Pada tanggal:", "Kepala:"),
                ]
            )
        data.append(
            [
                stamp(f"V. Tiba kembali di: {berangkat}", "(tempat kedudukan)", "Pada tanggal:"),
                stamp(SPPD_DIPERIKSA, pemberi or ""),
            ]
        )
        data.append([[Paragraph("VI. Catatan lain-lain:", cell)], ""])
        data.append([[Paragraph(esc("VII. " + SPPD_PERHATIAN), cell)], ""])
        style = TableStyle(
            [("SPAN", (0, 5), (1, 5)), ("SPAN", (0, 6), (1, 6))],
            parent=table_style(self.s, _SPPD_GRID),
        )
        return [
            NextPageTemplate("later"),
            _page_break(),
            PartStart(None),
            Table(data, colWidths=[half, half], style=style, hAlign="LEFT"),
        ]


def _page_break():
    from reportlab.platypus import PageBreak

    return PageBreak()


_SPPD_GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
)


def build_new_story(kind: str, parts: Parts) -> tuple[list, list[Table]]:
    """The story of a kind in NEW_KINDS, and its typed lampiran headers."""
    if kind not in NEW_KINDS:
        raise RenderError(f"Unknown layout kind {kind!r}.")
    builder = SppdBuilder(parts)
    story = [NextPageTemplate("later")]
    story += getattr(builder, kind)()
    story += builder.lampiran()
    return story, builder.lampiran_headers
