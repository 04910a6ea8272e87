"""Demo organisation of the Provincial Government of Lampung (fictional people).

Used only by `manage.py seed_demo`. Everything is keyed by natural keys (unit code,
position name + unit, username) so running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from core.clock import office_today
from core.models import (
    AnggotaTimKerja,
    Jabatan,
    KodeKlasifikasi,
    Pegawai,
    Penugasan,
    TimKerja,
    UnitKerja,
)
from core.services.audit import audit_record
from core.services.organisasi import add_months

ALAMAT_SETDA = "Jalan Wolter Monginsidi Nomor 69, Teluk Betung"
KOTA = "Bandar Lampung"

# (kode, nama, jenis, induk, jenis_kop, extra letterhead fields)
UNITS = [
    (
        "PEMPROV",
        "Pemerintah Provinsi Lampung",
        "pemda",
        None,
        "kepala_daerah",
        {"lambang": "garuda"},
    ),
    (
        "SETDA",
        "Sekretariat Daerah Provinsi Lampung",
        "setda",
        "PEMPROV",
        "pemda",
        {"nama_kop": "SEKRETARIAT DAERAH", "telepon": "(0721) 481166", "kode_pos": "35215"},
    ),
    ("ASISTEN-I", "Asisten Pemerintahan dan Kesejahteraan Rakyat", "asisten", "SETDA", "induk", {}),
    ("ASISTEN-II", "Asisten Perekonomian dan Pembangunan", "asisten", "SETDA", "induk", {}),
    ("ASISTEN-III", "Asisten Administrasi Umum", "asisten", "SETDA", "induk", {}),
    ("BIRO-PEMOTDA", "Biro Pemerintahan dan Otonomi Daerah", "biro", "ASISTEN-I", "induk", {}),
    ("BIRO-HUKUM", "Biro Hukum", "biro", "ASISTEN-I", "induk", {}),
    ("BIRO-UMUM", "Biro Umum", "biro", "ASISTEN-III", "induk", {}),
    (
        "BIRO-UMUM-TU",
        "Bagian Tata Usaha Pimpinan dan Kepegawaian",
        "bagian",
        "BIRO-UMUM",
        "induk",
        {},
    ),
    (
        "DISKOMINFOTIK",
        "Dinas Komunikasi, Informatika dan Statistik",
        "dinas",
        "PEMPROV",
        "perangkat_daerah",
        {
            "nama_kop": "DINAS KOMUNIKASI, INFORMATIKA DAN STATISTIK",
            "alamat": "Jalan Wolter Monginsidi Nomor 69, Teluk Betung",
            "telepon": "(0721) 481107",
            "email": "diskominfotik@lampungprov.go.id",
            "website": "diskominfotik.lampungprov.go.id",
            "kode_pos": "35215",
        },
    ),
    (
        "DISKOMINFOTIK-SEKRE",
        "Sekretariat Dinas Kominfotik",
        "sekretariat",
        "DISKOMINFOTIK",
        "induk",
        {},
    ),
    ("DISKOMINFOTIK-APTIKA", "Bidang Aplikasi Informatika", "bidang", "DISKOMINFOTIK", "induk", {}),
    (
        "DISKOMINFOTIK-SANDI",
        "Bidang Persandian dan Statistik",
        "bidang",
        "DISKOMINFOTIK",
        "induk",
        {},
    ),
    (
        "DISDIKBUD",
        "Dinas Pendidikan dan Kebudayaan",
        "dinas",
        "PEMPROV",
        "perangkat_daerah",
        {
            "nama_kop": "DINAS PENDIDIKAN DAN KEBUDAYAAN",
            "alamat": "Jalan Drs. Warsito Nomor 72, Teluk Betung",
            "telepon": "(0721) 482271",
            "email": "disdikbud@lampungprov.go.id",
            "website": "disdikbud.lampungprov.go.id",
            "kode_pos": "35215",
        },
    ),
    (
        "DISDIKBUD-SEKRE",
        "Sekretariat Dinas Pendidikan dan Kebudayaan",
        "sekretariat",
        "DISDIKBUD",
        "induk",
        {},
    ),
    ("DISDIKBUD-SMA", "Bidang Pembinaan SMA", "bidang", "DISDIKBUD", "induk", {}),
]

# Official unit codes printed by {unit} in letter numbers, in the style of Lampung's codes
# (G/155/IV.01/HK/2022, domain.md 3.2). DEMO VALUES, not the region's official list.
DEMO_KODE_RESMI = {
    "SETDA": "II",
    "ASISTEN-I": "II.A1",
    "ASISTEN-II": "II.A2",
    "ASISTEN-III": "II.A3",
    "BIRO-PEMOTDA": "II.01",
    "BIRO-HUKUM": "II.02",
    "BIRO-UMUM": "II.07",
    "BIRO-UMUM-TU": "II.07.1",
    "DISKOMINFOTIK": "V.25",
    "DISKOMINFOTIK-SEKRE": "V.25.1",
    "DISKOMINFOTIK-APTIKA": "V.25.3",
    "DISKOMINFOTIK-SANDI": "V.25.4",
    "DISDIKBUD": "V.01",
    "DISDIKBUD-SEKRE": "V.01.1",
    "DISDIKBUD-SMA": "V.01.3",
}

# key: (nama, unit kode, jenis, eselon, kepala_unit, atasan key, nama_ttd)
POSITIONS = {
    "gub": ("Gubernur Lampung", "PEMPROV", "kepala_daerah", "", True, None, "GUBERNUR LAMPUNG"),
    "wagub": (
        "Wakil Gubernur Lampung",
        "PEMPROV",
        "wakil_kepala_daerah",
        "",
        False,
        "gub",
        "WAKIL GUBERNUR LAMPUNG",
    ),
    "sekda": (
        "Sekretaris Daerah Provinsi Lampung",
        "SETDA",
        "sekda",
        "I.b",
        True,
        "gub",
        "SEKRETARIS DAERAH",
    ),
    "as1": (
        "Asisten Pemerintahan dan Kesejahteraan Rakyat",
        "ASISTEN-I",
        "struktural",
        "II.a",
        True,
        "sekda",
        "",
    ),
    "as2": (
        "Asisten Perekonomian dan Pembangunan",
        "ASISTEN-II",
        "struktural",
        "II.a",
        True,
        "sekda",
        "",
    ),
    "as3": ("Asisten Administrasi Umum", "ASISTEN-III", "struktural", "II.a", True, "sekda", ""),
    "karo_pemotda": (
        "Kepala Biro Pemerintahan dan Otonomi Daerah",
        "BIRO-PEMOTDA",
        "struktural",
        "II.b",
        True,
        "as1",
        "",
    ),
    "karo_hukum": ("Kepala Biro Hukum", "BIRO-HUKUM", "struktural", "II.b", True, "as1", ""),
    "analis_hukum": (
        "Analis Hukum Ahli Muda",
        "BIRO-HUKUM",
        "fungsional",
        "",
        False,
        "karo_hukum",
        "",
    ),
    "karo_umum": ("Kepala Biro Umum", "BIRO-UMUM", "struktural", "II.b", True, "as3", ""),
    "kabag_tu": (
        "Kepala Bagian Tata Usaha Pimpinan dan Kepegawaian",
        "BIRO-UMUM-TU",
        "struktural",
        "III.a",
        True,
        "karo_umum",
        "",
    ),
    "arsiparis": ("Arsiparis Ahli Muda", "BIRO-UMUM-TU", "fungsional", "", False, "kabag_tu", ""),
    "agendaris_umum": (
        "Pengadministrasi Persuratan",
        "BIRO-UMUM-TU",
        "pelaksana",
        "",
        False,
        "kabag_tu",
        "",
    ),
    "pengelola_umum": (
        "Penelaah Teknis Kebijakan",
        "BIRO-UMUM-TU",
        "pelaksana",
        "",
        False,
        "kabag_tu",
        "",
    ),
    "kadis_kominfo": (
        "Kepala Dinas Komunikasi, Informatika dan Statistik",
        "DISKOMINFOTIK",
        "struktural",
        "II.b",
        True,
        "sekda",
        "KEPALA DINAS KOMUNIKASI, INFORMATIKA DAN STATISTIK PROVINSI LAMPUNG",
    ),
    "sekdis_kominfo": (
        "Sekretaris Dinas Komunikasi, Informatika dan Statistik",
        "DISKOMINFOTIK-SEKRE",
        "struktural",
        "III.a",
        True,
        "kadis_kominfo",
        "",
    ),
    "kabid_aptika": (
        "Kepala Bidang Aplikasi Informatika",
        "DISKOMINFOTIK-APTIKA",
        "struktural",
        "III.b",
        True,
        "kadis_kominfo",
        "",
    ),
    "kabid_sandi": (
        "Kepala Bidang Persandian dan Statistik",
        "DISKOMINFOTIK-SANDI",
        "struktural",
        "III.b",
        True,
        "kadis_kominfo",
        "",
    ),
    "prakom_muda": (
        "Pranata Komputer Ahli Muda",
        "DISKOMINFOTIK-APTIKA",
        "fungsional",
        "",
        False,
        "kabid_aptika",
        "",
    ),
    "prakom_pertama": (
        "Pranata Komputer Ahli Pertama",
        "DISKOMINFOTIK-APTIKA",
        "fungsional",
        "",
        False,
        "kabid_aptika",
        "",
    ),
    "staf_aptika": (
        "Pengelola Layanan Aplikasi",
        "DISKOMINFOTIK-APTIKA",
        "pelaksana",
        "",
        False,
        "kabid_aptika",
        "",
    ),
    "statistisi": (
        "Statistisi Ahli Pertama",
        "DISKOMINFOTIK-SANDI",
        "fungsional",
        "",
        False,
        "kabid_sandi",
        "",
    ),
    "agendaris_kominfo": (
        "Pengadministrasi Umum",
        "DISKOMINFOTIK-SEKRE",
        "pelaksana",
        "",
        False,
        "sekdis_kominfo",
        "",
    ),
    "kadis_dik": (
        "Kepala Dinas Pendidikan dan Kebudayaan",
        "DISDIKBUD",
        "struktural",
        "II.b",
        True,
        "sekda",
        "KEPALA DINAS PENDIDIKAN DAN KEBUDAYAAN PROVINSI LAMPUNG",
    ),
    "sekdis_dik": (
        "Sekretaris Dinas Pendidikan dan Kebudayaan",
        "DISDIKBUD-SEKRE",
        "struktural",
        "III.a",
        True,
        "kadis_dik",
        "",
    ),
    "kabid_sma": (
        "Kepala Bidang Pembinaan SMA",
        "DISDIKBUD-SMA",
        "struktural",
        "III.b",
        True,
        "kadis_dik",
        "",
    ),
    "staf_sma": (
        "Analis Kurikulum dan Pembelajaran",
        "DISDIKBUD-SMA",
        "pelaksana",
        "",
        False,
        "kabid_sma",
        "",
    ),
}

# username: (gelar depan, nama, gelar belakang, NIP, pangkat, golongan, position key)
PEOPLE = {
    "gubernur": ("", "Ahmad Rizal Mahendra", "S.E., M.M.", None, "", "", "gub"),
    "wagub": ("Dr. Hj.", "Siti Nurhaliza Putri", "M.Si.", None, "", "", "wagub"),
    "sekda": (
        "Dr. Ir.",
        "Budi Hartono Wibisono",
        "M.Si.",
        "196805121993031005",
        "Pembina Utama Madya",
        "IV/d",
        "sekda",
    ),
    "asisten1": (
        "Drs.",
        "Yusuf Effendi",
        "M.M.",
        "196903151994031004",
        "Pembina Utama Muda",
        "IV/c",
        "as1",
    ),
    "asisten2": (
        "Ir.",
        "Mardiana Sari",
        "M.T.",
        "197004221995032002",
        "Pembina Utama Muda",
        "IV/c",
        "as2",
    ),
    "asisten3": (
        "",
        "Hendra Gunawan",
        "S.H., M.H.",
        "197108171996031003",
        "Pembina Utama Muda",
        "IV/c",
        "as3",
    ),
    "karohukum": (
        "",
        "Rina Kartikasari",
        "S.H., M.Kn.",
        "197512032000032001",
        "Pembina Tingkat I",
        "IV/b",
        "karo_hukum",
    ),
    "analishukum": (
        "",
        "Dimas Prasetyo",
        "S.H.",
        "198806142011011002",
        "Penata",
        "III/c",
        "analis_hukum",
    ),
    "karoumum": (
        "",
        "Zulkarnain",
        "S.Sos., M.M.",
        "197303091998031006",
        "Pembina Tingkat I",
        "IV/b",
        "karo_umum",
    ),
    "kabagtu": (
        "",
        "Ratna Dewi Lestari",
        "S.E.",
        "197809212003122002",
        "Pembina",
        "IV/a",
        "kabag_tu",
    ),
    "arsiparis": (
        "",
        "Nurul Hidayah",
        "S.I.P.",
        "198502172009022003",
        "Penata Tingkat I",
        "III/d",
        "arsiparis",
    ),
    "agendaris": (
        "",
        "Agus Salim",
        "",
        "198907052014021001",
        "Pengatur Tingkat I",
        "II/d",
        "agendaris_umum",
    ),
    "penelaah": (
        "",
        "Maya Anggraini",
        "S.AP.",
        "199203112019032004",
        "Penata Muda",
        "III/a",
        "pengelola_umum",
    ),
    "kadiskominfo": (
        "",
        "Ganjar Jationo",
        "S.Kom., M.T.",
        "197411112000121003",
        "Pembina Tingkat I",
        "IV/b",
        "kadis_kominfo",
    ),
    "sekdiskominfo": (
        "",
        "Fitriani Rahmawati",
        "S.T., M.Kom.",
        "197907072005012004",
        "Pembina",
        "IV/a",
        "sekdis_kominfo",
    ),
    "kabidaptika": (
        "",
        "Rudi Hermawan",
        "S.Kom., M.Cs.",
        "198001252006041007",
        "Penata Tingkat I",
        "III/d",
        "kabid_aptika",
    ),
    "prakommuda": (
        "",
        "Andika Saputra",
        "S.Kom.",
        "198705302010011004",
        "Penata",
        "III/c",
        "prakom_muda",
    ),
    "prakompertama": (
        "",
        "Dewi Permatasari",
        "S.Kom.",
        "199404182020122005",
        "Penata Muda Tingkat I",
        "III/b",
        "prakom_pertama",
    ),
    "stafaptika": (
        "",
        "Bayu Aji Nugroho",
        "A.Md.",
        "199608102022031003",
        "Pengatur",
        "II/c",
        "staf_aptika",
    ),
    "statistisi": (
        "",
        "Putri Ayu Wulandari",
        "S.Si.",
        "199511252020122006",
        "Penata Muda Tingkat I",
        "III/b",
        "statistisi",
    ),
    "agendakominfo": (
        "",
        "Slamet Riyadi",
        "",
        "198302142008011005",
        "Pengatur Tingkat I",
        "II/d",
        "agendaris_kominfo",
    ),
    "sekdisdik": (
        "Dr.",
        "Irwan Saputra",
        "M.Pd.",
        "197606082001121002",
        "Pembina",
        "IV/a",
        "sekdis_dik",
    ),
    "kabidsma": (
        "",
        "Lina Marlina",
        "S.Pd., M.Pd.",
        "197910132005022003",
        "Pembina",
        "IV/a",
        "kabid_sma",
    ),
    "stafsma": (
        "",
        "Eko Prasetyo",
        "S.Pd.",
        "199009092015031002",
        "Penata Muda Tingkat I",
        "III/b",
        "staf_sma",
    ),
}

GROUPS = [
    "Agendaris",
    "Arsiparis",
    "Administrator Unit",
    "Panitia Penilai Arsip",
    "Pejabat Kearsipan",
    "Petugas Pendaftaran",
]
GROUP_MEMBERS = {
    "Agendaris": ["agendaris", "agendakominfo"],
    "Arsiparis": ["arsiparis"],
    "Administrator Unit": ["kabagtu", "sekdiskominfo"],
    "Panitia Penilai Arsip": ["karoumum", "asisten3"],
    "Pejabat Kearsipan": ["kabagtu"],
    # Registration officer for signing certificates (settings.NASKAH_SECOND_FACTOR_GROUPS).
    "Petugas Pendaftaran": ["kabidsandi"],
}

# Role → permissions (app_label.codename); permissions of apps not installed are skipped.
GROUP_PERMISSIONS = {
    "Agendaris": ["penomoran.view_bukunomor"],
    "Arsiparis": ["penomoran.view_bukunomor"],
    "Administrator Unit": [
        "penomoran.view_bukunomor",
        "penomoran.reserve_nomor",
        "penomoran.cancel_nomor",
    ],
    "Petugas Pendaftaran": ["signing.revoke_signercertificate"],
}

# DEMO ONLY, printed by seed_demo: the second factor of the demo accounts that must have one
# (heads of units, who sign; the administrator; the registration officer). Every one of them
# gets a TOTP device with this published secret and the same three recovery codes, so the
# demo and the browser tests can sign in. A real account enrols its own in Naskah.
DEMO_TOTP_SECRET = "NASKAHDEMOTOTPLAMPUNGDEMOSECRETX"  # noqa: S105 - demo data, printed
DEMO_RECOVERY_CODES = ("demopulih01", "demopulih02", "demopulih03")
DEMO_DEVICE_NAME = "Demo TOTP (demo only)"


def demo_totp_key_hex() -> str:
    import base64

    return base64.b32decode(DEMO_TOTP_SECRET).hex()


def demo_second_factor_users() -> list[Pegawai]:
    heads = Pegawai.objects.filter(penugasan__jabatan__kepala_unit=True)
    admins = Pegawai.objects.filter(is_superuser=True)
    officers = Pegawai.objects.filter(groups__name="Petugas Pendaftaran")
    return list((heads | admins | officers).distinct().order_by("username"))


def _demo_second_factor(people: list[Pegawai]) -> int:
    """Give each of `people` the demo TOTP device and recovery codes unless they have a
    TOTP device already (idempotent; an account that enrolled its own keeps it)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    created = 0
    key = demo_totp_key_hex()
    for person in people:
        if TOTPDevice.objects.filter(user=person).exists():
            continue
        TOTPDevice.objects.create(user=person, name=DEMO_DEVICE_NAME, key=key, confirmed=True)
        recovery, _ = StaticDevice.objects.get_or_create(
            user=person, name="recovery", defaults={"confirmed": True}
        )
        StaticToken.objects.bulk_create(
            [StaticToken(device=recovery, token=code) for code in DEMO_RECOVERY_CODES]
        )
        created += 1
    return created


# Example retention values for the demo ONLY: Lampung's JRA is set by Pergub after ANRI
# approval and must be imported by an archivist (docs/klasifikasi.md).
DEMO_JRA = {
    "000.1.2.3": (2, 3, "musnah"),
    "000.1.5": (2, 5, "dinilai_kembali"),
    "100.3.3.1": (5, 10, "permanen"),
    "800.1.11.1": (1, 2, "musnah"),
    "400.14.12": (1, 1, "musnah"),
}
DEMO_JRA_NOTE = "Contoh untuk demo, bukan JRA resmi Provinsi Lampung."


@dataclass
class SeedResult:
    created: int
    logins: list[tuple[str, str, str]]


def _upsert(model, lookup: dict, values: dict):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj.save()
    return obj, False


@transaction.atomic
def demo_seed(*, password: str) -> SeedResult:
    created = 0
    # One hash for every new demo account: hashing 25 passwords separately takes seconds.
    password_hash = make_password(password)
    units: dict[str, UnitKerja] = {}
    for order, (kode, nama, jenis, induk, kop, extra) in enumerate(UNITS):
        values = {
            "nama": nama,
            "jenis": jenis,
            "induk": units.get(induk) if induk else None,
            "jenis_kop": kop,
            "kode_resmi": DEMO_KODE_RESMI.get(kode, ""),
            "urutan": order,
            "kota": KOTA,
            "alamat": extra.get("alamat", ALAMAT_SETDA),
            "website": extra.get("website", "lampungprov.go.id"),
            **{k: v for k, v in extra.items() if k not in {"alamat", "website"}},
        }
        units[kode], new = _upsert(UnitKerja, {"kode": kode}, values)
        created += new

    positions: dict[str, Jabatan] = {}
    for key, (nama, unit, jenis, eselon, head, atasan, nama_ttd) in POSITIONS.items():
        positions[key], new = _upsert(
            Jabatan,
            {"nama": nama, "unit": units[unit]},
            {
                "jenis": jenis,
                "eselon": eselon,
                "kepala_unit": head,
                "atasan": positions.get(atasan) if atasan else None,
                "nama_ttd": nama_ttd,
            },
        )
        created += new

    people: dict[str, Pegawai] = {}
    today = office_today()
    for username, (depan, nama, belakang, nip, pangkat, gol, pos) in PEOPLE.items():
        person = Pegawai.objects.filter(username=username).first()
        if person is None:
            person = Pegawai(username=username, password=password_hash)
            created += 1
        person.gelar_depan, person.nama, person.gelar_belakang = depan, nama, belakang
        person.nip, person.pangkat, person.golongan = nip, pangkat, gol
        person.email = f"{username}@demo.lampungprov.go.id"
        person.full_clean(exclude=["password"])
        person.save()
        people[username] = person
        _, new = _upsert(
            Penugasan,
            {"pegawai": person, "jabatan": positions[pos], "jenis": Penugasan.Jenis.DEFINITIF},
            {
                "mulai": dt.date(2024, 1, 2),
                "selesai": None,
                "nomor_sk": f"821.2/{100 + len(people)}/BKD/2024",
            },
        )
        created += new

    admin = Pegawai.objects.filter(username="admin").first()
    if admin is None:
        admin = Pegawai.objects.create_superuser(
            "admin", password=None, nama="Administrator Sistem"
        )
        Pegawai.objects.filter(pk=admin.pk).update(password=password_hash)
        created += 1

    # Kepala Dinas Pendidikan: vacant, a Plt (the Sekretaris) since the start of last month.
    plt_start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    plt_end = add_months(plt_start, 3) - dt.timedelta(days=1)
    _, new = _upsert(
        Penugasan,
        {
            "pegawai": people["sekdisdik"],
            "jabatan": positions["kadis_dik"],
            "jenis": Penugasan.Jenis.PLT,
        },
        {
            "mulai": plt_start,
            "selesai": plt_end,
            "nomor_sk": "800.1.3.3/PLT/01/BKD/2026",
            # Demo-only path: the seed records its acting officials as already approved.
            # Real ones go through penugasan_create + penugasan_approve (a second admin).
            "status": Penugasan.Status.BERLAKU,
            "diajukan_oleh": admin,
        },
    )
    created += new
    # Kepala Bidang Persandian: holder on leave, Plh by the Kepala Bidang Aplikasi Informatika.
    _, new = _upsert(
        Pegawai,
        {"username": "kabidsandi"},
        {
            "nama": "Teguh Santoso",
            "gelar_belakang": "S.T., M.M.",
            "nip": "197712202003121004",
            "pangkat": "Penata Tingkat I",
            "golongan": "III/d",
            "email": "kabidsandi@demo.lampungprov.go.id",
        },
    )
    sandi = Pegawai.objects.get(username="kabidsandi")
    if new:
        Pegawai.objects.filter(pk=sandi.pk).update(password=password_hash)
        created += 1
    people["kabidsandi"] = sandi
    _, new = _upsert(
        Penugasan,
        {"pegawai": sandi, "jabatan": positions["kabid_sandi"], "jenis": Penugasan.Jenis.DEFINITIF},
        {"mulai": dt.date(2024, 1, 2), "selesai": None, "nomor_sk": "821.2/150/BKD/2024"},
    )
    created += new
    _, new = _upsert(
        Penugasan,
        {
            "pegawai": people["kabidaptika"],
            "jabatan": positions["kabid_sandi"],
            "jenis": Penugasan.Jenis.PLH,
        },
        {
            "mulai": today - dt.timedelta(days=2),
            "selesai": today + dt.timedelta(days=12),
            "nomor_sk": "800.1.11.6/PLH/07/DISKOMINFOTIK/2026",
            "keterangan": "Pejabat definitif sedang cuti tahunan.",
            "status": Penugasan.Status.BERLAKU,  # demo-only path, as for the Plt above
            "diajukan_oleh": admin,
        },
    )
    created += new

    team, new = _upsert(
        TimKerja,
        {
            "nama": "Tim Kerja Transformasi Digital Pemerintahan",
            "unit": units["DISKOMINFOTIK-APTIKA"],
        },
        {
            "ketua": people["prakommuda"],
            "jabatan_pembina": positions["kabid_aptika"],
            "nomor_sk": "800.1.2.2/12/DISKOMINFOTIK/2026",
            "mulai": dt.date(2026, 1, 2),
        },
    )
    created += new
    for username, role in (
        ("prakommuda", "ketua"),
        ("prakompertama", "anggota"),
        ("stafaptika", "anggota"),
        ("penelaah", "anggota"),
    ):
        _, new = _upsert(
            AnggotaTimKerja, {"tim": team, "pegawai": people[username]}, {"peran": role}
        )
        created += new

    for name in GROUPS:
        group, new = Group.objects.get_or_create(name=name)
        created += new
        group.user_set.add(*[people[u] for u in GROUP_MEMBERS[name]])
        for perm in GROUP_PERMISSIONS.get(name, []):
            app_label, codename = perm.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                group.permissions.add(permission)

    created += _demo_second_factor(demo_second_factor_users())

    for kode, (aktif, inaktif, nasib) in DEMO_JRA.items():
        KodeKlasifikasi.objects.filter(kode=kode, skema__aktif=True).update(
            retensi_aktif=aktif,
            retensi_inaktif=inaktif,
            nasib_akhir=nasib,
            keterangan=DEMO_JRA_NOTE,
        )

    if created:
        audit_record(actor=None, action="demo.seed", details={"created": created})

    logins = [("admin", "Administrator Sistem", "Administrator")]
    for username, person in people.items():
        row = person.penugasan.select_related("jabatan").order_by("jenis").first()
        logins.append((username, person.nama_lengkap, row.jabatan.nama if row else ""))
    return SeedResult(created=created, logins=logins)
