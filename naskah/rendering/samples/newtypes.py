"""Renderer-level samples of the layout kinds added by issue 13 item 4 (merged into
``samples.SAMPLES``). Names and numbers are fictitious."""

from __future__ import annotations

from ..signature import signature_block

GUBERNUR_PERATURAN = {
    "nama": "Arif Pratama",
    "gelar_depan": "Ir. H.",
    "gelar_belakang": "M.M.",
    "nip": None,
    "pangkat_golongan": "",
    "jabatan_ttd": "GUBERNUR LAMPUNG",
    "jabatan_jenis": "kepala_daerah",
    "acting": "",
}


def _base():
    """samples.py's fixtures, imported late: samples.py imports this module at its end."""
    from .. import samples

    return samples


def para(text: str) -> dict:
    return _base().para(text)


def heading(text: str) -> dict:
    return {"type": "heading", "text": text}


def daftar_hadir() -> tuple[dict, dict]:
    b = _base()
    context = {
        "kop": b.KOP_DISKOMINFOTIK,
        "tanggal": b.TANGGAL,
        "tempat": "Bandar Lampung",
        "hal": "Daftar Hadir Rapat Koordinasi",
        "body": [
            {
                "type": "fields",
                "rows": [
                    ["Acara", "Rapat Koordinasi Tata Naskah Dinas Elektronik"],
                    ["Hari/tanggal", "Senin, 23 November 2026"],
                    ["Tempat", "Ruang Rapat Utama"],
                ],
            }
        ],
        "fields": {
            "peserta": [
                "Rudi Hermawan, S.Kom.; Kepala Bidang Aplikasi Informatika",
                "Dewi Permatasari, S.T.; Pranata Komputer Ahli Muda",
            ],
            "baris_tambahan": 3,
        },
        "penandatangan": signature_block(group="lainnya", signer=b.KADIS),
    }
    return {"kind": "daftar_hadir", "title": "DAFTAR HADIR", "group": "lainnya"}, context


def piagam() -> tuple[dict, dict]:
    b = _base()
    context = {
        "kop": b.KOP_DISKOMINFOTIK,
        "nomor": "000.1.2.3/21/DISKOMINFOTIK/2026",
        "tanggal": b.TANGGAL,
        "tempat": "Bandar Lampung",
        "hal": "Piagam Penghargaan",
        "body": [para("atas dedikasinya sebagai Pengelola Laman Terbaik Tahun 2026.")],
        "fields": {"penerima": "Dewi Permatasari, S.T."},
        "penandatangan": signature_block(group="khusus", signer=b.KADIS, titles_exempt=True),
    }
    layout = {"kind": "piagam", "title": "PIAGAM PENGHARGAAN", "group": "khusus"}
    return layout, context


def peraturan() -> tuple[dict, dict]:
    b = _base()
    body = [
        heading("BAB I"),
        heading("KETENTUAN UMUM"),
        heading("Pasal 1"),
        para("Dalam Peraturan Gubernur ini yang dimaksud dengan Daerah adalah Provinsi Lampung."),
        heading("BAB II"),
        heading("KETENTUAN PENUTUP"),
        heading("Pasal 2"),
        para("Peraturan Gubernur ini mulai berlaku pada tanggal diundangkan."),
    ]
    context = {
        "kop": b.KOP_GUBERNUR,
        "nomor": "15",
        "tanggal": b.TANGGAL,
        "tempat": "Bandar Lampung",
        "hal": "Pedoman Tanda Tangan Elektronik",
        "body": body,
        "fields": {
            "tentang": "Pedoman Tanda Tangan Elektronik",
            "menimbang": [para("bahwa perlu pedoman tanda tangan elektronik;")],
            "mengingat": [para("Undang-Undang Nomor 11 Tahun 2008;")],
            "pengundang_jabatan": "SEKRETARIS DAERAH PROVINSI LAMPUNG",
            "pengundang_nama": "Budi Santoso",
            "diundangkan_tanggal": "23 November 2026",
            "berita_daerah_label": "BERITA DAERAH PROVINSI LAMPUNG",
            "berita_daerah_nomor": "15",
        },
        "penandatangan": signature_block(
            group="arahan", subgroup="pengaturan", signer=GUBERNUR_PERATURAN
        ),
    }
    layout = {
        "kind": "peraturan",
        "title": "PERATURAN GUBERNUR LAMPUNG",
        "group": "arahan",
        "subgroup": "pengaturan",
    }
    return layout, context


def perjanjian() -> tuple[dict, dict]:
    b = _base()
    context = {
        "kop": b.KOP_DISKOMINFOTIK,
        "nomor": "100.3.7.1/3/DISKOMINFOTIK/2026",
        "tanggal": b.TANGGAL,
        "tempat": "Bandar Lampung",
        "hal": "Nota Kesepahaman",
        "body": [heading("Pasal 1"), para("PARA PIHAK sepakat bekerja sama.")],
        "fields": {
            "tentang": "Pengembangan Sumber Daya Manusia",
            "pihak_kesatu_instansi": "Pemerintah Provinsi Lampung",
            "pihak_kedua_instansi": "Universitas Lampung",
            "pihak_kedua_nama": "Prof. Dr. Siti Rahmawati, M.Sc.",
            "pihak_kedua_jabatan": "Rektor Universitas Lampung",
            "nomor_pihak_kedua": "1234/UN26/HK/2026",
            "saksi": ["Dr. Hendra Gunawan, M.Si.; Sekretaris Dinas", "Dr. Agus Salim; Dekan"],
        },
        "penandatangan": signature_block(group="khusus", signer=b.KADIS),
    }
    return {"kind": "perjanjian", "title": "NOTA KESEPAHAMAN", "group": "khusus"}, context


NEW_SAMPLES = {
    "daftar_hadir": daftar_hadir,
    "piagam": piagam,
    "peraturan": peraturan,
    "perjanjian": perjanjian,
}


def sppd() -> tuple[dict, dict]:
    b = _base()
    context = {
        "kop": b.KOP_DISKOMINFOTIK,
        "nomor": "000.1.2.3/45/DISKOMINFOTIK/2026",
        "tanggal": b.TANGGAL,
        "tempat": "Bandar Lampung",
        "hal": "Perjalanan Dinas ke Jakarta",
        "body": [],
        "fields": {
            "pegawai": [
                ["Nama", "Dewi Permatasari, S.T."],
                ["Pangkat/Gol.", "Penata (III/c)"],
                ["NIP", "198805052012122001"],
                ["Jabatan", "Pranata Komputer Ahli Muda"],
            ],
            "tingkat_biaya": "C",
            "maksud": "Mengikuti bimbingan teknis sertifikat elektronik",
            "angkutan": "Pesawat udara",
            "tempat_tujuan": "Jakarta",
            "lama": "3 (tiga) hari",
            "tanggal_berangkat": "24 November 2026",
            "tanggal_kembali": "26 November 2026",
            "pengikut": ["Rudi Hermawan; 12 Mei 1985; Kepala Bidang"],
            "anggaran_instansi": "Dinas Komunikasi, Informatika dan Statistik",
            "anggaran_akun": "5.1.02.04.01.0001",
        },
        "penandatangan": signature_block(group="arahan", subgroup="penugasan", signer=b.KADIS),
    }
    layout = {
        "kind": "sppd",
        "title": "SURAT PERINTAH PERJALANAN DINAS",
        "group": "arahan",
        "subgroup": "penugasan",
        "place_date_label": "Dikeluarkan di",
    }
    return layout, context


NEW_SAMPLES["sppd"] = sppd
