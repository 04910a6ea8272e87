"""Story builders, one per layout kind (surat, nota_dinas, judul, keputusan, disposisi)."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import black
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from core.indonesian import roman

from ..blocks import colon_table, label_width, para_style, render_blocks, table_style
from ..document import PartStart
from ..errors import RenderError
from ..flowables import Kop, QrMark, SignatureGrid
from ..signature import SignatureBlock
from ..text import Styles, esc, format_tanggal

PARAF_HEADER = ["No.", "Nama", "Jabatan", "Kapasitas", "Paraf", "Tanggal dan waktu"]
BOX = TableStyle(
    [
        ("BOX", (0, 0), (-1, -1), 0.8, black),
        ("INNERGRID", (0, 0), (-1, -1), 0.5, black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
)


@dataclass
class Parts:
    """Resolved values every builder needs (see render.py for how they are derived)."""

    layout: dict
    context: dict
    styles: Styles
    width: float
    nomor: str
    tanggal: str
    signers: list[SignatureBlock]


class Builder:
    def __init__(self, parts: Parts):
        self.p = parts
        self.layout = parts.layout
        self.ctx = parts.context
        self.s = parts.styles
        self.w = parts.width

    # small pieces --------------------------------------------------------------------
    def gap(self, lines: float = 1.0) -> Spacer:
        return Spacer(0, self.s.leading * lines)

    def centered(self, text: str, *, bold: bool = False, underline: bool = False) -> Paragraph:
        markup = esc(text)
        if underline:
            markup = f"<u>{markup}</u>"
        return Paragraph(markup, self.s.title if bold else self.s.center)

    def kop(self) -> list:
        kop = self.ctx.get("kop")
        if not kop:
            return []
        if not isinstance(kop, dict):
            raise RenderError("context['kop'] must be a dict.")
        return [
            Kop(kop, self.s, self.layout["kop_sizes"], self.layout["emblem_mm"]),
            self.gap(2),
        ]

    def right_lines(self, lines: list[str]) -> list:
        style = para_style(self.s.left, "left", self.w * self.layout["signature_x"], 0.0, 0.0)
        return [Paragraph(esc(line), style) for line in lines]

    def place_date_lines(self) -> list[str]:
        tempat = self.ctx.get("tempat") or ""
        label = self.layout.get("place_date_label")
        if label:
            return [f"{label} {tempat}".rstrip(), f"pada tanggal {self.p.tanggal}"]
        return [f"{tempat}, {self.p.tanggal}" if tempat else self.p.tanggal]

    def nomor_lines(self) -> list:
        """The centred number line under a title; none when nomor_format is "" (Laporan)."""
        if not self.layout["nomor_format"]:
            return []
        return [self.centered(self.layout["nomor_format"].format(nomor=self.p.nomor))]

    def signatures(self, signers=None, lines_before=None) -> list:
        signers = self.p.signers if signers is None else signers
        if not signers:
            return []
        role = self.layout.get("signer_role_label") or ""
        main = self._main_signer_index(signers)
        if role and not signers[main].get("role_label"):
            signers = list(signers)
            signers[main] = {**signers[main], "role_label": role}
        tte = self.ctx.get("tte") or {}
        return [
            SignatureGrid(
                signers,
                self.s,
                x_frac=self.layout["signature_x"],
                space=self.layout["signature_space_mm"] * mm,
                align=self.layout["signature_align"],
                name_bold=self.layout["signature_name_bold"],
                name_underline=self.layout["signature_name_underline"],
                lines_before=lines_before,
                qr_url=tte.get("qr_url") or "",
                qr_caption=self.layout["tte_qr_caption"] if tte.get("qr_url") else "",
            )
        ]

    def _main_signer_index(self, signers) -> int:
        """The letter's own signer among the blocks: the first, unless the context says
        which (Surat Kuasa and Notula put the other party's block on the left)."""
        index = self.ctx.get("penandatangan_utama", 0)
        return index if isinstance(index, int) and 0 <= index < len(signers) else 0

    def receipt(self) -> list:
        """The recipient's acknowledgement of a Surat Pengantar, bottom left: received on,
        recipient, name and NIP, filled in by hand."""
        if not self.layout["receipt_block"]:
            return []
        dots = "." * 24
        width = self.w * self.layout["signature_x"] - self.s.size
        label_w = label_width(self.s, ["Diterima tanggal"], width, cap=0.6)
        lines = [
            colon_table([["Diterima tanggal", dots]], self.s, width, label_w),
            Paragraph("Penerima,", self.s.left),
            Spacer(0, self.layout["signature_space_mm"] * mm * 0.8),
            colon_table([["Nama", dots], ["NIP", dots]], self.s, width, label_w),
        ]
        return [self.gap(), KeepTogether(lines)]

    def sifat(self) -> str:
        """The "Sifat" row: a Rahasia, Sangat Rahasia or Terbatas naskah states its
        classification there (never "Biasa" beside a RAHASIA mark), with the urgency after
        it when that is not Biasa."""
        urgency = self.ctx.get("sifat") or "Biasa"
        security = self.ctx.get("klasifikasi_keamanan") or "Biasa"
        if security == "Biasa":
            return urgency
        return security if urgency == "Biasa" else f"{security}, {urgency}"

    def distribusi(self) -> list:
        """The distribution list of a classified naskah (copy numbers in order)."""
        items = _str_list(self.ctx.get("distribusi"), "distribusi")
        if not items:
            return []
        style = para_style(self.s.left, "left", 0.0, self.s.size * 1.8, 0.0)
        flow = [self.gap(), Paragraph(esc(self.layout["distribusi_label"]), self.s.left)]
        flow += [Paragraph(esc(item), style, bulletText=f"{i}.") for i, item in enumerate(items, 1)]
        return [KeepTogether(flow)]

    def tembusan(self) -> list:
        items = _str_list(self.ctx.get("tembusan"), "tembusan")
        if not items:
            return self.distribusi()
        flow = [self.gap(), Paragraph(esc(self.layout["tembusan_label"]), self.s.left)]
        if len(items) == 1:
            flow.append(Paragraph(esc(items[0]), self.s.left))
        else:
            style = para_style(self.s.left, "left", 0.0, self.s.size * 1.8, 0.0)
            flow += [
                Paragraph(esc(item), style, bulletText=f"{i}.")
                for i, item in enumerate(items, start=1)
            ]
        return [KeepTogether(flow), *self.distribusi()]

    def addressee_cell(self, items: list[str]) -> list:
        if len(items) == 1:
            return [Paragraph(esc(items[0]), self.s.left)]
        style = para_style(self.s.left, "left", 0.0, self.s.size * 1.8, 0.0)
        return [Paragraph(esc(item), style, bulletText=f"{i}.") for i, item in enumerate(items, 1)]

    def yth_block(self, tujuan: list[str], tempat: str) -> list:
        """ "Yth. <addressee>" (numbered when several), then "di <place>" beneath."""
        if not tujuan:
            return []
        yth_w = label_width(self.s, ["Yth."], self.w)
        data = [[Paragraph("Yth.", self.s.left), self.addressee_cell(tujuan)]]
        if tempat:
            data.append([Spacer(0, 0), Paragraph(esc(tempat), self.s.left)])
        table = Table(
            data, colWidths=[yth_w, self.w - yth_w], style=table_style(self.s), hAlign="LEFT"
        )
        return [table, self.gap()]

    def labeled(self, label: str, blocks, label_w: float) -> list:
        flow = render_blocks(blocks, self.s, self.w - label_w - self.s.size * 0.8)
        if not flow:
            return []
        return [colon_table([[label, flow]], self.s, self.w, label_w), self.gap(0.3)]

    def body(self) -> list:
        return render_blocks(self.ctx.get("body") or [], self.s, self.w)

    def lampiran_header(self, number: str, of: str) -> Table:
        """ "LAMPIRAN I <TYPE> / NOMOR : ... / TANGGAL : ..." in the right-hand column."""
        width = self.w * (1 - self.layout["signature_x"])
        label_w = label_width(self.s, ["TANGGAL"], width)
        colon_w = self.s.size * 0.8
        data = [
            [Paragraph(esc(f"LAMPIRAN{number} {of}".strip()), self.s.left), "", ""],
            [
                Paragraph("NOMOR", self.s.left),
                Paragraph(":", self.s.left),
                Paragraph(esc(self.p.nomor), self.s.left),
            ],
            [
                Paragraph("TANGGAL", self.s.left),
                Paragraph(":", self.s.left),
                Paragraph(esc(self.p.tanggal), self.s.left),
            ],
        ]
        style = TableStyle([("SPAN", (0, 0), (2, 0))], parent=table_style(self.s))
        return Table(
            data,
            colWidths=[label_w, colon_w, width - label_w - colon_w],
            style=style,
            hAlign="RIGHT",
        )

    def _lampiran_number(self, i: int) -> str:
        """ " I", " II", … when the letter has several lampiran (typed, then uploaded)."""
        total = len(self.ctx.get("lampiran") or []) + len(self.ctx.get("lampiran_pdfs") or [])
        return f" {roman(i)}" if total > 1 else ""

    def lampiran_pdf_headers(self) -> list[Table]:
        """The "LAMPIRAN … NOMOR … TANGGAL …" header of each uploaded lampiran, numbered
        after the typed ones; merge.py stamps it on the uploaded pages."""
        of = self.layout.get("lampiran_of") or _default_lampiran_of(self.layout)
        typed = len(self.ctx.get("lampiran") or [])
        count = len(self.ctx.get("lampiran_pdfs") or [])
        return [
            self.lampiran_header(self._lampiran_number(typed + i), of) for i in range(1, count + 1)
        ]

    def lampiran(self) -> list:
        items = self.ctx.get("lampiran") or []
        if not isinstance(items, list):
            raise RenderError("context['lampiran'] must be a list.")
        story: list = []
        of = self.layout.get("lampiran_of") or _default_lampiran_of(self.layout)
        every_page = bool(self.layout["lampiran_header_every_page"])
        self.lampiran_headers: list[Table] = []
        for i, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise RenderError("Each typed lampiran must be a dict with 'judul' and 'body'.")
            header = self.lampiran_header(self._lampiran_number(i), of)
            self.lampiran_headers.append(header)
            story += [
                NextPageTemplate("later"),
                PageBreak(),
                PartStart(header if every_page else None),
                NextPageTemplate("lampiran" if every_page else "later"),
                header,
                self.gap(2),
            ]
            judul = item.get("judul") or ""
            if judul:
                story += [self.centered(judul, bold=True), self.gap()]
            story += render_blocks(item.get("body") or [], self.s, self.w)
            story += [self.gap()]
            main = self._main_signer_index(self.p.signers)
            story += self.signatures(self.p.signers[main : main + 1])
        return story

    # kinds ---------------------------------------------------------------------------
    def surat(self) -> list:
        ctx = self.ctx
        story = self.kop()
        story += self.right_lines(self.place_date_lines()) + [self.gap()]
        rows = [
            ["Nomor", self.p.nomor],
            ["Sifat", self.sifat()],
            ["Lampiran", ctx.get("lampiran_label") or "-"],
            ["Hal", ctx.get("hal") or ""],
        ]
        tujuan = _str_list(ctx.get("tujuan"), "tujuan")
        tempat = ctx.get("tujuan_tempat") or ""
        if self.layout["addressee_position"] == "right":
            # Older (Permendagri 54/2009) form: the addressee block beside the number block.
            left_w = self.w * self.layout["signature_x"] - self.s.size
            right = [Paragraph("Kepada", self.s.left)]
            right += self.addressee_cell([f"Yth. {t}" for t in tujuan]) if tujuan else []
            if tempat:
                right.append(Paragraph(esc(tempat), self.s.left))
            story += [
                Table(
                    [[colon_table(rows, self.s, left_w), right]],
                    colWidths=[left_w + self.s.size, self.w - left_w - self.s.size],
                    style=table_style(self.s),
                    hAlign="LEFT",
                ),
                self.gap(),
            ]
        else:
            story += [colon_table(rows, self.s, self.w), self.gap()]
            story += self.yth_block(tujuan, tempat)
        story += self.body() + [self.gap(0.5)]
        story += self.signatures()
        story += self.tembusan()
        return story

    def nota_dinas(self) -> list:
        ctx = self.ctx
        story = self.kop()
        story += [self.centered(self.layout["title"] or "NOTA DINAS", bold=True), self.gap()]
        tujuan = _str_list(ctx.get("tujuan"), "tujuan")
        tembusan = _str_list(ctx.get("tembusan"), "tembusan")
        rows = [["Kepada", self.addressee_cell([f"Yth. {t}" for t in tujuan] or ["-"])]]
        rows.append(["Dari", ctx.get("dari") or "-"])
        if tembusan:
            rows.append(["Tembusan", self.addressee_cell(tembusan)])
        rows += [
            ["Tanggal", self.p.tanggal],
            ["Nomor", self.p.nomor],
            ["Sifat", self.sifat()],
            ["Lampiran", ctx.get("lampiran_label") or "-"],
            ["Hal", ctx.get("hal") or ""],
        ]
        story += [
            colon_table(rows, self.s, self.w),
            Spacer(0, 3),
            HRFlowable(width="100%", thickness=0.8, color=black, spaceAfter=self.s.leading),
        ]
        story += self.body() + [self.gap(0.5)]
        story += self.signatures()
        story += self.distribusi()
        return story

    def judul(self) -> list:  # noqa: C901 - the title variants of the regulation, side by side
        ctx = self.ctx
        layout = self.layout
        fields = _fields(ctx)
        story = self.kop()
        title = layout["title"]
        if not title:
            raise RenderError("A 'judul' layout needs a title, e.g. 'SURAT TUGAS'.")
        tujuan = _str_list(ctx.get("tujuan"), "tujuan")
        yth = self.yth_block(tujuan, ctx.get("tujuan_tempat") or "")
        if layout["yth_above_title"]:  # Surat Edaran: "Yth." under the kop, above the title
            story += yth + [self.gap(0.5)]
        story += [self.centered(title, bold=True, underline=layout["title_underline"])]
        story += self.nomor_lines()
        if fields.get("tentang") and layout["tentang_line"]:
            story += [self.gap(0.5), self.centered("TENTANG", bold=True)]
            story += [self.centered(str(fields["tentang"]).upper(), bold=True)]
        if layout["jabatan_after_title"] and self.p.signers:
            # Instruksi: "GUBERNUR LAMPUNG," under the title (the signer's position line)
            lines = self.p.signers[self._main_signer_index(self.p.signers)]["lines_above"]
            if lines:
                story += [self.gap(), self.centered(lines[-1], bold=True)]
        story += [self.gap()]
        if layout["memo_rows"]:  # Telaahan Staf: Kepada, Dari, Tanggal, Lampiran, Perihal
            story += self.memo_rows(tujuan, fields)
        elif not layout["yth_above_title"]:
            story += yth
        label_w = label_width(self.s, ["Menimbang", "Kepada", "KELIMA"], self.w)
        if layout["body_first"]:
            story += self.body() + [self.gap(0.5)]
        if fields.get("dasar"):
            story += self.labeled("Dasar", fields["dasar"], label_w)
        if (fields.get("kepada") or fields.get("untuk")) and not layout["body_first"]:
            perintah = fields.get("perintah_label") or "MEMERINTAHKAN:"
            story += [self.gap(0.5), self.centered(perintah, bold=True), self.gap(0.5)]
        if fields.get("kepada"):
            story += self.kepada(fields["kepada"], label_w)
        if fields.get("untuk"):
            story += self.labeled("Untuk", fields["untuk"], label_w)
        diktum = fields.get("diktum") or []
        if diktum:  # Instruksi: "Untuk :" then KESATU, KEDUA, ...
            if not isinstance(diktum, list):
                raise RenderError("fields['diktum'] must be a list of {'label', 'body'}.")
            story += [colon_table([["Untuk", ""]], self.s, self.w, label_w), self.gap(0.3)]
            for item in diktum:
                if not isinstance(item, dict) or not item.get("label"):
                    raise RenderError("Each diktum needs a 'label' (KESATU, ...) and a 'body'.")
                story += self.labeled(str(item["label"]), item.get("body") or [], label_w)
        if not layout["body_first"]:
            story += self.body() + [self.gap(0.5)]
        story += self.signatures(lines_before=self.place_date_lines())
        story += self.receipt()
        story += self.tembusan()
        return story

    def memo_rows(self, tujuan: list[str], fields: dict) -> list:
        ctx = self.ctx
        rows = [
            ["Kepada", self.addressee_cell([f"Yth. {t}" for t in tujuan] or ["-"])],
            ["Dari", ctx.get("dari") or "-"],
            ["Tanggal", self.p.tanggal],
            ["Lampiran", ctx.get("lampiran_label") or "-"],
            ["Perihal", str(fields.get("tentang") or ctx.get("hal") or "")],
        ]
        return [colon_table(rows, self.s, self.w), self.gap()]

    def kepada(self, value, label_w: float) -> list:
        """ "Kepada" of a Surat Perintah/Tugas: one [label, value] table, or numbered groups."""
        inner_w = self.w - label_w - self.s.size * 0.8
        if not isinstance(value, list) or not value:
            raise RenderError("fields['kepada'] must be a list of [label, value] rows or groups.")
        if all(isinstance(v, str) for v in value):  # Instruksi: a list of addressees
            cell = self.addressee_cell(value)
            return [colon_table([["Kepada", cell]], self.s, self.w, label_w), self.gap(0.3)]
        grouped = isinstance(value[0], list) and value[0] and isinstance(value[0][0], list)
        groups = value if grouped else [value]
        for rows in groups:
            if not all(isinstance(r, (list, tuple)) and len(r) == 2 for r in rows):
                raise RenderError("fields['kepada'] rows must be [label, value] pairs.")
        if len(groups) == 1:
            flow = [colon_table([[str(a), str(b)] for a, b in groups[0]], self.s, inner_w)]
        else:
            flow = [_numbered_tables(groups, self.s, inner_w)]
        return [colon_table([["Kepada", flow]], self.s, self.w, label_w), self.gap(0.3)]

    def keputusan(self) -> list:
        ctx = self.ctx
        fields = _fields(ctx)
        story = self.kop()
        title = self.layout["title"]
        if not title:
            raise RenderError(
                "A 'keputusan' layout needs a title, e.g. 'KEPUTUSAN GUBERNUR LAMPUNG'."
            )
        story += [self.centered(title, bold=True), *self.nomor_lines()]
        tentang = fields.get("tentang") or ctx.get("hal") or ""
        if tentang:
            story += [self.gap(0.5), self.centered("TENTANG", bold=True)]
            story += [self.centered(str(tentang).upper(), bold=True)]
        pembukaan = fields.get("pembukaan")
        if pembukaan is None:
            pembukaan = ["DENGAN RAHMAT TUHAN YANG MAHA ESA"]
            if self.p.signers and self.p.signers[0]["lines_above"]:
                pembukaan.append(self.p.signers[0]["lines_above"][-1])
        story += [self.gap()]
        story += [self.centered(line, bold=True) for line in _str_list(pembukaan, "pembukaan")]
        story += [self.gap()]
        diktum = fields.get("diktum") or []
        if not isinstance(diktum, list):
            raise RenderError("fields['diktum'] must be a list of {'label', 'body'}.")
        labels = ["Memperhatikan", "Menetapkan"] + [str(d.get("label", "")) for d in diktum]
        label_w = label_width(self.s, labels, self.w)
        for label, key in (
            ("Menimbang", "menimbang"),
            ("Mengingat", "mengingat"),
            ("Memperhatikan", "memperhatikan"),
        ):
            if fields.get(key):
                story += self.labeled(label, fields[key], label_w)
        story += [self.gap(0.5), self.centered("MEMUTUSKAN:", bold=True), self.gap(0.5)]
        menetapkan = fields.get("menetapkan") or (
            f"{title} TENTANG {str(tentang).upper()}." if tentang else title
        )
        story += [
            colon_table([["Menetapkan", menetapkan]], self.s, self.w, label_w),
            self.gap(0.5),
        ]
        for item in diktum:
            if not isinstance(item, dict) or not item.get("label"):
                raise RenderError("Each diktum needs a 'label' (KESATU, KEDUA, ...) and a 'body'.")
            story += self.labeled(str(item["label"]), item.get("body") or [], label_w)
        story += self.body() + [self.gap(0.5)]
        story += self.signatures(lines_before=self.place_date_lines())
        story += self.tembusan()
        return story

    def disposisi(self) -> list:
        ctx = self.ctx
        f = _fields(ctx)
        story = self.kop()
        story += [self.centered(self.layout["title"] or "LEMBAR DISPOSISI", bold=True), self.gap()]
        cell = self.s.cell

        def kv(label, value):
            return Paragraph(f"{esc(label)}: {esc(_display(value))}", cell)

        def listing(label, items):
            flow = [Paragraph(f"<b>{esc(label)}</b>", cell)]
            style = para_style(cell, "left", 0.0, self.s.size * 1.5, 0.0)
            flow += [
                Paragraph(esc(item), style, bulletText=f"{i}.")
                for i, item in enumerate(_str_list(items, label), 1)
            ]
            return flow

        half = self.w / 2
        data = [
            [
                kv("Surat dari", f.get("surat_dari")),
                kv("Diterima tanggal", f.get("diterima_tanggal")),
            ],
            [kv("Nomor surat", f.get("nomor_surat")), kv("Nomor agenda", f.get("nomor_agenda"))],
            [kv("Tanggal surat", f.get("tanggal_surat")), kv("Sifat", f.get("sifat"))],
            [kv("Hal", f.get("hal")), Spacer(0, 0)],
            [
                listing("Diteruskan kepada:", f.get("diteruskan_kepada") or []),
                listing("Dengan hormat harap:", f.get("instruksi") or []),
            ],
            [
                [
                    Paragraph("<b>Catatan:</b>", cell),
                    Paragraph(esc(_display(f.get("catatan"))), cell),
                    Spacer(0, self.s.leading * 2),
                ],
                Spacer(0, 0),
            ],
        ]
        style = TableStyle(
            [("SPAN", (0, 3), (1, 3)), ("SPAN", (0, 5), (1, 5))], parent=table_style(self.s, BOX)
        )
        story += [Table(data, colWidths=[half, half], style=style, hAlign="LEFT"), self.gap()]
        story += self.paraf_rows(f.get("paraf"))
        return story

    def paraf_rows(self, paraf) -> list:
        """Lembar Disposisi: the paraf and date (and time) of each disposition, not a full
        signature block. ``fields["paraf"]``: [{"oleh", "waktu"}]; without it the signer's
        position and name with the letter's date."""
        if paraf is None:
            paraf = []
            for block in self.p.signers[:1]:
                position = " ".join(block["lines_above"]).rstrip(",")
                paraf.append({"oleh": f"{position} ({block['name']})", "waktu": self.p.tanggal})
        if not isinstance(paraf, list) or not all(isinstance(p, dict) for p in paraf):
            raise RenderError("fields['paraf'] must be a list of {'oleh', 'waktu'}.")
        if not paraf:
            return []
        cell = self.s.cell
        data = [[Paragraph("<b>Paraf oleh</b>", cell), Paragraph("<b>Tanggal dan waktu</b>", cell)]]
        for row in paraf:
            data.append(
                [
                    Paragraph(esc(_display(row.get("oleh"))), cell),
                    Paragraph(esc(_display(row.get("waktu"))), cell),
                ]
            )
        tte = self.ctx.get("tte") or {}
        flow: list = [
            Table(
                data,
                colWidths=[self.w * 0.65, self.w * 0.35],
                style=table_style(self.s, BOX),
                hAlign="LEFT",
                repeatRows=1,
            )
        ]
        if tte.get("qr_url"):
            flow += [self.gap(0.5), QrMark(tte["qr_url"], self.s, self.layout["tte_qr_caption"])]
        return flow


def _display(value) -> str:
    if value is None:
        return "-"
    if hasattr(value, "strftime"):
        return format_tanggal(value)
    return str(value)


def _numbered_tables(groups, styles: Styles, width: float) -> Table:
    hang = styles.size * 1.8
    data = []
    for n, rows in enumerate(groups, start=1):
        inner = colon_table([[str(a), str(b)] for a, b in rows], styles, width - hang)
        data.append([Paragraph(f"{n}.", styles.left), inner])
    return Table(
        data, colWidths=[hang, width - hang], style=table_style(styles), hAlign="LEFT", splitInRow=1
    )


def _fields(ctx: dict) -> dict:
    fields = ctx.get("fields") or {}
    if not isinstance(fields, dict):
        raise RenderError("context['fields'] must be a dict.")
    return fields


def _str_list(value, what: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise RenderError(f"{what} must be a list of strings.")
    return [v for v in value if v.strip()]


def _default_lampiran_of(layout: dict) -> str:
    kind = layout["kind"]
    if kind == "surat":
        return "SURAT"
    if kind == "nota_dinas":
        return "NOTA DINAS"
    return (layout.get("title") or "").upper()


def lampiran_pdf_headers(parts: Parts) -> list[Table]:
    return Builder(parts).lampiran_pdf_headers()


def build_story(kind: str, parts: Parts) -> tuple[list, list[Table]]:
    """The story, and the typed lampiran headers (to size the repeated-header template)."""
    builder = Builder(parts)
    story = [NextPageTemplate("later")]
    story += getattr(builder, kind)()
    story += builder.lampiran()
    return story, builder.lampiran_headers


def paraf_story(
    styles: Styles, width: float, rows: list[dict], *, nomor: str, hal: str, note: str
) -> list:
    """The pertinggal's paraf page: title, the letter's number and subject, the table."""
    story: list = [
        NextPageTemplate("later"),
        Paragraph("LEMBAR PARAF", styles.title),
        Paragraph("(pertinggal)", styles.center),
        Spacer(0, styles.leading),
    ]
    info = [["Nomor", nomor or "-"], ["Hal", hal or "-"]]
    story += [colon_table(info, styles, width), Spacer(0, styles.leading * 0.5)]
    cell = styles.cell
    if rows:
        data = [[Paragraph(f"<b>{esc(h)}</b>", cell) for h in PARAF_HEADER]]
        for i, row in enumerate(rows, start=1):
            data.append(
                [
                    Paragraph(str(i), cell),
                    Paragraph(esc(_display(row.get("nama"))), cell),
                    Paragraph(esc(_display(row.get("jabatan"))), cell),
                    Paragraph(esc(_display(row.get("kapasitas"))), cell),
                    Paragraph(
                        esc(_display(row.get("jenis")))
                        + (
                            f'<br/><font size="7">{esc(row["pernyataan"])}</font>'
                            if row.get("pernyataan")
                            else ""
                        ),
                        cell,
                    ),
                    Paragraph(esc(_display(row.get("waktu"))), cell),
                ]
            )
        fractions = [0.06, 0.22, 0.25, 0.14, 0.14, 0.19]
        story.append(
            Table(
                data,
                colWidths=[width * f for f in fractions],
                style=table_style(styles, BOX),
                hAlign="LEFT",
                repeatRows=1,
            )
        )
    else:
        story.append(Paragraph("Tidak ada paraf pada revisi yang ditandatangani.", styles.left))
    if note:
        story += [Spacer(0, styles.leading * 0.5), Paragraph(esc(note), styles.small)]
    return story
