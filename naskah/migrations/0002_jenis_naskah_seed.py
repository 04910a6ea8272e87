"""Seed the letter-type registry and the layout defaults.

Everything here is data: administrators edit it in the Django admin. Values marked
UNVERIFIED in domain.md (paper, fonts, who signs what, Instruksi's group) are defaults.
`{kepala_daerah}` in a title is replaced by settings.NASKAH["JABATAN_KEPALA_DAERAH"] and
`{jabatan}` by the signer's position title when the letter is rendered."""

from django.db import migrations

ALL_OFFICIALS = ["kepala_daerah", "wakil_kepala_daerah", "sekda", "struktural"]
ANY_POSITION = []

F = dict  # readability


def text(name, label, required=False, **extra):
    return F(name=name, label=label, type="text", required=required, **extra)


def blocks(name, label, required=False, **extra):
    return F(name=name, label=label, type="blocks", required=required, **extra)


def date(name, label, required=False, **extra):
    return F(name=name, label=label, type="date", required=required, **extra)


UNDANGAN_FIELDS = [
    date("hari_tanggal", "Hari/tanggal", True, placement="rows", format="hari"),
    text("waktu", "Waktu", True, placement="rows", help="09.00 WIB s.d. selesai"),
    text("tempat_acara", "Tempat", True, placement="rows"),
    text("acara", "Acara", True, placement="rows"),
    text("pakaian", "Pakaian", placement="rows"),
]

PENUGASAN_FIELDS = [
    blocks("dasar", "Dasar", True),
    F(name="kepada", label="Kepada", type="people", required=True),
    blocks("untuk", "Untuk", True),
]

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

# (kode, nama, kelompok, subkelompok, lingkup, layout_kind, title, fields, layout overrides,
#  kop_kepala_daerah, penandatangan_jenis, kepala_unit only, KKA code, format_nomor, multi)
TYPES = [
    ("surat_dinas", "Surat Dinas", "korespondensi", "", "eksternal", "surat", "",
     [], {}, False, ALL_OFFICIALS, True, None, "surat", False),
    ("surat_undangan", "Surat Undangan", "korespondensi", "", "keduanya", "surat", "",
     UNDANGAN_FIELDS, {}, False, ALL_OFFICIALS + ["fungsional"], False, "000.1.5", "surat", False),
    ("nota_dinas", "Nota Dinas", "korespondensi", "", "internal", "nota_dinas", "NOTA DINAS",
     [], {}, False, ["kepala_daerah", "wakil_kepala_daerah", "sekda", "struktural", "fungsional"],
     False, None, "nota_dinas", False),
    ("memo", "Memo", "korespondensi", "", "internal", "nota_dinas", "MEMO",
     [], {}, False, ALL_OFFICIALS, False, None, "nota_dinas", False),
    ("surat_edaran", "Surat Edaran", "arahan", "pengaturan", "keduanya", "judul", "SURAT EDARAN",
     [text("tentang", "Tentang", True)], {"place_date_label": "Dikeluarkan di"}, False,
     ["kepala_daerah", "sekda", "struktural"], True, None, "surat_edaran", False),
    ("instruksi", "Instruksi", "arahan", "pengaturan", "keduanya", "judul",
     "INSTRUKSI {kepala_daerah}", [text("tentang", "Tentang", True)],
     {"place_date_label": "Dikeluarkan di", "font": "bookman"}, True,
     ["kepala_daerah"], False, None, "instruksi", False),
    ("surat_perintah", "Surat Perintah", "arahan", "penugasan", "internal", "judul",
     "SURAT PERINTAH", PENUGASAN_FIELDS, {}, False, ALL_OFFICIALS, True, "800.1.11.1",
     "surat", False),
    ("surat_tugas", "Surat Tugas", "arahan", "penugasan", "internal", "judul", "SURAT TUGAS",
     PENUGASAN_FIELDS, {}, False, ALL_OFFICIALS, True, "800.1.11.1", "surat", False),
    ("keputusan_gubernur", "Keputusan Gubernur", "arahan", "penetapan", "keduanya", "keputusan",
     "KEPUTUSAN {kepala_daerah}", KEPUTUSAN_FIELDS,
     {"font": "bookman", "place_date_label": "Ditetapkan di"}, True, ["kepala_daerah"], False,
     "100.3.3.1", "keputusan_kepala_daerah", False),
    ("keputusan_kepala_pd", "Keputusan Kepala Perangkat Daerah", "arahan", "penetapan",
     "keduanya", "keputusan", "KEPUTUSAN {jabatan}", KEPUTUSAN_FIELDS,
     {"font": "bookman", "place_date_label": "Ditetapkan di"}, False, ["struktural"], True,
     "100.3.3", "keputusan", False),
    ("surat_keterangan", "Surat Keterangan", "khusus", "", "eksternal", "judul",
     "SURAT KETERANGAN", [], {}, False, ALL_OFFICIALS, True, None, "surat", False),
    ("surat_pengantar", "Surat Pengantar", "khusus", "", "keduanya", "judul", "SURAT PENGANTAR",
     [], {}, False, ALL_OFFICIALS, False, None, "surat", False),
    ("surat_kuasa", "Surat Kuasa", "khusus", "", "keduanya", "judul", "SURAT KUASA",
     [F(name="penerima_kuasa", label="Penerima kuasa", type="people", required=True,
        placement="rows")],
     {}, False, ALL_OFFICIALS, True, None, "surat", False),
    ("surat_pernyataan", "Surat Pernyataan", "khusus", "", "keduanya", "judul",
     "SURAT PERNYATAAN", [], {}, False, ALL_OFFICIALS + ["fungsional"], False, None, "surat",
     False),
    ("berita_acara", "Berita Acara", "khusus", "", "keduanya", "judul", "BERITA ACARA {judul_acara}",
     [
         text("judul_acara", "Judul berita acara", True, help="SERAH TERIMA BARANG MILIK DAERAH"),
         text("peran_penandatangan", "Peran penanda tangan utama", help="Pihak Kesatu"),
         F(name="penandatangan_lain", label="Penanda tangan lain", type="signers", required=True),
     ],
     {}, False, ALL_OFFICIALS + ["fungsional"], False, None, "berita_acara", True),
    ("pengumuman", "Pengumuman", "khusus", "", "eksternal", "judul", "PENGUMUMAN",
     [text("tentang", "Tentang", True)], {}, False, ALL_OFFICIALS, True, None, "surat", False),
    ("laporan", "Laporan", "lainnya", "", "internal", "judul", "LAPORAN",
     [text("tentang", "Tentang", True)], {}, False,
     ALL_OFFICIALS + ["fungsional", "pelaksana"], False, None, "surat", False),
    ("telaahan_staf", "Telaahan Staf", "lainnya", "", "internal", "judul", "TELAAHAN STAF",
     [
         text("tentang", "Tentang", True),
         blocks("persoalan", "Persoalan", True, placement="section"),
         blocks("praanggapan", "Praanggapan", placement="section"),
         blocks("fakta", "Fakta yang mempengaruhi", True, placement="section"),
         blocks("analisis", "Analisis", True, placement="section"),
         blocks("simpulan", "Simpulan", True, placement="section"),
         blocks("saran", "Saran", True, placement="section"),
     ],
     {}, False, ALL_OFFICIALS + ["fungsional", "pelaksana"], False, None, "surat", False),
    ("notula", "Notula", "lainnya", "", "internal", "judul", "NOTULA",
     [
         date("hari_tanggal", "Hari/tanggal", True, placement="rows", format="hari"),
         text("waktu", "Waktu", True, placement="rows"),
         text("tempat_acara", "Tempat", True, placement="rows"),
         text("acara", "Acara", True, placement="rows"),
         text("pimpinan_rapat", "Pimpinan rapat", True, placement="rows"),
         blocks("peserta", "Peserta rapat", True, placement="section"),
     ],
     {}, False, ALL_OFFICIALS + ["fungsional", "pelaksana"], False, "000.1.5", "surat", False),
    ("rekomendasi", "Rekomendasi", "khusus", "", "eksternal", "judul", "REKOMENDASI",
     [text("tentang", "Tentang")], {}, False, ALL_OFFICIALS, True, None, "surat", False),
    ("lembar_disposisi", "Lembar Disposisi", "lainnya", "", "internal", "disposisi",
     "LEMBAR DISPOSISI",
     [
         text("surat_dari", "Surat dari", True),
         text("nomor_surat", "Nomor surat", True),
         date("tanggal_surat", "Tanggal surat", True),
         date("diterima_tanggal", "Diterima tanggal", True),
         text("nomor_agenda", "Nomor agenda", True),
         text("sifat", "Sifat"),
         F(name="diteruskan_kepada", label="Diteruskan kepada", type="lines", required=True,
           help="Satu penerima per baris"),
         F(name="instruksi", label="Instruksi", type="lines", required=True,
           help="Satu instruksi per baris"),
         F(name="catatan", label="Catatan", type="textarea", required=False),
     ],
     {}, False, ALL_OFFICIALS, True, None, "disposisi", False),
]


def seed(apps, schema_editor):
    JenisNaskah = apps.get_model("naskah", "JenisNaskah")
    TataNaskahDefault = apps.get_model("naskah", "TataNaskahDefault")
    KodeKlasifikasi = apps.get_model("core", "KodeKlasifikasi")
    TataNaskahDefault.objects.get_or_create(pk=1)
    for order, row in enumerate(TYPES):
        (kode, nama, kelompok, sub, lingkup, kind, title, fields, layout, kop_kd, signers,
         head_only, kka, fmt, multi) = row
        kka_obj = (
            KodeKlasifikasi.objects.filter(kode=kka, skema__aktif=True).first() if kka else None
        )
        defaults = {
            "nama": nama,
            "kelompok": kelompok,
            "subkelompok": sub,
            "lingkup": lingkup,
            "layout_kind": kind,
            "layout_title": title,
            "fields_schema": fields,
            "layout": layout,
            "kop_kepala_daerah": kop_kd,
            "penandatangan_jenis": signers,
            "penandatangan_kepala_unit": head_only,
            "kode_klasifikasi_default": kka_obj,
            "format_nomor": fmt,
            "multi_penandatangan": multi,
            "urutan": (order + 1) * 10,
        }
        # The signer columns were replaced by the authority matrix (migration 0005); the
        # tests re-run this seed against the current model after a flush.
        names = {f.name for f in JenisNaskah._meta.get_fields()}
        defaults = {k: v for k, v in defaults.items() if k in names}
        JenisNaskah.objects.update_or_create(kode=kode, defaults=defaults)


def unseed(apps, schema_editor):
    apps.get_model("naskah", "JenisNaskah").objects.filter(
        kode__in=[row[0] for row in TYPES], naskah__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("naskah", "0001_initial"),
        ("core", "0002_klasifikasi_permendagri_83_2022"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
