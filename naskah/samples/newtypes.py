"""Samples of the letter types added by issue 13 item 4 (merged into naskah.samples)."""

from __future__ import annotations

import datetime as dt

from naskah.markup import blocks_from_markup


def new_type_samples(today: dt.date) -> dict:
    from naskah.samples import DISDIK, GUB, KOMINFO, SEKDA, Sample

    next_week = today + dt.timedelta(days=7)
    return {
        "keputusan_sekda": Sample(
            konseptor="kabagtu",
            signer=SEKDA,
            hal="Tim Pengelola Naskah Dinas Elektronik Sekretariat Daerah",
            fields={
                "tentang": "Tim Pengelola Naskah Dinas Elektronik Sekretariat Daerah",
                "menimbang": blocks_from_markup(
                    "a. bahwa untuk tertib pengelolaan naskah dinas elektronik di lingkungan "
                    "Sekretariat Daerah perlu dibentuk tim pengelola;\n"
                    "b. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, "
                    "perlu menetapkan Keputusan Sekretaris Daerah."
                ),
                "mengingat": blocks_from_markup(
                    "1. Peraturan Menteri Dalam Negeri Nomor 1 Tahun 2023 tentang Tata Naskah "
                    "Dinas di Lingkungan Pemerintah Daerah;\n"
                    "2. Peraturan Gubernur Lampung Nomor 14 Tahun 2023 tentang Tata Naskah Dinas."
                ),
                "diktum": [
                    blocks_from_markup("Membentuk Tim Pengelola Naskah Dinas Elektronik."),
                    blocks_from_markup("Keputusan ini mulai berlaku pada tanggal ditetapkan."),
                ],
            },
        ),
        "surat_izin": Sample(
            konseptor="prakommuda",
            signer=KOMINFO,
            hal="Izin Mengikuti Pendidikan dan Pelatihan",
            fields={
                "dasar": blocks_from_markup(
                    "Surat permohonan izin Saudara tentang mengikuti pelatihan keamanan informasi."
                ),
                "kepada": ["prakompertama"],
                "untuk": blocks_from_markup(
                    "Mengikuti pelatihan keamanan informasi yang diselenggarakan Badan Siber "
                    "dan Sandi Negara di Jakarta selama 5 (lima) hari kerja."
                ),
            },
        ),
        "surat_panggilan": Sample(
            konseptor="prakommuda",
            signer=KOMINFO,
            hal="Panggilan Klarifikasi Ketidakhadiran",
            body=(
                "Dengan ini diminta kehadiran Saudara pada:\n\n"
                "Demikian untuk dilaksanakan dan menjadi perhatian."
            ),
            fields={
                "hari_tanggal": next_week.isoformat(),
                "waktu": "09.00 WIB",
                "tempat_acara": "Ruang Kepala Dinas Kominfotik",
                "menghadap_kepada": "Sekretaris Dinas Komunikasi, Informatika dan Statistik",
                "keperluan": "dimintai keterangan sehubungan dengan ketidakhadiran",
            },
            tujuan=[{"jabatan": "Pranata Komputer Ahli Pertama"}],
        ),
        "surat_pernyataan_melaksanakan_tugas": Sample(
            konseptor="sekdiskominfo",
            signer=KOMINFO,
            hal="Pernyataan Melaksanakan Tugas",
            body=(
                "Yang bertanda tangan di bawah ini menyatakan dengan sesungguhnya bahwa:\n\n"
                "terhitung mulai tanggal 2 Januari 2026 telah nyata melaksanakan tugas "
                "sebagai Pranata Komputer Ahli Pertama pada Dinas Komunikasi, Informatika "
                "dan Statistik Provinsi Lampung.\n\n"
                "Demikian surat pernyataan ini dibuat untuk dipergunakan sebagaimana mestinya."
            ),
            fields={"pegawai": ["prakompertama"]},
        ),
        "daftar_hadir": Sample(
            konseptor="prakommuda",
            signer=KOMINFO,
            hal="Daftar Hadir Rapat Koordinasi Tata Naskah Dinas Elektronik",
            body="Daftar hadir peserta kegiatan berikut:",
            fields={
                "acara": "Rapat Koordinasi Tata Naskah Dinas Elektronik",
                "hari_tanggal": today.isoformat(),
                "waktu": "09.00 WIB s.d. selesai",
                "tempat_acara": "Ruang Rapat Utama Dinas Kominfotik",
                "peserta": [
                    "Rudi Hermawan, S.Kom.; Kepala Bidang Aplikasi Informatika",
                    "Dewi Permatasari, S.T.; Pranata Komputer Ahli Muda",
                    "Eko Prasetyo, S.Pd.; Dinas Pendidikan dan Kebudayaan",
                ],
                "baris_tambahan": "5",
            },
        ),
        "piagam": Sample(
            konseptor="prakommuda",
            signer=KOMINFO,
            hal="Piagam Penghargaan Pengelola Laman Terbaik",
            body=(
                "atas dedikasi dan prestasinya sebagai **Pengelola Laman Perangkat Daerah "
                "Terbaik** Tahun 2026 di lingkungan Pemerintah Provinsi Lampung."
            ),
            fields={
                "penerima": "Dewi Permatasari, S.T.",
                "keterangan_penerima": "Dinas Pendidikan dan Kebudayaan Provinsi Lampung",
            },
        ),
        "sertifikat": Sample(
            konseptor="prakommuda",
            signer=KOMINFO,
            hal="Sertifikat Pelatihan Tanda Tangan Elektronik",
            body=(
                "telah mengikuti **Pelatihan Penggunaan Tanda Tangan Elektronik** yang "
                "diselenggarakan oleh Dinas Komunikasi, Informatika dan Statistik Provinsi "
                "Lampung pada tanggal 10 s.d. 12 November 2026."
            ),
            fields={"penerima": "Eko Prasetyo, S.Pd."},
        ),
        "peraturan_gubernur": Sample(
            konseptor="analishukum",
            signer=GUB,
            hal="Pedoman Penggunaan Tanda Tangan Elektronik",
            body=(
                "## BAB I\n\n## KETENTUAN UMUM\n\n## Pasal 1\n\n"
                "Dalam Peraturan Gubernur ini yang dimaksud dengan:\n\n"
                "1. Daerah adalah Provinsi Lampung.\n"
                "2. Tanda Tangan Elektronik adalah tanda tangan yang terdiri atas informasi "
                "elektronik yang dilekatkan pada naskah dinas elektronik.\n\n"
                "## BAB II\n\n## PENGGUNAAN\n\n## Pasal 2\n\n"
                "Setiap naskah dinas elektronik ditandatangani dengan Tanda Tangan Elektronik "
                "yang diterbitkan oleh Balai Sertifikasi Elektronik.\n\n"
                "## BAB III\n\n## KETENTUAN PENUTUP\n\n## Pasal 3\n\n"
                "Peraturan Gubernur ini mulai berlaku pada tanggal diundangkan. Agar setiap "
                "orang mengetahuinya, memerintahkan pengundangan Peraturan Gubernur ini dengan "
                "penempatannya dalam Berita Daerah Provinsi Lampung."
            ),
            fields={
                "tentang": "Pedoman Penggunaan Tanda Tangan Elektronik",
                "menimbang": blocks_from_markup(
                    "a. bahwa untuk efisiensi penyelenggaraan pemerintahan perlu pedoman "
                    "penggunaan tanda tangan elektronik;\n"
                    "b. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, "
                    "perlu menetapkan Peraturan Gubernur."
                ),
                "mengingat": blocks_from_markup(
                    "1. Undang-Undang Nomor 11 Tahun 2008 tentang Informasi dan Transaksi "
                    "Elektronik;\n"
                    "2. Peraturan Pemerintah Nomor 71 Tahun 2019 tentang Penyelenggaraan Sistem "
                    "dan Transaksi Elektronik."
                ),
                "pengundang_nama": "Budi Hartono Wibisono",
                "berita_daerah_nomor": "15",
            },
        ),
        "nota_kesepahaman": Sample(
            konseptor="prakommuda",
            signer=KOMINFO,
            hal="Kerja Sama Pengembangan Sumber Daya Manusia Bidang Teknologi Informasi",
            body=(
                "## Pasal 1\n\n## MAKSUD DAN TUJUAN\n\n"
                "Nota Kesepahaman ini dimaksudkan sebagai landasan kerja sama PARA PIHAK dalam "
                "pengembangan sumber daya manusia bidang teknologi informasi.\n\n"
                "## Pasal 2\n\n## JANGKA WAKTU\n\n"
                "Nota Kesepahaman ini berlaku selama 2 (dua) tahun sejak ditandatangani."
            ),
            fields={
                "tentang": "Pengembangan Sumber Daya Manusia Bidang Teknologi Informasi",
                "pihak_kedua_instansi": "Universitas Lampung",
                "pihak_kedua_nama": "Prof. Dr. Siti Rahmawati, M.Sc.",
                "pihak_kedua_jabatan": "Rektor Universitas Lampung",
                "nomor_pihak_kedua": "1234/UN26/HK/2026",
                "saksi": [
                    "Dr. Hendra Gunawan, M.Si.; Sekretaris Dinas Kominfotik",
                    "Dr. Agus Salim, M.Kom.; Dekan Fakultas Ilmu Komputer",
                ],
            },
        ),
        "sppd": Sample(
            konseptor="prakommuda",
            signer=KOMINFO,
            hal="Perjalanan Dinas Bimbingan Teknis Sertifikat Elektronik",
            body="Perjalanan dinas dalam rangka bimbingan teknis sertifikat elektronik.",
            fields={
                "pegawai": ["prakompertama"],
                "tingkat_biaya": "C",
                "maksud": "Mengikuti bimbingan teknis sertifikat elektronik",
                "angkutan": "Pesawat udara",
                "tempat_tujuan": "Jakarta",
                "lama": "3 (tiga) hari",
                "tanggal_berangkat": next_week.isoformat(),
                "tanggal_kembali": (next_week + dt.timedelta(days=2)).isoformat(),
                "pengikut": ["Rudi Hermawan; 12 Mei 1985; Kepala Bidang Aplikasi Informatika"],
                "anggaran_instansi": "Dinas Komunikasi, Informatika dan Statistik",
                "anggaran_akun": "5.1.02.04.01.0001",
            },
        ),
        "perjanjian_kerja_sama": Sample(
            konseptor="prakommuda",
            signer=KOMINFO,
            hal="Perjanjian Kerja Sama Pemanfaatan Pusat Data",
            body=(
                "## Pasal 1\n\n## RUANG LINGKUP\n\n"
                "PIHAK KESATU menyediakan ruang pada pusat data untuk sistem informasi PIHAK "
                "KEDUA.\n\n"
                "## Pasal 2\n\n## HAK DAN KEWAJIBAN\n\n"
                "PIHAK KEDUA menjaga keamanan sistem informasi yang ditempatkan."
            ),
            fields={
                "tentang": "Pemanfaatan Pusat Data Pemerintah Provinsi Lampung",
                "pihak_kesatu_instansi": "Dinas Komunikasi, Informatika dan Statistik",
                "pihak_kedua_instansi": "Dinas Pendidikan dan Kebudayaan",
                "pihak_kedua_nama": "Dr. Irwan Saputra, M.Pd.",
                "pihak_kedua_jabatan": DISDIK,
                "pihak_kedua_nip": "197203031998031004",
            },
        ),
    }
