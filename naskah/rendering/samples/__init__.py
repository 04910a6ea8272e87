"""Example layouts and contexts for every layout kind.

Used by the benchmark (benchmarks/render.py), the tests and the docs; also handy for a
visual check: ``python -m naskah.rendering.samples /tmp/out`` writes one PDF per sample.
Names and numbers are fictitious.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from ..signature import signature_block

KOP_DISKOMINFOTIK = {
    "variant": "perangkat_daerah",
    "emblem": "daerah",
    "lines": ["PEMERINTAH PROVINSI LAMPUNG", "DINAS KOMUNIKASI, INFORMATIKA DAN STATISTIK"],
    "address_lines": [
        "Jalan Wolter Monginsidi No. 69 Teluk Betung, Bandar Lampung, Telepon (0721) 481107",
        "Laman diskominfotik.lampungprov.go.id, Pos-el diskominfotik@lampungprov.go.id, "
        "Kode Pos 35215",
    ],
}
KOP_GUBERNUR = {"variant": "kepala_daerah", "emblem": "garuda", "lines": ["GUBERNUR LAMPUNG"]}
KOP_SETDA = {
    "variant": "pemda",
    "emblem": "daerah",
    "lines": ["PEMERINTAH PROVINSI LAMPUNG", "SEKRETARIAT DAERAH"],
    "address_lines": [
        "Jalan Wolter Monginsidi No. 69 Teluk Betung, Bandar Lampung, Telepon (0721) 481166",
        "Laman lampungprov.go.id, Kode Pos 35215",
    ],
}

KADIS = {
    "nama": "Rahmat Hidayat",
    "gelar_depan": "Dr. Ir.",
    "gelar_belakang": "M.Si.",
    "nip": "196805121993031005",
    "pangkat_golongan": "Pembina Utama Madya (IV/d)",
    "jabatan_ttd": "Kepala Dinas Komunikasi, Informatika dan Statistik Provinsi Lampung",
    "jabatan_jenis": "struktural",
    "acting": "",
}
GUBERNUR = {
    "nama": "Arif Pratama",
    "gelar_depan": "Ir. H.",
    "gelar_belakang": "M.M.",
    "nip": None,
    "pangkat_golongan": "",
    "jabatan_ttd": "GUBERNUR LAMPUNG",
    "jabatan_jenis": "kepala_daerah",
    "acting": "",
}
SEKDA = {
    "nama": "Budi Santoso",
    "gelar_depan": "Drs.",
    "gelar_belakang": "M.Si.",
    "nip": "196701011990031002",
    "pangkat_golongan": "Pembina Utama (IV/e)",
    "jabatan_ttd": "SEKRETARIS DAERAH",
    "jabatan_jenis": "sekda",
    "acting": "",
}

TANGGAL = dt.date(2026, 11, 22)


def para(text: str, **style) -> dict:
    return {"type": "paragraph", "runs": [{"text": text, **style}], "align": "justify"}


def surat(
    *, long: bool = False, rows: int = 330, lampiran_pdfs: list[bytes] | None = None
) -> tuple[dict, dict]:
    """A Surat Dinas (undangan) from a Kepala Dinas; ``long`` adds a table of ``rows`` rows
    (330 rows make ten A4 pages)."""
    body = [
        para(
            "Dalam rangka percepatan penerapan Sistem Pemerintahan Berbasis Elektronik di "
            "lingkungan Pemerintah Provinsi Lampung, dengan hormat kami mengundang "
            "Saudara untuk menghadiri rapat koordinasi yang akan dilaksanakan pada:"
        ),
        {
            "type": "fields",
            "rows": [
                ["Hari/tanggal", "Senin, 30 November 2026"],
                ["Waktu", "09.00 WIB s.d. selesai"],
                ["Tempat", "Ruang Rapat Utama Diskominfotik Provinsi Lampung"],
                ["Acara", "Rapat Koordinasi Tata Naskah Dinas Elektronik"],
            ],
        },
        {
            "type": "paragraph",
            "runs": [
                {"text": "Mengingat pentingnya acara tersebut, diharapkan kehadiran Saudara "},
                {"text": "tepat waktu", "bold": True},
                {"text": " dan membawa "},
                {"text": "daftar inventaris aplikasi", "italic": True},
                {"text": " perangkat daerah masing-masing."},
            ],
            "align": "justify",
        },
        para("Demikian disampaikan, atas perhatian dan kehadirannya diucapkan terima kasih."),
    ]
    if long:
        table_rows = [
            [str(i), f"Aplikasi layanan nomor {i}", "Dinas Kominfotik", "Aktif", "2026"]
            for i in range(1, rows + 1)
        ]
        body[2:2] = [
            para(
                "Sebagai bahan pembahasan, berikut kami sampaikan daftar aplikasi yang telah "
                "diinventarisasi beserta status operasionalnya:"
            ),
            {
                "type": "list",
                "style": "numbered",
                "items": [
                    [
                        para("Inventarisasi aplikasi dan layanan publik."),
                        {
                            "type": "list",
                            "style": "lettered",
                            "items": [[para("aplikasi umum;")], [para("aplikasi khusus.")]],
                        },
                    ],
                    [para("Penyusunan peta rencana SPBE tahun berikutnya.")],
                ],
            },
            {
                "type": "table",
                "header": ["No.", "Nama Aplikasi", "Pengelola", "Status", "Tahun"],
                "rows": table_rows,
                "widths": [0.08, 0.42, 0.25, 0.12, 0.13],
            },
        ]
    context = {
        "kop": KOP_DISKOMINFOTIK,
        "nomor": "000.1.2.3/15/V.05/2026",
        "tanggal": TANGGAL,
        "tempat": "Bandar Lampung",
        "sifat": "Biasa",
        "klasifikasi_keamanan": "Biasa",
        "lampiran_label": "1 (satu) berkas" if lampiran_pdfs else "-",
        "hal": "Undangan Rapat Koordinasi Tata Naskah Dinas Elektronik",
        "tujuan": ["Kepala Dinas Pendidikan dan Kebudayaan Provinsi Lampung"],
        "tujuan_tempat": "di Bandar Lampung",
        "body": body,
        "penandatangan": signature_block(group="korespondensi", subgroup="", signer=KADIS),
        "tembusan": ["Gubernur Lampung (sebagai laporan)", "Sekretaris Daerah Provinsi Lampung"],
        "lampiran_pdfs": lampiran_pdfs or [],
        "watermark": None,
        "tte": None,
    }
    return {"kind": "surat", "group": "korespondensi"}, context


def nota_dinas() -> tuple[dict, dict]:
    signer = {
        **KADIS,
        "nama": "Siti Aminah",
        "gelar_depan": "",
        "gelar_belakang": "S.Kom., M.T.",
        "nip": "198003152005012003",
        "pangkat_golongan": "Pembina (IV/a)",
        "jabatan_ttd": "Kepala Bidang Aplikasi Informatika",
    }
    context = {
        "kop": KOP_DISKOMINFOTIK,
        "nomor": None,
        "tanggal": None,
        "tahun": 2026,
        "tempat": "Bandar Lampung",
        "sifat": "Segera",
        "lampiran_label": "-",
        "hal": "Laporan Kemajuan Pengembangan Aplikasi TNDE",
        "tujuan": ["Kepala Dinas Komunikasi, Informatika dan Statistik"],
        "dari": "Kepala Bidang Aplikasi Informatika",
        "body": [
            para(
                "Bersama ini kami laporkan kemajuan pengembangan aplikasi Tata Naskah Dinas "
                "Elektronik sampai dengan minggu keempat bulan November 2026 sebagai berikut:"
            ),
            {
                "type": "list",
                "style": "numbered",
                "items": [
                    [para("modul konsep dan revisi naskah telah selesai diuji;")],
                    [para("modul penomoran dan tanda tangan elektronik dalam tahap uji coba.")],
                ],
            },
            para("Demikian disampaikan, mohon arahan lebih lanjut."),
        ],
        "penandatangan": signature_block(group="korespondensi", signer=signer),
        "tembusan": ["Sekretaris Dinas Kominfotik"],
        "watermark": "KONSEP",
    }
    return {"kind": "nota_dinas", "title": "NOTA DINAS", "group": "korespondensi"}, context


def surat_tugas() -> tuple[dict, dict]:
    context = {
        "kop": KOP_DISKOMINFOTIK,
        "nomor": "800.1.11.1/27/V.05/2026",
        "tanggal": TANGGAL,
        "tempat": "Bandar Lampung",
        "fields": {
            "dasar": [
                {
                    "type": "list",
                    "style": "numbered",
                    "items": [
                        [
                            para(
                                "Peraturan Gubernur Lampung Nomor 14 Tahun 2023 tentang "
                                "Tata Naskah Dinas di Lingkungan Pemerintah Provinsi Lampung;"
                            )
                        ],
                        [
                            para(
                                "Dokumen Pelaksanaan Anggaran Dinas Kominfotik Tahun Anggaran 2026."
                            )
                        ],
                    ],
                }
            ],
            "kepada": [
                [
                    ["Nama", "Andi Wijaya, S.T."],
                    ["Pangkat/Gol.", "Penata (III/c)"],
                    ["NIP", "198805102011011001"],
                    ["Jabatan", "Pranata Komputer Ahli Muda"],
                ],
                [
                    ["Nama", "Dewi Lestari, S.Kom."],
                    ["Pangkat/Gol.", "Penata Muda (III/a)"],
                    ["NIP", "199402202019032001"],
                    ["Jabatan", "Pranata Komputer Ahli Pertama"],
                ],
            ],
            "untuk": [
                {
                    "type": "list",
                    "style": "numbered",
                    "items": [
                        [
                            para(
                                "melaksanakan pendampingan penerapan TNDE di Kabupaten "
                                "Pesawaran pada tanggal 1 sampai dengan 3 Desember 2026;"
                            )
                        ],
                        [para("melaporkan hasil pelaksanaan tugas kepada Kepala Dinas.")],
                    ],
                }
            ],
        },
        "penandatangan": signature_block(group="arahan", subgroup="penugasan", signer=KADIS),
        "tembusan": ["Sekretaris Daerah Provinsi Lampung"],
    }
    layout = {"kind": "judul", "title": "SURAT TUGAS", "group": "arahan", "subgroup": "penugasan"}
    return layout, context


def keputusan() -> tuple[dict, dict]:
    def lettered(*texts):
        return [{"type": "list", "style": "lettered", "items": [[para(t)] for t in texts]}]

    def numbered(*texts):
        return [{"type": "list", "style": "numbered", "items": [[para(t)] for t in texts]}]

    context = {
        "kop": KOP_GUBERNUR,
        "nomor": "G/155/V.05/HK/2026",
        "tanggal": TANGGAL,
        "tempat": "Bandar Lampung",
        "fields": {
            "tentang": "Tim Pengelola Tata Naskah Dinas Elektronik Provinsi Lampung",
            "menimbang": lettered(
                "bahwa untuk menertibkan penyelenggaraan tata naskah dinas secara elektronik "
                "perlu dibentuk tim pengelola;",
                "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu "
                "menetapkan Keputusan Gubernur tentang Tim Pengelola Tata Naskah Dinas "
                "Elektronik Provinsi Lampung;",
            ),
            "mengingat": numbered(
                "Undang-Undang Nomor 43 Tahun 2009 tentang Kearsipan;",
                "Peraturan Menteri Dalam Negeri Nomor 1 Tahun 2023 tentang Tata Naskah Dinas "
                "di Lingkungan Pemerintah Daerah;",
            ),
            "diktum": [
                {
                    "label": "KESATU",
                    "body": [
                        para(
                            "Membentuk Tim Pengelola Tata Naskah Dinas Elektronik Provinsi Lampung "
                            "dengan susunan sebagaimana tercantum dalam Lampiran Keputusan ini."
                        )
                    ],
                },
                {
                    "label": "KEDUA",
                    "body": [para("Keputusan ini mulai berlaku pada tanggal ditetapkan.")],
                },
            ],
        },
        "penandatangan": signature_block(group="arahan", subgroup="penetapan", signer=GUBERNUR),
        "lampiran": [
            {
                "judul": "SUSUNAN TIM PENGELOLA TATA NASKAH DINAS ELEKTRONIK",
                "body": [
                    {
                        "type": "table",
                        "header": ["No.", "Jabatan dalam Tim", "Jabatan"],
                        "rows": [
                            ["1.", "Pengarah", "Sekretaris Daerah Provinsi Lampung"],
                            ["2.", "Ketua", "Kepala Dinas Kominfotik Provinsi Lampung"],
                            ["3.", "Anggota", "Kepala Biro Umum Setda Provinsi Lampung"],
                        ],
                        "widths": [0.1, 0.35, 0.55],
                    }
                ],
            }
        ],
        "tembusan": ["Menteri Dalam Negeri di Jakarta"],
    }
    layout = {
        "kind": "keputusan",
        "title": "KEPUTUSAN GUBERNUR LAMPUNG",
        "group": "arahan",
        "subgroup": "penetapan",
        "font": "bookman",
        "paper": "F4",
    }
    return layout, context


def berita_acara() -> tuple[dict, dict]:
    pihak2 = {
        **KADIS,
        "nama": "Hendra Gunawan",
        "gelar_depan": "",
        "gelar_belakang": "S.E.",
        "nip": "197507072000031004",
        "pangkat_golongan": "Pembina (IV/a)",
        "jabatan_ttd": "Kepala Biro Umum",
    }
    context = {
        "kop": KOP_SETDA,
        "nomor": "000.5.6.1/3/I.04/2026",
        "tanggal": TANGGAL,
        "tempat": "Bandar Lampung",
        "body": [
            para(
                "Pada hari ini Minggu tanggal dua puluh dua bulan November tahun dua ribu "
                "dua puluh enam, kami yang bertanda tangan di bawah ini telah melaksanakan "
                "serah terima "
                "arsip inaktif dari Dinas Kominfotik kepada Biro Umum sebagaimana tercantum "
                "dalam daftar arsip yang diserahkan."
            )
        ],
        "penandatangan": [
            signature_block(group="khusus", signer=KADIS, role_label="PIHAK KESATU,"),
            signature_block(group="khusus", signer=pihak2, role_label="PIHAK KEDUA,"),
        ],
    }
    layout = {"kind": "judul", "title": "BERITA ACARA SERAH TERIMA ARSIP", "group": "khusus"}
    return layout, context


def disposisi() -> tuple[dict, dict]:
    context = {
        "kop": KOP_DISKOMINFOTIK,
        "tanggal": TANGGAL,
        "tempat": "Bandar Lampung",
        "fields": {
            "surat_dari": "Badan Siber dan Sandi Negara",
            "nomor_surat": "B-1234/BSSN/D3/PP.01.01/11/2026",
            "tanggal_surat": dt.date(2026, 11, 18),
            "diterima_tanggal": dt.date(2026, 11, 20),
            "nomor_agenda": "1187",
            "sifat": "Segera",
            "hal": "Sosialisasi Sertifikat Elektronik BSrE",
            "diteruskan_kepada": ["Kepala Bidang Persandian", "Kepala Bidang Aplikasi Informatika"],
            "instruksi": ["Tindak lanjuti", "Koordinasikan", "Laporkan hasilnya"],
            "catatan": "Siapkan peserta dari setiap bidang paling lambat 27 November 2026.",
        },
        "penandatangan": signature_block(group="lainnya", signer=KADIS),
    }
    return {"kind": "disposisi", "title": "LEMBAR DISPOSISI", "group": "lainnya"}, context


SAMPLES = {
    "surat": surat,
    "nota_dinas": nota_dinas,
    "surat_tugas": surat_tugas,
    "keputusan": keputusan,
    "berita_acara": berita_acara,
    "disposisi": disposisi,
}


# Issue 13 item 4 kinds (kept in their own module).
from .newtypes import NEW_SAMPLES  # noqa: E402

SAMPLES.update(NEW_SAMPLES)


def main(argv: list[str] | None = None) -> None:
    from ..render import render_naskah

    out = Path((argv or sys.argv[1:] or ["."])[0])
    out.mkdir(parents=True, exist_ok=True)
    for name, factory in SAMPLES.items():
        layout, context = factory()
        (out / f"{name}.pdf").write_bytes(render_naskah(layout, context))
    layout, context = surat(long=True)
    (out / "surat_panjang.pdf").write_bytes(render_naskah(layout, context))
