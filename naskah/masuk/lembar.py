"""The Lembar Disposisi: the official form (render_naskah, layout kind "disposisi") filled
from the head's disposition, followed by the whole tree as a typed attachment page: who
disposed to whom, instructions, notes, deadlines and the state of every branch."""

from __future__ import annotations

from django.conf import settings

from core.clock import office_time
from core.indonesian import tanggal_jam
from core.models import UnitKerja
from core.vocabulary import KLASIFIKASI_CETAK, URGENSI_CETAK
from naskah.context import with_artwork
from naskah.masuk.models import SuratMasuk
from naskah.masuk.selectors import disposisi_tree, flatten_tree
from naskah.rendering import render_naskah

STATUS_LABEL = {
    "belum_dibaca": "Belum dibaca",
    "dibaca": "Dibaca",
    "diproses": "Diproses",
    "selesai": "Selesai",
}


def _waktu(value) -> str:
    """ "7 Desember 2026 09.30": the Indonesian date and the time as HH.MM."""
    if not value:
        return "-"
    return tanggal_jam(office_time(value))


def kop_for(unit: UnitKerja) -> dict:
    """Letterhead of the unit: its own, or the nearest ancestor's when it uses its parent's."""
    node = unit
    while node.jenis_kop == UnitKerja.JenisKop.INDUK and node.induk_id:
        node = node.induk
    variant = node.jenis_kop if node.jenis_kop != UnitKerja.JenisKop.INDUK else "pemda"
    if variant == "kepala_daerah":
        lines = [settings.NASKAH_JABATAN_KEPALA_DAERAH]
    else:
        lines = [settings.NASKAH_NAMA_PEMERINTAH, node.nama_kop_tampil]
    first = ", ".join(p for p in (node.alamat, node.kota) if p)
    if node.telepon:
        first += f", Telepon {node.telepon}"
    second = ", ".join(
        p
        for p in (
            f"Laman {node.website}" if node.website else "",
            f"Pos-el {node.email}" if node.email else "",
            f"Kode Pos {node.kode_pos}" if node.kode_pos else "",
        )
        if p
    )
    return with_artwork(
        {
            "variant": variant,
            "emblem": node.lambang,
            "lines": [line for line in lines if line],
            "address_lines": [line for line in (first, second) if line],
        },
        node,
    )


def _label(node) -> str:
    c = node.cabang
    text = c.penerima_label
    if c.ke_tim_id:
        text = f"{text} (tim kerja)"
    return text


def _kapasitas(act) -> str:
    return "" if act.dari_jenis == "definitif" else f"{act.dari_jenis.capitalize()}. "


def lembar_context(surat: SuratMasuk) -> tuple[dict, dict]:
    roots = disposisi_tree(surat)
    acts = [act for act, _nodes in roots]
    first = acts[0] if acts else None
    recipients = [_label(node) for _act, nodes in roots for node in nodes]
    instruksi = list(dict.fromkeys(i.nama for act in acts for i in act.instruksi.all()))
    catatan = " ".join(
        f"{act.catatan} (batas waktu {_waktu(act.batas_waktu)})".strip() for act in acts
    )
    context = {
        "kop": kop_for(surat.unit),
        "nomor": surat.nomor_agenda,
        "tanggal": office_time(first.dibuat_pada).date() if first else None,
        "tempat": surat.unit.kota or settings.NASKAH_KOTA,
        "klasifikasi_keamanan": KLASIFIKASI_CETAK[surat.klasifikasi_keamanan],
        "hal": surat.hal,
        "fields": {
            "surat_dari": surat.pengirim,
            "nomor_surat": surat.nomor_surat or "-",
            "tanggal_surat": surat.tanggal_surat,
            "diterima_tanggal": surat.tanggal_diterima,
            "nomor_agenda": surat.nomor_agenda,
            "sifat": URGENSI_CETAK[surat.urgensi],
            "hal": surat.hal,
            "diteruskan_kepada": recipients,
            "instruksi": instruksi,
            "catatan": catatan or "-",
        },
        "penandatangan": [],
    }
    # The paraf and date/time of each disposition, not a full signature block.
    context["fields"]["paraf"] = [
        {
            "oleh": f"{_kapasitas(act)}{act.dari_jabatan.nama} ({act.dari_pegawai.nama_lengkap})",
            "waktu": _waktu(act.dibuat_pada),
        }
        for act in acts
    ]
    rows = []
    numbers: dict[int, str] = {}
    counters: dict[str, int] = {}
    for _depth, act, node in flatten_tree(roots):
        parent = numbers.get(act.induk_id, "") if act.induk_id else ""
        counters[parent] = counters.get(parent, 0) + 1
        number = f"{parent}.{counters[parent]}" if parent else str(counters[parent])
        numbers[node.cabang.pk] = number
        c = node.cabang
        state = STATUS_LABEL[c.status]
        if c.dibaca_pada:
            state += f"; dibaca {_waktu(c.dibaca_pada)}"
        if c.selesai_pada:
            how = "laporan" if c.cara_selesai == "laporan" else "ditutup"
            state += f"; selesai {_waktu(c.selesai_pada)} ({how})"
        for laporan in node.laporan:
            if laporan.balasan_id:
                reply = laporan.balasan
                state += f"; balasan: {reply.nomor or 'konsep'} ({reply.hal})"
        if node.terlambat:
            state += "; TERLAMBAT"
        kapasitas = _kapasitas(act)
        instr = ", ".join(i.nama for i in act.instruksi.all())
        rows.append(
            [
                number,
                f"{kapasitas}{act.dari_jabatan.nama} ({act.dari_pegawai.nama_lengkap}), "
                f"{_waktu(act.dibuat_pada)}",
                _label(node),
                f"{instr}. {act.catatan}".strip(),
                _waktu(c.batas_waktu),
                state,
            ]
        )
    if rows:
        context["lampiran"] = [
            {
                "judul": "RIWAYAT DISPOSISI",
                "body": [
                    {
                        "type": "table",
                        "header": ["No.", "Dari", "Kepada", "Instruksi/catatan", "Batas", "Status"],
                        "rows": rows,
                        "widths": [0.06, 0.22, 0.17, 0.22, 0.15, 0.18],
                    }
                ],
            }
        ]
    layout = {"kind": "disposisi", "title": "LEMBAR DISPOSISI", "group": "lainnya"}
    return layout, context


def lembar_disposisi_pdf(surat: SuratMasuk) -> bytes:
    layout, context = lembar_context(surat)
    return render_naskah(layout, context)


__all__ = ["kop_for", "lembar_context", "lembar_disposisi_pdf"]
