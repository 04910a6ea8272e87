"""A minimal receiving organisation for trying the exchange between two instances on one
machine (docs/api.md, "Letters between instances"): one agency unit with its head, an
agendaris keeping its incoming register, and an administrator. Safe to run again."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand
from django.db import transaction

from core.clock import office_today
from core.models import Jabatan, Pegawai, Penugasan, UnitKerja


class Command(BaseCommand):
    help = (
        "Create a minimal receiving organisation (a unit, its head, an agendaris, an "
        "administrator) for trying the letter exchange; prints its ids as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", default="Dinas Pendidikan Kota Metro")
        parser.add_argument("--kode", default="DISDIK-METRO")

    def handle(self, *args, **options):
        from django.contrib.auth.models import Group

        from naskah.masuk.demo import AGENDARIS_GROUP, grant_register_permission

        start = office_today() - dt.timedelta(days=1)
        with transaction.atomic():
            unit, _ = UnitKerja.objects.get_or_create(
                kode=options["kode"], defaults={"nama": options["unit"], "jenis": "dinas"}
            )
            head, _ = Jabatan.objects.get_or_create(
                unit=unit,
                kepala_unit=True,
                defaults={"nama": f"Kepala {unit.nama}", "jenis": "struktural"},
            )
            staff, _ = Jabatan.objects.get_or_create(
                unit=unit,
                nama=f"Pengadministrasi Umum {unit.nama}",
                defaults={"jenis": "pelaksana", "atasan": head},
            )
            people = {}
            for username, nama, jabatan in (
                ("kepala", f"Kepala {unit.nama}", head),
                ("agendaris", f"Agendaris {unit.nama}", staff),
            ):
                person = Pegawai.objects.filter(username=username).first()
                if person is None:
                    person = Pegawai.objects.create_user(username=username, nama=nama)
                    person.set_unusable_password()
                    person.save()
                Penugasan.objects.get_or_create(
                    pegawai=person, jabatan=jabatan, defaults={"jenis": "definitif", "mulai": start}
                )
                people[username] = person
            grant_register_permission()
            Group.objects.get(name=AGENDARIS_GROUP).user_set.add(people["agendaris"])
            admin = Pegawai.objects.filter(username="admin").first()
            if admin is None:
                admin = Pegawai.objects.create_superuser(
                    username="admin", password=None, nama="Administrator"
                )
        self.stdout.write(
            json.dumps({"unit_id": unit.pk, "agendaris": "agendaris", "admin": admin.username})
        )
