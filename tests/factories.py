"""factory-boy factories for the organisation model."""

from __future__ import annotations

import datetime as dt

import factory

from core.models import Jabatan, Pegawai, Penugasan, TimKerja, UnitKerja


class PegawaiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pegawai
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"pegawai{n}")
    nama = factory.Sequence(lambda n: f"Pegawai Nomor {n}")
    nip = factory.Sequence(lambda n: f"19800101200501{1 if n % 2 else 2}{n % 1000:03d}")
    pangkat = "Penata"
    golongan = "III/c"
    password = factory.django.Password("rahasia-123")


class UnitKerjaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitKerja

    nama = factory.Sequence(lambda n: f"Unit {n}")
    kode = factory.Sequence(lambda n: f"UNIT{n}")
    jenis = UnitKerja.Jenis.BIDANG

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The test database holds the demo organisation (tests/conftest.py). A test that
        # makes its own unit under a demo unit's code (DISKOMINFOTIK, to read its numbers)
        # gets it: the demo's unit takes another code for that test (rolled back with it).
        kode = kwargs.get("kode")
        if kode:
            model_class.objects.filter(kode=kode).update(kode=f"{kode}-demo")
        return super()._create(model_class, *args, **kwargs)


class JabatanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jabatan

    nama = factory.Sequence(lambda n: f"Jabatan {n}")
    unit = factory.SubFactory(UnitKerjaFactory)
    jenis = Jabatan.Jenis.STRUKTURAL


class PenugasanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Penugasan

    pegawai = factory.SubFactory(PegawaiFactory)
    jabatan = factory.SubFactory(JabatanFactory)
    jenis = Penugasan.Jenis.DEFINITIF
    mulai = dt.date(2024, 1, 1)


class TimKerjaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimKerja

    nama = factory.Sequence(lambda n: f"Tim {n}")
    unit = factory.SubFactory(UnitKerjaFactory)
    ketua = factory.SubFactory(PegawaiFactory)


def registration_officer(username: str = "petugas-pendaftaran"):
    """A member of the registration officer group (approves certificate requests)."""
    from django.conf import settings
    from django.contrib.auth.models import Group

    from core.models import Pegawai

    officer = Pegawai.objects.filter(username=username).first() or PegawaiFactory(
        username=username, nama="Petugas Pendaftaran TTE"
    )
    group, _ = Group.objects.get_or_create(name=settings.NASKAH_REGISTRATION_OFFICER_GROUP)
    group.user_set.add(officer)
    return officer
