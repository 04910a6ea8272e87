"""One realistic sample letter per registered type, drafted in the demo organisation
(`manage.py seed_demo`). Used by `manage.py render_samples` and the tests. Samples are
checked by the same `draft_check` as real drafts and rendered from unsaved revisions, so
nothing is written to the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.clock import office_today
from core.errors import ApplicationError
from core.models import Jabatan, Pegawai
from naskah.markup import blocks_from_markup
from naskah.models import JenisNaskah, NaskahRevisi
from naskah.preview import unsaved_revision
from naskah.selectors.drafting import draft_check

KOMINFO = "Kepala Dinas Komunikasi, Informatika dan Statistik"
DISDIK = "Kepala Dinas Pendidikan dan Kebudayaan"
GUB = "Gubernur Lampung"
SEKDA = "Sekretaris Daerah Provinsi Lampung"
KABID_APTIKA = "Kepala Bidang Aplikasi Informatika"
KABID_SANDI = "Kepala Bidang Persandian dan Statistik"

PENUTUP = "Demikian disampaikan, atas perhatian dan kerja samanya diucapkan terima kasih."


@dataclass
class Sample:
    konseptor: str
    signer: str
    hal: str
    body: str = ""
    mandat: str = ""
    fields: dict = field(default_factory=dict)
    tujuan: list = field(default_factory=list)
    tembusan: list = field(default_factory=list)
    urgensi: str = "biasa"


def _long_laporan() -> str:
    parts = [
        "## A. Pendahuluan",
        "Laporan ini menyajikan hasil pelaksanaan **Tata Naskah Dinas Elektronik** di lingkungan "
        "Dinas Komunikasi, Informatika dan Statistik selama triwulan keempat, meliputi "
        "penyusunan konsep, paraf, penandatanganan elektronik, dan pengarsipan naskah dinas.",
        "## B. Pelaksanaan Kegiatan",
    ]
    for i in range(1, 13):
        parts.append(
            f"{i}. Kegiatan ke-{i}: pendampingan perangkat daerah dalam penggunaan aplikasi, "
            "termasuk pelatihan konseptor, verifikasi format naskah, dan pemantauan kendala "
            "jaringan di unit kerja. Hasilnya dicatat dalam berita acara dan ditindaklanjuti "
            "oleh tim teknis sesuai dengan tingkat urgensinya."
        )
    parts.append("## C. Rekapitulasi Naskah per Bulan")
    rows = ["| No. | Bulan | Naskah Masuk | Naskah Keluar | Disposisi |"]
    for i in range(1, 41):
        rows.append(f"| {i} | Minggu ke-{i} | {100 + i * 3} | {80 + i * 2} | {60 + i} |")
    parts.append("\n".join(rows))
    parts.append("## D. Kendala dan Tindak Lanjut")
    for letter in "abcdefgh":
        parts.append(
            f"{letter}. _Kendala {letter}_: sebagian pengguna belum memiliki sertifikat "
            "elektronik aktif sehingga penandatanganan tertunda; ditindaklanjuti dengan "
            "koordinasi bersama Balai Sertifikasi Elektronik."
        )
    parts.append("## E. Penutup")
    parts.append(
        "Demikian laporan ini disampaikan sebagai bahan evaluasi dan perencanaan kegiatan "
        "tahun berikutnya."
    )
    return "\n\n".join(parts)


def samples() -> dict[str, Sample]:
    from naskah.samples.newtypes import new_type_samples

    today = office_today()
    next_monday = today + dt.timedelta(days=7 - today.weekday())
    return {
        **new_type_samples(today),
        "surat_dinas": Sample(
            konseptor="kabagtu",
            signer=SEKDA,
            mandat="an",
            hal="Percepatan Penerapan Tanda Tangan Elektronik",
            body=(
                "Dalam rangka percepatan penerapan Sistem Pemerintahan Berbasis Elektronik, "
                "bersama ini diminta kepada Saudara untuk:\n\n"
                "1. mendata pejabat yang belum memiliki sertifikat elektronik;\n"
                "2. mengusulkan penerbitan sertifikat elektronik kepada Dinas Komunikasi, "
                "Informatika dan Statistik paling lambat **30 hari** sejak surat ini diterima.\n\n"
                + PENUTUP
            ),
            tujuan=[{"nama": "Bupati/Wali Kota se-Provinsi Lampung"}],
            tembusan=[{"jabatan": GUB, "keterangan": "sebagai laporan"}],
        ),
        "surat_undangan": Sample(
            konseptor="prakommuda",
            signer=KOMINFO,
            hal="Undangan Rapat Koordinasi Tata Naskah Dinas Elektronik",
            body=(
                "Dengan hormat, kami mengundang Saudara untuk menghadiri rapat koordinasi "
                "yang akan dilaksanakan pada:\n\n"
                "Mengingat pentingnya acara tersebut, dimohon hadir _tepat waktu_.\n\n" + PENUTUP
            ),
            fields={
                "hari_tanggal": next_monday.isoformat(),
                "waktu": "09.00 WIB s.d. selesai",
                "tempat_acara": "Ruang Rapat Utama Dinas Kominfotik",
                "acara": "Rapat Koordinasi Tata Naskah Dinas Elektronik",
            },
            tujuan=[{"jabatan": DISDIK}, {"jabatan": SEKDA}],
            tembusan=[{"jabatan": GUB, "keterangan": "sebagai laporan"}],
        ),
        "nota_dinas": Sample(
            konseptor="prakommuda",
            signer=KABID_APTIKA,
            hal="Laporan Kemajuan Pengembangan Aplikasi",
            body=(
                "Bersama ini kami laporkan kemajuan pengembangan aplikasi sebagai berikut:\n\n"
                "1. modul konsep dan revisi naskah telah selesai diuji;\n"
                "2. modul penomoran dalam tahap uji coba.\n\n"
                "Demikian disampaikan, mohon arahan lebih lanjut."
            ),
            tujuan=[{"jabatan": KOMINFO}],
            tembusan=[{"jabatan": "Sekretaris Dinas Komunikasi, Informatika dan Statistik"}],
        ),
        "memo": Sample(
            konseptor="sekdiskominfo",
            signer=KOMINFO,
            hal="Penyiapan Bahan Rapat Pimpinan",
            body="Mohon disiapkan bahan paparan capaian SPBE untuk rapat pimpinan hari Jumat.",
            tujuan=[{"jabatan": KABID_APTIKA}],
        ),
        "surat_edaran": Sample(
            konseptor="kabagtu",
            signer=SEKDA,
            hal="Penggunaan Naskah Dinas Elektronik",
            body=(
                "Sehubungan dengan penerapan Tata Naskah Dinas Elektronik, dengan ini "
                "diberitahukan hal-hal sebagai berikut:\n\n"
                "a. seluruh naskah dinas dibuat melalui aplikasi;\n"
                "b. naskah ditandatangani secara elektronik.\n\n"
                "Demikian untuk dilaksanakan."
            ),
            fields={"tentang": "Penggunaan Naskah Dinas Elektronik"},
            tujuan=[{"nama": "Kepala Perangkat Daerah di Lingkungan Pemerintah Provinsi Lampung"}],
        ),
        "instruksi": Sample(
            konseptor="analishukum",
            signer=GUB,
            hal="Percepatan Transformasi Digital",
            body=(
                "Dalam rangka percepatan transformasi digital pemerintahan, dengan ini "
                "menginstruksikan:"
            ),
            fields={
                "tentang": "Percepatan Transformasi Digital Pemerintahan",
                "kepada": [
                    "Sekretaris Daerah Provinsi Lampung",
                    "Kepala Perangkat Daerah di Lingkungan Pemerintah Provinsi Lampung",
                ],
                "diktum": [
                    blocks_from_markup("Menggunakan aplikasi naskah dinas elektronik."),
                    blocks_from_markup(
                        "Melaporkan pelaksanaan Instruksi ini kepada Gubernur setiap triwulan."
                    ),
                    blocks_from_markup("Instruksi ini mulai berlaku pada tanggal dikeluarkan."),
                ],
            },
        ),
        "surat_perintah": Sample(
            konseptor="prakommuda",
            signer=KOMINFO,
            hal="Perintah Pengamanan Pusat Data",
            fields={
                "dasar": blocks_from_markup(
                    "1. Peraturan Gubernur Lampung Nomor 22 Tahun 2023;\n"
                    "2. Rencana kerja Dinas Kominfotik Tahun 2026."
                ),
                "kepada": ["kabidaptika", "prakompertama"],
                "untuk": blocks_from_markup(
                    "1. melaksanakan pengamanan pusat data selama masa pemeliharaan;\n"
                    "2. melaporkan hasilnya kepada Kepala Dinas."
                ),
            },
            tembusan=[{"jabatan": SEKDA}],
        ),
        "surat_tugas": Sample(
            konseptor="prakommuda",
            signer=KOMINFO,
            hal="Tugas Pendampingan Aplikasi di Kabupaten",
            fields={
                "dasar": blocks_from_markup(
                    "Surat Bupati Lampung Selatan tentang permohonan pendampingan aplikasi."
                ),
                "kepada": ["prakommuda"],
                "untuk": blocks_from_markup(
                    "Melaksanakan pendampingan penerapan aplikasi naskah dinas elektronik di "
                    "Kabupaten Lampung Selatan selama 3 (tiga) hari."
                ),
            },
        ),
        "keputusan_gubernur": Sample(
            konseptor="analishukum",
            signer=GUB,
            hal="Pembentukan Tim Transformasi Digital",
            fields={
                "tentang": "Pembentukan Tim Transformasi Digital Pemerintah Provinsi Lampung",
                "menimbang": blocks_from_markup(
                    "a. bahwa untuk mempercepat transformasi digital perlu dibentuk tim;\n"
                    "b. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, "
                    "perlu menetapkan Keputusan Gubernur."
                ),
                "mengingat": blocks_from_markup(
                    "1. Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah;\n"
                    "2. Peraturan Presiden Nomor 95 Tahun 2018 tentang Sistem Pemerintahan "
                    "Berbasis Elektronik."
                ),
                "diktum": [
                    blocks_from_markup("Membentuk Tim Transformasi Digital."),
                    blocks_from_markup("Tim bertugas menyusun peta rencana transformasi digital."),
                    blocks_from_markup("Keputusan ini mulai berlaku pada tanggal ditetapkan."),
                ],
            },
            tembusan=[{"nama": "Menteri Dalam Negeri di Jakarta"}],
        ),
        "keputusan_kepala_pd": Sample(
            konseptor="sekdiskominfo",
            signer=KOMINFO,
            hal="Penetapan Tim Pengelola Laman",
            fields={
                "tentang": "Tim Pengelola Laman Dinas Komunikasi, Informatika dan Statistik",
                "menimbang": blocks_from_markup(
                    "bahwa untuk pengelolaan laman perlu ditetapkan tim pengelola."
                ),
                "mengingat": blocks_from_markup(
                    "Peraturan Gubernur Lampung tentang Kedudukan, Susunan Organisasi, Tugas "
                    "dan Fungsi serta Tata Kerja Perangkat Daerah."
                ),
                "diktum": [
                    blocks_from_markup("Menetapkan Tim Pengelola Laman."),
                    blocks_from_markup("Keputusan ini mulai berlaku pada tanggal ditetapkan."),
                ],
            },
        ),
        "surat_keterangan": Sample(
            konseptor="stafsma",
            signer=DISDIK,
            hal="Keterangan Aktif Bekerja",
            body=(
                "Yang bertanda tangan di bawah ini, Kepala Dinas Pendidikan dan Kebudayaan "
                "Provinsi Lampung, menerangkan bahwa:\n\n"
                "Nama :: Eko Prasetyo, S.Pd.\n"
                "NIP :: 199009092015031002\n"
                "Jabatan :: Analis Kurikulum dan Pembelajaran\n"
                "Unit kerja :: Bidang Pembinaan SMA\n\n"
                "adalah pegawai Dinas Pendidikan dan Kebudayaan Provinsi Lampung dan masih "
                "aktif bekerja.\n\n"
                "Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya."
            ),
        ),
        "surat_pengantar": Sample(
            konseptor="kabagtu",
            signer="Asisten Administrasi Umum",
            mandat="ub",
            hal="Pengiriman Dokumen Evaluasi SPBE",
            body=(
                "| No. | Naskah/Barang yang Dikirim | Banyaknya | Keterangan |\n"
                "| 1 | Dokumen evaluasi SPBE | 1 (satu) berkas | Disampaikan dengan hormat |"
            ),
            tujuan=[
                {"nama": "Kepala Biro Organisasi Kementerian Dalam Negeri", "alamat": "Jakarta"}
            ],
        ),
        "surat_kuasa": Sample(
            konseptor="prakommuda",
            signer=KOMINFO,
            hal="Kuasa Pengambilan Sertifikat Elektronik",
            body=(
                "Untuk mengambil sertifikat elektronik atas nama pejabat Dinas Komunikasi, "
                "Informatika dan Statistik pada Balai Besar Sertifikasi Elektronik.\n\n"
                "Demikian surat kuasa ini dibuat untuk dipergunakan sebagaimana mestinya."
            ),
            fields={"penerima_kuasa": ["stafaptika"]},
        ),
        "surat_pernyataan": Sample(
            konseptor="prakompertama",
            signer=KABID_APTIKA,
            hal="Pernyataan Menjaga Kerahasiaan Data",
            body=(
                "Yang bertanda tangan di bawah ini:\n\n"
                "Nama :: Rudi Hermawan, S.Kom., M.Cs.\n"
                "NIP :: 198001252006041007\n"
                "Pangkat/Gol. :: Penata Tingkat I (III/d)\n"
                "Jabatan :: Kepala Bidang Aplikasi Informatika\n\n"
                "menyatakan akan menjaga kerahasiaan data dan informasi yang dikelola dalam "
                "aplikasi naskah dinas elektronik.\n\n"
                "Demikian pernyataan ini dibuat dengan sebenarnya."
            ),
        ),
        "berita_acara": Sample(
            konseptor="prakommuda",
            signer=KOMINFO,
            hal="Serah Terima Perangkat Server",
            body=(
                "Pada hari ini PIHAK KESATU menyerahkan kepada PIHAK KEDUA perangkat server "
                "aplikasi naskah dinas elektronik dengan rincian:\n\n"
                "| No. | Barang | Jumlah |\n| 1 | Server rak 2U | 2 unit |\n"
                "| 2 | Perangkat jaringan | 1 set |\n\n"
                "Demikian berita acara ini dibuat untuk dipergunakan sebagaimana mestinya."
            ),
            fields={
                "judul_acara": "Serah Terima Perangkat Server",
                "peran_penandatangan": "Pihak Kesatu",
                "penandatangan_lain": [{"jabatan": DISDIK, "peran": "Pihak Kedua"}],
                "mengetahui": [{"jabatan": SEKDA}],
            },
        ),
        "pengumuman": Sample(
            konseptor="prakommuda",
            signer=KOMINFO,
            hal="Pemeliharaan Layanan Aplikasi",
            body=(
                "Diberitahukan bahwa layanan aplikasi naskah dinas elektronik akan "
                "dihentikan sementara untuk pemeliharaan pada hari Sabtu pukul 22.00 s.d. "
                "24.00 WIB.\n\nDemikian untuk menjadi perhatian."
            ),
            fields={"tentang": "Pemeliharaan Layanan Aplikasi Naskah Dinas Elektronik"},
        ),
        "laporan": Sample(
            konseptor="prakommuda",
            signer=KOMINFO,
            hal="Laporan Pelaksanaan Tata Naskah Dinas Elektronik Triwulan IV",
            body=_long_laporan(),
            fields={"tentang": "Pelaksanaan Tata Naskah Dinas Elektronik Triwulan IV"},
        ),
        "telaahan_staf": Sample(
            konseptor="prakommuda",
            signer=KABID_APTIKA,
            hal="Telaahan Pengadaan Sertifikat Elektronik",
            tujuan=[{"jabatan": KOMINFO}],
            fields={
                "tentang": "Pengadaan Sertifikat Elektronik bagi Pejabat",
                "persoalan": blocks_from_markup(
                    "Sebagian pejabat belum memiliki sertifikat elektronik."
                ),
                "praanggapan": blocks_from_markup(
                    "Anggaran penerbitan sertifikat tersedia pada tahun berjalan."
                ),
                "fakta": blocks_from_markup("Baru 60% pejabat memiliki sertifikat elektronik."),
                "analisis": blocks_from_markup(
                    "Penandatanganan elektronik tertunda bila sertifikat belum terbit."
                ),
                "simpulan": blocks_from_markup("Perlu percepatan penerbitan sertifikat."),
                "saran": blocks_from_markup("Mengusulkan penerbitan sertifikat secara kolektif."),
            },
        ),
        "notula": Sample(
            konseptor="statistisi",
            signer=KABID_SANDI,
            hal="Notula Rapat Persandian",
            body=(
                "Rapat dibuka oleh pimpinan rapat dengan agenda sebagai berikut:\n\n"
                "## Hasil Rapat\n\n"
                "1. Seluruh bidang menggunakan surel dinas;\n"
                "2. Kata sandi aplikasi diganti setiap 90 hari."
            ),
            fields={
                "hari_tanggal": today.isoformat(),
                "waktu_panggilan": "12.30 WIB",
                "waktu": "13.00 WIB s.d. 15.00 WIB",
                "pencatat": ["statistisi"],
                "dibuka": "pukul 13.05 WIB",
                "ditutup": "pukul 15.00 WIB",
                "tempat_acara": "Ruang Rapat Bidang Persandian",
                "acara": "Evaluasi Keamanan Informasi",
                "pimpinan_rapat": "Kepala Bidang Persandian dan Statistik",
                "peserta": blocks_from_markup("- Pranata Komputer\n- Statistisi\n- Staf"),
            },
        ),
        "rekomendasi": Sample(
            konseptor="prakommuda",
            signer=KOMINFO,
            hal="Rekomendasi Penggunaan Nama Domain",
            body=(
                "Berdasarkan hasil verifikasi, Kepala Dinas Komunikasi, Informatika dan "
                "Statistik Provinsi Lampung memberikan rekomendasi kepada:\n\n"
                "Instansi :: Dinas Pendidikan dan Kebudayaan Provinsi Lampung\n"
                "Alamat :: Jalan Drs. Warsito Nomor 72, Teluk Betung, Bandar Lampung\n"
                "Subdomain :: sma.lampungprov.go.id\n\n"
                "untuk menggunakan subdomain tersebut bagi layanan informasi sekolah menengah "
                "atas. Demikian rekomendasi ini diberikan untuk dipergunakan sebagaimana "
                "mestinya."
            ),
            fields={"tentang": "Penggunaan Subdomain"},
        ),
        "lembar_disposisi": Sample(
            konseptor="agendakominfo",
            signer=KOMINFO,
            hal="Permohonan Narasumber Literasi Digital",
            urgensi="segera",
            fields={
                "surat_dari": "Universitas Lampung",
                "nomor_surat": "123/UN26/HM/2026",
                "tanggal_surat": (today - dt.timedelta(days=3)).isoformat(),
                "diterima_tanggal": (today - dt.timedelta(days=1)).isoformat(),
                "nomor_agenda": "0457",
                "diteruskan_kepada": [KABID_APTIKA, "Sekretaris Dinas"],
                "instruksi": ["Tindak lanjuti", "Siapkan narasumber"],
                "catatan": "Mohon dilaporkan paling lambat Jumat.",
            },
        ),
    }


def _jabatan(nama: str) -> Jabatan:
    found = Jabatan.objects.filter(nama=nama, aktif=True).first()
    if found is None:
        raise ApplicationError(f"Demo position {nama!r} not found: run `manage.py seed_demo`.")
    return found


def _pegawai(username: str) -> Pegawai:
    found = Pegawai.objects.filter(username=username).first()
    if found is None:
        raise ApplicationError(f"Demo user {username!r} not found: run `manage.py seed_demo`.")
    return found


def _recipients(rows: list[dict], jenis: str) -> list[dict]:
    out = []
    for row in rows:
        spec = {"jenis": jenis, "keterangan": row.get("keterangan", "")}
        if "jabatan" in row:
            spec["jabatan_id"] = _jabatan(row["jabatan"]).pk
        else:
            spec["nama"] = row["nama"]
            spec["alamat"] = row.get("alamat", "")
        out.append(spec)
    return out


def sample_revision(kode: str) -> NaskahRevisi:
    """An unsaved revision of the sample letter for a type code."""
    sample = samples()[kode]
    jenis = JenisNaskah.objects.get(kode=kode)
    values = dict(sample.fields)
    for spec in jenis.fields_schema:
        name = spec["name"]
        if name not in values:
            continue
        if spec["type"] == "people":
            values[name] = [_pegawai(u).pk for u in values[name]]
        elif spec["type"] == "signers":
            values[name] = [
                {"jabatan_id": _jabatan(r["jabatan"]).pk, "peran": r.get("peran", "")}
                for r in values[name]
            ]
    draft = draft_check(
        jenis=jenis,
        penandatangan=_jabatan(sample.signer),
        mandat=sample.mandat,
        hal=sample.hal,
        urgensi=sample.urgensi,
        klasifikasi_keamanan="biasa",
        kode_klasifikasi=jenis.kode_klasifikasi_default,
        tempat="",
        fields=values,
        body=blocks_from_markup(sample.body),
        penerima=_recipients(sample.tujuan, "tujuan") + _recipients(sample.tembusan, "tembusan"),
        lampiran=[],
    )
    return unsaved_revision(actor=_pegawai(sample.konseptor), jenis=jenis, draft=draft)
