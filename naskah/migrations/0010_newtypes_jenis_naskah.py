"""Issue 13 item 4: the missing letter types and the layout kinds they need.

Data, like 0002: administrators edit the rows in the Django admin. Who may sign each type
(the authority matrix), the Pasal 44 category and the number formats are seeded by other
migrations of the same issue; `penandatangan_jenis` here is the registry's coarse rule.
`{nama_daerah}` in a title is settings.NASKAH["NAMA_DAERAH"] in capitals."""

from django.db import migrations, models

ALL_OFFICIALS = ["kepala_daerah", "wakil_kepala_daerah", "sekda", "struktural"]
F = dict


def text(name, label, required=False, **extra):
    return F(name=name, label=label, type="text", required=required, **extra)


def blocks(name, label, required=False, **extra):
    return F(name=name, label=label, type="blocks", required=required, **extra)


def date(name, label, required=False, **extra):
    return F(name=name, label=label, type="date", required=required, **extra)


KEPUTUSAN_FIELDS = [
    text("tentang", "Tentang", True, max_length=500),
    blocks("menimbang", "Menimbang", True),
    blocks("mengingat", "Mengingat", True),
    blocks("memperhatikan", "Memperhatikan"),
    F(
        name="diktum",
        label="Diktum (KESATU, KEDUA, ...)",
        type="diktum",
        required=True,
        help="Pisahkan diktum dengan baris berisi ---",
    ),
]

PIAGAM_FIELDS = [
    text("penerima", "Diberikan kepada", True, max_length=200),
    text(
        "keterangan_penerima",
        "Keterangan penerima",
        help="Jabatan, instansi atau NIP penerima (opsional)",
    ),
]

PERJANJIAN_FIELDS = [
    text("tentang", "Tentang", True, max_length=500),
    text(
        "pihak_kesatu_instansi",
        "Instansi pihak kesatu",
        help="Kosong: nama pemerintah daerah (PEMERINTAH PROVINSI LAMPUNG)",
    ),
    text("pihak_kedua_instansi", "Instansi pihak kedua", True),
    text("pihak_kedua_nama", "Nama penanda tangan pihak kedua", True),
    text("pihak_kedua_jabatan", "Jabatan penanda tangan pihak kedua", True),
    text("pihak_kedua_nip", "NIP penanda tangan pihak kedua"),
    text("nomor_pihak_kedua", "Nomor naskah pihak kedua"),
    F(
        name="saksi",
        label="Saksi",
        type="lines",
        required=False,
        help="Satu saksi per baris: Nama; Jabatan",
    ),
]

# (kode, nama, kelompok, subkelompok, lingkup, layout_kind, title, fields, layout overrides,
#  kop_kepala_daerah, penandatangan_jenis, kepala_unit only, KKA code, format_nomor, multi)
TYPES = [
    ("keputusan_sekda", "Keputusan Sekretaris Daerah", "arahan", "penetapan", "keduanya",
     "keputusan", "KEPUTUSAN SEKRETARIS DAERAH {nama_daerah}", KEPUTUSAN_FIELDS,
     {"font": "bookman", "place_date_label": "Ditetapkan di"}, False, ["sekda"], True,
     "100.3.3.4", "keputusan", False),
    ("surat_izin", "Surat Izin", "khusus", "", "internal", "judul", "SURAT IZIN",
     [
         blocks("dasar", "Dasar"),
         F(name="kepada", label="Kepada", type="people", required=True),
         blocks("untuk", "Untuk", True),
     ],
     {"perintah_label": "MEMBERI IZIN:"}, False, ALL_OFFICIALS, True, None, "surat", False),
    ("surat_panggilan", "Surat Panggilan", "khusus", "", "internal", "judul", "SURAT PANGGILAN",
     [
         date("hari_tanggal", "Hari/tanggal", True, placement="rows", format="hari"),
         text("waktu", "Waktu", True, placement="rows", help="09.00 WIB"),
         text("tempat_acara", "Tempat", True, placement="rows"),
         text("menghadap_kepada", "Menghadap kepada", True, placement="rows"),
         text("keperluan", "Untuk", True, placement="rows",
              help="diperiksa/dimintai keterangan sehubungan dengan ..."),
     ],
     {}, False, ALL_OFFICIALS, True, None, "surat", False),
    ("surat_pernyataan_melaksanakan_tugas", "Surat Pernyataan Melaksanakan Tugas", "khusus", "",
     "internal", "judul", "SURAT PERNYATAAN MELAKSANAKAN TUGAS",
     [F(name="pegawai", label="Pegawai yang melaksanakan tugas", type="people", required=True,
        placement="rows")],
     {}, False, ALL_OFFICIALS, True, "800.1.11.1", "surat", False),
    ("daftar_hadir", "Daftar Hadir", "lainnya", "", "internal", "daftar_hadir", "DAFTAR HADIR",
     [
         text("acara", "Acara", True, placement="rows"),
         date("hari_tanggal", "Hari/tanggal", True, placement="rows", format="hari"),
         text("waktu", "Waktu", True, placement="rows"),
         text("tempat_acara", "Tempat", True, placement="rows"),
         F(name="peserta", label="Peserta", type="lines", required=False,
           help="Satu peserta per baris: Nama; Jabatan/Instansi"),
         text("baris_tambahan", "Baris kosong tambahan", help="Jumlah baris kosong, 0 sampai 200"),
     ],
     {}, False, ALL_OFFICIALS + ["fungsional", "pelaksana"], False, "000.1.5", "surat", False),
    ("piagam", "Piagam", "khusus", "", "eksternal", "piagam", "PIAGAM PENGHARGAAN",
     PIAGAM_FIELDS, {"orientation": "landscape", "titles_exempt": True}, False, ALL_OFFICIALS,
     True, None, "surat", False),
    ("sertifikat", "Sertifikat", "khusus", "", "eksternal", "piagam", "SERTIFIKAT",
     PIAGAM_FIELDS, {"orientation": "landscape", "titles_exempt": True}, False,
     ALL_OFFICIALS, True, None, "surat", False),
    ("peraturan_gubernur", "Peraturan Gubernur", "arahan", "pengaturan", "keduanya", "peraturan",
     "PERATURAN {kepala_daerah}",
     [
         text("tentang", "Tentang", True, max_length=500),
         blocks("menimbang", "Menimbang", True),
         blocks("mengingat", "Mengingat", True),
         date("diundangkan_tanggal", "Diundangkan pada tanggal"),
         text("pengundang_nama", "Nama Sekretaris Daerah yang mengundangkan"),
         text("berita_daerah_nomor", "Nomor Berita Daerah"),
     ],
     {"font": "bookman", "place_date_label": "Ditetapkan di"}, True, ["kepala_daerah"], False,
     None, "peraturan_kepala_daerah", False),
    ("nota_kesepahaman", "Nota Kesepahaman", "khusus", "", "eksternal", "perjanjian",
     "NOTA KESEPAHAMAN", PERJANJIAN_FIELDS, {}, False, ["kepala_daerah", "wakil_kepala_daerah",
     "sekda", "struktural"], True, "100.3.7.1", "perjanjian", False),
    ("perjanjian_kerja_sama", "Perjanjian Kerja Sama", "khusus", "", "eksternal", "perjanjian",
     "PERJANJIAN KERJA SAMA", PERJANJIAN_FIELDS, {}, False, ["kepala_daerah",
     "wakil_kepala_daerah", "sekda", "struktural"], True, "100.3.7.1", "perjanjian", False),
]
SPPD_FIELDS = [
    F(name="pegawai", label="Pegawai yang melaksanakan perjalanan dinas", type="people",
      required=True),
    text("tingkat_biaya", "Tingkat biaya perjalanan dinas", help="A, B, C ..."),
    text("maksud", "Maksud perjalanan dinas", True),
    text("angkutan", "Alat angkutan", help="Kendaraan dinas, pesawat udara ..."),
    text("tempat_berangkat", "Tempat berangkat", help="Kosong: tempat naskah"),
    text("tempat_tujuan", "Tempat tujuan", True),
    text("lama", "Lamanya perjalanan dinas", help="3 (tiga) hari"),
    date("tanggal_berangkat", "Tanggal berangkat", True),
    date("tanggal_kembali", "Tanggal harus kembali", True),
    F(name="pengikut", label="Pengikut", type="lines", required=False,
      help="Satu per baris: Nama; Tanggal lahir; Keterangan"),
    text("anggaran_instansi", "Pembebanan anggaran: instansi"),
    text("anggaran_akun", "Pembebanan anggaran: akun"),
    text("keterangan", "Keterangan lain-lain"),
]
TYPES.append(
    ("sppd", "Surat Perintah Perjalanan Dinas (SPPD)", "arahan", "penugasan", "internal",
     "sppd", "SURAT PERINTAH PERJALANAN DINAS", SPPD_FIELDS,
     {"font_size": 11, "place_date_label": "Dikeluarkan di"}, False, ALL_OFFICIALS, True,
     "000.1.2.3", "surat", False)
)
FIRST_ORDER = 220  # after the 21 types of 0002


def seed(apps, schema_editor):
    JenisNaskah = apps.get_model("naskah", "JenisNaskah")
    KodeKlasifikasi = apps.get_model("core", "KodeKlasifikasi")
    for order, row in enumerate(TYPES):
        (kode, nama, kelompok, sub, lingkup, kind, title, fields, layout, kop_kd, signers,
         head_only, kka, fmt, multi) = row
        kka_obj = (
            KodeKlasifikasi.objects.filter(kode=kka, skema__aktif=True).first() if kka else None
        )
        JenisNaskah.objects.update_or_create(
            kode=kode,
            defaults={
                "nama": nama,
                "kelompok": kelompok,
                "subkelompok": sub,
                "lingkup": lingkup,
                "layout_kind": kind,
                "layout_title": title,
                "fields_schema": fields,
                "layout": layout,
                "kop_kepala_daerah": kop_kd,
                "kode_klasifikasi_default": kka_obj,
                "format_nomor": fmt,
                "multi_penandatangan": multi,
                "urutan": FIRST_ORDER + order * 10,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("naskah", "JenisNaskah").objects.filter(
        kode__in=[row[0] for row in TYPES], naskah__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("naskah", "0009_layouts_pertinggal"),
        ("core", "0002_klasifikasi_permendagri_83_2022"),
    ]

    operations = [
        migrations.AlterField(
            model_name="jenisnaskah",
            name="layout_kind",
            field=models.CharField(
                choices=[
                    ("surat", "Letter (surat)"),
                    ("nota_dinas", "Memorandum (nota dinas)"),
                    ("judul", "Titled document"),
                    ("keputusan", "Decree (keputusan)"),
                    ("disposisi", "Disposition sheet"),
                    ("daftar_hadir", "Attendance list (daftar hadir)"),
                    ("piagam", "Certificate (piagam, sertifikat)"),
                    ("peraturan", "Regulation (peraturan, BAB/Pasal)"),
                    ("perjanjian", "Agreement between two parties (MoU, PKS)"),
                    ("sppd", "Official travel order (SPPD, two-sided form)"),
                ],
                max_length=12,
                verbose_name="layout",
            ),
        ),
        migrations.RunPython(seed, unseed),
    ]
