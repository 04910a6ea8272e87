"""demo_seed: creates or updates the demo organisation, people, groups, the second factor and the
demo retention schedule (JRA); idempotent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from core.clock import office_today
from core.demo.organisation import (
    ALAMAT_SETDA,
    DEMO_KODE_RESMI,
    GROUP_MEMBERS,
    GROUP_PERMISSIONS,
    GROUPS,
    KOTA,
    PEOPLE,
    POSITIONS,
    UNITS,
)
from core.demo.second_factor import _demo_second_factor, demo_second_factor_users
from core.events import DEMO_SEED
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
        audit_record(actor=None, action=DEMO_SEED, details={"created": created})

    logins = [("admin", "Administrator Sistem", "Administrator")]
    for username, person in people.items():
        row = person.penugasan.select_related("jabatan").order_by("jenis").first()
        logins.append((username, person.nama_lengkap, row.jabatan.nama if row else ""))
    return SeedResult(created=created, logins=logins)
