"""render_naskah(layout, context) -> PDF bytes: the pure entry point."""

from __future__ import annotations

import copy
import datetime as dt
import io

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus.doctemplate import LayoutError

from core.clock import office_today
from core.vocabulary import CONFIDENTIAL_CETAK

from .document import Decor, NaskahDoc
from .errors import RenderError
from .fonts import FONT_KEYS
from .layouts import Parts, build_story, lampiran_pdf_headers, paraf_story
from .layouts.newtypes import NEW_KINDS, build_new_story
from .merge import merge, open_lampiran
from .signature import validate_block
from .text import NBSP, esc, format_tanggal, styles_for
from .typography import keep_closing_with_signature, limit_justification

# Binary (Flate-only) streams instead of ASCII85+Flate: about 20% smaller and 2-3 ms faster
# per page. Both are valid PDF; this is reportlab's own process-wide switch.
rl_config.useA85 = 0

LAYOUT_KINDS = ("surat", "nota_dinas", "judul", "keputusan", "disposisi", *NEW_KINDS)
PAPER_SIZES = {"A4": A4, "F4": (215 * mm, 330 * mm)}

# Every layout key has a default. Keys after "place_date_label" extend the contract; they
# are optional and documented in docs/rendering.md.
LAYOUT_DEFAULTS: dict = {
    "kind": "surat",
    "title": "",
    "group": "korespondensi",
    "subgroup": "",
    "paper": "A4",
    "orientation": "portrait",  # or "landscape" (Piagam, Sertifikat)
    "font": "arial",
    "font_size": 12,
    "margins_mm": {"top": 20, "bottom": 25, "left": 30, "right": 20},
    "page_numbers": True,
    "continuation_words": True,
    "place_date_label": None,
    "kop_top_mm": 10,
    "kop_sizes": {"pemda": 12, "unit": 16, "address": 9},
    "emblem_mm": 20,
    "title_underline": False,
    "nomor_format": "NOMOR {nomor}",
    "signature_x": 0.5,
    "signature_space_mm": 22,
    "signature_align": "center",
    "signature_name_bold": True,
    "signature_name_underline": False,
    "tembusan_label": "Tembusan:",
    "signer_role_label": "",
    "yth_above_title": False,
    "tentang_line": True,
    "memo_rows": False,
    "jabatan_after_title": False,
    "body_first": False,
    "receipt_block": False,
    "distribusi_label": "Distribusi (nomor salinan):",
    "addressee_position": "below",
    "lampiran_header_every_page": False,
    "lampiran_of": None,
    "continuation_suffix": "...",
    # widest inter-word gap of a justified line (space + stretch, in ems); wider: flush left
    "justify_max_gap_em": 0.8,
    # Pasal 44: piagam, sertifikat and STTPP print the name without titles; read by the
    # caller building the signature block (naskah.context), not by the page layout
    "titles_exempt": False,
    "page_number_format": "- {} -",
    "number_placeholder": "\u2026/\u2026/\u2026/{year}",
    "date_placeholder": NBSP * 16 + "{year}",
    # No issuer is named unless the caller says who issued the certificate (tte["issuer"]
    # or a complete tte["footer_text"]): the footer must not claim a CA that did not sign.
    "tte_footer_default": "Dokumen ini telah ditandatangani secara elektronik.",
    "tte_footer_issuer": (
        "Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat "
        "elektronik yang diterbitkan oleh {issuer}."
    ),
    "tte_qr_caption": "Pindai untuk verifikasi",
}
_KIND_DEFAULTS = {
    "keputusan": {"font": "bookman", "place_date_label": "Ditetapkan di"},
    "peraturan": {"font": "bookman", "place_date_label": "Ditetapkan di"},
    "piagam": {"orientation": "landscape", "titles_exempt": True, "continuation_words": False},
    "daftar_hadir": {"nomor_format": ""},
    # the back of an SPPD is a form of its own: no page number, no continuation word
    # each side of the form fits one page at 11 pt
    "sppd": {"page_numbers": False, "continuation_words": False, "font_size": 11},
}


def resolve_layout(layout: dict) -> dict:  # noqa: C901 - one flat check per layout option
    """The layout with every default filled in and every value checked."""
    if not isinstance(layout, dict):
        raise RenderError("layout must be a dict.")
    kind = layout.get("kind", LAYOUT_DEFAULTS["kind"])
    if kind not in LAYOUT_KINDS:
        raise RenderError(
            f"Unknown layout kind {kind!r}; expected one of {', '.join(LAYOUT_KINDS)}."
        )
    resolved = copy.deepcopy(LAYOUT_DEFAULTS)
    resolved.update(_KIND_DEFAULTS.get(kind, {}))
    for key, value in layout.items():
        if key in ("margins_mm", "kop_sizes") and isinstance(value, dict):
            resolved[key].update(value)
        elif value is not None or key == "place_date_label":
            resolved[key] = value
    if resolved["paper"] not in PAPER_SIZES:
        raise RenderError(f"Unknown paper {resolved['paper']!r}; expected A4 or F4.")
    if resolved["orientation"] not in ("portrait", "landscape"):
        raise RenderError("orientation must be 'portrait' or 'landscape'.")
    if resolved["font"] not in FONT_KEYS:
        raise RenderError(
            f"Unknown font {resolved['font']!r}; expected one of {', '.join(FONT_KEYS)}."
        )
    size = resolved["font_size"]
    if not isinstance(size, (int, float)) or not 6 <= size <= 20:
        raise RenderError("font_size must be a number between 6 and 20.")
    for key, value in resolved["margins_mm"].items():
        if not isinstance(value, (int, float)) or not 5 <= value <= 80:
            raise RenderError(f"Margin {key!r} must be between 5 and 80 mm.")
    if not 0.2 <= float(resolved["signature_x"]) <= 0.7:
        raise RenderError("signature_x must be a fraction between 0.2 and 0.7.")
    for key, sample in (
        ("nomor_format", {"nomor": "1"}),
        ("tte_footer_issuer", {"issuer": "CA"}),
        ("number_placeholder", {"year": 2026}),
        ("date_placeholder", {"year": 2026}),
    ):
        if key == "nomor_format" and resolved[key] == "":
            continue  # no number line (Laporan, Notula)
        try:
            resolved[key].format(**sample)
        except (AttributeError, IndexError, KeyError, ValueError) as exc:
            raise RenderError(f"Layout {key!r} is not a valid format string: {exc}") from exc
    try:
        resolved["page_number_format"].format(2)
    except (AttributeError, IndexError, KeyError, ValueError) as exc:
        raise RenderError(f"Layout 'page_number_format' is not a valid format: {exc}") from exc
    gap = resolved["justify_max_gap_em"]
    if not isinstance(gap, (int, float)) or not 0.3 <= gap <= 5:
        raise RenderError("justify_max_gap_em must be a number between 0.3 and 5.")
    if resolved["addressee_position"] not in ("below", "right"):
        raise RenderError("addressee_position must be 'below' or 'right'.")
    if resolved["signature_align"] not in ("center", "left"):
        raise RenderError("signature_align must be 'center' or 'left'.")
    return resolved


def _signers(value) -> list:
    if value is None:
        return []
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise RenderError("penandatangan must be a SignatureBlock or a list of them.")
    return [validate_block(block) for block in value]


def render_naskah(layout: dict, context: dict) -> bytes:
    """Render one naskah to PDF bytes. Pure: plain values in, bytes out.

    Raises RenderError (a ValueError) for any input it cannot render.
    """
    layout = resolve_layout(layout)
    if not isinstance(context, dict):
        raise RenderError("context must be a dict.")
    kind = layout["kind"]
    readers = [open_lampiran(data, i) for i, data in enumerate(context.get("lampiran_pdfs") or [])]

    tanggal = context.get("tanggal")
    if tanggal is not None and not isinstance(tanggal, dt.date):
        raise RenderError("context['tanggal'] must be a date or None.")
    year = tanggal.year if tanggal else int(context.get("tahun") or office_today().year)
    nomor = context.get("nomor")
    if nomor is not None and not isinstance(nomor, str):
        raise RenderError("context['nomor'] must be a string or None.")
    tte = context.get("tte")
    if tte is not None and (
        not isinstance(tte, dict) or not isinstance(tte.get("qr_url"), str) or not tte["qr_url"]
    ):
        raise RenderError("context['tte'] must be a dict with a non-empty 'qr_url'.")
    signed_at = tte.get("signed_at") if tte else None
    if signed_at is not None and not (
        isinstance(signed_at, dt.datetime) and signed_at.tzinfo is not None
    ):
        raise RenderError("context['tte']['signed_at'] must be an aware datetime.")
    watermark = "" if tte else (context.get("watermark") or "")
    if not isinstance(watermark, str):
        raise RenderError("context['watermark'] must be a string or None.")
    security = context.get("klasifikasi_keamanan") or "Biasa"
    if security not in ("Biasa", "Terbatas", "Rahasia", "Sangat Rahasia"):
        raise RenderError(f"Unknown klasifikasi_keamanan {security!r}.")

    styles = styles_for(layout["font"], float(layout["font_size"]))
    pagesize = PAPER_SIZES[layout["paper"]]
    if layout["orientation"] == "landscape":
        pagesize = landscape(pagesize)
    margins = {k: v * mm for k, v in layout["margins_mm"].items()}
    first_top = layout["kop_top_mm"] * mm if context.get("kop") else margins["top"]
    footer = tte_footer_text(layout, tte) if tte else ""
    decor = Decor(
        styles=styles,
        page_numbers=bool(layout["page_numbers"]),
        continuation_words=bool(layout["continuation_words"]),
        continuation_suffix=layout["continuation_suffix"],
        watermark=watermark,
        security_label="" if security == "Biasa" else security.upper(),
        copy_label=_copy_label(context.get("salinan"), security),
        security_red=security in CONFIDENTIAL_CETAK,
        tte_footer=footer,
        page_number_format=layout["page_number_format"],
    )
    buffer = io.BytesIO()
    title = context.get("hal") or layout["title"] or ""
    doc = NaskahDoc(
        buffer,
        pagesize=pagesize,
        margins=margins,
        first_top=first_top,
        decor=decor,
        title=title if isinstance(title, str) else "",
        created_at=signed_at,
    )
    parts = Parts(
        layout=layout,
        context=context,
        styles=styles,
        width=doc.content_width,
        nomor=nomor or layout["number_placeholder"].format(year=year),
        tanggal=format_tanggal(tanggal)
        if tanggal
        else layout["date_placeholder"].format(year=year),
        signers=_signers(context.get("penandatangan")),
    )
    story, lampiran_headers = (build_new_story if kind in NEW_KINDS else build_story)(kind, parts)
    story = keep_closing_with_signature(story)
    limit_justification(story, layout["justify_max_gap_em"])
    if layout["lampiran_header_every_page"] and lampiran_headers:
        tallest = max(h.wrap(doc.content_width, 1e6)[1] for h in lampiran_headers)
        doc.add_lampiran_template(tallest + styles.leading)
    try:
        doc.build(story)
    except LayoutError as exc:
        raise RenderError(f"The naskah cannot be laid out on the page: {exc}") from exc
    doc.finish()
    pdf = buffer.getvalue()
    if readers:
        pdf = merge(
            pdf,
            readers,
            watermark=watermark,
            font_key=layout["font"],
            footer=footer,
            margins=(margins["left"], margins["right"]),
            font_size=float(layout["font_size"]),
            headers=lampiran_pdf_headers(parts),
            header_every_page=bool(layout["lampiran_header_every_page"]),
            header_edge=10 * mm,
        )
    return pdf


def _copy_label(salinan, security: str) -> str:
    """ "Salinan ke-2 dari 5" (or "Jumlah salinan: 5" when the copy is not one recipient's)
    under the security mark of a Rahasia or Sangat Rahasia naskah."""
    if not salinan or security not in CONFIDENTIAL_CETAK:
        return ""
    if not isinstance(salinan, dict) or not isinstance(salinan.get("dari"), int):
        raise RenderError("context['salinan'] must be a dict with an int 'dari'.")
    ke = salinan.get("ke")
    if ke is None:
        return f"Jumlah salinan: {salinan['dari']}"
    if not isinstance(ke, int):
        raise RenderError("context['salinan']['ke'] must be an int or None.")
    return f"Salinan ke-{ke} dari {salinan['dari']}"


def tte_footer_text(layout: dict, tte: dict) -> str:
    """The footer sentence (escaped for a Paragraph): ``tte["footer_text"]`` as given, else
    the issuer sentence when ``tte["issuer"]`` names the certificate's issuer, else a
    sentence that names no issuer."""
    text = tte.get("footer_text") or ""
    if not isinstance(text, str):
        raise RenderError("tte['footer_text'] must be a string.")
    issuer = tte.get("issuer") or ""
    if not isinstance(issuer, str):
        raise RenderError("tte['issuer'] must be a string.")
    if not text:
        if issuer:
            text = layout["tte_footer_issuer"].format(issuer=issuer)
        else:
            text = layout["tte_footer_default"]
    return esc(text)


def render_paraf_page(layout: dict, context: dict, rows: list[dict], *, note: str = "") -> bytes:
    """The final page of a file copy (pertinggal): the paraf chain of the signed revision,
    one row per paraf: {"nama", "jabatan", "kapasitas", "jenis", "waktu"}. Same paper,
    font and margins as the letter; carries the TTE footer when ``context["tte"]`` is
    given. Pure, like render_naskah; append it with ``append_pdf``."""
    layout = resolve_layout(layout)
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise RenderError("paraf rows must be a list of dicts.")
    tte = context.get("tte")
    styles = styles_for(layout["font"], float(layout["font_size"]))
    margins = {k: v * mm for k, v in layout["margins_mm"].items()}
    security = context.get("klasifikasi_keamanan") or "Biasa"
    if security not in ("Biasa", "Terbatas", "Rahasia", "Sangat Rahasia"):
        raise RenderError(f"Unknown klasifikasi_keamanan {security!r}.")
    decor = Decor(
        styles=styles,
        page_numbers=False,
        continuation_words=False,
        continuation_suffix="",
        watermark="",
        security_label="" if security == "Biasa" else security.upper(),
        security_red=security in CONFIDENTIAL_CETAK,
        tte_footer=tte_footer_text(layout, tte) if tte else "",
        page_number_format=layout["page_number_format"],
        # the file copy is the last numbered copy of a classified letter
        copy_label=_copy_label(_last_copy(context.get("salinan")), security),
    )
    buffer = io.BytesIO()
    doc = NaskahDoc(
        buffer,
        pagesize=PAPER_SIZES[layout["paper"]],
        margins=margins,
        first_top=margins["top"],
        decor=decor,
        title="Lembar paraf",
    )
    story = paraf_story(
        styles,
        doc.content_width,
        rows,
        nomor=context.get("nomor") or "",
        hal=context.get("hal") or "",
        note=note,
    )
    try:
        doc.build(story)
    except LayoutError as exc:
        raise RenderError(f"The paraf page cannot be laid out: {exc}") from exc
    doc.finish()
    return buffer.getvalue()


def _last_copy(salinan):
    if isinstance(salinan, dict) and isinstance(salinan.get("dari"), int):
        return {"ke": salinan["dari"], "dari": salinan["dari"]}
    return salinan


def append_pdf(main: bytes, extra: bytes) -> bytes:
    """``main`` with every page of ``extra`` after it (pypdf; before sealing)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(main)))
    writer.append(PdfReader(io.BytesIO(extra)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
