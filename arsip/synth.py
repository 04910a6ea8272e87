"""Synthetic archive records for load tests (`arsip_synth`, `bench_search`).

The vocabulary is built, not listed: some 400 real administrative roots go through
Indonesian morphology (meN-, di-, peN-...-an, per-...-an, ke-...-an, ber-, ter-, -kan,
-i, -an) with the nasal assimilation rules, giving several thousand distinct word forms.
Function words lead the ranking; word frequencies follow a Zipf law (p ∝ 1/rank^s), so
there are very common words, a long middle and many rare ones, as in real letters.
Everything is seeded: the same seed gives the same vocabulary and ranks, which
`bench_search` uses to pick terms of known frequency.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass

FUNCTION_WORDS = [
    "dan",
    "yang",
    "di",
    "dengan",
    "untuk",
    "dalam",
    "pada",
    "ini",
    "dari",
    "ke",
    "kepada",
    "tersebut",
    "atas",
    "bahwa",
    "sebagai",
    "oleh",
    "agar",
    "serta",
    "atau",
    "telah",
    "akan",
    "dapat",
    "tentang",
    "terhadap",
    "sesuai",
    "guna",
    "maka",
    "bagi",
    "tahun",
    "nomor",
    "hal",
    "tanggal",
    "bapak",
    "ibu",
    "saudara",
    "perlu",
    "segera",
]

ROOTS = [
    "atur",
    "angkat",
    "perintah",
    "surat",
    "tulis",
    "kirim",
    "terima",
    "baca",
    "tanda",
    "tangan",
    "laksana",
    "rencana",
    "susun",
    "anggar",
    "bayar",
    "biaya",
    "dana",
    "uang",
    "pajak",
    "retribusi",
    "aset",
    "barang",
    "beli",
    "sewa",
    "pinjam",
    "ganti",
    "rugi",
    "rapat",
    "undang",
    "hadir",
    "acara",
    "kegiatan",
    "program",
    "proyek",
    "kerja",
    "tugas",
    "jabat",
    "pangkat",
    "gaji",
    "cuti",
    "pensiun",
    "mutasi",
    "promosi",
    "latih",
    "didik",
    "ajar",
    "sekolah",
    "guru",
    "murid",
    "siswa",
    "kuliah",
    "beasiswa",
    "kesehatan",
    "sakit",
    "obat",
    "rawat",
    "periksa",
    "gizi",
    "stunting",
    "imunisasi",
    "vaksin",
    "rumah",
    "jalan",
    "jembatan",
    "bangun",
    "pelihara",
    "rawat",
    "perbaiki",
    "air",
    "listrik",
    "jaringan",
    "internet",
    "aplikasi",
    "data",
    "informasi",
    "statistik",
    "sandi",
    "aman",
    "kunci",
    "server",
    "pusat",
    "daerah",
    "desa",
    "kota",
    "kabupaten",
    "provinsi",
    "wilayah",
    "batas",
    "tanah",
    "lahan",
    "hutan",
    "tani",
    "ternak",
    "ikan",
    "laut",
    "pantai",
    "pelabuhan",
    "angkut",
    "kendara",
    "parkir",
    "lalu",
    "lintas",
    "usaha",
    "dagang",
    "pasar",
    "harga",
    "stok",
    "pangan",
    "beras",
    "gula",
    "minyak",
    "pupuk",
    "bibit",
    "panen",
    "banjir",
    "bencana",
    "gempa",
    "api",
    "kebakaran",
    "tanggap",
    "darurat",
    "bantu",
    "sosial",
    "miskin",
    "lansia",
    "anak",
    "perempuan",
    "pemuda",
    "olahraga",
    "budaya",
    "seni",
    "wisata",
    "promosi",
    "iklan",
    "media",
    "berita",
    "siar",
    "humas",
    "hukum",
    "adil",
    "sidang",
    "perkara",
    "gugat",
    "putus",
    "damai",
    "izin",
    "lisensi",
    "sertifikat",
    "verifikasi",
    "validasi",
    "audit",
    "periksa",
    "awas",
    "kontrol",
    "evaluasi",
    "nilai",
    "ukur",
    "capai",
    "target",
    "indikator",
    "kinerja",
    "lapor",
    "laporan",
    "catat",
    "arsip",
    "berkas",
    "simpan",
    "musnah",
    "pindah",
    "serah",
    "dokumen",
    "naskah",
    "salin",
    "cetak",
    "pindai",
    "unggah",
    "unduh",
    "kelola",
    "tata",
    "usaha",
    "pimpin",
    "pegawai",
    "staf",
    "tim",
    "kelompok",
    "rombong",
    "koordinasi",
    "kerjasama",
    "mitra",
    "kontrak",
    "lelang",
    "tender",
    "sedia",
    "jasa",
    "konsultan",
    "awas",
    "pengawas",
    "inspeksi",
    "temu",
    "rekomendasi",
    "saran",
    "usul",
    "tolak",
    "setuju",
    "sahkan",
    "tetap",
    "ubah",
    "cabut",
    "tunda",
    "batal",
    "panggil",
    "jemput",
    "antar",
    "kunjung",
    "tinjau",
    "survei",
    "teliti",
    "kaji",
    "analisis",
    "uji",
    "coba",
    "riset",
    "inovasi",
    "digital",
    "elektronik",
    "sistem",
    "layan",
    "publik",
    "masyarakat",
    "warga",
    "penduduk",
    "nikah",
    "lahir",
    "mati",
    "pindah",
    "datang",
    "kependudukan",
    "identitas",
    "kartu",
    "paspor",
    "visa",
    "perjalanan",
    "dinas",
    "luar",
    "negeri",
    "tamu",
    "protokol",
    "upacara",
    "peringatan",
    "hari",
    "besar",
    "nasional",
    "agama",
    "ibadah",
    "masjid",
    "gereja",
    "pura",
    "vihara",
    "zakat",
    "infak",
    "sedekah",
    "wakaf",
    "haji",
    "umrah",
    "koperasi",
    "mikro",
    "kecil",
    "menengah",
    "industri",
    "pabrik",
    "produksi",
    "ekspor",
    "impor",
    "investasi",
    "modal",
    "saham",
    "bank",
    "kredit",
    "bunga",
    "tabung",
    "asuransi",
    "jaminan",
    "klaim",
    "sengketa",
    "konflik",
    "demo",
    "unjuk",
    "rasa",
    "keamanan",
    "ketertiban",
    "polisi",
    "satpol",
    "razia",
    "sita",
    "segel",
    "tutup",
    "buka",
    "resmi",
    "selenggara",
    "pilih",
    "pemilu",
    "suara",
    "calon",
    "partai",
    "politik",
    "bangsa",
    "negara",
    "pancasila",
    "konstitusi",
    "regulasi",
    "kebijakan",
    "strategi",
    "visi",
    "misi",
    "tujuan",
    "sasaran",
    "arah",
    "prioritas",
    "fokus",
    "isu",
    "masalah",
    "solusi",
    "hambat",
    "dukung",
    "dorong",
    "tingkat",
    "kembang",
    "tumbuh",
    "turun",
    "naik",
    "tambah",
    "kurang",
    "hemat",
    "efisien",
    "efektif",
    "cepat",
    "lambat",
    "tepat",
    "waktu",
    "jadwal",
    "agenda",
    "notula",
    "risalah",
    "hasil",
    "kesimpulan",
    "keputusan",
    "instruksi",
    "edaran",
    "pengumuman",
    "pemberitahuan",
    "permohonan",
    "balas",
    "jawab",
    "tanya",
    "klarifikasi",
    "konfirmasi",
    "sosialisasi",
    "edukasi",
    "kampanye",
    "bimbing",
    "arah",
    "konsultasi",
    "fasilitas",
    "sarana",
    "prasarana",
    "gedung",
    "kantor",
    "ruang",
    "meja",
    "kursi",
    "komputer",
    "printer",
    "kertas",
    "tinta",
    "kendaraan",
    "mobil",
    "motor",
    "bahan",
    "bakar",
    "perjalanan",
    "akomodasi",
    "konsumsi",
    "honor",
    "lembur",
    "insentif",
    "tunjangan",
    "potong",
    "setor",
    "terima",
    "kas",
    "kuitansi",
    "faktur",
    "nota",
    "bukti",
    "dokumentasi",
    "foto",
    "video",
    "rekam",
    "siaran",
]

# (prefix, suffix) patterns; "N" marks the nasal prefixes meN-/peN-.
_PATTERNS = (
    ("", ""),
    ("meN", ""),
    ("meN", "kan"),
    ("meN", "i"),
    ("di", ""),
    ("di", "kan"),
    ("di", "i"),
    ("peN", "an"),
    ("per", "an"),
    ("ke", "an"),
    ("ber", ""),
    ("ter", ""),
    ("", "an"),
    ("peN", ""),
)


def _nasal(prefix: str, root: str) -> str:
    """meN-/peN- with assimilation: tulis → menulis, pakai → memakai, kirim → mengirim."""
    base = prefix[:2]
    first = root[0]
    if first in "aeiou":
        return base + "ng" + root
    if first == "k":
        return base + "ng" + root[1:]
    if first in "gh":
        return base + "ng" + root
    if first == "s":
        return base + "ny" + root[1:]
    if first in "pt":
        return base + ("m" if first == "p" else "n") + root[1:]
    if first in "bf":
        return base + "m" + root
    if first in "cdjz":
        return base + "n" + root
    return base + root


def derive(root: str, prefix: str, suffix: str) -> str:
    word = _nasal(prefix, root) if prefix.endswith("N") else prefix + root
    return word + suffix


def build_vocabulary(seed: int = 83) -> list[str]:
    """Function words first, then derived forms in a seeded random order (the rank)."""
    rng = random.Random(seed)
    roots = list(dict.fromkeys(ROOTS))
    forms: list[str] = []
    seen = set(FUNCTION_WORDS)
    for root in roots:
        patterns = rng.sample(_PATTERNS, k=rng.randint(5, 10))
        for prefix, suffix in [("", ""), *patterns]:
            word = derive(root, prefix, suffix)
            if word not in seen:
                seen.add(word)
                forms.append(word)
    rng.shuffle(forms)
    return list(FUNCTION_WORDS) + forms


@dataclass
class Zipf:
    words: list[str]
    exponent: float = 1.05

    def __post_init__(self):
        weights = [1.0 / (rank**self.exponent) for rank in range(1, len(self.words) + 1)]
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def probability(self, rank: int) -> float:
        """Probability of the word at 0-based rank for one drawn token."""
        return (1.0 / ((rank + 1) ** self.exponent)) / self.total

    def sample(self, rng: random.Random, k: int) -> list[str]:
        cum, total, words = self.cumulative, self.total, self.words
        return [words[bisect.bisect_left(cum, rng.random() * total)] for _ in range(k)]


SUBJECT_HEADS = (
    "Undangan Rapat",
    "Permohonan",
    "Laporan",
    "Pemberitahuan",
    "Penyampaian",
    "Usulan",
    "Surat Tugas",
    "Nota Dinas",
    "Tindak Lanjut",
    "Pengajuan",
    "Konfirmasi",
    "Edaran",
)
JENIS_KODE = ("SD", "ND", "UND", "ST", "SE", "KEP", "LAP", "PENG")
EXTERNAL = (
    "Kementerian Dalam Negeri",
    "Arsip Nasional Republik Indonesia",
    "Badan Pusat Statistik",
    "Pemerintah Kota Bandar Lampung",
    "Pemerintah Kabupaten Lampung Selatan",
    "Kementerian Keuangan",
    "BSSN",
    "Universitas Lampung",
    "PT Bank Lampung",
    "DPRD Provinsi Lampung",
)


class Generator:
    def __init__(self, seed: int = 83):
        self.rng = random.Random(seed)
        self.vocabulary = build_vocabulary(seed)
        self.zipf = Zipf(self.vocabulary)

    def subject(self) -> str:
        words = self.zipf.sample(self.rng, self.rng.randint(3, 6))
        return f"{self.rng.choice(SUBJECT_HEADS)} {' '.join(words).capitalize()}"

    def body(self) -> str:
        sentences = []
        for _ in range(self.rng.randint(3, 6)):
            words = self.zipf.sample(self.rng, self.rng.randint(8, 16))
            sentences.append(" ".join(words).capitalize() + ".")
        return " ".join(sentences)

    def attachment(self) -> str:
        if self.rng.random() > 0.15:
            return ""
        return " ".join(self.zipf.sample(self.rng, self.rng.randint(20, 40)))
