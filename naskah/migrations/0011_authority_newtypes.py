"""The authority matrix, legal-bureau paraf and Plt/Plh rules for the types added in
0010 (issue 13 items 1 and 4). Data like 0006: administrators edit it in the admin
(audited). Suggested by the drafting of those types and marked UNVERIFIED where no
source was reached (docs/authority.md)."""

from django.db import migrations

P44 = "Permendagri 1/2023"
UNV = " (UNVERIFIED)"
KD = ("kepala_daerah", "", True, False, False, P44)
WKD = ("wakil_kepala_daerah", "", True, False, False, P44 + UNV)
SEKDA = ("sekda", "", True, False, False, P44)
SEKDA_AN = ("sekda", "", True, True, False, P44 + "; a.n. Kepala Daerah (domain.md 1.3)")
KPD = ("kepala_perangkat_daerah", "", True, False, False, P44)
HEAD_MANDATE = ("kepala_unit", "", False, True, True, "domain.md 5.1 (a.n./u.b. with delegation)")
STRUKTURAL = ("struktural", "", True, False, False, "the organising official" + UNV)
FUNGSIONAL = ("fungsional", "", True, False, False, "the organising official" + UNV)
PELAKSANA = ("pelaksana", "", True, False, False, "the organising official" + UNV)

OUTGOING = [KD, WKD, SEKDA_AN, KPD, HEAD_MANDATE]
MATRIX = {
    # penetapan: the Sekda's own decree, by the Sekda only; no a.n.
    "keputusan_sekda": [SEKDA],
    # pengaturan: Peraturan Gubernur by the Gubernur only (the Sekda promulgates).
    "peraturan_gubernur": [KD],
    # khusus, addressed outside the unit: kepala perangkat daerah and above; lower heads a.n.
    "surat_izin": OUTGOING,
    "surat_panggilan": OUTGOING,
    "surat_pernyataan_melaksanakan_tugas": [KD, WKD, SEKDA, KPD, HEAD_MANDATE],
    "piagam": [KD, SEKDA_AN, KPD],
    "sertifikat": [KD, SEKDA_AN, KPD],
    "nota_kesepahaman": [KD, SEKDA_AN, KPD],
    "perjanjian_kerja_sama": [KD, SEKDA_AN, KPD],
    # penugasan: SPPD by the head of the agency (the Sekda for the Setda); lower heads a.n.
    "sppd": [KD, SEKDA, KPD, HEAD_MANDATE],
    # lainnya: the organising official signs the attendance list.
    "daftar_hadir": [KD, WKD, SEKDA, STRUKTURAL, FUNGSIONAL, PELAKSANA],
}
PARAF_BIRO_HUKUM = ["keputusan_sekda", "peraturan_gubernur"]
# BKN SE 2/SE/VII/2019: no Plt/Plh signature on Keputusan and Peraturan.
PELAKSANA_DILARANG = {
    "keputusan_sekda": ["plt", "plh"],
    "peraturan_gubernur": ["plt", "plh"],
}
# Pasal 44(2): piagam and sertifikat print the name without titles.
TANPA_GELAR = ["piagam", "sertifikat"]


def seed(apps, schema_editor):
    JenisNaskah = apps.get_model("naskah", "JenisNaskah")
    Kewenangan = apps.get_model("naskah", "KewenanganTandaTangan")
    AturanTTE = apps.get_model("naskah", "AturanTTE")
    JenisNaskah.objects.filter(kode__in=TANPA_GELAR).update(nama_tanpa_gelar=True)
    JenisNaskah.objects.filter(kode__in=PARAF_BIRO_HUKUM).update(paraf_biro_hukum=True)
    for kode, acting in PELAKSANA_DILARANG.items():
        jenis = JenisNaskah.objects.filter(kode=kode).first()
        if jenis is not None and not AturanTTE.objects.filter(jenis=jenis).exists():
            AturanTTE.objects.create(jenis=jenis, pelaksana_dilarang=acting)
    for kode, rows in MATRIX.items():
        jenis = JenisNaskah.objects.filter(kode=kode).first()
        if jenis is None or Kewenangan.objects.filter(jenis=jenis).exists():
            continue
        Kewenangan.objects.bulk_create(
            Kewenangan(
                jenis=jenis,
                peran=peran,
                eselon_minimal=eselon,
                sendiri=own,
                atas_nama=an,
                untuk_beliau=ub,
                dasar=source,
            )
            for peran, eselon, own, an, ub, source in rows
        )


def unseed(apps, schema_editor):
    apps.get_model("naskah", "KewenanganTandaTangan").objects.filter(
        jenis__kode__in=list(MATRIX)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("naskah", "0010_newtypes_jenis_naskah")]

    operations = [migrations.RunPython(seed, unseed)]
